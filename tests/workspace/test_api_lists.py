"""Every API list is a page: ``limit``/``offset`` in, ``{count, next, previous, items}`` out,
in an order that ends on a unique key, counted through the visibility rule.

For a representative set of lists (alerts, timeline, audit, commitments, stakeholders) the
tests page through with small limits and compare the union with the whole visible list,
follow the links, refuse bad bounds and filters by name, show that the other side's private
records change neither the count nor the pages, and that the number of queries stays the
same as the records grow.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from detente.alliances.models import HistoryEntry, Stakeholder
from detente.audit.models import AuditEntry
from detente.commitments.models import Commitment
from detente.decisions.models import Decision
from detente.health.models import Alert
from detente.records.paging import API_LIMIT, MAX_LIMIT

A = "/api/v1/alliances/{a}"
_serial = count()


def _alerts(cast: Any, side: Any, visibility: str, n: int) -> None:
    Alert.objects.bulk_create(
        Alert(
            alliance=cast.alliance,
            owner_side=side,
            visibility=visibility,
            key=f"key-{next(_serial)}",
            period="2026Q1" if i % 2 else "2025Q4",
            measure=f"measure {i % 3}",  # ties on period, severity and measure
            label="a measure",
            rule="drop",
            severity=1 + i % 3,
            evidence="evidence",
            next_step="talk",
        )
        for i in range(n)
    )


def _history(cast: Any, side: Any, visibility: str, n: int) -> None:
    day = timezone.localdate() - timedelta(days=10)
    HistoryEntry.objects.bulk_create(
        HistoryEntry(
            alliance=cast.alliance,
            owner_side=side,
            visibility=visibility,
            date=day - timedelta(days=i % 2),  # many entries on one date
            category="owed",
            title=f"History {next(_serial)}",
        )
        for i in range(n)
    )


def _audit(cast: Any, side: Any, visibility: str, n: int) -> None:
    AuditEntry.objects.bulk_create(
        AuditEntry(
            alliance=cast.alliance,
            owner_side=side,
            visibility=visibility,
            actor=cast.alice if side == cast.side_a else cast.bob,
            action="update",
            model="alliances.historyentry",
            object_id=str(next(_serial)),
            object_repr="an entry",
        )
        for _ in range(n)
    )


def _commitments(cast: Any, side: Any, visibility: str, n: int) -> None:
    due = timezone.localdate() + timedelta(days=30)
    Commitment.objects.bulk_create(
        Commitment(
            alliance=cast.alliance,
            owner_side=side,
            visibility=visibility,
            owed_by=side,
            title=f"Commitment {next(_serial)}",
            due_date=due + timedelta(days=i % 2),  # many on one due date
            status="open" if i % 3 else "done",
            done_on=None if i % 3 else timezone.localdate(),
        )
        for i in range(n)
    )


def _stakeholders(cast: Any, side: Any, visibility: str, n: int) -> None:
    Stakeholder.objects.bulk_create(
        Stakeholder(
            alliance=cast.alliance,
            owner_side=side,
            visibility=visibility,
            name="Same name",  # ties on side, influence and name
            influence=3,
        )
        for _ in range(n)
    )


LISTS: dict[str, Callable[[Any, Any, str, int], None]] = {
    "health/alerts": _alerts,
    "timeline": _history,
    "audit": _audit,
    "commitments": _commitments,
    "stakeholders": _stakeholders,
}


def _key(item: dict[str, Any]) -> Any:
    # Audit entries have no id in the answer: the time, record and kind tell them apart.
    if "id" not in item:
        return (item["at"], item["model"], item["object_id"], item["action"])
    return (item.get("kind"), item["id"])


def _walk(client: Any, url: str, limit: int) -> tuple[list[Any], int]:
    """Every item of the list, following ``next`` from the first page of ``limit``."""
    seen: list[Any] = []
    page = client.get(f"{url}?limit={limit}").json()
    total = page["count"]
    while True:
        seen.extend(_key(i) for i in page["items"])
        if page["next"] is None:
            return seen, total
        page = client.get(page["next"]).json()


@pytest.mark.parametrize("path", list(LISTS))
def test_paging_through_a_list_with_small_limits_gives_every_visible_record_once(
    cast: Any, path: str
) -> None:
    make = LISTS[path]
    make(cast, cast.side_a, "joint", 7)
    make(cast, cast.side_a, "private", 4)
    make(cast, cast.side_b, "private", 5)
    url = A.format(a=cast.alliance.pk) + "/" + path
    client = cast.api("alice")
    whole = client.get(f"{url}?limit={MAX_LIMIT}").json()
    assert whole["next"] is None and whole["previous"] is None
    everything = [_key(i) for i in whole["items"]]
    assert whole["count"] == len(everything) and len(set(everything)) == len(everything)
    for limit in (1, 2, 3, 5):
        seen, total = _walk(client, url, limit)
        assert total == whole["count"]
        assert seen == everything, f"pages of {limit} repeat, skip or reorder records"


def test_the_links_name_the_neighbouring_pages_and_keep_the_filters(cast: Any) -> None:
    _commitments(cast, cast.side_a, "joint", 9)
    url = A.format(a=cast.alliance.pk) + "/commitments"
    client = cast.api("alice")
    first = client.get(url + "?status=open&limit=2").json()
    assert first["previous"] is None
    assert "status=open" in first["next"] and "offset=2" in first["next"]
    middle = client.get(first["next"]).json()
    assert "offset=0" in middle["previous"] and "offset=4" in middle["next"]
    last = client.get(f"{url}?status=open&limit=2&offset={first['count'] - 1}").json()
    assert last["next"] is None and len(last["items"]) == 1
    assert all(item["status"] == "open" for item in first["items"] + middle["items"])
    beyond = client.get(f"{url}?limit=2&offset=1000").json()
    assert beyond["items"] == [] and beyond["next"] is None and beyond["previous"]


def test_a_list_gives_fifty_records_unless_asked(cast: Any) -> None:
    url = A.format(a=cast.alliance.pk) + "/stakeholders"
    the_casts = cast.api("alice").get(url).json()["count"]
    _stakeholders(cast, cast.side_a, "joint", API_LIMIT + 3)
    page = cast.api("alice").get(url).json()
    assert len(page["items"]) == API_LIMIT and page["count"] == the_casts + API_LIMIT + 3


@pytest.mark.parametrize("path", list(LISTS))
@pytest.mark.parametrize(
    ("query", "parameter"),
    [("limit=0", "limit"), (f"limit={MAX_LIMIT + 1}", "limit"), ("offset=-1", "offset"),
     ("limit=many", "limit"), (f"offset={10**30}", "offset")],
)  # fmt: skip
def test_bounds_out_of_range_are_refused_naming_the_parameter(
    cast: Any, path: str, query: str, parameter: str
) -> None:
    answer = cast.api("alice").get(A.format(a=cast.alliance.pk) + f"/{path}?{query}")
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == [parameter]


@pytest.mark.parametrize(
    ("path", "query", "parameter"),
    [
        ("health/alerts", "severity=dire", "severity"),
        ("health/alerts", "status=forgotten", "status"),
        ("health/alerts", "min_severity=9", "min_severity"),
        ("commitments", "status=maybe", "status"),
        ("commitments", "owed_by=999999", "owed_by"),
        ("commitments", "due_before=someday", "due_before"),
        ("stakeholders", "side=999999", "side"),
        ("stakeholders", "visibility=secret", "visibility"),
        ("timeline", "kind=rumour", "kind"),
        ("timeline", "since=yesterday", "since"),
        ("audit", "action=destroy", "action"),
        ("audit", "until=tomorrow", "until"),
        ("conflicts", "status=hot", "status"),
        ("differences", "category=nope", "category"),
        ("goals/milestones", "status=late-ish", "status"),
    ],
)
def test_a_bad_filter_is_refused_naming_it(
    cast: Any, path: str, query: str, parameter: str
) -> None:
    answer = cast.api("alice").get(A.format(a=cast.alliance.pk) + f"/{path}?{query}")
    assert answer.status_code == 422, answer.content
    assert [e["field"] for e in answer.json()["errors"]] == [parameter]


def test_the_filters_narrow_the_list_and_its_count(cast: Any) -> None:
    _alerts(cast, cast.side_a, "joint", 9)
    url = A.format(a=cast.alliance.pk) + "/health/alerts"
    client = cast.api("alice")
    every = client.get(url + f"?limit={MAX_LIMIT}").json()["items"]
    for query, keep in [
        ("severity=alert", lambda a: a["severity"] == "alert"),
        ("period=2026Q1", lambda a: a["period"] == "2026Q1"),
        ("status=open", lambda a: a["status"] == "open"),
        ("min_severity=2", lambda a: a["severity"] in ("warning", "alert")),
    ]:
        page = client.get(f"{url}?{query}&limit={MAX_LIMIT}").json()
        assert page["items"] == [a for a in every if keep(a)], query
        assert page["count"] == len(page["items"])
    timeline = A.format(a=cast.alliance.pk) + "/timeline"
    day = (timezone.localdate() - timedelta(days=2)).isoformat()
    page = client.get(f"{timeline}?since={day}&until={day}").json()
    assert page["count"] >= 1 and {e["date"] for e in page["items"]} == {day}


@pytest.mark.parametrize("path", list(LISTS))
def test_the_other_sides_private_records_change_neither_count_nor_pages(
    cast: Any, path: str
) -> None:
    make = LISTS[path]
    make(cast, cast.side_a, "joint", 4)
    make(cast, cast.side_b, "joint", 3)
    url = A.format(a=cast.alliance.pk) + "/" + path
    bob = cast.api("bob")

    def pages() -> list[Any]:
        return [bob.get(f"{url}?limit=3&offset={o}").json() for o in range(0, 30, 3)]

    before = pages()
    make(cast, cast.side_a, "private", 12)  # side A's private records, old and new dates
    after = pages()
    assert after == before


@pytest.mark.parametrize("path", list(LISTS))
def test_a_page_takes_the_same_number_of_queries_for_5_or_50_records(cast: Any, path: str) -> None:
    make = LISTS[path]
    url = A.format(a=cast.alliance.pk) + "/" + path + "?limit=3"
    client = cast.api("alice")
    make(cast, cast.side_a, "joint", 5)
    client.get(url)  # the token's first use writes its "last used" time
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    make(cast, cast.side_a, "joint", 45)
    make(cast, cast.side_b, "private", 10)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many]


def _list_routes() -> list[tuple[str, set[str]]]:
    from detente.api.v1 import api  # noqa: PLC0415 (the schema needs the URL conf loaded)

    routes = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        get = operations.get("get", {})
        names = {p["name"] for p in get.get("parameters", []) if p["in"] == "query"}
        if {"limit", "offset"} <= names:
            routes.append((path, names))
    return sorted(routes)


def test_every_list_route_of_the_schema_is_a_page(cast: Any) -> None:
    # Found from the schema, so a list added later is checked too (and listed in docs/api.md).
    routes = _list_routes()
    assert len(routes) >= 22
    docs = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
    decision = Decision.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, visibility="joint", title="D"
    )
    client = cast.api("alice")
    for path, names in routes:
        url = path.replace("{alliance_id}", str(cast.alliance.pk)).replace("{pk}", str(decision.pk))
        assert f"`GET {path.removeprefix('/api/v1').replace('{alliance_id}', '{id}')}`" in docs
        every = client.get(url)
        assert every.status_code == 200, (path, every.content)
        assert set(every.json()) == {"count", "next", "previous", "items"}, path
        # The filters every record list shares, with values the list takes.
        sent = {"side": cast.side_a.pk, "visibility": "joint"}
        query = {k: v for k, v in sent.items() if k in names}
        narrowed = client.get(url, {**query, "limit": 1})
        assert narrowed.status_code == 200, (path, narrowed.content)
        assert narrowed.json()["count"] <= every.json()["count"], path
