"""A joint plan on the shared cast: joint items both sides read and each side's internal
items, each private one carrying its side's tag so a test can search every rendering."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone


@pytest.fixture
def plan_world(cast: Any) -> dict[str, Any]:
    from detente.objectives.models import KPI, Objective
    from detente.plans.models import Plan, PlanItem

    today = timezone.localdate()
    plan = Plan.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, visibility="joint", format="v2mom"
    )
    made: dict[str, Any] = {"plan": plan}
    position = 0

    def item(key: str, side: Any, visibility: str, section: str, title: str, **extra: Any) -> Any:
        nonlocal position
        position += 1
        made[key] = PlanItem.objects.create(
            alliance=cast.alliance, owner_side=side, visibility=visibility, plan=plan,
            section=section, position=position, title=title, **extra,
        )  # fmt: skip
        return made[key]

    # Joint methods and side A's internal ones interleaved in the stored order, so a gap would
    # show if the numbering counted what the reader cannot see.
    item("m1", cast.side_a, "joint", "method", "Launch in Vietnam JOINT", owner=cast.alice)
    item("a_m1", cast.side_a, "private", "method", "Pricing floor A-PRIVATE")
    item("m2", cast.side_b, "joint", "method", "Train the drivers JOINT", owner=cast.bob)
    item("b_m1", cast.side_b, "private", "method", "Hiring plan B-PRIVATE")
    item("m3", cast.side_a, "joint", "method", "Open Cambodia JOINT")
    item(
        "me1", cast.side_a, "joint", "measure", "Drivers onboarded JOINT", parent=made["m1"],
        target=5000, due_date=today + timedelta(days=90),
    )  # fmt: skip
    item("ob1", cast.side_b, "joint", "obstacle", "Licences are slow JOINT")
    made["a_m1"].feeds = made["m1"]
    made["a_m1"].save()
    objective = Objective.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, visibility="private",
        title="Objective A-PRIVATE",
    )  # fmt: skip
    made["a_private_kpi"] = KPI.objects.create(
        objective=objective, name="KPI A-PRIVATE", metric="m", unit="drivers", target=10,
        deadline=today + timedelta(days=60),
    )  # fmt: skip
    made["a_m1"].kpis.add(made["a_private_kpi"])
    return made
