"""The probability of a key result from the realism engine, where the realism check applies.

It applies to a KPI that is a cumulative count where higher is better, with a target, a
date still ahead and values the reader may see. The engine is run on those values (the
reader's own side's ledger first, else the side with the most values), so the answer never
uses a value the reader cannot see. A saved realism check of the KPI, when the reader sees
one, is preferred: it carries the funnel the sides agreed.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.forms import ValidationError
from django.utils import timezone

from detente.analysis.files import InputError
from detente.analysis.realism import analyse
from detente.analysis.realism.calendar import WorkCalendar
from detente.goals import questions
from detente.goals.forms import measurement_history
from detente.goals.services import visible_checks
from detente.objectives.charts import visible_measurements
from detente.objectives.models import KPI
from detente.records.visibility import AllianceAccess


def kpi_probability(access: AllianceAccess, kpi: KPI) -> dict[str, Any]:
    """``{"applies": bool, "probability": float | None, "source": str, "reason": str}``."""
    if questions.question(kpi) != questions.FUNNEL:
        return {"applies": False, "probability": None, "source": "", "reason": (
            f"{kpi.name} is not a count that adds up; the realism check does not apply."
        )}  # fmt: skip
    today = timezone.localdate()
    if kpi.deadline <= today:
        return {"applies": False, "probability": None, "source": "",
                "reason": f"The date of {kpi.name} has passed."}  # fmt: skip
    saved = visible_checks(access).filter(kpi=kpi, deadline__gt=today).first()
    if saved is not None:
        return {"applies": True, "probability": saved.probability, "source": (
            f"realism check of {saved.created_at:%d %b %Y}"
        ), "reason": ""}  # fmt: skip
    values = list(visible_measurements(access).filter(kpi=kpi).order_by("period_start"))
    if not values:
        return {"applies": False, "probability": None, "source": "",
                "reason": f"{kpi.name} has no values yet: report one to see the probability."}  # fmt: skip
    mine = [m for m in values if m.owner_side_id in access.roles]
    if not mine:
        side = Counter(m.owner_side_id for m in values).most_common(1)[0][0]
        mine = [m for m in values if m.owner_side_id == side]
    # As the realism check in the site asks it: the KPI's target, from today to its date, at
    # the pace the values show.
    target = max(1, int(kpi.target))
    calendar = WorkCalendar()
    try:
        counts, note = measurement_history(
            mine, calendar, today, [{"name": kpi.name}], "first", kpi.unit
        )
        result = analyse(
            {
                "target": target,
                "start": today.isoformat(),
                "deadline": kpi.deadline.isoformat(),
                "funnel": [{"name": kpi.name}],
                "history": counts,
                "activity": "poisson",
            }
        )
    except (ValidationError, InputError) as refused:
        message = refused.messages[0] if isinstance(refused, ValidationError) else str(refused)
        return {"applies": False, "probability": None, "source": "", "reason": message}
    return {
        "applies": True,
        "probability": result["probability"],
        "source": f"the realism engine: {target:,} {kpi.unit} by {kpi.deadline:%d %b %Y} at the "
        f"pace of {note}",
        "reason": "",
    }
