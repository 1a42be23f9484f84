"""The plan's consistency checks, on hand-built plans: each check fires when its rule is
broken and stays quiet when it holds."""

from __future__ import annotations

import datetime as dt

from detente.analysis.plans import Measure, Obstacle, PlanInput, Priority, check_plan, pair

DAY = dt.date(2027, 3, 31)


def codes(plan: PlanInput) -> list[tuple[str, str]]:
    return [(f.code, f.item) for f in check_plan(plan)]


def test_a_plan_that_keeps_every_rule_has_no_finding() -> None:
    plan = PlanInput(
        priorities=[Priority("m1", "Method 1", "Acme", "Alice", measures=("me1",))],
        measures=[Measure("me1", "Measure 1", 100, DAY)],
        obstacles=[Obstacle("o1", "Obstacle 1", methods=("m1",))],
    )
    assert check_plan(plan) == []


def test_a_priority_without_an_owner_is_flagged() -> None:
    plan = PlanInput(priorities=[Priority("m1", "Method 1", "Acme", None, measures=("x",))])
    assert codes(plan) == [("no_owner", "m1")]
    assert "no owner" in check_plan(plan)[0].message


def test_a_priority_without_a_measure_or_a_kpi_is_flagged() -> None:
    plan = PlanInput(priorities=[Priority("m1", "Method 1", "Acme", "Alice")])
    assert codes(plan) == [("no_measure", "m1")]


def test_a_linked_kpi_counts_as_the_priority_s_measure() -> None:
    plan = PlanInput(priorities=[Priority("m1", "Method 1", "Acme", "Alice", kpis=("k1",))])
    assert codes(plan) == []


def test_a_measure_without_a_target_or_a_date_is_flagged_for_each() -> None:
    plan = PlanInput(
        measures=[
            Measure("a", "Measure a", None, DAY),
            Measure("b", "Measure b", 5, None),
            Measure("c", "Measure c", None, None),
            Measure("d", "Measure d", 0, DAY),  # a target of zero is a target
        ]
    )
    assert codes(plan) == [
        ("no_target", "a"),
        ("no_date", "b"),
        ("no_target", "c"),
        ("no_date", "c"),
    ]


def test_an_obstacle_without_a_method_is_flagged() -> None:
    plan = PlanInput(
        obstacles=[Obstacle("o1", "Obstacle 1"), Obstacle("o2", "Obstacle 2", ("m1",))]
    )
    assert codes(plan) == [("no_method", "o1")]


def _two_sides(against: set, guarded: set = frozenset(), same_side: bool = False) -> PlanInput:
    return PlanInput(
        priorities=[
            Priority("p", "Method 1", "Acme", "Alice", kpis=("speed",)),
            Priority("q", "Method 2", "Acme" if same_side else "Globex", "Bob", kpis=("quality",)),
        ],
        against=frozenset(against),
        guarded=frozenset(guarded),
    )


def test_two_sides_priorities_whose_kpis_move_against_each_other_are_flagged() -> None:
    found = check_plan(_two_sides({pair("speed", "quality")}))
    assert [(f.code, f.item, f.other, f.kpis) for f in found] == [
        ("conflict", "p", "q", ("speed", "quality"))
    ]
    assert found[0].needs_action and "guardrail" in found[0].message


def test_a_conflict_the_map_does_not_find_is_not_flagged() -> None:
    assert check_plan(_two_sides(set())) == []
    assert check_plan(_two_sides({pair("speed", "cost")})) == []


def test_priorities_of_one_side_are_not_a_conflict_between_the_sides() -> None:
    assert check_plan(_two_sides({pair("speed", "quality")}, same_side=True)) == []


def test_a_guardrail_between_the_two_kpis_turns_the_conflict_into_a_handled_one() -> None:
    # The guardrail holds either way round: the pair is unordered.
    found = check_plan(_two_sides({pair("speed", "quality")}, {pair("quality", "speed")}))
    assert [(f.code, f.needs_action) for f in found] == [("guarded_conflict", False)]


def test_one_unguarded_pair_keeps_the_conflict_open_even_when_another_is_guarded() -> None:
    plan = PlanInput(
        priorities=[
            Priority("p", "Method 1", "Acme", "Alice", kpis=("speed", "volume")),
            Priority("q", "Method 2", "Globex", "Bob", kpis=("quality",)),
        ],
        against=frozenset({pair("speed", "quality"), pair("volume", "quality")}),
        guarded=frozenset({pair("speed", "quality")}),
    )
    found = check_plan(plan)
    assert [(f.code, f.kpis) for f in found] == [("conflict", ("volume", "quality"))]
