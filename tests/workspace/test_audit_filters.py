"""The audit page and its JSON twin are paginated and filtered (record kind, action, person,
date range) through one reading function, and the filters never reach past the visibility
rule."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from detente import audit
from detente.audit.models import AuditEntry
from detente.records.audit_reading import PER_PAGE


@pytest.fixture
def busy(cast: Any) -> dict[str, Any]:
    """Seventy changes by Alice to a joint stakeholder of side A, five by Bob to a joint
    signal of side B dated last year, and three by Alice to side A's private stakeholder."""
    joint = cast.records["a_joint_stakeholder"]
    signal = cast.records["b_joint_signal"]
    private = cast.records["a_private_stakeholder"]
    for n in range(70):
        audit.log(cast.alice, "update", joint, before={"title": n}, after={"title": n + 1})
    for n in range(5):
        audit.log(cast.bob, "update", signal, before={"severity": n}, after={"severity": n + 1})
    for n in range(3):
        audit.log(cast.alice, "update", private, before={"notes": "A-PRIVATE"}, after={"n": n})
    last_year = timezone.make_aware(datetime(timezone.localdate().year - 1, 3, 15, 12))
    AuditEntry.objects.filter(model="alliances.signal", object_id=str(signal.pk)).update(
        at=last_year
    )
    return {"joint": joint, "signal": signal, "private": private, "last_year": last_year}


def rows(page: str) -> int:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.count("<tr>")


def visible_total(cast: Any, who: str) -> int:
    response = cast.api(who).get(f"/api/v1/alliances/{cast.alliance.pk}/audit")
    return int(response.json()["count"])


def test_the_audit_page_shows_one_page_at_a_time_with_links_to_the_others(
    cast: Any, busy: Any
) -> None:
    client = cast.client("alice")
    url = f"/alliances/{cast.alliance.pk}/audit/"
    total = visible_total(cast, "alice")
    assert total > PER_PAGE  # the fixture's changes and the cast's own
    first = client.get(url).content.decode()
    assert rows(first) == PER_PAGE
    assert f"Page 1 of {-(-total // PER_PAGE)}" in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    last = client.get(url + "?page=999").content.decode()  # past the end: the last page
    assert rows(last) == total - PER_PAGE * (-(-total // PER_PAGE) - 1)
    assert 'rel="prev"' in last and 'rel="next"' not in last


def test_the_audit_page_filters_by_kind_action_person_and_dates_and_keeps_them_in_its_links(
    cast: Any, busy: Any
) -> None:
    client = cast.client("alice")
    url = f"/alliances/{cast.alliance.pk}/audit/"
    by_bob = client.get(url, {"person": cast.bob.pk, "action": "update"}).content.decode()
    assert rows(by_bob) == 5 and "Signal B-JOINT" in by_bob
    kind = client.get(url, {"kind": "alliances.stakeholder", "action": "update"}).content.decode()
    assert rows(kind) == PER_PAGE and "73 changes" in kind  # 70 joint and 3 private
    assert "kind=alliances.stakeholder&amp;action=update&amp;page=2" in kind
    day = busy["last_year"].date().isoformat()
    dated = client.get(url, {"since": day, "until": day}).content.decode()
    assert rows(dated) == 5
    before = client.get(url, {"until": (busy["last_year"] - timedelta(days=1)).date()})
    assert (
        "0 changes" in before.content.decode() and "Nothing recorded yet" in before.content.decode()
    )


def test_the_audit_api_pages_and_filters_like_the_page(cast: Any, busy: Any) -> None:
    api = cast.api("alice")
    url = f"/api/v1/alliances/{cast.alliance.pk}/audit"
    first = api.get(url, {"limit": 20})
    assert first.status_code == 200 and len(first.json()["items"]) == 20
    assert first.json()["previous"] is None and "offset=20" in first.json()["next"]
    second = api.get(first.json()["next"]).json()
    assert not {json.dumps(e) for e in second["items"]} & {
        json.dumps(e) for e in first.json()["items"]
    }
    by_bob = api.get(url, {"person": cast.bob.pk, "action": "update"}).json()
    assert by_bob["count"] == 5
    assert {e["model"] for e in by_bob["items"]} == {"alliances.signal"}
    day = busy["last_year"].date().isoformat()
    assert api.get(url, {"since": day, "until": day}).json()["count"] == 5
    page = cast.client("alice").get(
        f"/alliances/{cast.alliance.pk}/audit/", {"kind": "alliances.stakeholder"}
    )
    count = re.search(r"(\d+) changes", page.content.decode()).group(1)
    assert api.get(url, {"kind": "alliances.stakeholder"}).json()["count"] == int(count)


def test_the_audit_filters_refuse_bad_input_naming_the_field(cast: Any, busy: Any) -> None:
    url = f"/api/v1/alliances/{cast.alliance.pk}/audit"
    answer = cast.api("alice").get(url, {"since": "2025-05-02", "until": "2025-05-01"})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "until"
    answer = cast.api("alice").get(url, {"action": "explode"})
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "action"
    assert cast.api("alice").get(url, {"limit": 10_000}).status_code == 422
    page = cast.client("alice").get(
        f"/alliances/{cast.alliance.pk}/audit/", {"since": "2025-05-02", "until": "2025-05-01"}
    )
    assert "To: The end of the date range comes before its start." in page.content.decode()


@pytest.mark.parametrize("who", ["bob", "bella"])
def test_filtering_never_reaches_side_a_private_changes(cast: Any, busy: Any, who: str) -> None:
    private_id = str(busy["private"].pk)
    url = f"/api/v1/alliances/{cast.alliance.pk}/audit"
    answer = cast.api(who).get(
        url, {"kind": "alliances.stakeholder", "person": cast.alice.pk, "limit": 500}
    )
    entries = answer.json()["items"]
    assert answer.json()["count"] == len(entries)
    assert entries and private_id not in {e["object_id"] for e in entries}
    assert "A-PRIVATE" not in json.dumps(entries)
    page = cast.client(who).get(
        f"/alliances/{cast.alliance.pk}/audit/",
        {"kind": "alliances.stakeholder", "person": cast.alice.pk},
    )
    assert "A-PRIVATE" not in page.content.decode()
