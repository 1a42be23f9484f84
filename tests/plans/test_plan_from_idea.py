"""An idea both sides share becomes a numbered priority of the joint plan in one click."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from detente.audit.models import AuditEntry
from detente.plans.models import PlanItem
from detente.records.visibility import get_alliance_access
from detente.vision import present, services
from detente.vision.models import Idea
from tests.conftest import body, call


def _idea(cast: Any, title: str, visibility: str = "joint") -> Idea:
    return Idea.objects.create(
        alliance=cast.alliance, owner_side=cast.side_b, visibility=visibility, title=title,
        description="Both fleets share one charging map.",
    )  # fmt: skip


def _convert(cast: Any, who: str, idea: Idea, choice: Any) -> Any:
    url = f"/api/v1/alliances/{cast.alliance.pk}/vision/ideas/{idea.pk}/convert"
    return call(cast.api(who), "POST", url, {"target": "plan_priority", "choice": choice})


def test_a_shared_idea_becomes_the_last_joint_priority_of_the_plan_with_one_audit_entry(
    cast: Any, plan_world: dict[str, Any]
) -> None:
    plan = plan_world["plan"]
    idea = _idea(cast, "Shared charging map")
    bob = get_alliance_access(cast.bob, cast.alliance.pk)
    target = next(t for t in present.targets(bob) if t.name == "plan_priority")
    assert [c.id for c in target.choices] == [plan.pk]

    answer = _convert(cast, "bob", idea, plan.pk)
    assert answer.status_code == 200, answer.content
    # Three joint methods before it (side A's internal one is not counted): it is M4.
    assert "Priority M4" in body(answer)["converted_label"]
    item = PlanItem.objects.get(title="Shared charging map")
    assert (item.section, item.visibility, item.owner_side) == ("method", "joint", cast.side_b)
    assert item.description == "Both fleets share one charging map."
    assert AuditEntry.objects.filter(model="plans.planitem", object_id=str(item.pk)).count() == 1
    # Both sides read it in the plan, numbered.
    for who in ("alice", "bob"):
        plan_json = body(cast.api(who).get(f"/api/v1/alliances/{cast.alliance.pk}/plan"))
        methods = next(
            s for s in plan_json["sections"] if s["section"] == "method" and s["scope"] == "joint"
        )
        assert [i["label"] for i in methods["items"] if i["title"] == item.title] == ["M4"]
    page = cast.client("bob").get(reverse("vision_home", args=[cast.alliance.pk])).text
    assert "Priority M4" in page


def test_an_okr_plan_takes_the_idea_as_an_objective(cast: Any, plan_world: dict[str, Any]) -> None:
    plan = plan_world["plan"]
    PlanItem.objects.filter(plan=plan).delete()
    plan.format = "okr"
    plan.save()
    assert _convert(cast, "alice", _idea(cast, "Joint fleet"), plan.pk).status_code == 200
    assert PlanItem.objects.get(title="Joint fleet").section == "objective"


def test_an_idea_without_a_plan_is_refused_saying_to_start_the_plan_first(cast: Any) -> None:
    idea = _idea(cast, "Shared charging map")
    entries = AuditEntry.objects.count()
    answer = _convert(cast, "alice", idea, 1)
    assert answer.status_code == 409 and "no joint plan yet" in body(answer)["detail"]
    assert AuditEntry.objects.count() == entries
    idea.refresh_from_db()
    assert idea.converted_to == ""
    alice = get_alliance_access(cast.alice, cast.alliance.pk)
    target = next(t for t in present.targets(alice) if t.name == "plan_priority")
    assert target.choices == []  # no button on the page until there is a plan


def test_a_private_idea_is_refused_and_leaves_the_plan_as_it_was(
    cast: Any, plan_world: dict[str, Any]
) -> None:
    idea = _idea(cast, "Our own plan B-PRIVATE", "private")
    items, entries = PlanItem.objects.count(), AuditEntry.objects.count()
    answer = _convert(cast, "bob", idea, plan_world["plan"].pk)
    assert answer.status_code == 409 and "Share the idea" in body(answer)["detail"]
    assert (PlanItem.objects.count(), AuditEntry.objects.count()) == (items, entries)


def test_a_read_only_member_cannot_make_an_idea_a_priority(
    cast: Any, plan_world: dict[str, Any]
) -> None:
    answer = _convert(cast, "rita", _idea(cast, "Shared charging map"), plan_world["plan"].pk)
    assert answer.status_code == 403
    assert not PlanItem.objects.filter(title="Shared charging map").exists()


def test_a_conversion_to_a_priority_that_fails_half_way_leaves_neither_the_item_nor_the_mark(
    cast: Any, plan_world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    idea = _idea(cast, "Shared charging map")
    access = get_alliance_access(cast.bob, cast.alliance.pk, write=True)
    items, entries = PlanItem.objects.count(), AuditEntry.objects.count()

    def broken_save(self: Idea, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Idea, "save", broken_save)
    with pytest.raises(RuntimeError):
        services.convert(access, idea, "plan_priority", plan_world["plan"].pk)
    monkeypatch.undo()
    assert (PlanItem.objects.count(), AuditEntry.objects.count()) == (items, entries)
    idea.refresh_from_db()
    assert idea.converted_to == "" and idea.status == "new"
