"""Minutes per agenda item and decisions; actions become commitments, all or none."""

from __future__ import annotations

from typing import Any

from detente.audit.models import AuditEntry
from detente.commitments.models import Commitment
from detente.meetings.models import MeetingAction
from tests.conftest import body


def _meeting(cast: Any, call: Any, kind: str = "business_review") -> dict[str, Any]:
    visibility = "private" if kind == "preparation" else "joint"
    answer = call(
        cast.api("alice"),
        "POST",
        f"/api/v1/alliances/{cast.alliance.pk}/meetings",
        {
            "kind": kind,
            "title": "QBR",
            "starts_at": "2026-11-02T09:00:00Z",
            "visibility": visibility,
        },
    )
    return body(answer)


def _url(cast: Any, pk: int, rest: str = "") -> str:
    return f"/api/v1/alliances/{cast.alliance.pk}/meetings/{pk}{rest}"


def test_actions_land_in_the_ledger_with_their_side_and_owner(cast: Any, call: Any) -> None:
    meeting = _meeting(cast, call)
    rows = [
        {"title": "Send the Q1 pipeline", "side_id": cast.side_b.pk, "owner_id": cast.bella.pk,
         "due_date": "2026-12-01"},
        {"title": "Book the joint workshop", "side_id": cast.side_a.pk, "owner_id": cast.alice.pk,
         "due_date": "2026-12-15"},
    ]  # fmt: skip
    answer = call(
        cast.api("alice"), "POST", _url(cast, meeting["id"], "/actions"), {"actions": rows}
    )
    assert answer.status_code == 201, answer.content
    pipeline = Commitment.objects.get(title="Send the Q1 pipeline")
    assert pipeline.owed_by == cast.side_b and pipeline.visibility == "joint"
    assert str(pipeline.due_date) == "2026-12-01"
    assert MeetingAction.objects.get(commitment=pipeline).owner == cast.bella
    assert pipeline.owed_by_person == cast.bella  # named in the ledger, not only the action
    assert [a["owner"] for a in body(answer)["actions"]] == ["Bella", "Alice"]
    assert AuditEntry.objects.filter(model="commitments.commitment", action="create").count() == 2
    # the other side sees the commitments in its ledger
    ledger = cast.api("bob").get(f"/api/v1/alliances/{cast.alliance.pk}/commitments")
    assert "Send the Q1 pipeline" in ledger.content.decode()


def test_one_bad_row_refuses_the_whole_set_naming_the_row_and_field(cast: Any, call: Any) -> None:
    meeting = _meeting(cast, call)
    rows = [
        {"title": "Good row", "side_id": cast.side_a.pk, "owner_id": cast.alice.pk,
         "due_date": "2026-12-01"},
        {"title": "Bad date", "side_id": cast.side_a.pk, "owner_id": cast.alice.pk,
         "due_date": "someday"},
        {"title": "Wrong owner", "side_id": cast.side_a.pk, "owner_id": cast.bob.pk,
         "due_date": "2026-12-01"},
    ]  # fmt: skip
    answer = call(
        cast.api("alice"), "POST", _url(cast, meeting["id"], "/actions"), {"actions": rows}
    )
    assert answer.status_code == 422
    text = answer.content.decode()
    assert "Row 2, due_date" in text and "Row 3, owner" in text
    assert not Commitment.objects.filter(title__in=["Good row", "Bad date", "Wrong owner"]).exists()
    assert not MeetingAction.objects.exists()


def test_the_page_refuses_a_bad_set_and_saves_nothing(cast: Any, call: Any) -> None:
    meeting = _meeting(cast, call)
    page = cast.client("alice").post(
        f"/alliances/{cast.alliance.pk}/meetings/{meeting['id']}/actions/",
        {"action_1_title": "Fine", "action_1_side": cast.side_a.pk, "action_1_owner": cast.alice.pk,
         "action_1_due_date": "2026-12-01", "action_2_title": "No owner",
         "action_2_side": cast.side_b.pk, "action_2_owner": "", "action_2_due_date": "2026-12-01"},
    )  # fmt: skip
    assert page.status_code == 422
    assert "Row 2, owner" in page.content.decode()
    assert not Commitment.objects.filter(title="Fine").exists()


def test_a_preparations_actions_stay_private_to_its_side(cast: Any, call: Any) -> None:
    meeting = _meeting(cast, call, "preparation")
    rows = [{"title": "Prepare our walk-away", "side_id": cast.side_a.pk,
             "owner_id": cast.alice.pk, "due_date": "2026-12-01"}]  # fmt: skip
    answer = call(
        cast.api("alice"), "POST", _url(cast, meeting["id"], "/actions"), {"actions": rows}
    )
    assert answer.status_code == 201
    assert Commitment.objects.get(title="Prepare our walk-away").visibility == "private"
    rows[0]["side_id"] = cast.side_b.pk
    refused = call(
        cast.api("alice"), "POST", _url(cast, meeting["id"], "/actions"), {"actions": rows}
    )
    assert refused.status_code == 422 and "Row 1, side" in refused.content.decode()


def test_minutes_and_decisions_are_saved_per_item_and_audited(cast: Any, call: Any) -> None:
    meeting = _meeting(cast, call)
    added = call(
        cast.api("alice"), "POST", _url(cast, meeting["id"], "/agenda"), {"title": "Pricing"}
    )
    item = body(added)["agenda"][-1]
    answer = call(
        cast.api("alice"),
        "PUT",
        _url(cast, meeting["id"], "/minutes"),
        {
            "minutes": {str(item["id"]): "Agreed to hold prices."},
            "decisions": "Hold prices\nMeet again",
        },
    )
    assert answer.status_code == 200
    data = body(answer)
    assert data["agenda"][-1]["minutes"] == "Agreed to hold prices."
    assert data["decisions"] == ["Hold prices", "Meet again"]
    assert AuditEntry.objects.filter(model="meetings.agendaitem", action="update").exists()


def test_the_organiser_reorders_removes_and_adds_items(cast: Any, call: Any) -> None:
    meeting = _meeting(cast, call)
    api = cast.api("alice")
    for title in ("One", "Two", "Three"):
        data = body(call(api, "POST", _url(cast, meeting["id"], "/agenda"), {"title": title}))
    ids = [i["id"] for i in data["agenda"]]
    reordered = body(
        call(api, "PUT", _url(cast, meeting["id"], "/agenda/order"), {"ids": ids[::-1]})
    )
    assert [i["title"] for i in reordered["agenda"]] == ["Three", "Two", "One"]
    web = cast.client("alice")
    base = f"/alliances/{cast.alliance.pk}/meetings/{meeting['id']}/agenda/"
    moved = web.post(base + f"{ids[0]}/move/", {"direction": "up"}, headers={"HX-Request": "true"})
    assert moved.status_code == 200 and 'id="agenda"' in moved.content.decode()
    assert [i["title"] for i in body(api.get(_url(cast, meeting["id"])))["agenda"]] == [
        "Three",
        "One",
        "Two",
    ]
    web.post(base + f"{ids[1]}/remove/")
    assert [i["title"] for i in body(api.get(_url(cast, meeting["id"])))["agenda"]] == [
        "Three",
        "One",
    ]
    bad = call(api, "PUT", _url(cast, meeting["id"], "/agenda/order"), {"ids": [ids[0]]})
    assert bad.status_code == 422
    # the other side reads the agenda but cannot change it
    assert (
        call(
            cast.api("bob"), "POST", _url(cast, meeting["id"], "/agenda"), {"title": "X"}
        ).status_code
        == 403
    )
