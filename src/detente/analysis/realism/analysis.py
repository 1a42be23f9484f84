"""The whole realism check: back-calculation, probability, realistic alternatives,
reference class and phased plan, as one JSON-ready dictionary."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
from scipy import stats

from . import exact
from . import probability as prob
from .funnel import activity_window, back_calculate, whole
from .inputs import Plan, parse_plan
from .phases import phased_plan
from .reference import reference_class

SHORT_HISTORY_DAYS = 20  # about one working month
MAX_RELATIVE_STDERR = 0.10  # of the mean daily pace
HISTOGRAM_BINS = 30


def default_horizon(plan: Plan) -> dt.date:
    """How far to look for a realistic date: three times the planned span."""
    return plan.start + dt.timedelta(days=3 * ((plan.deadline - plan.start).days + 1) - 1)


def _rate(x: float) -> str:
    """A pace or its spread to two significant figures: 0.052, 0.2, 3.4, 15."""
    if not math.isfinite(x) or x >= 10:
        return f"{x:.0f}"
    return f"{x:.1f}" if x >= 1 else f"{x:.2g}"


def history_warnings(plan: Plan) -> list[str]:
    counts = np.asarray(plan.history, dtype=float)
    m = len(counts)
    mean = counts.mean()
    warnings = []
    if mean == 0:
        short = f" (and {m} days are too few to say)" if m < SHORT_HISTORY_DAYS else ""
        return [f"no activity in {m} working days of history: the pace is zero{short}"]
    stderr = counts.std(ddof=1) / math.sqrt(m) if m > 1 else float("inf")
    relative = stderr / mean
    pace = f"the pace of {_rate(mean)} a day"
    if m < SHORT_HISTORY_DAYS:
        spread = (
            f"{pace} has a standard error of {_rate(stderr)} ({relative:.0%})"
            if m > 1
            else f"{pace} comes from a single day, so its spread is unknown"
        )
        warnings.append(
            f"short history: {m} working days, fewer than the {SHORT_HISTORY_DAYS} needed to "
            f"trust day-to-day variation; {spread}"
        )
    elif relative > MAX_RELATIVE_STDERR:
        warnings.append(
            f"noisy history: {pace} has a standard error of {_rate(stderr)} ({relative:.0%} of "
            f"the mean) over {m} working days"
        )
    days = len(activity_window(plan))
    if days > 3 * m:
        warnings.append(
            f"the plan extrapolates {m} working days of history over {days} working days"
        )
    if plan.activity == "resample" and m < SHORT_HISTORY_DAYS:
        warnings.append(
            "the resample model treats the observed days as the whole truth; with a short "
            "history the bootstrap model (the default) is more honest about uncertainty"
        )
    return warnings


def rate_warnings(plan: Plan) -> list[str]:
    warnings = []
    for stage in plan.conversion:
        if not stage.is_uncertain:
            continue
        assert stage.trials is not None and stage.successes is not None
        failures = stage.trials - stage.successes
        if stage.successes < 5 or failures < 5 or stage.trials < 30:
            low, high = stats.beta.ppf([0.05, 0.95], *stage.beta)
            warnings.append(
                f"the {stage.name} rate rests on {stage.successes} of {stage.trials}; "
                f"90% interval {low:.2f} to {high:.2f}"
            )
    return warnings


def _histogram(outcomes: prob.Outcomes, days: int) -> list[dict[str, Any]]:
    if days <= 0:
        return [{"from": 0, "to": 0, "probability": 1.0}]
    low = prob.realistic_target(outcomes, days, 0.999)
    high = max(prob.realistic_target(outcomes, days, 0.001), low)
    width = max(1, math.ceil((high - low + 1) / HISTOGRAM_BINS))
    edges = np.arange(low, high + width + 1, width)
    survival, _ = outcomes.survival(edges, days)
    return [
        {"from": int(a), "to": int(b) - 1, "probability": float(s - t)}
        for a, b, s, t in zip(edges[:-1], edges[1:], survival[:-1], survival[1:], strict=True)
    ]


def _expected(outcomes: prob.Outcomes, days: int) -> float:
    if outcomes.simulation is not None:
        sim = outcomes.simulation
        return float(np.mean(sim.activity(days) * sim.p))
    return outcomes.distribution(days).mean()


T = TypeVar("T")


def _answer(
    outcomes: prob.Outcomes, question: Callable[[prob.Outcomes], T], what: str, notes: list[str]
) -> T:
    """One search on the exact model within a fresh budget; if the exact model would grow
    too large (a far target makes the pace search scale the activity far up), the whole
    search is answered again by simulation, so one search never mixes two methods."""
    outcomes.budget = exact.Budget()
    try:
        return question(outcomes)
    except exact.TooLargeForExact:
        notes.append(
            f"the {what} comes from simulation (the exact model would be too large there), "
            "so it carries simulation error"
        )
        return question(outcomes.simulated())


def _searches(plan: Plan, outcomes: prob.Outcomes, days: int, notes: list[str]) -> dict[str, Any]:
    """Every question asked of the outcome distribution."""
    confidence = plan.confidence
    probability = outcomes.probability(plan.target, days) if days else (0.0, 0.0)

    def realistic_target(o: prob.Outcomes) -> tuple[int, tuple[float, float]]:
        value = prob.realistic_target(o, days, confidence)
        return value, o.probability(value, days)

    realistic, realistic_p = (
        _answer(outcomes, realistic_target, "realistic target", notes) if days else (0, (1.0, 0.0))
    )

    horizon = plan.horizon or default_horizon(plan)
    horizon_days = len(activity_window(plan, horizon))

    def realistic_date(o: prob.Outcomes) -> tuple[dt.date | None, tuple[float, float] | None]:
        needed = prob.days_needed(o, plan.target, confidence, horizon_days)
        if needed is None:
            return None, None
        all_days = plan.calendar.working_days_from(plan.start, needed)
        return all_days[-1] + dt.timedelta(days=plan.total_lag), o.probability(plan.target, needed)

    date, date_p = _answer(outcomes, realistic_date, "realistic date", notes)
    multiplier = None
    if float(np.mean(plan.history)) > 0:
        multiplier = _answer(
            outcomes,
            lambda o: prob.pace_multiplier_needed(o, plan.target, days, confidence),
            "pace needed",
            notes,
        )
    histogram = _answer(outcomes, lambda o: _histogram(o, days), "histogram", notes)
    return {
        "outcomes": outcomes,
        "probability": probability,
        "realistic": realistic,
        "realistic_p": realistic_p,
        "horizon": horizon,
        "realistic_date": date,
        "date_p": date_p,
        "multiplier": multiplier,
        "expected": _expected(outcomes, days) if days else 0.0,
        "histogram": histogram,
    }


def analyse_plan(plan: Plan, seed: int = 0, progress: bool = False) -> dict[str, Any]:
    window = activity_window(plan)
    days = len(window)
    requirements = back_calculate(plan)
    current_pace = float(np.mean(plan.history))
    required_pace = requirements[0].per_working_day
    warnings = list(plan.notes) + history_warnings(plan) + rate_warnings(plan)
    if days == 0:
        warnings.append(
            f"no working day between start and deadline leaves the {plan.total_lag} days the "
            "stage lags need: nothing started now converts in time"
        )
    found = _searches(plan, prob.build_outcomes(plan, days, seed, progress), days, warnings)
    outcomes = found["outcomes"]
    probability, stderr = found["probability"]
    if outcomes.method == "monte_carlo" and stderr > plan.target_stderr:
        warnings.append(
            f"the simulation stopped at {outcomes.trials} trials with a standard error of "
            f"{stderr:.4f}, above the {plan.target_stderr} asked for"
        )
    confidence = plan.confidence
    realistic, realistic_p = found["realistic"], found["realistic_p"]
    horizon, realistic_date, date_p = found["horizon"], found["realistic_date"], found["date_p"]
    multiplier = found["multiplier"]
    pace_needed = multiplier * current_pace if multiplier is not None else None
    result: dict[str, Any] = {
        "target": plan.target,
        "start": plan.start.isoformat(),
        "deadline": plan.deadline.isoformat(),
        "confidence": confidence,
        "working_days": plan.calendar.count(plan.start, plan.deadline),
        "activity_days": days,
        "last_activity_day": window[-1].isoformat() if window else None,
        "required": [
            {
                "stage": r.stage,
                "rate": float(r.rate) if r.rate is not None else None,
                "total": float(r.total),
                "total_whole": whole(r.total),
                "per_working_day": r.per_working_day,
                "reach_by": r.reach_by.isoformat() if r.reach_by else None,
            }
            for r in requirements
        ],
        "current_pace": current_pace,
        "required_pace": required_pace,
        "gap_ratio": (required_pace / current_pace)
        if current_pace > 0 and required_pace is not None
        else None,
        "history_days": len(plan.history),
        "model": {
            "activity": plan.activity,
            "rates": "Beta(successes + 1, failures + 1) posterior for observed rates",
        },
        "method": outcomes.method,
        "trials": outcomes.trials,
        "probability": probability,
        "probability_stderr": stderr,
        "expected_outcome": found["expected"],
        "outcome_histogram": found["histogram"],
        "realistic_target": realistic,
        "realistic_target_probability": realistic_p[0],
        "realistic_target_stderr": realistic_p[1],
        "realistic_date": realistic_date.isoformat() if realistic_date else None,
        "realistic_date_probability": date_p[0] if date_p else None,
        "horizon": horizon.isoformat(),
        "pace_needed": pace_needed,
        "pace_needed_ratio": multiplier,
        "warnings": warnings,
    }
    if plan.reference_class:
        ref = reference_class(plan.reference_class, plan.reference_kind, confidence)
        if plan.reference_kind == "value":
            ref["adjusted_target"] = math.floor(plan.target * ref["adjustment"] + 1e-9)
        else:
            planned = result["working_days"]
            extended = math.ceil(planned * ref["adjustment"] - 1e-9)
            later = plan.calendar.working_days_from(plan.start, max(extended, 1))
            ref["adjusted_deadline"] = later[-1].isoformat()
        result["reference_class"] = ref
    if plan.phases:
        result["phases"] = phased_plan(plan, outcomes.simulation, seed)
    return result


def analyse(document: Any, seed: int = 0, progress: bool = False) -> dict[str, Any]:
    """Validate a loaded realism document and run the whole check on it."""
    return analyse_plan(parse_plan(document), seed=seed, progress=progress)
