"""Pages and API lists make the same number of queries for n rows as for 3n rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from detente.alliances import services
from detente.alliances.models import HistoryEntry, Interaction, Signal, Stakeholder
from detente.commitments.models import Commitment
from detente.health.models import Alert, Answer, Cycle, Measure, Response, SurveyInvitation
from detente.records import services as record_services
from detente.records.models import Alliance
from detente.records.visibility import get_alliance_access

N = 4


def add_rows(cast: Any, n: int) -> None:
    """n more of everything on both sides: stakeholders, entries of each kind (interactions
    with participants), audit entries, and alliances in the portfolio."""
    today = timezone.localdate()
    for side, who in ((cast.side_a, cast.alice), (cast.side_b, cast.bob)):
        access = get_alliance_access(who, cast.alliance.pk)
        for i in range(n):
            for visibility in ("joint", "private"):
                common = {"alliance": cast.alliance, "owner_side": side, "visibility": visibility}
                person = Stakeholder.objects.create(name=f"Person {i}", **common)
                HistoryEntry.objects.create(
                    date=today - timedelta(days=i), category="owed", title=f"h{i}", **common
                )
                Signal.objects.create(date=today, kind="other", title=f"s{i}", **common)
                call = Interaction.objects.create(
                    date=today, kind="call", subject=f"Call {i}", **common
                )
                call.participants.add(person)
                record_services.delete_record(
                    access, Stakeholder.objects.create(name="gone", **common)
                )
        add_overdue_commitments(cast.alliance, side, n)
    for i in range(n):
        # Globex is the partner, so these alliances are in Bob's portfolio too.
        alliance = services.create_alliance(
            cast.alice,
            name=f"Alliance {Alliance.objects.count()}-{i}",
            purpose="p",
            kind="alliance",
            start_date=today,
            my_organisation=cast.acme,
            partner_names=["Globex"],
        )
        add_health(alliance)


def add_overdue_commitments(alliance: Alliance, side: Any, n: int) -> None:
    """n overdue commitments a side and visibility, for the overview's overdue list."""
    today = timezone.localdate()
    for i in range(n):
        for visibility in ("joint", "private"):
            Commitment.objects.create(
                alliance=alliance,
                owner_side=side,
                visibility=visibility,
                owed_by=side,
                title=f"Owed {i}",
                due_date=today - timedelta(days=i + 1),
            )


def add_health(alliance: Alliance) -> None:
    """Two answered health checks and an open alert: the portfolio's sparkline and badge."""
    today = timezone.localdate()
    sides = list(alliance.sides.order_by("id"))
    common = {"alliance": alliance, "owner_side": sides[0], "visibility": "joint"}
    measure = Measure.objects.create(key="alignment", label="Alignment", question="?", **common)
    quarter = today.year * 4 + (today.month - 1) // 3
    for back in (1, 0):
        period = f"{(quarter - back) // 4}Q{(quarter - back) % 4 + 1}"
        cycle = Cycle.objects.create(
            period=period, opens_on=today, closes_on=today + timedelta(days=1), **common
        )
        for side in sides:
            for k in range(3):
                mine = {**common, "owner_side": side}
                invitation = SurveyInvitation.objects.create(
                    cycle=cycle, email=f"p{k}-{side.pk}-{period}@example.com", **mine
                )
                response = Response.objects.create(cycle=cycle, invitation=invitation, **mine)
                Answer.objects.create(response=response, measure=measure, value=3 + back)
    Alert.objects.create(
        key=f"alignment-{alliance.pk}",
        period=period,
        measure="alignment",
        label="Alignment",
        rule="fall",
        severity=Alert.Severity.ALERT,
        evidence="fell",
        next_step="talk",
        **common,
    )


def a(cast: Any) -> int:
    return cast.alliance.pk


PAGES: dict[str, Callable[[Any], str]] = {
    "portfolio": lambda c: "/",
    "overview": lambda c: f"/alliances/{a(c)}/",
    "timeline fragment": lambda c: f"/alliances/{a(c)}/?fragment=timeline&visibility=joint",
    "audit": lambda c: f"/alliances/{a(c)}/audit/",
    "search": lambda c: "/search/?q=e",
    "csv export": lambda c: f"/alliances/{a(c)}/timeline.csv",
}
API_LISTS: dict[str, Callable[[Any], str]] = {
    "alliances": lambda c: "/api/v1/alliances",
    "sides": lambda c: f"/api/v1/alliances/{a(c)}/sides",
    "stakeholders": lambda c: f"/api/v1/alliances/{a(c)}/stakeholders",
    "timeline": lambda c: f"/api/v1/alliances/{a(c)}/timeline",
    "interactions": lambda c: f"/api/v1/alliances/{a(c)}/timeline?kind=interaction",
    "audit": lambda c: f"/api/v1/alliances/{a(c)}/audit",
}


def count_queries(request: Callable[[], Any]) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as queries:
        response = request()
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize("page", PAGES)
def test_it_makes_as_many_queries_for_many_rows_as_for_few_on_a_page(cast: Any, page: str) -> None:
    client = cast.client("bob")
    url = PAGES[page](cast)
    add_rows(cast, N)
    client.get(url)  # warm up: session, content types
    few, small = count_queries(lambda: client.get(url))
    add_rows(cast, 2 * N)
    many, large = count_queries(lambda: client.get(url))
    assert len(large.content) > len(small.content)  # more rows were really shown
    assert many == few
    if page == "portfolio":  # the sparklines and alert badges were drawn for every alliance
        assert large.content.count(b"spark-") > small.content.count(b"spark-") > 0
        assert large.content.decode().count("open alert") > small.content.decode().count(
            "open alert"
        )
    if page == "overview":  # and the overdue commitments listed
        assert "Owed 5" in large.content.decode()


@pytest.mark.parametrize("route", API_LISTS)
def test_it_makes_as_many_queries_for_many_rows_as_for_few_in_an_api_list(
    cast: Any, route: str
) -> None:
    client = cast.api("bob")
    url = API_LISTS[route](cast)
    add_rows(cast, N)
    client.get(url)
    few, small = count_queries(lambda: client.get(url))
    add_rows(cast, 2 * N)
    many, large = count_queries(lambda: client.get(url))
    if route != "sides":
        assert len(rows(large)) > len(rows(small))
    assert many == few


def rows(response: Any) -> list[Any]:
    """The records of an API list: a bare list, or the ``items`` of a paginated one."""
    answer = response.json()
    return answer["items"] if isinstance(answer, dict) else answer
