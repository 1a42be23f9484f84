"""Will a KPI's own trend reach its target by a date? For levels, rates and durations.

A level (sites live), a rate (ROI %) or a duration (median triage hours) is never summed:
each period's value stands on its own. The question is whether the line the values follow
gets to the target by the deadline, given how far the values scatter around it.

The model is the ordinary least-squares line through the values, ``y = a + b·t`` with ``t``
in days, and Gaussian scatter of unknown size. The value at the deadline then follows

    (Y₀ − ŷ₀) / (s·√(1 + 1/n + (t₀ − t̄)² / Sₜₜ))  ~  Student t with n − 2 degrees of freedom,

the closed-form prediction interval of a new observation (it is also the exact posterior
predictive under the reference prior p(a, b, σ²) ∝ 1/σ², which the tests simulate). The
probability is that of the good side of the target: ``Y₀ ≥ target`` when higher is better,
``Y₀ ≤ target`` when lower is better.

Pure numpy/scipy; no Django (``tests/test_layering.py``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

# Two values fix a line and leave nothing for the scatter; a third leaves one degree of
# freedom, whose t distribution has no finite variance. Four is the least we answer with.
MIN_POINTS = 4
FEW_POINTS = 8  # below this, the answer carries a "read with care" note


class TrendRefusal(ValueError):
    """The trend cannot answer; ``reason`` says why in plain words."""

    def __init__(self, reason: str, *, needed: int | None = None, have: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.needed = needed
        self.have = have


@dataclass(frozen=True)
class Point:
    day: dt.date  # where the value sits in time (a period's middle)
    value: float


def fit_line(t: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Least squares: intercept, slope, residual standard deviation (n − 2 degrees of freedom)."""
    n = len(t)
    t_bar, y_bar = t.mean(), y.mean()
    s_tt = float(((t - t_bar) ** 2).sum())
    slope = float(((t - t_bar) * (y - y_bar)).sum() / s_tt)
    intercept = float(y_bar - slope * t_bar)
    residuals = y - (intercept + slope * t)
    s = math.sqrt(float((residuals**2).sum()) / (n - 2))
    return {"intercept": intercept, "slope": slope, "s": s, "t_bar": float(t_bar), "s_tt": s_tt}


def trend_check(
    points: list[Point],
    *,
    target: float,
    deadline: dt.date,
    lower_is_better: bool,
    confidence: float = 0.8,
    unit: str = "",
    period_word: str = "value",
    source: str = "",
) -> dict[str, Any]:
    """The chance that the KPI's trend is on the good side of ``target`` at ``deadline``.

    Raises ``TrendRefusal`` with a plain reason when the values cannot say: fewer than
    ``MIN_POINTS`` values, all on one day, or lying exactly on a line (no scatter to judge by).
    ``period_word`` and ``source`` word the refusal: "3 quarterly values from Acme so far".
    """
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie strictly between 0 and 1")
    points = sorted(points, key=lambda p: p.day)
    n = len(points)
    if n < MIN_POINTS:
        more = MIN_POINTS - n
        raise TrendRefusal(
            f"{n} {period_word}{'s' if n != 1 else ''}{source} so far; a trend with its scatter needs at "
            f"least {MIN_POINTS}, so {more} more before this can be answered.",
            needed=MIN_POINTS,
            have=n,
        )
    origin = points[0].day
    t = np.array([(p.day - origin).days for p in points], dtype=float)
    y = np.array([p.value for p in points], dtype=float)
    if np.ptp(t) == 0:
        raise TrendRefusal("Every value is for the same period, so there is no trend to follow.")
    line = fit_line(t, y)
    if line["s"] <= 1e-9 * max(1.0, float(np.abs(y).max())):
        raise TrendRefusal(
            f"The {n} values lie exactly on a line, so they say nothing about how much a value "
            "scatters; no probability can be given from them."
        )
    t0 = float((deadline - origin).days)
    predicted = line["intercept"] + line["slope"] * t0
    dof = n - 2
    spread = line["s"] * math.sqrt(1 + 1 / n + (t0 - line["t_bar"]) ** 2 / line["s_tt"])
    z = (target - predicted) / spread
    probability = float(stats.t.cdf(z, dof) if lower_is_better else stats.t.sf(z, dof))
    q = float(stats.t.ppf(confidence, dof))
    # The value the KPI reaches at the deadline with the chosen confidence: the bound on the
    # good side that the value beats with that probability.
    realistic = predicted + q * spread if lower_is_better else predicted - q * spread
    two_sided = float(stats.t.ppf(0.5 + confidence / 2, dof))
    improving = line["slope"] < 0 if lower_is_better else line["slope"] > 0
    reach_day = None
    if line["slope"] != 0:
        reach_t = (target - line["intercept"]) / line["slope"]
        if improving and reach_t <= 366 * 50:
            reach_day = (origin + dt.timedelta(days=math.ceil(reach_t))).isoformat()
    already = predicted <= target if lower_is_better else predicted >= target
    notes = []
    if n < FEW_POINTS:
        notes.append(
            f"Only {n} values: the band is wide, and one more value can move the answer a lot."
        )
    if t0 - float(t[-1]) > float(np.ptp(t)):
        notes.append(
            "The deadline lies further beyond the last value than the values span; a straight "
            "line may not hold that long."
        )
    per_period = line["slope"] * 30.4375
    return {
        "method": "trend",
        "points": n,
        "degrees_of_freedom": dof,
        "first": points[0].day.isoformat(),
        "last": points[-1].day.isoformat(),
        "target": target,
        "deadline": deadline.isoformat(),
        "lower_is_better": lower_is_better,
        "confidence": confidence,
        "unit": unit,
        "intercept": line["intercept"],
        "slope_per_day": line["slope"],
        "slope_per_month": per_period,
        "improving": improving,
        "residual_sd": line["s"],
        "predicted": predicted,
        "prediction_sd": spread,
        "interval": [predicted - two_sided * spread, predicted + two_sided * spread],
        "probability": probability,
        "realistic_value": realistic,
        "on_track": already,
        "trend_reaches_target_on": reach_day,
        "notes": notes,
        "line": [
            {"day": d.isoformat(), "value": line["intercept"] + line["slope"] * (d - origin).days}
            for d in (points[0].day, deadline)
        ],
        "values": [{"day": p.day.isoformat(), "value": p.value} for p in points],
    }
