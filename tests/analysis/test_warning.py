"""The early-warning engine, checked against exact enumeration, exact formulas and null
simulations with fixed seeds. Tolerances are binomial: 3 standard errors."""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections import Counter
from fractions import Fraction
from math import factorial, sqrt

import numpy as np
import pytest
from scipy.stats import norm

from detente.analysis.warning import Observation, Settings, Signal, scan, scan_table
from detente.analysis.warning.simulate import Drop, portfolio
from detente.analysis.warning.stats import (
    mann_kendall_p_lower,
    mann_kendall_s,
    mann_kendall_s_ties,
    rolling_mann_kendall_s,
)

STATISTICAL = {"shift", "decline", "gap", "broad"}

SEED = {  # the seed's Alliance Health Check, Q1-Q3, read the same by both sides
    "alignment": [4.5, 4.0, 3.2],
    "adherence": [95, 90, 80],
    "roi": [12, 10, 7],
    "satisfaction": [4.2, 3.8, 3.0],
}


def seed_observations(scores=SEED, alliance="Seed", sides=("A", "B")) -> list[Observation]:
    return [
        Observation(alliance, f"2026Q{q + 1}", side, measure, value)
        for measure, values in scores.items()
        for q, value in enumerate(values)
        for side in sides
    ]


def false_alarm_rate(alerts, alliance_periods: int) -> float:
    raised = {
        (a.alliance, a.period) for a in alerts if a.rule in STATISTICAL and a.severity != "watch"
    }
    return len(raised) / alliance_periods


def binomial_ceiling(rate: float, n: int) -> float:
    return rate + 3 * sqrt(rate * (1 - rate) / n)


# --- Mann-Kendall ----------------------------------------------------------------------


@pytest.mark.parametrize("n", [3, 4, 5, 6, 7])
def test_mann_kendall_p_values_match_enumeration_of_every_ordering(n):
    counts = Counter(
        int(mann_kendall_s(np.array([perm], dtype=float))[0])
        for perm in itertools.permutations(range(n))
    )
    cumulative = Fraction(0)
    for s in range(-n * (n - 1) // 2, n * (n - 1) // 2 + 1):
        cumulative += Fraction(counts.get(s, 0), factorial(n))
        assert mann_kendall_p_lower(np.array([s]), n)[0] == pytest.approx(float(cumulative))


def test_mann_kendall_with_ties_errs_towards_fewer_alarms():
    rng = np.random.default_rng(5)
    for _ in range(60):
        n = int(rng.integers(4, 8))
        x = rng.integers(1, 4, size=n).astype(float)  # a three-point scale: many ties
        ties = int(mann_kendall_s_ties(x[None])[1][0])
        perms = np.array(list(itertools.permutations(x)))
        every_s = mann_kendall_s(perms)
        for s in np.unique(every_s):
            exact = np.mean(every_s <= s)  # the permutation law of S for these values
            assert mann_kendall_p_lower(np.array([s]), n, ties)[0] >= exact - 1e-12


def test_rolling_s_equals_s_of_each_trailing_window():
    y = np.random.default_rng(1).normal(size=(7, 15))
    y = np.round(y, 1)  # some ties
    rolling, ties = rolling_mann_kendall_s(y, 8)
    for t in range(15):
        s, tied = mann_kendall_s_ties(y[:, max(0, t - 7) : t + 1])
        assert (rolling[:, t] == s).all() and (ties[:, t] == tied).all()


def test_a_steady_eight_quarter_decline_has_the_exact_p_of_one_ordering_in_8_factorial():
    values = [4.4, 4.3, 4.2, 4.1, 4.0, 3.9, 3.8, 3.7]
    alerts = scan(
        seed_observations({"alignment": []})
        + [
            Observation("Slow", f"{2024 + q // 4}Q{q % 4 + 1}", "both", "alignment", v)
            for q, v in enumerate(values)
        ]
    )
    decline = [a for a in alerts if a.rule == "decline" and a.period == "2025Q4"]
    assert decline and decline[0].p_value == pytest.approx(1 / factorial(8))
    assert "Mann-Kendall" in decline[0].evidence


# --- the seed's case ------------------------------------------------------------------


def test_it_warns_by_q2_and_alerts_at_q3_on_the_seed_scorecard():
    alerts = scan(seed_observations())
    worst = {}
    for a in alerts:
        rank = ("watch", "warning", "alert").index(a.severity)
        worst[a.period] = max(worst.get(a.period, -1), rank)
    assert worst["2026Q2"] >= 1
    assert worst["2026Q3"] == 2


def test_its_alerts_show_the_data_and_the_rule_in_plain_words():
    alerts = scan(seed_observations())
    alignment = next(a for a in alerts if a.measure == "alignment" and a.rule == "shift")
    assert "4.5 → 4.0 → 3.2" in alignment.evidence
    assert "two falls in a row" in alignment.evidence
    assert "rule: shift" in alignment.evidence
    assert alignment.values == (("2026Q1", 4.5), ("2026Q2", 4.0), ("2026Q3", 3.2))
    q2 = next(a for a in alerts if a.period == "2026Q2")
    assert "95% → 90%" in q2.evidence and "4.5 → 4.0" in q2.evidence
    assert all(a.next_step for a in alerts)


def test_it_raises_nothing_on_a_healthy_alliance():
    healthy = {
        "alignment": [4.3, 4.4, 4.2],
        "adherence": [93, 95, 94],
        "roi": [11, 12, 11],
        "satisfaction": [4.1, 4.2, 4.1],
    }
    assert scan(seed_observations(healthy)) == []


# --- false alarms and power -----------------------------------------------------------


@pytest.mark.parametrize("budget", [0.01, 0.05])
def test_stable_alliances_stay_within_the_false_alarm_budget(budget):
    table = portfolio(np.random.default_rng(11), alliances=1500, periods=12)
    alerts = scan_table(table, settings=Settings(false_alarm_rate=budget))
    alliance_periods = 1500 * 11  # the first period has no history to compare with
    assert false_alarm_rate(alerts, alliance_periods) <= binomial_ceiling(budget, 1500 * 11)


def test_one_period_shift_p_values_are_exact_not_just_conservative():
    # With a single window the shift p-value is an exact normal tail: on stable series
    # 5% of them fall below 0.05 (up to binomial error).
    table = portfolio(np.random.default_rng(3), alliances=400, periods=10, measures=("alignment",))
    settings = Settings(false_alarm_rate=0.05 / 0.6, shift_windows=(1,), watch_factor=1.0)
    alerts = [a for a in scan_table(table, settings=settings) if a.rule == "shift"]
    n = 400 * 9
    assert abs(len(alerts) / n - 0.05) <= 3 * sqrt(0.05 * 0.95 / n)


def test_a_sustained_two_standard_deviation_drop_is_caught_within_four_quarters():
    # 400 of 2,000 alliances drop; the engine learns the noise from the whole portfolio,
    # as it would from a real one (if every alliance dropped at once, the drop would be
    # the portfolio's usual behaviour, not a change).
    drop = Drop("alignment", size=2.0, periods=4)
    table = portfolio(np.random.default_rng(21), 2000, periods=20, drop=drop, dropped=400)
    alerts = scan_table(table)
    drop_periods = {"2024Q1", "2024Q2", "2024Q3", "2024Q4"}
    dropped = {f"alliance-{i:05d}" for i in range(400)}
    caught = {
        a.alliance
        for a in alerts
        if a.period in drop_periods and a.rule in STATISTICAL and a.severity != "watch"
    }
    assert len(caught & dropped) / 400 > 0.6


def test_a_large_drop_is_caught_the_quarter_it_happens_as_often_as_the_formula_says():
    drop = Drop("satisfaction", size=5.0, periods=1)
    table = portfolio(np.random.default_rng(8), alliances=400, periods=8, drop=drop)
    # The formula is for the documented noise taken as known (every alliance drops here,
    # so a fit on this portfolio would learn the drop as noise).
    caught = {
        a.alliance
        for a in scan_table(table, settings=Settings(calibrate=False))
        if a.period == "2021Q4" and a.measure == "satisfaction" and a.severity != "watch"
    }
    # Exact power of the one-period window alone (the 4-period window only adds to it):
    # the drop is 5 / sqrt(1 + 1/7) standard errors; its share of the budget is
    # 0.01 * 0.6 / 6 measures / 2 windows.
    power = norm.sf(norm.isf(0.01 * 0.6 / 6 / 2) - 5 / sqrt(1 + 1 / 7))
    assert len(caught) / 400 >= power - 3 * sqrt(power * (1 - power) / 400)


# --- perception gap -------------------------------------------------------------------


def gap_observations(a_values, b_values, alliance="Gap"):
    obs = []
    for q, (a, b) in enumerate(zip(a_values, b_values, strict=True)):
        period = f"{2024 + q // 4}Q{q % 4 + 1}"
        if a is not None:
            obs.append(Observation(alliance, period, "Acme", "alignment", a))
        if b is not None:
            obs.append(Observation(alliance, period, "Beta", "alignment", b))
    return obs


def test_a_steady_gap_is_judged_against_history_not_against_zero():
    a = [4.4, 4.5, 4.4, 4.5, 4.4, 4.5, 4.4, 4.5]
    b = [3.4, 3.5, 3.4, 3.5, 3.4, 3.5, 3.4, 3.5]  # one point lower, every quarter
    assert [x for x in scan(gap_observations(a, b)) if x.rule == "gap"] == []


def test_a_widening_gap_is_flagged_with_both_sides_named():
    a = [4.4, 4.5, 4.4, 4.5, 4.4, 4.5, 4.4, 4.5]
    b = [4.3, 4.4, 4.3, 4.4, 4.3, 3.6, 3.4, 3.3]
    gaps = [x for x in scan(gap_observations(a, b)) if x.rule == "gap"]
    assert gaps and gaps[-1].side == "Acme vs Beta"
    assert "Acme minus Beta" in gaps[-1].evidence


def test_the_gap_uses_only_periods_both_sides_answered():
    a = [4.4, 4.5, 4.4, 4.5, 4.4, 4.5, 4.4, 4.5]
    b = [4.3, None, 4.3, None, 4.3, None, 4.3, 3.0]
    gaps = [x for x in scan(gap_observations(a, b)) if x.rule == "gap"]
    assert gaps
    assert [p for p, _ in gaps[-1].values] == ["2024Q1", "2024Q3", "2025Q1", "2025Q3", "2025Q4"]


def test_a_one_sided_alliance_has_no_gap():
    alerts = scan(gap_observations([4.4, 4.5, 2.0], [None, None, None]))
    assert all(a.rule != "gap" for a in alerts)


# --- levels and signals ---------------------------------------------------------------


def test_a_measure_where_lower_is_better_crosses_its_line_upwards():
    obs = [Observation("X", "2026Q1", "both", "overdue", 6)]
    (alert,) = scan(obs)
    assert (alert.rule, alert.severity) == ("level", "warning")
    assert "above the warning line of 5" in alert.evidence


def test_one_recorded_signal_is_watched_and_two_in_a_row_are_a_warning():
    signals = [Signal("X", "2026Q1", "messaging_shifts", "Beta", "CEO keynote dropped us")]
    (one,) = scan([], signals)
    assert (one.severity, one.rule) == ("watch", "signal")
    assert "CEO keynote dropped us" in one.evidence
    signals.append(Signal("X", "2026Q2", "overlapping_launches"))
    later = [a for a in scan([], signals) if a.period == "2026Q2"]
    assert later[0].severity == "warning"


def test_a_kpi_discrepancy_is_a_signal_alert_with_its_evidence_and_next_step():
    note = "Revenue 2026Q1: Acme 10 vs Beta 12"
    (alert,) = scan([], [Signal("X", "2026Q1", "kpi_discrepancies", "Acme", note)])
    assert (alert.rule, alert.measure, alert.severity) == ("signal", "kpi_discrepancies", "watch")
    assert alert.p_value is None  # a recorded fact, not a statistic
    assert alert.evidence.startswith("1 KPI discrepancy between the sides recorded in 2026Q1.")
    assert f"Acme: {note}" in alert.evidence
    assert "reconcile the KPI's definition" in alert.next_step


def test_new_signal_kinds_count_by_number_and_recency_like_the_first_three():
    signals = [
        Signal("X", "2026Q1", "falling_responsiveness", "Beta", "no reply to three emails"),
        Signal("X", "2026Q2", "kpi_discrepancies", "", "churn: 4% vs 7%"),
        Signal("X", "2026Q2", "kpi_discrepancies", "", "revenue: 10 vs 12"),
        Signal("X", "2026Q2", "other_signals", "Acme", "their VP left"),
    ]
    alerts = {(a.period, a.measure): a for a in scan([], signals)}
    assert alerts[("2026Q1", "falling_responsiveness")].severity == "watch"
    assert "call the counterpart" in alerts[("2026Q1", "falling_responsiveness")].next_step.lower()
    two = alerts[("2026Q2", "kpi_discrepancies")]
    assert two.severity == "warning"
    assert two.evidence.startswith("2 KPI discrepancies between the sides recorded in 2026Q2.")
    assert "4 signals recorded this period and the one before" in two.evidence
    assert alerts[("2026Q2", "other_signals")].evidence.startswith(
        "1 other signal of possible divergence"
    )


def test_an_unknown_signal_kind_is_refused_by_name():
    with pytest.raises(ValueError, match="unknown signal kind 'rumours'.*kpi_discrepancies"):
        scan([], [Signal("X", "2026Q1", "rumours")])


def test_monthly_periods_are_read_in_order():
    obs = [
        Observation("M", f"2025-{m:02d}", "both", "alignment", v)
        for m, v in zip(range(1, 4), [4.5, 4.0, 3.2], strict=True)
    ]
    assert any(a.period == "2025-03" and a.rule == "shift" for a in scan(obs))


def test_the_engine_never_imports_django():
    code = (
        "import sys, detente.analysis.warning, detente.analysis.warning.command;"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django']"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
