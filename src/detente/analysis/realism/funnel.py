"""Back-calculation: what the target demands of every stage, and by when.

Lags are calendar days from entering the previous stage to entering this one. A unit of
activity on working day d therefore reaches the last stage on d + (sum of all lags); it
counts only if that date is on or before the deadline. The activity window is the set of
working days from ``start`` to ``deadline - total lag``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from fractions import Fraction

from .inputs import Plan


@dataclass(frozen=True)
class StageRequirement:
    stage: str
    rate: Fraction | None  # conversion from the previous stage (None for the activity)
    total: Fraction  # exact volume needed, before rounding up
    per_working_day: float | None  # over the working days of the activity window
    reach_by: dt.date | None  # the last date this stage's volume still converts in time


def activity_window(plan: Plan, end: dt.date | None = None) -> list[dt.date]:
    """Working days whose activity still reaches the last stage by ``end`` (the deadline)."""
    end = plan.deadline if end is None else end
    last_useful = end - dt.timedelta(days=plan.total_lag)
    return plan.calendar.working_days(plan.start, last_useful)


def cumulative_lags(plan: Plan) -> list[int]:
    lags, running = [], 0
    for stage in plan.stages:
        running += stage.lag_days
        lags.append(running)
    return lags


def back_calculate(plan: Plan, target: int | None = None) -> list[StageRequirement]:
    """Volumes per stage from the target upwards, with exact fractions (no rounding drift)."""
    target = plan.target if target is None else target
    window = activity_window(plan)
    days = len(window)
    totals = [Fraction(target)]
    for stage in reversed(plan.conversion):
        totals.append(totals[-1] / stage.point_rate)
    totals.reverse()
    lags = cumulative_lags(plan)
    requirements = []
    for i, stage in enumerate(plan.stages):
        reach_by = window[-1] + dt.timedelta(days=lags[i]) if window else None
        requirements.append(
            StageRequirement(
                stage=stage.name,
                rate=None if i == 0 else stage.point_rate,
                total=totals[i],
                per_working_day=float(totals[i]) / days if days else None,
                reach_by=reach_by,
            )
        )
    return requirements


def whole(total: Fraction) -> int:
    """Units are whole: 33 1/3 evaluations means 34 must happen."""
    return math.ceil(total)
