"""The trend check of a level, rate or duration KPI, against independent references: scipy's
linregress for the line, a simulation of the posterior predictive for the probability, and
the frequency with which the realistic bound is beaten on data drawn from a known line."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from scipy import stats

from detente.analysis.trend import MIN_POINTS, Point, TrendRefusal, trend_check

START = dt.date(2025, 2, 15)


def quarterly(values: list[float]) -> list[Point]:
    return [Point(START + dt.timedelta(days=round(91.3 * i)), v) for i, v in enumerate(values)]


TRIAGE = quarterly([3.4, 3.1, 2.95, 2.8, 2.6])
DEADLINE = START + dt.timedelta(days=round(91.3 * 7))


def test_the_line_is_the_one_scipy_fits() -> None:
    result = trend_check(TRIAGE, target=2, deadline=DEADLINE, lower_is_better=True)
    t = np.array([(p.day - START).days for p in TRIAGE], float)
    y = np.array([p.value for p in TRIAGE])
    ref = stats.linregress(t, y)
    assert result["slope_per_day"] == pytest.approx(ref.slope, rel=1e-12)
    assert result["intercept"] == pytest.approx(ref.intercept, rel=1e-12)
    # linregress gives the slope's standard error s/√Sₜₜ
    s_tt = ((t - t.mean()) ** 2).sum()
    assert result["residual_sd"] / np.sqrt(s_tt) == pytest.approx(ref.stderr, rel=1e-10)


@pytest.mark.parametrize("lower", [True, False])
def test_the_probability_agrees_with_a_simulation_of_the_predictive(lower: bool) -> None:
    target = 2.2
    result = trend_check(TRIAGE, target=target, deadline=DEADLINE, lower_is_better=lower)
    # Posterior under p(a, b, σ²) ∝ 1/σ²: σ² = (n−2)s²/χ², (a, b) ~ N(β̂, σ²(XᵀX)⁻¹), then
    # a new value at the deadline ~ N(a + b·t₀, σ²).
    rng = np.random.default_rng(7)
    t = np.array([(p.day - START).days for p in TRIAGE], float)
    y = np.array([p.value for p in TRIAGE])
    x = np.column_stack([np.ones_like(t), t])
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    n, draws = len(t), 400_000
    s2 = ((y - x @ beta) ** 2).sum() / (n - 2)
    sigma2 = (n - 2) * s2 / rng.chisquare(n - 2, draws)
    chol = np.linalg.cholesky(np.linalg.inv(x.T @ x))
    coef = beta + (rng.standard_normal((draws, 2)) @ chol.T) * np.sqrt(sigma2)[:, None]
    t0 = (DEADLINE - START).days
    y0 = coef[:, 0] + coef[:, 1] * t0 + rng.standard_normal(draws) * np.sqrt(sigma2)
    simulated = float(np.mean(y0 <= target) if lower else np.mean(y0 >= target))
    stderr = np.sqrt(simulated * (1 - simulated) / draws)
    assert abs(result["probability"] - simulated) < 5 * stderr + 1e-4
    assert 0.02 < result["probability"] < 0.98


def test_the_realistic_bound_is_beaten_as_often_as_the_confidence_says() -> None:
    rng = np.random.default_rng(11)
    days = [START + dt.timedelta(days=30 * i) for i in range(6)]
    deadline = START + dt.timedelta(days=300)
    beaten, trials = 0, 4000
    for _ in range(trials):
        values = [50 + 0.1 * (d - START).days + rng.normal(0, 4) for d in days]
        truth = 50 + 0.1 * 300 + rng.normal(0, 4)
        result = trend_check(
            [Point(d, v) for d, v in zip(days, values, strict=True)],
            target=0,
            deadline=deadline,
            lower_is_better=False,
            confidence=0.8,
        )
        beaten += truth >= result["realistic_value"]
    rate = beaten / trials
    assert abs(rate - 0.8) < 4 * np.sqrt(0.8 * 0.2 / trials)


def test_direction_turns_the_question_around() -> None:
    higher = trend_check(TRIAGE, target=2.2, deadline=DEADLINE, lower_is_better=False)
    lower = trend_check(TRIAGE, target=2.2, deadline=DEADLINE, lower_is_better=True)
    assert higher["probability"] + lower["probability"] == pytest.approx(1)
    assert lower["improving"] and not higher["improving"]
    assert lower["realistic_value"] > lower["predicted"] > higher["realistic_value"]


def test_triage_time_is_projected_not_summed() -> None:
    """Issue 15: median triage hours, target 2 h, lower is better."""
    result = trend_check(TRIAGE, target=2, deadline=DEADLINE, lower_is_better=True, unit="h")
    assert 1.0 < result["predicted"] < 3.4  # a value in hours, never the 15 h sum
    assert result["trend_reaches_target_on"] is not None
    assert 0 < result["probability"] < 1


def test_it_refuses_with_too_few_values_and_says_how_many_are_needed() -> None:
    with pytest.raises(TrendRefusal) as refusal:
        trend_check(
            quarterly([12, 11, 10]),
            target=15,
            deadline=DEADLINE,
            lower_is_better=False,
            period_word="quarterly value",
        )
    assert refusal.value.needed == MIN_POINTS == 4
    assert "3 quarterly values so far" in refusal.value.reason
    assert "at least 4" in refusal.value.reason


def test_it_refuses_values_on_an_exact_line() -> None:
    with pytest.raises(TrendRefusal, match="exactly on a line"):
        points = [Point(START + dt.timedelta(days=90 * i), 12 - i) for i in range(4)]
        trend_check(points, target=15, deadline=DEADLINE, lower_is_better=False)
