"""Phased milestone plans: a target split into phases in sequence (periods, or markets one
after another), each phase ending in a cumulative milestone.

Phase j runs on its own working days; its activity is today's pace times ramp ** j (ramp
given, or estimated from the trend of the history). Milestone k is the cumulative target
of phases 1..k, due at the end of phase k; activity counts towards it when it converts by
that date (stage lags included). The plan proposed keeps the phases' shares and scales the
total down until every milestone is met with at least the chosen confidence.

Milestones are always simulated: with a ramp the activity total is a sum of differently
scaled pieces, which has no convenient exact distribution for every model.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from .inputs import Plan
from .simulate import Simulation, tail

PHASE_TRIALS = 20_000


def ramp_from_history(history: tuple[int, ...], phase_days: float) -> float:
    """Pace multiplier between consecutive phases implied by the history's linear trend:
    the least-squares slope per working day, relative to the mean, over one phase."""
    counts = np.asarray(history, dtype=float)
    if len(counts) < 3 or counts.mean() == 0:
        return 1.0
    slope = np.polyfit(np.arange(len(counts)), counts, 1)[0]
    return max(0.05, 1.0 + slope / counts.mean() * phase_days)


def _phase_bounds(plan: Plan, days: list[dt.date]) -> list[int]:
    """Index (exclusive) of each phase's last working day within ``days``."""
    bounds, cumulative = [], 0.0
    for phase in plan.phases:
        cumulative += phase.share
        if phase.end is not None:
            bounds.append(sum(1 for d in days if d <= phase.end))
        else:
            bounds.append(round(len(days) * cumulative))
    bounds[-1] = len(days)
    return bounds


def phased_plan(plan: Plan, simulation: Simulation | None, seed: int) -> dict:
    if simulation is None or simulation.trials < PHASE_TRIALS:
        # Reuse the main simulation when it is large enough; the pilot alone (when the
        # target is hopeless the probability needs no more trials) is too coarse here.
        simulation = Simulation(
            plan.activity, np.asarray(plan.history), plan.conversion, PHASE_TRIALS, seed
        )
    days = plan.calendar.working_days(plan.start, plan.deadline)
    bounds = _phase_bounds(plan, days)
    if plan.ramp == "history":
        ramp = ramp_from_history(plan.history, len(days) / len(plan.phases))
        source = "history"
    else:
        ramp = float(plan.ramp)
        source = "given"
    lag = dt.timedelta(days=plan.total_lag)
    ends = [days[b - 1] if b > 0 else plan.start for b in bounds]
    ends[-1] = plan.deadline
    # Activity days whose conversions land by each milestone's date.
    useful = [sum(1 for d in days if d + lag <= end) for end in ends]
    cumulative_shares = np.cumsum([p.share for p in plan.phases])

    def activity_by(k: int) -> np.ndarray:
        total = np.zeros(simulation.trials, dtype=np.int64)
        first = 0
        for j, last in enumerate(bounds):
            stop = min(last, useful[k])
            if stop > first:
                piece = simulation.activity(stop) - simulation.activity(first)
                total += np.floor(piece * ramp**j + 1e-9).astype(np.int64)
            first = last
        return total

    activity = [activity_by(k) for k in range(len(plan.phases))]

    def milestones_for(total: int) -> list[int]:
        marks = [round(total * s) for s in cumulative_shares]
        marks[-1] = total
        return marks

    def probabilities(marks: list[int]) -> list[tuple[float, float]]:
        out = []
        for n, mark in zip(activity, marks, strict=True):
            values = tail(np.array(mark), n, simulation.p)
            out.append((float(values.mean()), float(values.std(ddof=1) / math.sqrt(len(n)))))
        return out

    def all_met(marks: list[int]) -> tuple[float, float]:
        # Nested draws: each milestone's count adds the new activity's conversions.
        rng = np.random.default_rng(seed + 1)
        reached = np.zeros(simulation.trials, dtype=np.int64)
        ok = np.ones(simulation.trials, dtype=bool)
        previous = np.zeros(simulation.trials, dtype=np.int64)
        for n, mark in zip(activity, marks, strict=True):
            reached += rng.binomial(np.maximum(n - previous, 0), simulation.p)
            previous = np.maximum(previous, n)
            ok &= reached >= mark
        share = float(ok.mean())
        return share, math.sqrt(share * (1 - share) / simulation.trials)

    def describe(marks: list[int]) -> list[dict]:
        rows = []
        for k, (phase, mark, (prob, se)) in enumerate(
            zip(plan.phases, marks, probabilities(marks), strict=True)
        ):
            rows.append(
                {
                    "phase": phase.name,
                    "share": phase.share,
                    "end": ends[k].isoformat(),
                    "working_days": bounds[k] - (bounds[k - 1] if k else 0),
                    "pace_multiplier": ramp**k,
                    "target": mark - (marks[k - 1] if k else 0),
                    "cumulative_target": mark,
                    "probability": prob,
                    "probability_stderr": se,
                }
            )
        return rows

    asked = milestones_for(plan.target)
    # Largest total whose every milestone meets the confidence (all milestones rise with it).
    lo, hi = 0, plan.target + 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if min(p for p, _ in probabilities(milestones_for(mid))) >= plan.confidence:
            lo = mid
        else:
            hi = mid
    proposed = milestones_for(lo)
    asked_all, asked_all_se = all_met(asked)
    proposed_all, proposed_all_se = all_met(proposed)
    return {
        "ramp": ramp,
        "ramp_source": source,
        "trials": simulation.trials,
        "milestones": describe(asked),
        "all_milestones_probability": asked_all,
        "all_milestones_stderr": asked_all_se,
        "proposed": {
            "total": lo,
            "milestones": describe(proposed),
            "all_milestones_probability": proposed_all,
            "all_milestones_stderr": proposed_all_se,
        },
    }
