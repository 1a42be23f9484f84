"""The funnel is typed one stage per line; a stage's name may end in a number."""

import pytest
from django.core.exceptions import ValidationError

from detente.goals.forms import parse_funnel


def test_it_reads_fixed_observed_and_decimal_rates_and_lags() -> None:
    stages = parse_funnel("introductions\nmeetings 10%\nevaluations 30/90\nsales 0.5 lag 14")
    assert stages == [
        {"name": "introductions"},
        {"name": "meetings", "rate": 0.1},
        {"name": "evaluations", "observed": {"trials": 90, "successes": 30}},
        {"name": "sales", "rate": 0.5, "lag_days": 14},
    ]


def test_it_keeps_a_number_at_the_end_of_a_stage_name() -> None:
    stages = parse_funnel("stage 1\nstage 2 25%")
    assert [s["name"] for s in stages] == ["stage 1", "stage 2"]
    assert stages[1]["rate"] == 0.25


def test_it_asks_for_a_rate_rather_than_reading_a_name_as_one() -> None:
    with pytest.raises(ValidationError, match="line 2 \\(stage 2\\): give the rate"):
        parse_funnel("stage 1\nstage 2")
