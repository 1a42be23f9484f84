"""Adherence = share of commitments due in a period that were done on time, checked around
period boundaries and against a brute-force count over every day of each period."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from detente.commitments.adherence import Facts, adherence
from detente.objectives import periods

TODAY = date(2026, 5, 15)
Q1, Q2 = periods.parse("2026Q1"), periods.parse("2026Q2")


def one(facts: list[Facts], period=Q1, today=TODAY):
    return adherence(facts, [period], today)["A"][0]


def test_due_on_the_first_and_last_day_belongs_to_the_quarter():
    facts = [
        Facts("A", date(2026, 1, 1), "done", date(2026, 1, 1)),
        Facts("A", date(2026, 3, 31), "open"),
        Facts("A", date(2025, 12, 31), "done", date(2025, 12, 1)),  # previous quarter
        Facts("A", date(2026, 4, 1), "open"),  # next quarter
    ]
    point = one(facts)
    assert (point.due, point.on_time, point.percent) == (2, 1, 50.0)


def test_done_on_the_due_date_is_on_time_and_a_day_later_is_not():
    facts = [
        Facts("A", date(2026, 3, 31), "done", date(2026, 3, 31)),
        Facts("A", date(2026, 3, 31), "done", date(2026, 4, 1)),
    ]
    assert (one(facts).due, one(facts).on_time) == (2, 1)


def test_a_commitment_done_late_in_the_next_quarter_counts_in_the_quarter_it_was_due():
    facts = [Facts("A", date(2026, 3, 30), "done", date(2026, 4, 10))]
    assert (one(facts, Q1).due, one(facts, Q1).on_time) == (1, 0)
    assert one(facts, Q2).due == 0


def test_waived_ones_do_not_count_and_disputed_ones_count_as_not_done():
    facts = [
        Facts("A", date(2026, 2, 1), "waived"),
        Facts("A", date(2026, 2, 1), "disputed"),
        Facts("A", date(2026, 2, 1), "done", date(2026, 1, 20)),
    ]
    assert (one(facts).due, one(facts).on_time) == (2, 1)


def test_commitments_not_yet_due_are_left_out_until_their_date():
    facts = [
        Facts("A", TODAY, "open"),  # due today: not late yet
        Facts("A", TODAY + timedelta(days=20), "open"),
        Facts("A", TODAY - timedelta(days=1), "open"),  # late
        Facts("A", TODAY + timedelta(days=30), "done", TODAY - timedelta(days=2)),  # early
    ]
    point = one(facts, Q2)
    assert (point.due, point.on_time) == (2, 1)


def test_nothing_due_is_no_data_not_zero():
    assert one([Facts("A", date(2026, 5, 1), "open")], Q1).percent is None


def test_each_side_gets_its_own_series():
    facts = [
        Facts("A", date(2026, 2, 1), "done", date(2026, 2, 1)),
        Facts("B", date(2026, 2, 1), "open"),
    ]
    result = adherence(facts, [Q1], TODAY)
    assert result["A"][0].percent == 100.0 and result["B"][0].percent == 0.0


def brute_force(facts: list[Facts], period: periods.Period, side: str, today: date):
    days = set()
    day = period.start
    while day <= period.end:
        days.add(day)
        day += timedelta(days=1)
    due = on_time = 0
    for f in facts:
        if f.owed_by != side or f.due_date not in days or f.status == "waived":
            continue
        done = f.status == "done" and f.done_on is not None and f.done_on <= f.due_date
        if f.due_date >= today and not done:
            continue
        due += 1
        on_time += done
    return due, on_time


@pytest.mark.parametrize("seed", range(25))
def test_it_matches_a_brute_force_count(seed):
    rng = random.Random(seed)
    start = date(2024, 12, 20)
    facts = []
    for _ in range(rng.randint(0, 60)):
        due = start + timedelta(days=rng.randint(0, 560))
        status = rng.choice(["open", "done", "done", "waived", "disputed"])
        done_on = due + timedelta(days=rng.randint(-20, 20)) if status == "done" else None
        facts.append(Facts(rng.choice("AB"), due, status, done_on))
    today = start + timedelta(days=rng.randint(0, 600))
    kind = rng.choice([periods.QUARTER, periods.MONTH])
    span = periods.span(start, start + timedelta(days=600), kind)
    result = adherence(facts, span, today)
    for side in "AB":
        for i, period in enumerate(span):
            expected = brute_force(facts, period, side, today)
            points = result.get(side)
            got = (points[i].due, points[i].on_time) if points else (0, 0)
            assert got == expected, (side, period.label)
