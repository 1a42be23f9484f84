"""Working days: which dates count, and how many of them lie in a window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class WorkCalendar:
    """Working weekdays (0 = Monday, as ``date.weekday()``) minus a set of holidays."""

    weekdays: frozenset[int] = frozenset(range(5))
    holidays: frozenset[dt.date] = field(default_factory=frozenset)

    def is_working(self, day: dt.date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def working_days(self, first: dt.date, last: dt.date) -> list[dt.date]:
        """Working days from ``first`` to ``last``, both included (empty if last < first)."""
        days = []
        day = first
        while day <= last:
            if self.is_working(day):
                days.append(day)
            day += dt.timedelta(days=1)
        return days

    def count(self, first: dt.date, last: dt.date) -> int:
        return len(self.working_days(first, last))

    def working_days_from(self, first: dt.date, how_many: int) -> list[dt.date]:
        """The first ``how_many`` working days on or after ``first``."""
        if not self.weekdays:
            return []
        days: list[dt.date] = []
        day = first
        while len(days) < how_many:
            if self.is_working(day):
                days.append(day)
            day += dt.timedelta(days=1)
        return days


def weekday_numbers(names: Iterable[str]) -> frozenset[int]:
    return frozenset(WEEKDAY_NAMES.index(name) for name in names)
