"""An idea of the vision page becomes a priority of the joint plan, in one click.

Registered with the vision app's conversion registry from ``PlansConfig.ready()``: this app
imports the vision app, never the reverse.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from detente.plans import services
from detente.plans.models import SHORT, Plan, Section
from detente.records.visibility import AllianceAccess
from detente.vision.conversions import Converted, Refused, conversion

NO_PLAN = (
    "This alliance has no joint plan yet: start one on the Plan tab, then make the idea a priority."
)


def _plans(access: AllianceAccess, idea: Any) -> list[tuple[int, str]]:
    if not access.can_write:
        return []
    return [(p.pk, p.title) for p in access.records(Plan)]


@conversion("plan_priority", label="Make it a plan priority", choices=_plans)
def to_plan_priority(access: AllianceAccess, idea: Any, choice: Any) -> Converted:
    plan = access.records(Plan).filter(pk=choice).first() if str(choice).isdigit() else None
    if plan is None:
        if not access.records(Plan).exists():
            raise Refused(NO_PLAN)
        raise Refused("Choose the alliance's joint plan.")
    try:
        item, number = services.add_priority(
            access, plan, title=idea.title, description=idea.description
        )
    except PermissionDenied as exc:
        raise Refused(str(exc)) from None
    return Converted(
        f"Priority {SHORT[Section(item.section)]}{number} of the plan '{plan}'",
        item.pk,
        "plan_home",
        (),
    )
