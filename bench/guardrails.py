"""Benchmark: the goal-conflict map and guardrail checks.

Times a map of 10 x 10 goals over 12 quarters (100 cells, exact correlation intervals) and
compares, in the same run, scipy's Fisher-z interval (pearsonr().confidence_interval): its
speed, and how often each interval covers the true correlation at n = 4 (nominal 90%).

Run:  .venv/bin/python bench/guardrails.py
"""

from __future__ import annotations

import time

import numpy as np
from scipy import stats

from detente.analysis.guardrails import analyse, correlate, goals_from_dict

PERIODS, GOALS = 12, 10


def make_goals(seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)

    def side(name: str) -> dict:
        return {
            "objectives": [
                {
                    "name": f"{name} goal {i}",
                    "history": [float(v) for v in np.cumsum(rng.normal(size=PERIODS))],
                    "guardrails": [
                        {
                            "metric": "satisfaction",
                            "at_least": 0.0,
                            "history": [float(v) for v in rng.normal(size=PERIODS)],
                        }  # fmt: skip
                    ],
                }
                for i in range(GOALS)
            ]
        }

    return {"periods": [f"Q{i}" for i in range(PERIODS)], "sides": {"a": side("a"), "b": side("b")}}


def coverage(method: str, trials: int, rho: float = 0.5, n: int = 4) -> float:
    rng = np.random.default_rng(1)
    hits = 0
    for _ in range(trials):
        xy = rng.multivariate_normal([0, 0], [[1, rho], [rho, 1]], size=n)
        if method == "exact":
            c = correlate(list(xy[:, 0]), list(xy[:, 1]), 0.9)
            lo, hi = c.low, c.high
        else:
            lo, hi = stats.pearsonr(xy[:, 0], xy[:, 1]).confidence_interval(0.9)
        hits += lo <= rho <= hi
    return hits / trials


def main() -> None:
    goals = goals_from_dict(make_goals())
    t0 = time.perf_counter()
    result = analyse(goals)
    t_map = time.perf_counter() - t0
    cells = result.maps[0].cells
    t0 = time.perf_counter()
    for a in goals.objectives[:GOALS]:
        for b in goals.objectives[GOALS:]:
            stats.pearsonr(np.diff(a.history), np.diff(b.history)).confidence_interval(0.9)
    t_fisher = time.perf_counter() - t0
    trials = 1000
    t0 = time.perf_counter()
    exact = coverage("exact", trials)
    t_cov = time.perf_counter() - t0
    fisher = coverage("fisher", trials)
    se = (0.9 * 0.1 / trials) ** 0.5
    print(f"{GOALS} x {GOALS} goals, {PERIODS} periods: {len(cells)} cells, "
          f"{len(result.checks)} guardrail checks, {len(result.signals)} breach signals")  # fmt: skip
    print(f"analyse (checks + map with exact intervals): {t_map:7.3f} s")
    print(f"same 100 cells with scipy Fisher-z intervals: {t_fisher:7.3f} s")
    print(f"coverage of nominal 90% intervals at n = 4, rho = 0.5, {trials} trials "
          f"(standard error {se:.3f}): exact {exact:.3f}, Fisher z {fisher:.3f} "
          f"[exact: {t_cov:.1f} s]")  # fmt: skip


if __name__ == "__main__":
    main()
