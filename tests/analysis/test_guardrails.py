"""Guardrail checks and the goal-conflict map, against exact formulas and simulation."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate, stats

from detente.analysis.files import InputError
from detente.analysis.guardrails import analyse, correlate, goals_from_dict
from detente.analysis.guardrails.command import add_arguments, run
from detente.analysis.guardrails.conflict import paired
from detente.analysis.guardrails.correlation import cdf, density

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "guardrails" / "vendor_partner.yaml"


# --- the correlation's uncertainty --------------------------------------------------------


@pytest.mark.parametrize("rho", [-0.8, 0.0, 0.6])
def test_it_uses_a_density_of_r_that_integrates_to_one(rho: float) -> None:
    total, _ = integrate.quad(lambda r: float(density(r, rho, 4)), -1, 1)
    assert total == pytest.approx(1.0, abs=1e-8)


@pytest.mark.parametrize("n", [4, 5, 8])
def test_it_matches_the_exact_t_distribution_when_there_is_no_correlation(n: int) -> None:
    # Under rho = 0, r sqrt(n-2) / sqrt(1-r^2) has Student's t with n-2 degrees of freedom.
    for r in (-0.9, -0.3, 0.1, 0.5, 0.95):
        t = r * math.sqrt((n - 2) / (1 - r * r))
        assert cdf(r, 0.0, n) == pytest.approx(stats.t.cdf(t, n - 2), abs=1e-9)


def test_it_matches_simulated_r_at_four_points_when_correlated() -> None:
    rng = np.random.default_rng(0)
    rho, n, draws = 0.6, 4, 20_000
    cov = [[1, rho], [rho, 1]]
    samples = rng.multivariate_normal([0, 0], cov, size=(draws, n))
    x, y = samples[..., 0], samples[..., 1]
    xc, yc = x - x.mean(axis=1, keepdims=True), y - y.mean(axis=1, keepdims=True)
    r = (xc * yc).sum(axis=1) / np.sqrt((xc**2).sum(axis=1) * (yc**2).sum(axis=1))
    for point in (-0.5, 0.0, 0.5, 0.9):
        empirical = float(np.mean(r <= point))
        se = math.sqrt(empirical * (1 - empirical) / draws)
        assert abs(cdf(point, rho, n) - empirical) <= 4 * se


def test_it_gives_an_interval_that_covers_the_truth_nine_times_in_ten_at_n_4() -> None:
    rng = np.random.default_rng(1)
    rho, trials = 0.5, 250
    covered = 0
    for _ in range(trials):
        xy = rng.multivariate_normal([0, 0], [[1, rho], [rho, 1]], size=4)
        c = correlate(list(xy[:, 0]), list(xy[:, 1]), confidence=0.9)
        covered += c.low <= rho <= c.high
    se = math.sqrt(0.9 * 0.1 / trials)
    assert abs(covered / trials - 0.9) <= 4 * se


def test_it_puts_each_interval_limit_where_the_tail_is_exactly_alpha_over_two() -> None:
    x, y = [1.0, 2.0, 3.0, 4.0], [1.2, 1.9, 3.5, 3.9]
    c = correlate(x, y, confidence=0.9)
    ref = stats.pearsonr(x, y)
    assert c.r == pytest.approx(ref.statistic, abs=1e-12)
    assert c.p_value == pytest.approx(ref.pvalue, rel=1e-9)
    assert 1 - cdf(c.r, c.low, 4) == pytest.approx(0.05, abs=1e-8)
    assert cdf(c.r, c.high, 4) == pytest.approx(0.05, abs=1e-8)
    assert c.low < c.r < c.high


def test_it_refuses_a_correlation_from_three_points_or_a_flat_series() -> None:
    with pytest.raises(ValueError, match="at least 4"):
        correlate([1, 2, 3], [1, 2, 4])
    with pytest.raises(ValueError, match="does not vary"):
        correlate([1, 2, 3, 4], [5, 5, 5, 5])


# --- guardrails ---------------------------------------------------------------------------


def _goals(**guardrail) -> dict:
    return {
        "periods": ["Q1", "Q2", "Q3", "Q4", "Q5"],
        "sides": {
            "vendor": {
                "objectives": [
                    {
                        "name": "joint revenue",
                        "history": [1, 2, 3, 4, 5],
                        "guardrails": [{"metric": "satisfaction", **guardrail}],
                    }
                ]
            }
        },
    }


@pytest.mark.parametrize(
    ("bound", "expected_breaches"),
    [
        ({"at_least": 3.5}, ["Q5"]),  # 3.5 itself holds
        ({"above": 3.5}, ["Q3", "Q5"]),  # 3.5 itself breaks a strict floor
        ({"at_most": 4.0}, ["Q1"]),
        ({"below": 4.0}, ["Q1", "Q2"]),
        ({"at_least": 3.4, "below": 4.0}, ["Q1", "Q2", "Q5"]),
    ],
)
def test_it_flags_exactly_the_readings_outside_the_band(bound: dict, expected_breaches) -> None:
    history = [4.1, 4.0, 3.5, None, 3.3]  # Q4 has no reading
    goals = goals_from_dict(_goals(history=history, **bound))
    check = analyse(goals).checks[0]
    # Reference: the band written out by hand for each kind of bound.
    lo, hi = bound.get("at_least", bound.get("above")), bound.get("at_most", bound.get("below"))

    def outside(v: float) -> bool:
        if lo is not None and (v <= lo if "above" in bound else v < lo):
            return True
        return hi is not None and (v >= hi if "below" in bound else v > hi)

    reference = [
        p for p, v in zip(goals.periods, history, strict=True) if v is not None and outside(v)
    ]
    assert [b.period for b in check.breaches] == reference == expected_breaches
    for b in check.breaches:
        assert b.by == pytest.approx(
            max(0, (lo or -math.inf) - b.value, b.value - (hi or math.inf))
        )
    assert check.holds_now == (not outside(3.3))
    assert check.band == (lo, hi)


def test_it_turns_every_breach_into_a_signal_in_period_order() -> None:
    result = analyse(goals_from_dict(json.loads(json.dumps(_load_example()))))
    signals = result.signals
    assert [s.period for s in signals] == sorted(
        (s.period for s in signals), key=result.goals.periods.index
    )
    assert {(s.metric, s.period) for s in signals} == {
        (c.metric, b.period) for c in result.checks for b in c.breaches
    }
    assert signals and all(s.by > 0 for s in signals)


# --- the goal-conflict map ------------------------------------------------------------------


def _two_sides(a: dict, b: dict, periods: int) -> dict:
    return {
        "periods": [f"P{i}" for i in range(periods)],
        "sides": {"one": {"objectives": [a]}, "two": {"objectives": [b]}},
    }


def test_it_correlates_changes_and_counts_progress_by_each_goals_direction() -> None:
    rng = np.random.default_rng(4)
    x = list(np.cumsum(rng.normal(size=8)))
    y = list(np.cumsum(rng.normal(size=8)))
    higher = goals_from_dict(
        _two_sides({"name": "a", "history": x}, {"name": "b", "history": y}, 8)
    )
    lower = goals_from_dict(
        _two_sides(
            {"name": "a", "history": x}, {"name": "b", "direction": "lower", "history": y}, 8
        )
    )
    up = analyse(higher).maps[0].cells[0].correlation
    down = analyse(lower).maps[0].cells[0].correlation
    expected = stats.pearsonr(np.diff(x), np.diff(y)).statistic
    assert up.r == pytest.approx(expected, abs=1e-12)
    assert (down.r, down.low, down.high) == pytest.approx((-up.r, -up.high, -up.low))
    levels = analyse(higher, basis="levels").maps[0].cells[0].correlation
    assert levels.r == pytest.approx(stats.pearsonr(x, y).statistic, abs=1e-12)


def test_it_skips_changes_that_touch_a_missing_reading() -> None:
    goals = goals_from_dict(
        _two_sides(
            {"name": "a", "history": [1, 2, None, 4, 5, 7]},
            {"name": "b", "history": [2, 1, 3, 5, None, 6]},
            6,
        )
    )
    xs, ys = paired(goals.objectives[0], goals.objectives[1], "changes")
    assert (xs, ys) == ([1.0], [-1.0])  # only P0 -> P1 has all four readings
    cell = analyse(goals).maps[0].cells[0]
    assert cell.relation == "too little data" and "need at least 4" in cell.reason


def test_it_calls_a_relation_only_when_its_interval_excludes_zero() -> None:
    result = analyse(goals_from_dict(_load_example()))
    for cell in result.maps[0].cells:
        c = cell.correlation
        expected = "together" if c.low > 0 else "against" if c.high < 0 else "unclear"
        assert cell.relation == expected


def test_it_flags_pairs_of_goals_on_different_time_horizons() -> None:
    result = analyse(goals_from_dict(_load_example()))
    horizons = {o.name: o.horizon for o in result.goals.objectives}
    for cell in result.maps[0].cells:
        assert cell.horizon_mismatch == (horizons[cell.row] != horizons[cell.column])


# --- input and command ------------------------------------------------------------------


def _load_example() -> dict:
    import yaml

    return yaml.safe_load(EXAMPLE.read_text())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(periods=[]), "periods: must be a non-empty list"),
        (
            lambda d: d["sides"]["vendor"]["objectives"][0].update(history=[1, 2]),
            "sides.vendor.objectives[0].history: has 2 values but there are 8 periods",
        ),
        (
            lambda d: d["sides"]["vendor"]["objectives"][0].update(horizon="decade"),
            "sides.vendor.objectives[0].horizon: must be 'quarter', 'year' or 'multi-year'",
        ),
        (
            lambda d: d["sides"]["vendor"]["objectives"][0]["guardrails"][0].pop("at_least"),
            "sides.vendor.objectives[0].guardrails[0]: needs a bound",
        ),
        (
            lambda d: d["sides"]["partner"]["objectives"][1]["history"].__setitem__(2, "n/a"),
            "sides.partner.objectives[1].history[2]: must be a finite number",
        ),
    ],
)
def test_it_rejects_bad_input_naming_the_field(change, message: str) -> None:
    data = _load_example()
    change(data)
    with pytest.raises(InputError) as info:
        goals_from_dict(data)
    assert str(info.value).startswith(message)


def _run(*argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(parser.parse_args(list(argv)))
    return code, out.getvalue(), err.getvalue()


def test_it_prints_bands_signals_and_the_matrix_as_json() -> None:
    code, out, _ = _run(str(EXAMPLE), "--json")
    doc = json.loads(out)
    assert code == 0
    assert {"guardrails", "signals", "conflict_maps", "statements"} <= set(doc)
    band = doc["guardrails"][0]["band"]
    assert band == {"lower": 3.5, "upper": None}
    matrix = doc["conflict_maps"][0]
    assert len(matrix["cells"]) == len(matrix["rows"]) * len(matrix["columns"])


def test_it_exits_2_with_the_field_named_on_bad_input(tmp_path: Path) -> None:
    data = _load_example()
    data["sides"]["vendor"]["objectives"][0]["direction"] = "up"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    code, out, err = _run(str(bad))
    assert code == 2 and out == ""
    assert "sides.vendor.objectives[0].direction: must be 'higher' or 'lower'" in err


def test_it_runs_on_the_example_in_words() -> None:
    code, out, _ = _run(str(EXAMPLE))
    assert code == 0 and "broke its guardrail" in out and "move together" in out


def test_it_never_imports_django() -> None:
    code = (
        "import sys, detente.analysis.guardrails, detente.analysis.guardrails.command; "
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
