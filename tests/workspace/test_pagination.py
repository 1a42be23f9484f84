"""Long lists come a page at a time: the portfolio, the health portfolio, the alert inbox and
the alliances API. Totals cover every alliance; the queries do not grow with their number."""

from __future__ import annotations

import re
import statistics
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from detente.alliances import services
from detente.health import portfolio
from detente.health.models import Answer, Cycle, HealthPlan, Measure, Response
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
