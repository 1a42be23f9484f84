"""The cost-benefit engine against hand-computed cases and independent exact formulas."""

from __future__ import annotations

import math
import random

import pytest

from detente.analysis.files import InputError
from detente.analysis.restructuring import (
    Assessment,
    CashFlows,
    SideView,
    compare,
    npv,
    npv_range,
    preferred,
    weighted_score,
)


def reference_npv(rate: float, values: list[float]) -> float:
    """numpy_financial.npv's definition, written out: values[t] / (1 + rate) ** t."""
    return sum(v / (1 + rate) ** t for t, v in enumerate(values))


def test_it_matches_a_hand_computed_npv() -> None:
    # -100 + 50 / 1.1 + 60 / 1.21 = -100 + 45.4545... + 49.5867... = -4.95867...
    assert npv([-100, 50, 60], 0.10) == pytest.approx(-4.958677685950413, abs=1e-12)


def test_it_does_not_discount_period_zero() -> None:
    assert npv([250], 0.5) == 250


def test_it_matches_the_annuity_formula() -> None:
    # An outlay then n equal payments: -P + c * (1 - (1 + r) ** -n) / r.
    r, c, n, p = 0.08, 120.0, 7, 500.0
    exact = -p + c * (1 - (1 + r) ** -n) / r
    assert npv([-p] + [c] * n, r) == pytest.approx(exact, rel=1e-12)


def test_it_is_the_plain_sum_at_a_zero_rate() -> None:
    assert npv([-3, 1.5, 2.25, 4], 0.0) == pytest.approx(4.75)


def test_it_matches_the_reference_on_random_cases() -> None:
    rng = random.Random(7)
    for _ in range(200):
        values = [rng.uniform(-1000, 1000) for _ in range(rng.randint(1, 12))]
        rate = rng.uniform(-0.5, 0.5)
        assert npv(values, rate) == pytest.approx(reference_npv(rate, values), rel=1e-9, abs=1e-9)


def test_its_range_bounds_every_series_inside_the_band() -> None:
    flows = CashFlows((-120, 30, 40), (-100, 50, 60), (-90, 70, 90))
    low, likely, high = npv_range(flows, 0.1)
    # Hand-computed: -120 + 27.2727 + 33.0579 = -59.6694; -90 + 63.6364 + 74.3802 = 48.0165
    assert low == pytest.approx(-59.66942148760331)
    assert likely == pytest.approx(-4.958677685950413)
    assert high == pytest.approx(48.01652892561984)
    rng = random.Random(3)
    for _ in range(500):
        inside = [rng.uniform(lo, hi) for lo, hi in zip(flows.low, flows.high, strict=True)]
        assert low - 1e-9 <= npv(inside, 0.1) <= high + 1e-9


def test_it_weights_intangible_scores_as_shares() -> None:
    # (3 * 2 + 1 * -1 + 1 * 0) / 5 = 1.0
    score = weighted_score(
        {"relationship": 2, "reputation": -1, "option": 0},
        {"relationship": 3, "reputation": 1, "option": 1},
    )
    assert score == pytest.approx(1.0)
    assert weighted_score({"a": 2}, {"a": 0}) == 0.0


def test_it_values_each_option_for_the_side_that_assessed_it() -> None:
    views = {
        "A": SideView("A", {"rel": 1, "rep": 1}, per_point=100),
        "B": SideView("B", {"rel": 1, "rep": 0}, per_point=0),
    }
    values = compare(
        [
            Assessment("A", "modular", CashFlows.point([-100, 50, 60]), {"rel": 2, "rep": 0}),
            Assessment("A", "exit", CashFlows.point([-10, 0, 0]), {"rel": -2, "rep": 0}),
            Assessment("B", "modular", CashFlows.point([0, 110]), {"rel": 2}),
        ],
        views,
        0.10,
    )
    a_modular, a_exit, b_modular = values
    # A: NPV -4.9587, score (2 + 0) / 2 = 1, + 100 per point -> 95.0413
    assert a_modular.intangible == pytest.approx(1.0)
    assert a_modular.value_likely == pytest.approx(95.04132231404959)
    assert a_exit.value_likely == pytest.approx(-10 - 100)
    # B prices intangibles at 0: value = NPV = 110 / 1.1 = 100
    assert b_modular.value_likely == pytest.approx(100.0)
    assert preferred(values, "A").option == "modular"
    assert preferred(values, "C") is None


@pytest.mark.parametrize(
    ("flows", "field"),
    [
        (CashFlows((), (), ()), "cash_flows.likely"),
        (CashFlows((1,), (1, 2), (1, 2)), "cash_flows.low"),
        (CashFlows((5, 0), (1, 2), (6, 3)), "cash_flows.low[0]"),
        (CashFlows((1, math.inf), (1, math.inf), (1, math.inf)), "cash_flows.low[1]"),
    ],
)
def test_it_names_the_field_of_bad_cash_flows(flows: CashFlows, field: str) -> None:
    with pytest.raises(InputError) as exc:
        flows.validate()
    assert exc.value.field == field


def test_it_refuses_bad_rates_scores_and_weights() -> None:
    with pytest.raises(InputError, match="rate"):
        npv([1, 2], -1.0)
    with pytest.raises(InputError, match="scores.rel"):
        weighted_score({"rel": 3}, {"rel": 1})
    with pytest.raises(InputError, match="weights.rel"):
        weighted_score({"rel": 1}, {"rel": -1})
    with pytest.raises(InputError, match="has no weight"):
        weighted_score({"other": 1}, {"rel": 1})
    with pytest.raises(InputError, match=r"assessments\[0\].side"):
        compare([Assessment("Z", "exit", CashFlows.point([1]))], {}, 0.1)
