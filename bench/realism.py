"""Benchmark of the goal realism engine: time to a probability with a standard error of at
most 0.3 percentage points, on a 4-stage funnel over a 63-working-day quarter with uncertain
rates (the default bootstrap model), against

- a per-trial Python loop of the same model (the spreadsheet-style method: draw everything,
  count hits), run until its binomial standard error is at most 0.3 points, and
- a plain numpy bootstrap as in public Monte Carlo forecasters (days resampled with
  replacement, stages drawn as binomials, hits counted), with as many trials as it needs.

It also times a whole analysis (probability, realistic target, date, pace, histogram) of the
far-target case of issue 13 (target 10,000 against ~300 expected), where the exact model
would be far too large for the pace search and the engine falls back to simulation.

Run: .venv/bin/python bench/realism.py
"""

from __future__ import annotations

import math
import statistics
import time

import numpy as np

from detente.analysis.realism import analyse, parse_plan
from detente.analysis.realism import probability as prob
from detente.analysis.realism.funnel import activity_window

DOC = {
    "target": 10,
    "start": "2027-01-04",
    "deadline": "2027-03-31",  # Mon 4 Jan to Wed 31 Mar 2027: 63 working days
    "funnel": [
        {"name": "introductions"},
        {"name": "first_meetings", "observed": {"trials": 300, "successes": 31}},
        {"name": "evaluations", "observed": {"trials": 90, "successes": 30}},
        {"name": "sales", "observed": {"trials": 30, "successes": 10}},
    ],
    "history": [15, 12, 0, 18, 14, 16, 11, 0, 17, 15, 13, 19, 14, 0, 16, 12, 18, 15, 14, 20],
}
STDERR = 0.003


def engine(plan, days: int, seed: int) -> tuple[float, float, int]:
    outcomes = prob.build_outcomes(plan, days, seed)
    value, stderr = outcomes.probability(plan.target, days)
    return value, stderr, outcomes.trials or 0


def python_loop(plan, days: int, seed: int, p_guess: float) -> tuple[float, float, int]:
    trials = math.ceil(p_guess * (1 - p_guess) / STDERR**2)
    rng = np.random.default_rng(seed)
    history = np.array(plan.history)
    hits = 0
    for _ in range(trials):
        weights = rng.dirichlet(np.ones(len(history)))
        count = int(rng.choice(history, size=days, p=weights).sum())
        for stage in plan.conversion:
            count = rng.binomial(count, rng.beta(*stage.beta))
        hits += count >= plan.target
    p = hits / trials
    return p, math.sqrt(p * (1 - p) / trials), trials


def numpy_bootstrap(plan, days: int, seed: int, p_guess: float) -> tuple[float, float, int]:
    trials = math.ceil(p_guess * (1 - p_guess) / STDERR**2)
    rng = np.random.default_rng(seed)
    history = np.array(plan.history)
    count = rng.choice(history, size=(trials, days)).sum(axis=1)
    for stage in plan.conversion:
        count = rng.binomial(count, rng.beta(*stage.beta, size=trials))
    p = float(np.mean(count >= plan.target))
    return p, math.sqrt(p * (1 - p) / trials), trials


def timed(function, *args, repeat: int) -> tuple[float, tuple]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    plan = parse_plan(DOC)
    days = len(activity_window(plan))
    assert days == 63
    t_engine, (p, se, n) = timed(engine, plan, days, 1, repeat=7)
    print(
        f"engine (vectorised, Rao-Blackwellised): {1000 * t_engine:8.1f} ms  "
        f"p = {p:.4f} +/- {se:.4f}  ({n:,} trials)"
    )
    t_numpy, (p2, se2, n2) = timed(numpy_bootstrap, plan, days, 2, p, repeat=3)
    print(
        f"plain numpy bootstrap:                  {1000 * t_numpy:8.1f} ms  "
        f"p = {p2:.4f} +/- {se2:.4f}  ({n2:,} trials)"
    )
    t_loop, (p3, se3, n3) = timed(python_loop, plan, days, 3, p, repeat=1)
    print(
        f"per-trial Python loop:                  {1000 * t_loop:8.1f} ms  "
        f"p = {p3:.4f} +/- {se3:.4f}  ({n3:,} trials)"
    )
    print(
        f"speed-up: {t_loop / t_engine:.0f}x over the loop, "
        f"{t_numpy / t_engine:.1f}x over the numpy bootstrap"
    )
    exact_plan = parse_plan({**DOC, "activity": "resample"})
    t_exact, outcomes = timed(prob.build_outcomes, exact_plan, days, 0, repeat=5)
    value = outcomes.probability(exact_plan.target, days)[0]
    print(f"exact, resample model (no simulation):  {1000 * t_exact:8.1f} ms  p = {value:.6f}")
    for activity in ("resample", "poisson"):
        t_far, result = timed(analyse, {**FAR, "activity": activity}, repeat=3)
        print(
            f"far target, {activity:<8} whole analysis:  {1000 * t_far:8.1f} ms  "
            f"p = {result['probability']:.3g} ({result['method']}), "
            f"pace needed {result['pace_needed_ratio']:.1f}x"
        )


FAR = {
    "target": 10000,
    "start": "2027-01-04",
    "deadline": "2027-03-31",
    "funnel": [{"name": "a"}, {"name": "b", "rate": 0.5}],
    "history": [4, 5, 6, 5, 4],
}


if __name__ == "__main__":
    main()
