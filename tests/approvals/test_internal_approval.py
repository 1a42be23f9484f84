"""Internal consensus first: a side's named colleagues approve a record before it goes to
the partner; the request and its answers are the side's own business."""

from __future__ import annotations

from typing import Any

from agreement_helpers import complete_content, make_draft

from detente.agreements.models import AgreementVersion
from detente.approvals.models import ApprovalRequest, Approver
from detente.audit.models import AuditEntry
from detente.negotiation.models import SidePreferences
from detente.notifications.models import Notification
from tests.conftest import call


def approvals_api(cast: Any, suffix: str = "") -> str:
    return f"/api/v1/alliances/{cast.alliance.pk}/approvals{suffix}"


def versions_api(cast: Any, pk: int, suffix: str = "") -> str:
    return f"/api/v1/alliances/{cast.alliance.pk}/agreement/versions/{pk}{suffix}"


def ask(
    cast: Any, who: str, kind: str, object_id: int, approvers: list[Any], note: str = ""
) -> Any:
    return call(
        cast.api(who),
        "POST",
        approvals_api(cast),
        {
            "kind": kind,
            "object_id": object_id,
            "approver_ids": [u.pk for u in approvers],
            "note": note,
        },
    )


def answer(cast: Any, who: str, pk: int, decision: str, comment: str = "") -> Any:
    return call(
        cast.api(who),
        "POST",
        approvals_api(cast, f"/{pk}/answer"),
        {"decision": decision, "comment": comment},
    )


def complete_draft(cast: Any, who: str = "alice") -> AgreementVersion:
    return make_draft(cast, who, content=complete_content(cast.side_a, cast.side_b))


def test_a_side_that_names_no_approvers_proposes_as_before(cast: Any) -> None:
    draft = complete_draft(cast)
    r = call(cast.api("alice"), "POST", versions_api(cast, draft.pk, "/propose"))
    assert r.status_code == 200 and r.json()["status"] == "proposed"


def test_a_draft_goes_to_the_partner_only_once_every_named_colleague_approved(cast: Any) -> None:
    draft = complete_draft(cast)
    asked = ask(cast, "alice", "agreement_version", draft.pk, [cast.rita], "Check the exit terms")
    assert asked.status_code == 201, asked.content
    request = asked.json()
    assert request["status"] == "pending" and request["round"] == 1
    assert [a["decision"] for a in request["approvers"]] == ["pending"]

    refused = call(cast.api("alice"), "POST", versions_api(cast, draft.pk, "/propose"))
    assert refused.status_code == 409 and "waiting for Rita" in refused.json()["detail"]

    # Rita asks for changes; a comment is required to say which.
    bare = answer(cast, "rita", request["id"], "changes")
    assert bare.status_code == 422 and "comment" in bare.content.decode()
    changes = answer(cast, "rita", request["id"], "changes", "Notice of 90 days is too short")
    assert changes.status_code == 200 and changes.json()["status"] == "changes"
    refused = call(cast.api("alice"), "POST", versions_api(cast, draft.pk, "/propose"))
    assert refused.status_code == 409 and "asked for changes" in refused.json()["detail"]

    # Alice changes the draft and asks again: a new round, every answer back to waiting.
    content = complete_content(cast.side_a, cast.side_b)
    content["exit"]["notice_days"] = 180
    AgreementVersion.objects.filter(pk=draft.pk).update(content=content)
    again = ask(cast, "alice", "agreement_version", draft.pk, [cast.rita])
    assert again.json()["round"] == 2 and again.json()["approvers"][0]["decision"] == "pending"
    assert again.json()["id"] == request["id"]

    approved = answer(cast, "rita", request["id"], "approved")
    assert approved.json()["status"] == "approved"
    proposed = call(cast.api("alice"), "POST", versions_api(cast, draft.pk, "/propose"))
    assert proposed.status_code == 200 and proposed.json()["status"] == "proposed"


def test_a_draft_changed_after_approval_needs_approval_again(cast: Any) -> None:
    draft = complete_draft(cast)
    request = ask(cast, "alice", "agreement_version", draft.pk, [cast.rita]).json()
    answer(cast, "rita", request["id"], "approved")
    AgreementVersion.objects.filter(pk=draft.pk).update(title="Charter, revised")
    refused = call(cast.api("alice"), "POST", versions_api(cast, draft.pk, "/propose"))
    assert refused.status_code == 409 and "changed after" in refused.json()["detail"]
    assert call(cast.api("alice"), "GET", approvals_api(cast, f"/{request['id']}")).json()[
        "changed_since"
    ]


def test_a_side_may_require_approval_before_it_signs(cast: Any) -> None:
    draft = complete_draft(cast)
    call(cast.api("alice"), "POST", versions_api(cast, draft.pk, "/propose"))
    request = ask(cast, "bob", "agreement_version", draft.pk, [cast.bella]).json()
    refused = call(cast.api("bob"), "POST", versions_api(cast, draft.pk, "/sign"), {})
    assert refused.status_code == 409 and "waiting for Bella" in refused.json()["detail"]
    # Side A never asked: it signs as before.
    assert (
        call(cast.api("alice"), "POST", versions_api(cast, draft.pk, "/sign"), {}).status_code
        == 200
    )
    answer(cast, "bella", request["id"], "approved")
    signed = call(cast.api("bob"), "POST", versions_api(cast, draft.pk, "/sign"), {})
    assert signed.status_code == 200 and signed.json()["status"] == "in_force"


def test_a_side_accepts_a_package_only_once_its_preferences_are_approved(
    cast: Any, round_with_preferences: Any
) -> None:
    rnd = round_with_preferences
    base = f"/api/v1/alliances/{cast.alliance.pk}/negotiation/rounds/{rnd.pk}"
    prefs = SidePreferences.objects.get(round=rnd, owner_side=cast.side_a)
    request = ask(cast, "alice", "negotiation_preferences", prefs.pk, [cast.rita]).json()
    nash = next(
        p for p in call(cast.api("alice"), "GET", base + "/proposals").json()["proposals"]
        if p["key"] == "nash"
    )["package"]  # fmt: skip
    refused = call(cast.api("alice"), "POST", base + "/accept", {"package": nash})
    assert refused.status_code == 409 and "waiting for Rita" in refused.json()["detail"]
    # Side B named nobody: it accepts as before.
    assert call(cast.api("bella"), "POST", base + "/accept", {"package": nash}).status_code == 200
    answer(cast, "rita", request["id"], "approved")
    accepted = call(cast.api("alice"), "POST", base + "/accept", {"package": nash})
    assert accepted.status_code == 200 and accepted.json()["status"] == "agreed"


def test_only_a_named_colleague_answers_and_only_colleagues_are_named(
    cast: Any, nothing_changes: Any
) -> None:
    draft = complete_draft(cast)
    request = ask(cast, "alice", "agreement_version", draft.pk, [cast.rita]).json()
    with nothing_changes():
        assert answer(cast, "alice", request["id"], "approved").status_code == 403
        assert answer(cast, "bob", request["id"], "approved").status_code == 404
        # Bob is on the other side: he cannot be named by side A.
        named_bob = ask(cast, "alice", "agreement_version", draft.pk, [cast.bob])
        assert named_bob.status_code == 422 and "approver_ids" in named_bob.content.decode()
        nobody = ask(cast, "alice", "agreement_version", draft.pk, [])
        assert nobody.status_code == 422
        assert ask(cast, "rita", "agreement_version", draft.pk, [cast.alice]).status_code == 403


def test_the_partner_cannot_see_or_infer_a_pending_approval(cast: Any) -> None:
    draft = complete_draft(cast)
    AgreementVersion.objects.filter(pk=draft.pk).update(visibility="joint")
    before = call(cast.api("bob"), "GET", versions_api(cast, draft.pk)).json()
    request = ask(cast, "alice", "agreement_version", draft.pk, [cast.rita], "Secret worry").json()
    answer(cast, "rita", request["id"], "changes", "Exit terms too soft")
    # The joint record reads the same for the partner; the request is nowhere to be found.
    after = call(cast.api("bob"), "GET", versions_api(cast, draft.pk)).json()
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }
    assert call(cast.api("bob"), "GET", approvals_api(cast, f"/{request['id']}")).status_code == 404
    assert call(cast.api("bob"), "GET", approvals_api(cast)).json() == {
        "waiting_for_you": [],
        "requests": [],
    }
    for who in ("bob", "bella"):
        page = cast.client(who).get(f"/alliances/{cast.alliance.pk}/agreement/{draft.pk}/")
        text = page.content.decode()
        assert page.status_code == 200
        # Side B sees only its own (empty) approval box: nothing of side A's request.
        assert "No colleague has been asked" in text
        assert "Exit terms too soft" not in text and "Secret worry" not in text
        assert "Rita" not in text
    own = cast.client("alice").get(f"/alliances/{cast.alliance.pk}/agreement/{draft.pk}/")
    assert "Exit terms too soft" in own.content.decode()
    # Audit entries and notifications stay on side A.
    entries = AuditEntry.objects.filter(model__startswith="approvals.")
    assert entries.exists() and set(entries.values_list("visibility", flat=True)) == {"private"}
    assert set(entries.values_list("owner_side_id", flat=True)) == {cast.side_a.pk}
    told = Notification.objects.filter(kind="approval")
    assert set(told.values_list("recipient__email", flat=True)) == {
        cast.rita.email,
        cast.alice.email,
    }


def test_each_step_writes_one_audit_entry_per_changed_row(cast: Any) -> None:
    draft = complete_draft(cast)
    start = AuditEntry.objects.count()
    request = ask(cast, "alice", "agreement_version", draft.pk, [cast.rita]).json()
    assert AuditEntry.objects.count() == start + 2  # the request and its one approver
    answer(cast, "rita", request["id"], "approved")
    assert AuditEntry.objects.count() == start + 4  # the answer, and the request's new status
    assert Approver.objects.get().decision == "approved"
    assert ApprovalRequest.objects.get().status == "approved"


def test_the_pages_ask_answer_and_list_what_waits_for_you(cast: Any) -> None:
    draft = complete_draft(cast)
    a = cast.alliance.pk
    ask_url = f"/alliances/{a}/approvals/agreement_version/{draft.pk}/ask/"
    form = cast.client("alice").get(ask_url)
    assert form.status_code == 200 and "Rita" in form.content.decode()
    empty = cast.client("alice").post(ask_url, {"note": "x"})
    assert empty.status_code == 422 and "Name at least one colleague" in empty.content.decode()
    done = cast.client("alice").post(ask_url, {"approvers": [cast.rita.pk], "note": "Please"})
    assert done.status_code == 302
    request = ApprovalRequest.objects.get()
    inbox = cast.client("rita").get(f"/alliances/{a}/approvals/").content.decode()
    assert "Waiting for your approval" in inbox and f"/approvals/{request.pk}/" in inbox
    no_comment = cast.client("rita").post(
        f"/alliances/{a}/approvals/{request.pk}/answer/", {"decision": "changes"}
    )
    assert no_comment.status_code == 422 and "Say what should change" in no_comment.content.decode()
    ok = cast.client("rita").post(
        f"/alliances/{a}/approvals/{request.pk}/answer/", {"decision": "approved"}
    )
    assert ok.status_code == 302
    request.refresh_from_db()
    assert request.status == "approved"
    version_page = cast.client("alice").get(f"/alliances/{a}/agreement/{draft.pk}/")
    assert "Internal approval" in version_page.content.decode()


def test_the_request_page_and_its_json_come_from_one_present_call(
    cast: Any, monkeypatch: Any
) -> None:
    from detente.approvals import present

    draft = complete_draft(cast)
    request = ask(cast, "alice", "agreement_version", draft.pk, [cast.rita], "Look at exit").json()
    calls: list[int] = []
    real = present.detail

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(present, "detail", counted)
    page = cast.client("rita").get(f"/alliances/{cast.alliance.pk}/approvals/{request['id']}/")
    assert page.status_code == 200 and len(calls) == 1 and "Look at exit" in page.content.decode()
    data = cast.api("rita").get(approvals_api(cast, f"/{request['id']}"))
    assert data.status_code == 200 and len(calls) == 2 and data.json()["note"] == "Look at exit"
    assert (
        cast.client("bob")
        .get(f"/alliances/{cast.alliance.pk}/approvals/{request['id']}/")
        .status_code
        == 404
    )


def test_the_round_page_shows_the_sides_own_approval_of_its_preferences_only(
    cast: Any, round_with_preferences: Any
) -> None:
    rnd = round_with_preferences
    prefs = SidePreferences.objects.get(round=rnd, owner_side=cast.side_a)
    ask(cast, "alice", "negotiation_preferences", prefs.pk, [cast.rita], "Walk-away too low?")
    url = f"/alliances/{cast.alliance.pk}/negotiation/rounds/{rnd.pk}/"
    own = cast.client("alice").get(url).content.decode()
    assert "Internal approval" in own and "Walk-away too low?" not in own  # the note: its page
    assert "Waiting" in own
    theirs = cast.client("bob").get(url).content.decode()
    assert "No colleague has been asked" in theirs and "Walk-away too low?" not in theirs
    inbox = cast.client("rita").get(f"/alliances/{cast.alliance.pk}/approvals/").content.decode()
    assert "Negotiation preferences" in inbox
