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

The fair baseline (issue 14) is ``numpy_same_model``: the engine's own model written the
direct way in numpy, vectorised over trials (Dirichlet weights per trial, the trial's days
drawn as one multinomial over the observed values, each stage's rate drawn from its Beta
posterior, binomial conversions, hits counted), with as many trials as its binomial standard
error needs to reach 0.3 points. The run asserts that every simulation of the same model
agrees with the engine within 4 combined standard errors, and that the plain bootstrap (the
``resample`` model) agrees with that model's exact probability: a wrong baseline exits 1.

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


def numpy_same_model(plan, days: int, seed: int, p_guess: float) -> tuple[float, float, int]:
    """The engine's ``bootstrap`` model, vectorised over trials, hits counted: the fair
    baseline. Dirichlet(1, ..., 1) weights on the observed days, summed per distinct value,
    are Dirichlet(counts of each value); a trial's ``days`` days are then one multinomial
    draw over the distinct values. Every stage's rate is drawn per trial."""
    trials = math.ceil(p_guess * (1 - p_guess) / STDERR**2)
    rng = np.random.default_rng(seed)
    values, counts = np.unique(np.asarray(plan.history), return_counts=True)
    weights = rng.dirichlet(counts.astype(float), size=trials)
    count = rng.multinomial(days, weights) @ values
    for stage in plan.conversion:
        rate = float(stage.rate) if stage.rate is not None else rng.beta(*stage.beta, size=trials)
        count = rng.binomial(count, rate)
    p = float(np.mean(count >= plan.target))
    return p, math.sqrt(p * (1 - p) / trials), trials


def agree(label: str, p: float, se: float, reference: float, reference_se: float) -> str:
    """Within 4 combined standard errors of the reference, or exit 1 (SystemExit)."""
    gap = abs(p - reference)
    allowed = 4 * math.hypot(se, reference_se)
    if gap > allowed:
        raise SystemExit(
            f"DISAGREEMENT: {label} p = {p:.4f} +/- {se:.4f} against {reference:.4f} "
            f"+/- {reference_se:.4f} (gap {gap:.4f} > 4 combined SE {allowed:.4f})"
        )
    return f"{label}: |{p:.4f} - {reference:.4f}| = {gap:.4f} <= 4 SE = {allowed:.4f}"


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
    t_fair, (p1, se1, n1) = timed(numpy_same_model, plan, days, 4, p, repeat=5)
    print(
        f"numpy, same model (fair baseline):      {1000 * t_fair:8.1f} ms  "
        f"p = {p1:.4f} +/- {se1:.4f}  ({n1:,} trials)"
    )
    t_numpy, (p2, se2, n2) = timed(numpy_bootstrap, plan, days, 2, p, repeat=3)
    print(
        f"plain numpy bootstrap (resample model): {1000 * t_numpy:8.1f} ms  "
        f"p = {p2:.4f} +/- {se2:.4f}  ({n2:,} trials)"
    )
    t_loop, (p3, se3, n3) = timed(python_loop, plan, days, 3, p, repeat=1)
    print(
        f"per-trial Python loop (same model):     {1000 * t_loop:8.1f} ms  "
        f"p = {p3:.4f} +/- {se3:.4f}  ({n3:,} trials)"
    )
    print(
        f"speed-up: {t_fair / t_engine:.1f}x over numpy of the same model (the fair baseline), "
        f"{t_numpy / t_engine:.1f}x over the plain numpy bootstrap, "
        f"{t_loop / t_engine:.0f}x over the loop"
    )
    exact_plan = parse_plan({**DOC, "activity": "resample"})
    t_exact, outcomes = timed(prob.build_outcomes, exact_plan, days, 0, repeat=5)
    value = outcomes.probability(exact_plan.target, days)[0]
    print(f"exact, resample model (no simulation):  {1000 * t_exact:8.1f} ms  p = {value:.6f}")
    print("agreement (asserted, 4 combined standard errors):")
    print("  " + agree("numpy same model vs engine", p1, se1, p, se))
    print("  " + agree("Python loop vs engine", p3, se3, p, se))
    print("  " + agree("plain bootstrap vs exact resample", p2, se2, value, 0.0))
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
