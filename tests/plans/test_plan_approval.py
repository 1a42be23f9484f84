"""Internal consensus first, for the plan: a side that named colleagues proposes or signs a
plan version only once they approved it, and the other side never learns of it."""

from __future__ import annotations

import json
from typing import Any

from django.urls import reverse

from detente.approvals.models import ApprovalRequest
from detente.audit.models import AuditEntry
from detente.notifications.models import Notification
from detente.plans.models import PlanVersion
from tests.conftest import body, call

NOTE = "Check the Vietnam numbers APPROVAL-NOTE"


def _api(cast: Any, suffix: str) -> str:
    return f"/api/v1/alliances/{cast.alliance.pk}{suffix}"


def _ask(cast: Any, who: str, kind: str, object_id: int, approvers: list[Any]) -> Any:
    payload = {
        "kind": kind,
        "object_id": object_id,
        "approver_ids": [u.pk for u in approvers],
        "note": NOTE,
    }
    return call(cast.api(who), "POST", _api(cast, "/approvals"), payload)


def _answer(cast: Any, who: str, pk: int, decision: str, comment: str = "") -> Any:
    payload = {"decision": decision, "comment": comment}
    return call(cast.api(who), "POST", _api(cast, f"/approvals/{pk}/answer"), payload)


def _propose(cast: Any, who: str) -> Any:
    return call(cast.api(who), "POST", _api(cast, "/plan/versions"), {"summary": "First"})


def _sign(cast: Any, who: str, pk: int) -> Any:
    return call(cast.api(who), "POST", _api(cast, f"/plan/versions/{pk}/sign"), {})


def test_a_side_that_named_approvers_proposes_the_plan_only_after_they_approve(
    cast: Any, plan_world: dict[str, Any]
) -> None:
    plan = plan_world["plan"]
    asked = _ask(cast, "alice", "plan", plan.pk, [cast.rita])
    assert asked.status_code == 201, asked.content
    refused = _propose(cast, "alice")
    assert refused.status_code == 409 and "waiting for Rita" in body(refused)["detail"]
    assert not PlanVersion.objects.exists()

    # On the page the refusal is a message to the person who tried; nothing is proposed.
    page = cast.client("alice").post(reverse("plan_propose", args=[cast.alliance.pk]), follow=True)
    assert "waiting for Rita" in page.content.decode() and not PlanVersion.objects.exists()

    assert _answer(cast, "rita", body(asked)["id"], "approved").status_code == 200
    proposed = _propose(cast, "alice")
    assert proposed.status_code == 201 and body(proposed)["status"] == "proposed"


def test_a_joint_item_changed_after_approval_needs_the_plan_approved_again(
    cast: Any, plan_world: dict[str, Any]
) -> None:
    asked = body(_ask(cast, "alice", "plan", plan_world["plan"].pk, [cast.rita]))
    _answer(cast, "rita", asked["id"], "approved")
    # The other side renames a joint item: what Rita approved is no longer what would go out.
    changed = call(
        cast.api("bob"), "PATCH", _api(cast, f"/plan/items/{plan_world['m2'].pk}"),
        {"title": "Train every driver JOINT"},
    )  # fmt: skip
    assert changed.status_code == 200, changed.content
    refused = _propose(cast, "alice")
    assert refused.status_code == 409 and "changed after" in body(refused)["detail"]
    # Bob's side never asked: it proposes as before.
    assert _propose(cast, "bob").status_code == 201


def test_a_side_that_named_approvers_signs_a_plan_version_only_after_they_approve(
    cast: Any, plan_world: dict[str, Any]
) -> None:
    version = body(_propose(cast, "alice"))
    asked = _ask(cast, "bob", "plan_version", version["id"], [cast.bella])
    assert asked.status_code == 201, asked.content
    refused = _sign(cast, "bob", version["id"])
    assert refused.status_code == 409 and "waiting for Bella" in body(refused)["detail"]
    assert _sign(cast, "alice", version["id"]).status_code == 200  # side A never asked
    _answer(cast, "bella", body(asked)["id"], "changes", "Method 2 needs a date")
    refused = _sign(cast, "bob", version["id"])
    assert refused.status_code == 409 and "asked for changes" in body(refused)["detail"]
    again = _ask(cast, "bob", "plan_version", version["id"], [cast.bella])
    _answer(cast, "bella", body(again)["id"], "approved")
    assert _sign(cast, "bob", version["id"]).status_code == 200
    assert PlanVersion.objects.get(pk=version["id"]).status == "in_force"


def test_the_other_side_sees_nothing_of_a_plan_approval_on_pages_or_in_the_api(
    cast: Any, plan_world: dict[str, Any]
) -> None:
    a = cast.alliance.pk
    asked = body(_ask(cast, "alice", "plan", plan_world["plan"].pk, [cast.rita]))
    # Alice's side sees its request on the plan page.
    assert "Internal approval" in cast.client("alice").get(reverse("plan_home", args=[a])).text
    assert "round 1" in cast.client("alice").get(reverse("plan_home", args=[a])).text
    request = ApprovalRequest.objects.get(pk=asked["id"])
    for who in ("bob", "bella"):
        page = cast.client(who).get(reverse("plan_home", args=[a])).content.decode()
        assert "APPROVAL-NOTE" not in page and "Rita" not in page and "round 1" not in page
        twin = json.dumps(body(cast.api(who).get(_api(cast, "/plan"))))
        assert "APPROVAL-NOTE" not in twin and "approv" not in twin.lower()
        listed = body(cast.api(who).get(_api(cast, "/approvals")))
        assert listed["requests"] == [] and listed["waiting_for_you"] == []
        assert cast.api(who).get(_api(cast, f"/approvals/{request.pk}")).status_code == 404
        assert not Notification.objects.for_user(getattr(cast, who)).filter(
            text__icontains="approv"
        )
    # The version Alice then proposes carries nothing of the approval either.
    _answer(cast, "rita", asked["id"], "approved")
    version = body(_propose(cast, "alice"))
    for who in ("bob", "bella"):
        page = cast.client(who).get(reverse("plan_version", args=[a, version["id"]])).text
        assert "APPROVAL-NOTE" not in page and "Rita" not in page
        twin = json.dumps(body(cast.api(who).get(_api(cast, f"/plan/versions/{version['id']}"))))
        assert "approv" not in twin.lower()
    assert (
        AuditEntry.objects.filter(model="approvals.approvalrequest")
        .exclude(visibility="private")
        .count()
        == 0
    )
