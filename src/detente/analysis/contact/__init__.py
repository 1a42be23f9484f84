"""Relationship health of one counterpart pair: last contact, when the next check-in is due,
how late it is, how fast requests are answered, and how a stance moved over time.

Plain Python on dates and numbers (no Django): the caller passes what the reader may see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median


@dataclass(frozen=True)
class Contact:
    """One interaction of the pair: its day, and when a response was asked for and came."""

    day: date
    requested_at: datetime | None = None
    responded_at: datetime | None = None


def last_contact(contacts: Iterable[Contact], today: date) -> date | None:
    """The latest interaction on or before ``today`` (a planned one in the future is no contact)."""
    days = [c.day for c in contacts if c.day <= today]
    return max(days) if days else None


def next_due(last: date | None, cadence_days: int, since: date) -> date:
    """When the next check-in is due: ``cadence_days`` after the last contact, or after
    ``since`` (when the target was set, or the alliance began) if there was none."""
    if cadence_days < 1:
        raise ValueError("A cadence is at least one day.")
    return (last or since) + timedelta(days=cadence_days)


def overdue_days(last: date | None, cadence_days: int, since: date, today: date) -> int:
    """Days past the due check-in (0 when it is not yet due, or due today)."""
    return max(0, (today - next_due(last, cadence_days, since)).days)


def response_hours(requested_at: datetime | None, responded_at: datetime | None) -> float | None:
    """Hours from the request to the response; None when either is missing or the response
    is recorded before the request (a typing error, not a negative delay)."""
    if requested_at is None or responded_at is None or responded_at < requested_at:
        return None
    return (responded_at - requested_at).total_seconds() / 3600


def response_times(contacts: Iterable[Contact]) -> list[float]:
    """The response times of the answered requests, oldest interaction first."""
    out = []
    for c in sorted(contacts, key=lambda c: c.day):
        hours = response_hours(c.requested_at, c.responded_at)
        if hours is not None:
            out.append(hours)
    return out


def median_response_hours(contacts: Iterable[Contact]) -> float | None:
    times = response_times(contacts)
    return median(times) if times else None


def stance_path(
    changes: Iterable[tuple[date, str]], current: str, today: date
) -> list[tuple[date, str]]:
    """The stance over time as (from day, stance) steps: the recorded changes in time order,
    repeats of the same stance merged, ending with the stance held today."""
    path: list[tuple[date, str]] = []
    for day, stance in sorted(changes, key=lambda c: c[0]):
        if not path or path[-1][1] != stance:
            path.append((day, stance))
    if not path or path[-1][1] != current:
        path.append((today, current))
    return path
