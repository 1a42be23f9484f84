"""The simulation's estimator: each trial contributes h(N) = P(last stage >= target | its
activity total N), computed exactly with the rates' uncertainty. Checked against the exact
chain of thinnings, against a bootstrap case with an exact answer, and for an honest
standard error (the spread over seeds matches the one reported)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from detente.analysis.realism import parse_plan, simulate
from detente.analysis.realism.exact import point, thin
from detente.analysis.realism.simulate import Conversion, Simulation

FUNNEL = [
    {"name": "introductions"},
    {"name": "first_meetings", "observed": {"trials": 300, "successes": 31}},
    {"name": "evaluations", "rate": 0.5},
    {"name": "sales", "observed": {"trials": 30, "successes": 10}},
]


def plan_for(history, funnel=FUNNEL, target=10):
    return parse_plan(
        {
            "target": target,
            "start": "2027-01-04",
            "deadline": "2027-03-31",
            "funnel": funnel,
            "history": history,
        }
    )


def exact_tail(stages, n: int, target: int) -> float:
    dist = point(n)
    for stage in stages:
        dist = thin(dist, stage)
    return dist.survival(target)


def test_the_conditional_tail_is_the_exact_chain_of_thinnings():
    stages = list(plan_for([10]).conversion)
    conversion = Conversion(stages)
    n = np.array([0, 1, 17, 150, 333, 900, 1500])
    targets = np.array([0, 1, 5, 10, 25])
    values = conversion.tail(targets, n)
    for i, count in enumerate(n):
        for j, target in enumerate(targets):
            assert values[i, j] == pytest.approx(
                exact_tail(stages, int(count), int(target)), abs=1e-12
            )


def two_valued_exact(plan, days: int, high: int) -> float:
    """History of zeros and ``high``s: the Dirichlet(1, ..., 1) weight W of the ``high`` days
    is Beta(k, m - k), so N / high is BetaBinomial(days, k, m - k), exactly."""
    history = np.asarray(plan.history)
    k, m = int((history == high).sum()), len(history)
    j = np.arange(days + 1)
    weights = stats.betabinom.pmf(j, days, k, m - k)
    return float(
        sum(
            w * exact_tail(plan.conversion, int(high * i), plan.target)
            for i, w in zip(j, weights, strict=True)
        )
    )


HISTORY = [0, 14, 14, 0, 14, 14, 14, 0, 14, 14]
DAYS = 63


def test_the_bootstrap_estimate_agrees_with_an_exact_answer_within_its_standard_error():
    plan = plan_for(HISTORY)
    exact = two_valued_exact(plan, DAYS, 14)
    sim = Simulation("bootstrap", np.array(plan.history), plan.conversion, 4000, seed=21)
    value, stderr = sim.survival(np.array([plan.target]), DAYS)
    assert 0.1 < exact < 0.9
    assert abs(value[0] - exact) < 4 * stderr[0]


def test_the_reported_standard_error_is_honest_over_30_seeds():
    plan = plan_for(HISTORY)
    exact = two_valued_exact(plan, DAYS, 14)
    estimates, reported = [], []
    for seed in range(30):
        sim = Simulation("bootstrap", np.array(plan.history), plan.conversion, 1500, seed=seed)
        value, stderr = sim.survival(np.array([plan.target]), DAYS)
        estimates.append(value[0])
        reported.append(stderr[0])
    spread = np.std(estimates, ddof=1)
    # 30 seeds estimate a spread to within about 13%: a factor of 1.6 either way is > 3 sd.
    assert 1 / 1.6 < spread / np.mean(reported) < 1.6
    assert abs(np.mean(estimates) - exact) < 4 * np.mean(reported) / np.sqrt(30)


def test_it_needs_fewer_trials_than_drawing_the_rates():
    # The benchmark's 20 days of history, the same trials with the rates drawn
    # per trial instead: the variance per trial is several times larger (about 10x).
    history = [15, 12, 0, 18, 14, 16, 11, 0, 17, 15, 13, 19, 14, 0, 16, 12, 18, 15, 14, 20]
    plan = plan_for(history)
    sim = Simulation("bootstrap", np.array(plan.history), plan.conversion, 4000, seed=2)
    _, conditioned = sim.survival(np.array([plan.target]), DAYS)
    drawn = simulate.tail(np.array([plan.target]), sim.activity(DAYS), sim.p)
    assert 4 * conditioned[0] ** 2 < drawn.var(ddof=1) / sim.trials


def test_beyond_its_matrices_it_draws_the_rates_and_still_agrees(monkeypatch):
    monkeypatch.setattr(Conversion, "MAX_CELLS", 10)
    plan = plan_for(HISTORY)
    exact = two_valued_exact(plan, DAYS, 14)
    sim = Simulation("bootstrap", np.array(plan.history), plan.conversion, 20_000, seed=4)
    value, stderr = sim.survival(np.array([plan.target]), DAYS)
    assert abs(value[0] - exact) < 4 * stderr[0]
