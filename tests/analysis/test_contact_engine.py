"""The relationship-health arithmetic on hand-built cases, and the due date against a walk
through the calendar day by day."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from detente.analysis.contact import (
    Contact,
    last_contact,
    median_response_hours,
    next_due,
    overdue_days,
    response_hours,
    response_times,
    stance_path,
)

TODAY = date(2026, 6, 30)


def test_the_last_contact_is_the_latest_interaction_not_in_the_future() -> None:
    contacts = [Contact(date(2026, 6, 1)), Contact(date(2026, 6, 20)), Contact(date(2026, 7, 4))]
    assert last_contact(contacts, TODAY) == date(2026, 6, 20)
    assert last_contact([], TODAY) is None


def test_a_check_in_is_due_a_cadence_after_the_last_contact_or_after_the_target_was_set() -> None:
    assert next_due(date(2026, 6, 1), 14, since=date(2026, 1, 1)) == date(2026, 6, 15)
    assert next_due(None, 14, since=date(2026, 6, 10)) == date(2026, 6, 24)
    with pytest.raises(ValueError):
        next_due(None, 0, since=TODAY)


def test_overdue_counts_the_days_past_the_due_day_and_never_goes_negative() -> None:
    assert overdue_days(date(2026, 6, 1), 14, date(2026, 1, 1), TODAY) == 15
    assert overdue_days(date(2026, 6, 16), 14, date(2026, 1, 1), TODAY) == 0  # due today
    assert overdue_days(date(2026, 6, 29), 14, date(2026, 1, 1), TODAY) == 0
    assert overdue_days(None, 30, date(2026, 6, 10), TODAY) == 0
    assert overdue_days(None, 30, date(2026, 5, 1), TODAY) == 30  # never contacted


@pytest.mark.parametrize("cadence", [1, 7, 30, 45])
@pytest.mark.parametrize("gap", [0, 1, 10, 44, 90])
def test_overdue_agrees_with_counting_the_days_one_by_one(cadence: int, gap: int) -> None:
    last = TODAY - timedelta(days=gap)
    late, day, allowed = 0, last, cadence
    while day < TODAY:  # walk the calendar: each day beyond the allowed ones is a late day
        day += timedelta(days=1)
        allowed -= 1
        if allowed < 0:
            late += 1
    assert overdue_days(last, cadence, date(2020, 1, 1), TODAY) == late


def test_response_times_come_from_requests_that_were_answered() -> None:
    asked = datetime(2026, 6, 1, 9, 0)
    contacts = [
        Contact(date(2026, 6, 3), asked + timedelta(days=2), asked + timedelta(days=2, hours=6)),
        Contact(date(2026, 6, 1), asked, asked + timedelta(hours=30)),
        Contact(date(2026, 6, 5), asked, None),  # still waiting
        Contact(date(2026, 6, 6), asked, asked - timedelta(hours=1)),  # typed the wrong way round
        Contact(date(2026, 6, 7)),
    ]
    assert response_hours(asked, asked + timedelta(minutes=90)) == 1.5
    assert response_times(contacts) == [30.0, 6.0]
    assert median_response_hours(contacts) == 18.0
    assert median_response_hours([Contact(date(2026, 6, 7))]) is None


def test_the_stance_path_merges_repeats_and_ends_with_todays_stance() -> None:
    changes = [
        (date(2026, 3, 1), "supporter"),
        (date(2026, 1, 1), "neutral"),
        (date(2026, 2, 1), "neutral"),
        (date(2026, 5, 1), "sceptic"),
    ]
    assert stance_path(changes, "sceptic", TODAY) == [
        (date(2026, 1, 1), "neutral"),
        (date(2026, 3, 1), "supporter"),
        (date(2026, 5, 1), "sceptic"),
    ]
    assert stance_path([], "champion", TODAY) == [(TODAY, "champion")]
