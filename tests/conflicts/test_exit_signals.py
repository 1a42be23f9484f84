"""Each exit signal fires on data built to trigger it and stays quiet on data built not to."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from detente.alliances.models import Signal
from detente.commitments.models import Commitment
from detente.conflicts import exit_signals
from detente.conflicts.models import Comparison, Conflict, OptionEstimate
from detente.objectives.models import KPI, Measurement, Objective
from detente.records.visibility import get_alliance_access

TODAY = date(2026, 11, 20)


def signal(cast: Any, key: str, who: str = "alice", **kw: Any) -> exit_signals.ExitSignal:
    access = get_alliance_access(getattr(cast, who), cast.alliance.pk)
    result = exit_signals.assess(access, today=TODAY, **kw)
    return next(s for s in result.signals if s.key == key)


def conflict(cast: Any, **kw: Any) -> Conflict:
    values = {
        "alliance": cast.alliance,
        "owner_side": cast.side_a,
        "visibility": "joint",
        "title": "C",
        "source": "other",
        "kind": "evolving",
        "opened_on": TODAY,
    } | kw
    return Conflict.objects.create(**values)


# 1. Persistent unresolved conflicts


def test_conflicts_fire_when_one_is_past_the_top_rung(cast: Any) -> None:
    conflict(cast, title="Stuck", status="unresolved", past_top_at="2026-10-01T00:00Z")
    s = signal(cast, "conflicts")
    assert s.fired and "'Stuck' passed the top rung" in s.evidence[0]


def test_conflicts_fire_when_one_is_older_than_the_set_age(cast: Any) -> None:
    conflict(cast, title="Old", opened_on=TODAY - timedelta(days=181))
    assert signal(cast, "conflicts").fired
    assert not signal(cast, "conflicts", max_age_days=200).fired


def test_conflicts_stay_quiet_for_young_or_resolved_ones(cast: Any) -> None:
    conflict(cast, opened_on=TODAY - timedelta(days=180))
    conflict(cast, opened_on=TODAY - timedelta(days=900), status="resolved")
    assert not signal(cast, "conflicts").fired


def test_conflicts_do_not_count_the_other_sides_private_ones(cast: Any) -> None:
    conflict(cast, owner_side=cast.side_b, visibility="private", opened_on=date(2024, 1, 1))
    assert not signal(cast, "conflicts", who="alice").fired
    assert signal(cast, "conflicts", who="bob").fired


# 2. A partner repeatedly missing commitments


def commitments(cast: Any, owed_by: Any, outcomes: dict[date, bool]) -> None:
    for due, done in outcomes.items():
        Commitment.objects.create(
            alliance=cast.alliance,
            owner_side=cast.side_a,
            owed_by=owed_by,
            title="x",
            due_date=due,
            status="done" if done else "open",
            done_on=due if done else None,
        )


def test_commitments_fire_when_a_side_misses_in_two_of_three_quarters(cast: Any) -> None:
    commitments(
        cast,
        cast.side_b,
        {
            date(2026, 2, 10): True,
            date(2026, 5, 10): False,
            date(2026, 8, 10): True,
            date(2026, 8, 20): False,
            date(2026, 10, 5): False,
        },
    )
    s = signal(cast, "commitments")
    assert s.fired
    assert any(
        e.startswith("Globex: 2026Q2 0% (0/1), 2026Q3 50% (1/2), 2026Q4 0% (0/1)")
        for e in s.evidence
    )


def test_commitments_stay_quiet_with_one_bad_quarter(cast: Any) -> None:
    commitments(
        cast,
        cast.side_b,
        {
            date(2026, 2, 10): True,
            date(2026, 5, 10): False,
            date(2026, 8, 10): True,
            date(2026, 10, 5): True,
        },
    )
    assert not signal(cast, "commitments").fired


def test_commitments_stay_quiet_with_nothing_due(cast: Any) -> None:
    commitments(cast, cast.side_b, {date(2026, 12, 10): False})
    s = signal(cast, "commitments")
    assert not s.fired and s.evidence == ["No commitment has fallen due yet."]


# 3. The alliance no longer serving core objectives


def kpi_with(
    cast: Any, values: list[float], direction: str = "higher", scope: str = "shared"
) -> KPI:
    objective = Objective.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, title="O", scope=scope
    )
    kpi = KPI.objects.create(
        objective=objective,
        name="Revenue",
        metric="m",
        unit="k",
        target=Decimal(100),
        deadline=date(2027, 1, 1),
        direction=direction,
    )
    for period, value in zip(["2026Q1", "2026Q2", "2026Q3"], values, strict=False):
        Measurement.objects.create(
            alliance=cast.alliance,
            owner_side=cast.side_a,
            kpi=kpi,
            period=period,
            value=Decimal(str(value)),
        )
    return kpi


def test_objectives_fire_when_shared_kpis_fall_short_and_away(cast: Any) -> None:
    kpi_with(cast, [90, 80, 70])
    s = signal(cast, "objectives")
    assert s.fired and "90 → 80 → 70 k against a target of 100" in s.evidence[0]


def test_objectives_fire_for_lower_is_better_kpis_rising(cast: Any) -> None:
    kpi_with(cast, [110, 120, 130], direction="lower")
    assert signal(cast, "objectives").fired


@pytest.mark.parametrize("values", [[60, 70, 80], [90, 120, 95], [50]])
def test_objectives_stay_quiet_when_recovering_on_target_or_unmeasured(
    cast: Any, values: list
) -> None:
    kpi_with(cast, values)
    assert not signal(cast, "objectives").fired


def test_objectives_ignore_a_sides_own_objectives(cast: Any) -> None:
    kpi_with(cast, [90, 80, 70], scope="side")
    assert not signal(cast, "objectives").fired


# 4. Cost outweighing benefit


def comparison_with(cast: Any, continue_flows: list, exit_flows: list) -> Comparison:
    cmp = Comparison.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, title="Cmp", discount_rate=10, periods=2
    )
    for option, flows in (("continue", continue_flows), ("exit", exit_flows)):
        OptionEstimate.objects.create(
            alliance=cast.alliance,
            owner_side=cast.side_a,
            comparison=cmp,
            option=option,
            flows_low=flows,
            flows_likely=flows,
            flows_high=flows,
        )
    return cmp


def test_cost_fires_when_continuing_is_worth_less_than_exit(cast: Any) -> None:
    comparison_with(cast, [10, 11], [30, 0])  # 20 against 30
    s = signal(cast, "cost")
    assert s.fired and "continuing is worth 20 EUR k (likely), exit 30 EUR k" in s.evidence[0]


def test_cost_fires_when_continuing_loses_money(cast: Any) -> None:
    comparison_with(cast, [-50, 11], [-100, 0])
    assert signal(cast, "cost").fired


def test_cost_stays_quiet_when_continuing_pays(cast: Any) -> None:
    comparison_with(cast, [10, 55], [30, 0])  # 60 against 30
    assert not signal(cast, "cost").fired
    Comparison.objects.all().delete()
    assert not signal(cast, "cost").fired


# 5. A shift in the market or regulation


def test_market_fires_on_a_high_severity_regulation_signal(cast: Any) -> None:
    Signal.objects.create(
        alliance=cast.alliance,
        owner_side=cast.side_b,
        visibility="joint",
        date=TODAY - timedelta(days=30),
        kind="other",
        severity=3,
        title="New data rules",
        notes="Regulation forbids the export",
    )
    assert signal(cast, "market").fired


def test_market_fires_on_an_active_market_change_conflict(cast: Any) -> None:
    conflict(cast, source="market_change")
    assert signal(cast, "market").fired


def test_market_stays_quiet_on_old_mild_or_unrelated_signals(cast: Any) -> None:
    common = {
        "alliance": cast.alliance,
        "owner_side": cast.side_b,
        "visibility": "joint",
        "kind": "other",
    }
    Signal.objects.create(
        date=TODAY - timedelta(days=400), severity=3, title="Market shift", **common
    )
    Signal.objects.create(
        date=TODAY - timedelta(days=3), severity=2, title="Market chatter", **common
    )
    Signal.objects.create(date=TODAY - timedelta(days=3), severity=3, title="CEO left", **common)
    conflict(cast, source="market_change", status="resolved")
    assert not signal(cast, "market").fired


# The recommendation


def test_it_recommends_salvage_with_no_signal_and_exit_with_three(cast: Any) -> None:
    access = get_alliance_access(cast.alice, cast.alliance.pk)
    assert exit_signals.assess(access, today=TODAY).recommendation == "salvage"
    conflict(cast, source="market_change", opened_on=date(2025, 1, 1))  # signals 1 and 5
    assert exit_signals.assess(access, today=TODAY).recommendation == "restructure"
    comparison_with(cast, [-50, 11], [-10, 0])  # signal 4
    result = exit_signals.assess(access, today=TODAY)
    assert (result.fired_count, result.recommendation) == (3, "exit")
    assert "3 of the 5 exit signals fire" in result.reasoning


def test_it_recommends_restructuring_when_an_option_beats_exit_for_every_side(cast: Any) -> None:
    access = get_alliance_access(cast.alice, cast.alliance.pk)
    conflict(cast, source="market_change", opened_on=date(2025, 1, 1))
    cmp = comparison_with(cast, [-50, 11], [-10, 0])
    OptionEstimate.objects.create(
        alliance=cast.alliance,
        owner_side=cast.side_a,
        comparison=cmp,
        option="modular",
        flows_low=[0, 22],
        flows_likely=[0, 22],
        flows_high=[0, 22],
    )
    result = exit_signals.assess(access, today=TODAY)
    assert result.recommendation == "restructure"
    assert "'Modular menu of opt-in projects' is worth more than exit" in result.reasoning
