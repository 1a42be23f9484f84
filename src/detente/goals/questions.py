"""Which realism question fits a KPI, and the trend check of a level, rate or duration.

A cumulative count where higher is better gets the funnel's realism check (``services``).
Every other KPI gets the trend check (``detente.analysis.trend``): its values are never
added up. The trend is built for the user who asks, from what that user may see, and is
not saved.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from detente.analysis.trend import Point, TrendRefusal, trend_check
from detente.objectives.charts import visible_measurements
from detente.objectives.models import KPI
from detente.records.visibility import AllianceAccess

FUNNEL = "funnel"
TREND = "trend"


def question(kpi: KPI) -> str:
    """The realism question for ``kpi``: the funnel check for a cumulative count where higher
    is better, the trend check for anything else (values that must not be summed)."""
    return FUNNEL if kpi.is_count and not kpi.lower_is_better else TREND


def funnel_refusal(kpi: KPI) -> str | None:
    """Why the funnel check does not apply to ``kpi``, in plain words; None when it does."""
    if question(kpi) == FUNNEL:
        return None
    if kpi.is_count:
        return (
            f"{kpi.name} is a count where lower is better. The realism check asks whether a "
            "count adds up to at least its target, which is the wrong question here; the "
            "trend check below asks whether the values fall to the target by the date."
        )
    return (
        f"{kpi.name} is a {kpi.kind_short}: each period's value "
        "stands on its own and is never added up, so the funnel's realism check does not "
        "apply. The trend check asks whether its values reach the target by the date."
    )


def trend_points(access: AllianceAccess, kpi: KPI, side: Any) -> list[Any]:
    """One side's values of ``kpi`` that the user may see, each at its period's middle."""
    measurements = visible_measurements(access).filter(kpi=kpi, owner_side=side)
    return [
        Point(m.period_start + (m.period_end - m.period_start) / 2, float(m.value))
        for m in measurements.order_by("period_start")
    ]


def run_trend(
    access: AllianceAccess,
    kpi: KPI,
    side: Any,
    *,
    target: float,
    deadline: dt.date,
    confidence: float = 0.8,
) -> dict[str, Any]:
    """The trend check of ``kpi`` on ``side``'s values: the engine's answer, or
    ``{"refused": reason, "needed": n, "have": m}`` when the values cannot say.

    Nothing is saved: the answer is built for this user from what this user may see.
    """
    word = "monthly value" if kpi.frequency == KPI.Frequency.MONTH else "quarterly value"
    points = trend_points(access, kpi, side)
    try:
        result = trend_check(
            points,
            target=target,
            deadline=deadline,
            lower_is_better=kpi.lower_is_better,
            confidence=confidence,
            unit=kpi.unit,
            period_word=word,
            source=f" from {side}",
        )
    except TrendRefusal as refusal:
        return {"refused": refusal.reason, "needed": refusal.needed, "have": refusal.have}
    result["side_id"] = side.pk
    result["side"] = str(side)
    return result
