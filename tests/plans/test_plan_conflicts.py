"""Two sides' priorities that pull against each other are flagged from the goal-conflict map,
and a guardrail between their KPIs marks the conflict as held."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from tests.conftest import body

SPEED = [10, 14, 13, 19, 18, 25, 24, 31, 30, 38]
QUALITY = [90, 86, 88, 81, 83, 75, 77, 70, 72, 64]  # falls when speed rises


def _conflicting_world(cast: Any) -> dict[str, Any]:
    from detente.objectives.models import KPI, Measurement, Objective
    from detente.plans.models import Plan, PlanItem

    today = timezone.localdate()
    made: dict[str, Any] = {}
    plan = Plan.objects.create(alliance=cast.alliance, owner_side=cast.side_a, visibility="joint")
    for key, side, values, direction, owner in (
        ("speed", cast.side_a, SPEED, "higher", cast.alice),
        ("quality", cast.side_b, QUALITY, "higher", cast.bob),
    ):
        common = {"alliance": cast.alliance, "owner_side": side, "visibility": "joint"}
        objective = Objective.objects.create(title=f"Objective {key}", scope="side", **common)
        kpi = KPI.objects.create(
            objective=objective, name=key.title(), metric=key, unit="pts", kind="level",
            direction=direction, target=100, deadline=today + timedelta(days=300),
            frequency="month",
        )  # fmt: skip
        for i, value in enumerate(values):
            month = date(2025, 1 + i, 1)
            Measurement.objects.create(kpi=kpi, period=f"{month:%Y-%m}", value=value, **common)
        item = PlanItem.objects.create(
            plan=plan, section="method", title=f"Push {key}", owner=owner, position=1, **common
        )
        item.kpis.add(kpi)
        made[key], made[f"{key}_item"] = kpi, item
    return made


def test_two_sides_methods_whose_kpis_move_against_each_other_are_flagged(cast: Any) -> None:
    _conflicting_world(cast)
    for who in ("alice", "bob"):
        checks = body(cast.api(who).get(f"/api/v1/alliances/{cast.alliance.pk}/plan"))["checks"]
        assert [(c["code"], c["item"], c["other"], c["kpis"]) for c in checks] == [
            ("conflict", "M1", "M2", ["Speed", "Quality"])
        ]
        assert checks[0]["needs_action"]


def test_a_guardrail_between_the_two_kpis_holds_the_conflict(cast: Any) -> None:
    from detente.objectives.models import Guardrail

    made = _conflicting_world(cast)
    Guardrail.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, visibility="joint", kpi=made["speed"],
        counter_kpi=made["quality"], lower=70,
    )  # fmt: skip
    checks = body(cast.api("bob").get(f"/api/v1/alliances/{cast.alliance.pk}/plan"))["checks"]
    assert [(c["code"], c["needs_action"]) for c in checks] == [("guarded_conflict", False)]


def test_a_private_guardrail_of_one_side_does_not_hold_the_conflict_for_the_other(
    cast: Any,
) -> None:
    from detente.objectives.models import Guardrail

    made = _conflicting_world(cast)
    Guardrail.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, visibility="private", kpi=made["speed"],
        counter_kpi=made["quality"], lower=70,
    )  # fmt: skip
    codes = {
        who: [
            c["code"]
            for c in body(cast.api(who).get(f"/api/v1/alliances/{cast.alliance.pk}/plan"))["checks"]
        ]
        for who in ("alice", "bob")
    }
    assert codes == {"alice": ["guarded_conflict"], "bob": ["conflict"]}


def test_methods_of_one_side_are_not_flagged_against_each_other(cast: Any) -> None:
    made = _conflicting_world(cast)
    made["quality_item"].owner_side = cast.side_a
    made["quality_item"].save()
    checks = body(cast.api("alice").get(f"/api/v1/alliances/{cast.alliance.pk}/plan"))["checks"]
    assert checks == []
