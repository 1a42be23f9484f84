"""Long lists come a page at a time: the portfolio, the health portfolio, the alert inbox and
the alliances API. Totals cover every alliance; the queries do not grow with their number."""

from __future__ import annotations

import random
import re
import statistics
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from detente.alliances import services
from detente.health import portfolio
from detente.health.models import (
    Alert,
    AlertAction,
    Answer,
    Cycle,
    HealthPlan,
    Measure,
    Response,
    SurveyInvitation,
)
from detente.health.warning import triage
from detente.records import paging
from detente.records.models import Alliance
from tests.workspace.test_query_counts import add_health


def add_alliances(cast: Any, n: int, status: str = "forming") -> list[Alliance]:
    """n alliances between Acme and Globex (so in Alice's and Bob's portfolios), named to sort
    after the cast's own."""
    made = []
    for _ in range(n):
        alliance = services.create_alliance(
            cast.alice,
            name=f"Zeta {Alliance.objects.count():03d}",
            purpose="p",
            kind="alliance",
            start_date=date(2025, 1, 6),
            my_organisation=cast.acme,
            partner_names=["Globex"],
        )
        Alliance.objects.filter(pk=alliance.pk).update(status=status)
        made.append(alliance)
    return made


def names_on(content: bytes) -> list[str]:
    return re.findall(r"(Zeta \d+|Acme × Globex)", content.decode())


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(paging, "PAGE_SIZE", 3)
    return 3


def test_the_portfolio_shows_a_page_of_alliances_and_counts_them_all(
    cast: Any, small_pages: int
) -> None:
    add_alliances(cast, 4, status="active")
    client = cast.client("bob")
    first = client.get("/")
    second = client.get("/?page=2")
    assert names_on(first.content) == ["Acme × Globex", "Zeta 002", "Zeta 003"]
    assert names_on(second.content) == ["Zeta 004", "Zeta 005"]
    assert b'href="?page=2"' in first.content
    assert b'href="?page=1"' in second.content
    assert "Page 2 of 2 (4–5 of 5)" in second.content.decode()
    # The status chart counts every alliance, not only the page's.
    chart = re.search(r'id="status-data"[^>]*>(.*?)</script>', first.content.decode()).group(1)
    assert '"Active": 4' in chart and '"Forming": 1' in chart


def test_a_page_number_past_the_end_or_not_a_number_gives_a_page_not_an_error(
    cast: Any, small_pages: int
) -> None:
    add_alliances(cast, 4)
    client = cast.client("bob")
    assert names_on(client.get("/?page=99").content) == ["Zeta 004", "Zeta 005"]
    assert names_on(client.get("/?page=x").content)[0] == "Acme × Globex"


def test_the_health_portfolio_ranks_every_alliance_then_pages_and_keeps_the_filters(
    cast: Any, small_pages: int
) -> None:
    add_alliances(cast, 4, status="active")
    client = cast.client("bob")
    first = client.get("/health/portfolio/?status=active")
    second = client.get("/health/portfolio/?status=active&page=2")
    assert names_on(first.content) + names_on(second.content) == [
        "Zeta 002",
        "Zeta 003",
        "Zeta 004",
        "Zeta 005",
    ]
    assert b'href="?status=active&amp;page=2"' in first.content


def test_the_portfolio_makes_as_many_queries_for_many_alliances_as_for_a_page(
    cast: Any, small_pages: int
) -> None:
    client = cast.client("bob")
    for alliance in add_alliances(cast, 3):
        add_health(alliance)
    client.get("/")

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = {url: queries(url) for url in ("/", "/health/portfolio/", "/health/alerts/")}
    for alliance in add_alliances(cast, 9):
        add_health(alliance)
    assert {url: queries(url) for url in few} == few


def test_the_alliances_api_answers_a_page_with_the_total_and_links(cast: Any) -> None:
    add_alliances(cast, 4)
    api = cast.api("bob")
    first = api.get("/api/v1/alliances?limit=2").json()
    assert first["count"] == 5
    assert [a["name"] for a in first["items"]] == ["Acme × Globex", "Zeta 002"]
    assert first["previous"] is None
    assert first["next"].endswith("/api/v1/alliances?limit=2&offset=2")
    last = api.get("/api/v1/alliances?limit=2&offset=4").json()
    assert [a["name"] for a in last["items"]] == ["Zeta 005"]
    assert last["next"] is None
    assert last["previous"].endswith("?limit=2&offset=2")
    assert len(api.get("/api/v1/alliances").json()["items"]) == 5  # default page: 50


def test_the_alliances_api_refuses_a_limit_out_of_bounds_naming_the_field(cast: Any) -> None:
    api = cast.api("bob")
    for query in (f"limit={paging.MAX_LIMIT + 1}", "limit=0", "offset=-1"):
        response = api.get(f"/api/v1/alliances?{query}")
        assert response.status_code == 422
        assert query.split("=")[0] in response.content.decode()


def test_the_openapi_schema_documents_the_page_of_alliances(cast: Any) -> None:
    schema = cast.api("bob").get("/api/v1/openapi.json").json()
    route = schema["paths"]["/api/v1/alliances"]["get"]
    assert {p["name"] for p in route["parameters"]} >= {"limit", "offset"}
    answer = route["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    page = schema["components"]["schemas"][answer.rsplit("/", 1)[1]]
    assert set(page["properties"]) == {"count", "next", "previous", "items"}


def test_the_sparklines_equal_the_mean_of_every_shown_answer(cast: Any) -> None:
    """The SQL sums against the rule written out: per cycle, the mean of the alignment
    answers of the sides with at least N answers."""
    plan_n = 3
    HealthPlan.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, visibility="joint", min_answers=plan_n
    )
    add_health(cast.alliance)
    measure = Measure.objects.get(alliance=cast.alliance, key="alignment")
    # A side of the latest cycle with too few answers (2 < 3) is left out of its mean.
    cycle = Cycle.objects.filter(alliance=cast.alliance).order_by("opens_on", "id").last()
    Answer.objects.filter(response__cycle=cycle, response__owner_side=cast.side_b).update(value=1)
    Response.objects.filter(cycle=cycle, owner_side=cast.side_b).first().delete()
    Answer.objects.filter(response__cycle=cycle, response__owner_side=cast.side_a).update(value=4.5)
    health = portfolio.summaries(cast.bob, [cast.alliance])[cast.alliance.pk]
    expected = []
    for c in Cycle.objects.filter(alliance=cast.alliance).order_by("opens_on", "id"):
        shown = []
        for side in (cast.side_a, cast.side_b):
            values = list(
                Answer.objects.filter(
                    response__cycle=c, response__owner_side=side, measure=measure
                ).values_list("value", flat=True)
            )
            if len(values) >= plan_n:
                shown += values
        expected.append(round(statistics.fmean(shown), 2) if shown else None)
    assert health.alignment == expected
    assert expected[-1] == 4.5  # the side with two answers was left out


# The ranking in SQL against the ranking in Python ------------------------------------------


def vary(cast: Any, alliances: list[Alliance], seed: int = 14) -> None:
    """A varied workspace: alignment answers per side (some sides under N), private cycles
    and responses, joint and private alerts of every severity in recent and old periods, and
    acknowledgements and snoozes (running and over) by each side."""
    rng = random.Random(seed)
    today = timezone.localdate()
    quarter = today.year * 4 + (today.month - 1) // 3
    label = lambda back: f"{(quarter - back) // 4}Q{(quarter - back) % 4 + 1}"  # noqa: E731
    people = {cast.side_a.pk: cast.alice, cast.side_b.pk: cast.bob}
    for n, alliance in enumerate(alliances):
        sides = list(alliance.sides.order_by("id"))
        joint = {"alliance": alliance, "owner_side": sides[0], "visibility": "joint"}
        if n % 3 == 0:
            HealthPlan.objects.create(min_answers=rng.choice([1, 2, 3]), **joint)
        if n % 5 != 4:  # some alliances have no health check at all
            measure = Measure.objects.create(
                key="alignment", label="Alignment", question="?", **joint
            )
            for back in rng.sample(range(10), rng.choice([1, 2, 9])):
                private = rng.random() < 0.25
                owner = rng.choice(sides)
                cycle = Cycle.objects.create(
                    period=label(back),
                    opens_on=today - timedelta(days=91 * back),
                    closes_on=today - timedelta(days=91 * back - 30),
                    alliance=alliance,
                    owner_side=owner,
                    visibility="private" if private else "joint",
                )
                for side in sides:
                    for k in range(rng.choice([0, 1, 2, 3, 4])):
                        mine = {
                            "alliance": alliance,
                            "owner_side": side,
                            "visibility": "private" if rng.random() < 0.2 else "joint",
                        }
                        invitation = SurveyInvitation.objects.create(
                            cycle=cycle, email=f"p{k}-{side.pk}-{cycle.pk}@example.com", **mine
                        )
                        response = Response.objects.create(
                            cycle=cycle, invitation=invitation, **mine
                        )
                        Answer.objects.create(
                            response=response, measure=measure, value=rng.choice([1, 2, 3, 4, 5])
                        )
        for k in range(rng.choice([0, 1, 3, 5])):
            owner = rng.choice(sides)
            alert = Alert.objects.create(
                key=f"k{k}",
                period=label(rng.choice([0, 0, 1, 2, -1])),
                measure="alignment",
                label="Alignment",
                rule="fall",
                severity=rng.choice([1, 2, 2, 3]),
                evidence="fell",
                next_step="talk",
                alliance=alliance,
                owner_side=owner,
                visibility="private" if rng.random() < 0.3 else "joint",
            )
            for side in sides:
                if rng.random() < 0.3 and side.pk in people:
                    kind = rng.choice(["ack", "snooze", "snooze"])
                    until = today + timedelta(days=rng.choice([-3, 0, 5]))
                    AlertAction.objects.create(
                        alert=alert,
                        kind=kind,
                        reason="r",
                        snoozed_until=until if kind == "snooze" else None,
                        alliance=alliance,
                        owner_side=side,
                        visibility="private",
                        created_by=people[side.pk],
                    )


def this_quarter() -> str:
    today = timezone.localdate()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def python_rank(user: Any, filters: portfolio.Filters | None = None) -> list[int]:
    alliances = list(Alliance.objects.for_user(user))
    return [
        r["alliance"].pk for r in portfolio.rank(user, alliances, filters or portfolio.Filters())
    ]


@pytest.fixture
def varied(cast: Any) -> list[Alliance]:
    made = add_alliances(cast, 14, status="active") + add_alliances(cast, 6, status="at_risk")
    vary(cast, [cast.alliance, *made])
    return made


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_the_sql_ranking_orders_alliances_as_the_python_ranking_does(
    cast: Any, varied: list[Alliance], who: str
) -> None:
    user = getattr(cast, who)
    assert portfolio.ranked(user) == python_rank(user)
    for query in ({"status": "at_risk"}, {"severity": "3"}, {"q": "zeta 01"}, {"severity": "2"}):
        filters = portfolio.Filters.from_query(query)
        assert portfolio.ranked(user, filters) == python_rank(user, filters), query


def test_the_sql_triage_keeps_the_alerts_triage_calls_open(
    cast: Any, varied: list[Alliance]
) -> None:
    for user in (cast.alice, cast.bob):
        alerts = list(Alert.objects.visible_to(user))
        status = triage(user, alerts)
        expected = {a.pk for a in alerts if status[a.pk].status == "open"}
        assert (
            set(portfolio.still_open(user, Alert.objects.all()).values_list("pk", flat=True))
            & {a.pk for a in alerts}
            == expected
        )


def test_the_other_side_cannot_move_bobs_ranking_with_private_alerts_or_its_triage(
    cast: Any, varied: list[Alliance]
) -> None:
    before = portfolio.ranked(cast.bob)
    page_before = names_on(cast.client("bob").get("/health/portfolio/").content)
    last = Alliance.objects.get(pk=before[-1])
    Alert.objects.create(
        key="a-secret",
        period=this_quarter(),
        measure="alignment",
        label="Alignment",
        rule="fall",
        severity=Alert.Severity.ALERT,
        evidence="A-PRIVATE",
        next_step="talk",
        alliance=last,
        owner_side=last.sides.order_by("id").first(),
        visibility="private",
    )
    for alert in Alert.objects.visible_to(cast.alice).filter(visibility="joint"):
        AlertAction.objects.create(
            alert=alert,
            kind="ack",
            reason="A's triage",
            alliance=alert.alliance,
            owner_side=alert.alliance.sides.order_by("id").first(),
            visibility="private",
            created_by=cast.alice,
        )
    assert portfolio.ranked(cast.alice) == python_rank(cast.alice)  # Alice's own order moved
    assert portfolio.ranked(cast.bob) == before
    assert names_on(cast.client("bob").get("/health/portfolio/").content) == page_before


def test_the_portfolio_filters_and_sorts_on_the_server_and_keeps_them_in_the_links(
    cast: Any, small_pages: int
) -> None:
    add_alliances(cast, 4, status="active")
    add_alliances(cast, 2, status="at_risk")
    client = cast.client("bob")
    paused = client.get("/?status=at_risk")
    assert names_on(paused.content) == ["Zeta 006", "Zeta 007"]
    assert names_on(client.get("/?q=zeta+00&status=active").content) == [
        "Zeta 002",
        "Zeta 003",
        "Zeta 004",
    ]
    first = client.get("/?q=zeta&sort=name")
    assert b'href="?q=zeta&amp;sort=name&amp;page=2"' in first.content
    assert b'<label for="pf-q">' in first.content
    by_risk = names_on(client.get("/?sort=risk").content)
    assert len(by_risk) == 3
    ranked_names = [Alliance.objects.get(pk=pk).name for pk in portfolio.ranked(cast.bob)][:3]
    assert by_risk == ranked_names


def test_the_alert_inbox_filters_by_severity_status_and_name(
    cast: Any, varied: list[Alliance]
) -> None:
    client = cast.client("bob")
    shown = client.get("/health/alerts/?show=all&severity=3&status=at_risk").content.decode()
    visible = Alert.objects.visible_to(cast.bob).filter(severity=3, alliance__status="at_risk")
    for alert in Alert.objects.visible_to(cast.bob).exclude(pk__in=visible):
        assert f'alert-{alert.pk}"' not in shown
    for alert in visible[: paging.PAGE_SIZE]:
        assert f'alert-{alert.pk}"' in shown
    assert client.get("/health/alerts/?q=nothing-like-this").status_code == 200


def test_the_filtered_pages_make_as_many_queries_for_many_alliances_as_for_few(
    cast: Any, small_pages: int
) -> None:
    client = cast.client("bob")
    vary(cast, add_alliances(cast, 3, status="active"), seed=1)
    urls = (
        "/?sort=risk",
        "/?sort=activity&status=active",
        "/?q=zeta",
        "/health/portfolio/?q=zeta&severity=2",
        "/health/alerts/?show=all&severity=2&q=zeta",
    )
    for url in urls:
        client.get(url)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = {url: queries(url) for url in urls}
    vary(cast, add_alliances(cast, 9, status="active"), seed=2)
    assert {url: queries(url) for url in urls} == few


def test_the_alliances_api_filters_and_sorts_as_the_portfolio_does(cast: Any) -> None:
    add_alliances(cast, 3, status="active")
    add_alliances(cast, 2, status="at_risk")
    api = cast.api("bob")
    at_risk = api.get("/api/v1/alliances?status=at_risk&limit=1").json()
    assert at_risk["count"] == 2
    assert [a["name"] for a in at_risk["items"]] == ["Zeta 005"]
    assert at_risk["next"].endswith("?status=at_risk&limit=1&offset=1")
    named = api.get("/api/v1/alliances?q=zeta+00&status=active").json()
    assert [a["name"] for a in named["items"]] == ["Zeta 002", "Zeta 003", "Zeta 004"]
    by_activity = api.get("/api/v1/alliances?sort=activity").json()
    assert by_activity["count"] == 6
    for query in ("status=nonsense", "sort=nonsense"):
        response = api.get(f"/api/v1/alliances?{query}")
        assert response.status_code == 422
        assert query.split("=")[0] in response.content.decode()
