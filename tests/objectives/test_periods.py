from datetime import date, timedelta

import pytest

from detente.objectives import periods


@pytest.mark.parametrize(
    "text,label,start,end",
    [
        ("2026Q1", "2026Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026q4", "2026Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026-Q2", "2026Q2", date(2026, 4, 1), date(2026, 6, 30)),
        ("Q3 2025", "2025Q3", date(2025, 7, 1), date(2025, 9, 30)),
        ("2024-02", "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2025-2", "2025-02", date(2025, 2, 1), date(2025, 2, 28)),
    ],
)
def test_it_parses_quarters_and_months(text, label, start, end):
    period = periods.parse(text)
    assert (period.label, period.start, period.end) == (label, start, end)


@pytest.mark.parametrize("text", ["2026Q5", "2026-13", "Q1", "next quarter", "", "1800Q1"])
def test_it_refuses_what_is_not_a_period(text):
    with pytest.raises(periods.PeriodError):
        periods.parse(text)


def test_quarters_tile_the_calendar_without_gaps_or_overlaps():
    day = date(2023, 1, 1)
    seen = periods.span(date(2023, 1, 1), date(2027, 12, 31))
    assert len(seen) == 20
    while day <= date(2027, 12, 31):
        holding = [p for p in seen if day in p]
        assert len(holding) == 1 and holding[0] == periods.quarter_of(day)
        day += timedelta(days=1)
