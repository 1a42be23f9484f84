"""Reporting periods: quarters ("2026Q1") and months ("2026-03"). Pure Python, no Django.

The convention, used by measurements, imports and adherence:

* a quarter is written ``YYYYQn`` (n = 1..4) and runs from the first day of its first
  month to the last day of its third month, both included (calendar quarters);
* a month is written ``YYYY-MM`` and runs from its first to its last day, both included.

Lower-case ``q`` and the forms ``2026-Q1`` and ``Q1 2026`` are accepted on input and
normalised to ``2026Q1``. Fiscal calendars that differ from the calendar year are a
difference to record in the register, not a period format.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

QUARTER = "quarter"
MONTH = "month"

_QUARTER_FORMS = [
    re.compile(r"^(?P<year>\d{4})\s*-?\s*[Qq](?P<n>[1-4])$"),
    re.compile(r"^[Qq](?P<n>[1-4])\s*-?\s*(?P<year>\d{4})$"),
]
_MONTH_FORM = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})$")


@dataclass(frozen=True, order=True)
class Period:
    """A closed date range with its label; ordering follows the start date."""

    start: date
    end: date
    label: str
    kind: str

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


class PeriodError(ValueError):
    pass


def quarter(year: int, n: int) -> Period:
    first_month = 3 * (n - 1) + 1
    last_month = first_month + 2
    return Period(
        start=date(year, first_month, 1),
        end=date(year, last_month, calendar.monthrange(year, last_month)[1]),
        label=f"{year}Q{n}",
        kind=QUARTER,
    )


def month(year: int, m: int) -> Period:
    return Period(
        start=date(year, m, 1),
        end=date(year, m, calendar.monthrange(year, m)[1]),
        label=f"{year}-{m:02d}",
        kind=MONTH,
    )


def parse(text: str) -> Period:
    """``"2026Q1"`` or ``"2026-03"`` (and the accepted variants) as a Period, else PeriodError."""
    value = str(text).strip()
    for form in _QUARTER_FORMS:
        match = form.match(value)
        if match:
            return quarter(_year(match["year"]), int(match["n"]))
    match = _MONTH_FORM.match(value)
    if match:
        m = int(match["month"])
        if not 1 <= m <= 12:
            raise PeriodError(f"'{value}' has no month {m}; months run from 01 to 12.")
        return month(_year(match["year"]), m)
    raise PeriodError(
        f"'{value}' is not a period; write a quarter as 2026Q1 or a month as 2026-03."
    )


def _year(text: str) -> int:
    year = int(text)
    if not 1900 <= year <= 2200:
        raise PeriodError(f"The year {year} is out of range (1900 to 2200).")
    return year


def quarter_of(day: date) -> Period:
    return quarter(day.year, (day.month - 1) // 3 + 1)


def month_of(day: date) -> Period:
    return month(day.year, day.month)


def of(day: date, kind: str) -> Period:
    return quarter_of(day) if kind == QUARTER else month_of(day)


def following(period: Period) -> Period:
    """The period right after ``period``, of the same kind."""
    nxt = date.fromordinal(period.end.toordinal() + 1)
    return of(nxt, period.kind)


def span(first: date, last: date, kind: str = QUARTER) -> list[Period]:
    """Every period of ``kind`` from the one holding ``first`` to the one holding ``last``."""
    if last < first:
        return []
    periods = [of(first, kind)]
    while periods[-1].end < last:
        periods.append(following(periods[-1]))
    return periods
