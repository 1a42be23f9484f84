"""The benchmarks' fair numpy baselines (issue 14) compute the same answers as the engines on
small instances, so a wrong baseline cannot make an engine look faster than it is. The
baselines live in bench/ and are loaded from there, as the benchmarks run them."""

from __future__ import annotations

import importlib.util
import itertools
import math
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from scipy import stats

from detente.analysis.conditions import Consideration, Estimate, Party, Problem
from detente.analysis.realism import parse_plan
from detente.analysis.realism import probability as prob
from detente.analysis.realism.funnel import activity_window
from detente.analysis.realism.inputs import Plan

BENCH = Path(__file__).resolve().parents[2] / "bench"


def bench_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


realism = bench_module("realism")
negotiation = bench_module("negotiation")
guardrails = bench_module("guardrails")
conditions = bench_module("conditions")


def realism_plan(history: list[int], target: int) -> Plan:
    return parse_plan(
        {
            "target": target,
            "start": "2027-01-04",
            "deadline": "2027-01-29",  # 20 working days
            "funnel": [
                {"name": "leads"},
                {"name": "meetings", "observed": {"trials": 40, "successes": 12}},
                {"name": "deals", "rate": 0.5},
            ],
            "history": history,
        }
    )


def test_numpy_realism_baseline_matches_the_engine_where_the_engine_is_exact() -> None:
    # Every observed day had 4 leads, so every trial's activity is 80: the engine's
    # Rao-Blackwellised estimate is then the exact probability, with no simulation noise.
    plan = realism_plan([4, 4, 4, 4, 4], target=12)
    days = len(activity_window(plan))
    outcomes = prob.build_outcomes(plan, days, seed=0)
    exact, exact_se = outcomes.probability(plan.target, days)
    assert exact_se < 1e-12
    p, se, _ = realism.numpy_same_model(plan, days, 7, exact)
    assert abs(p - exact) <= 4 * se


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_numpy_realism_baseline_agrees_with_the_engine_on_random_histories(seed: int) -> None:
    rng = np.random.default_rng(seed)
    history = [int(v) for v in rng.integers(0, 9, size=int(rng.integers(4, 12)))]
    expected = 20 * float(np.mean(history)) * 0.3 * 0.5
    plan = realism_plan(history, target=max(1, round(expected)))
    days = len(activity_window(plan))
    p_engine, se_engine = prob.build_outcomes(plan, days, seed=seed).probability(plan.target, days)
    p, se, _ = realism.numpy_same_model(plan, days, seed + 100, p_engine)
    assert abs(p - p_engine) <= 4 * math.hypot(se, se_engine)


def brute_force_frontier(problem: object) -> set[tuple[object, ...]]:
    """Every package, kept when no other package is at least as good for every party and
    better for one: O(packages^2), in plain Python."""
    points, denominators = negotiation.enumerate_packages(problem)
    vectors = [tuple(int(v) for v in row) for row in points]
    kept = {
        v
        for v in vectors
        if not any(w != v and all(a >= b for a, b in zip(w, v, strict=True)) for w in vectors)
    }
    return {tuple(v / d for v, d in zip(row, denominators, strict=True)) for row in kept}


@pytest.mark.parametrize(
    ("issues", "options", "parties", "seed"),
    [(2, 3, 2, 1), (3, 4, 2, 2), (4, 3, 2, 3), (2, 5, 3, 4), (3, 3, 3, 5), (3, 4, 3, 6)],
)
def test_numpy_enumerate_and_skyline_frontier_equals_the_engine_frontier(
    issues: int, options: int, parties: int, seed: int
) -> None:
    problem = negotiation.instance(issues, options, parties, seed)
    baseline = negotiation.numpy_frontier(problem)
    assert baseline == negotiation.exact_frontier(problem)
    assert {tuple(float(u) for u in v) for v in baseline} == brute_force_frontier(problem)


def test_enumeration_lists_every_package_once_with_its_utilities() -> None:
    problem = negotiation.instance(3, 4, 2, seed=9)
    points, denominators = negotiation.enumerate_packages(problem)
    tables, _ = negotiation.integer_tables(problem)
    by_hand = {
        tuple(sum(int(t[k][o]) for k, o in enumerate(choice)) for t in tables)
        for choice in itertools.product(range(4), repeat=3)
    }
    assert {tuple(int(v) for v in row) for row in points} == by_hand
    assert len(points) == len(by_hand)


def test_vectorised_fisher_z_equals_scipy_cell_by_cell() -> None:
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(4, 9)), rng.normal(size=(3, 9))
    r, low, high = guardrails.fisher_z_all(x, y, 0.9)
    for i, j in itertools.product(range(4), range(3)):
        result = stats.pearsonr(x[i], y[j])
        interval = result.confidence_interval(0.9)
        assert r[i, j] == pytest.approx(result.statistic, abs=1e-12)
        assert (low[i, j], high[i, j]) == pytest.approx((interval.low, interval.high), abs=1e-9)


def test_the_two_weight_sweeps_find_the_same_flips() -> None:
    rng = np.random.default_rng(3)
    options = [f"o{i}" for i in range(7)]
    considerations = [
        Consideration(
            f"c{j}",
            "higher" if j % 2 else "lower",
            {
                o: Estimate(float(v), float(v))
                for o, v in zip(options, rng.uniform(0, 100, 7), strict=True)
            },
        )
        for j in range(4)
    ]
    parties = [
        Party(f"p{k}", {f"c{j}": float(w) for j, w in enumerate(rng.dirichlet(np.ones(4)))})
        for k in range(2)
    ]
    problem = Problem(options, considerations, parties)
    looped = conditions.brute_force_weight_sweep(problem)
    vectorised = conditions.vectorised_sweep(problem)
    assert np.array_equal(np.isnan(looped), np.isnan(vectorised))
    assert np.nanmax(np.abs(looped - vectorised)) <= 1 / (conditions.GRID - 1)
    assert np.count_nonzero(~np.isnan(looped)) > 0


warning = bench_module("warning")


def test_online_z_test_uses_only_the_quarters_before_each_one() -> None:
    y = np.random.default_rng(4).normal(size=(5, 9))
    z, first = warning.z_online(y)
    for row in range(5):
        for i in range(first, 9):
            earlier = y[row, :i]
            sd = np.std(np.diff(earlier)) / np.sqrt(2)
            expected = (y[row, i] - earlier.mean()) / sd
            assert z[row, i - first] == pytest.approx(expected, rel=1e-9)


def test_whole_series_z_test_compares_each_quarter_with_the_mean_before_it() -> None:
    y = np.random.default_rng(5).normal(size=(3, 6))
    z, first = warning.z_whole(y)
    for row in range(3):
        sd = np.std(np.diff(y[row])) / np.sqrt(2)
        for i in range(first, 6):
            expected = (y[row, i] - y[row, :i].mean()) / sd
            assert z[row, i - first] == pytest.approx(expected, rel=1e-9)
