"""Realism only where it applies (issue 15): the funnel check is for cumulative counts where
higher is better; a level, rate or duration gets the trend of its own values, or a plain
refusal that says how many values are needed. Nothing is ever summed that should not be."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from realism_helpers import check_form

from detente.analysis.trend import Point, trend_check
from detente.goals.models import RealismCheck
from detente.objectives.models import KPI, Measurement, Objective
from tests.conftest import body, call

pytestmark = pytest.mark.django_db


def past_quarters(n: int) -> list[str]:
    """The n calendar quarters before the current one, oldest first, as 2026Q1."""
    today = dt.date.today()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    out = []
    for _ in range(n):
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
        out.append(f"{year}Q{quarter}")
    return out[::-1]


def kpi_with_values(
    cast: Any, name: str, unit: str, target: str, values: list[float], **fields: Any
) -> KPI:
    objective = Objective.objects.create(
        title="Run the network well", alliance=cast.alliance, owner_side=cast.side_a
    )
    kpi = KPI.objects.create(
        objective=objective,
        name=name,
        metric=fields.pop("metric", name),
        unit=unit,
        target=Decimal(target),
        deadline=dt.date.today() + dt.timedelta(days=200),
        **fields,
    )
    for period, value in zip(past_quarters(len(values)), values, strict=True):
        Measurement.objects.create(
            kpi=kpi,
            period=period,
            value=value,
            alliance=cast.alliance,
            owner_side=cast.side_a,
        )
    return kpi


def page(cast: Any, kpi: KPI) -> str:
    return f"/alliances/{cast.alliance.pk}/goals/kpis/{kpi.pk}/"


def trend_api(cast: Any, kpi: KPI) -> str:
    return f"/api/v1/alliances/{cast.alliance.pk}/goals/kpis/{kpi.pk}/trend"


def test_triage_time_is_a_duration_whose_trend_is_checked_not_summed(cast: Any) -> None:
    kpi = kpi_with_values(
        cast,
        "Incident triage time",
        "h",
        "2",
        [3.4, 3.1, 2.9, 2.8, 2.6],
        metric="Median hours from alarm to assigned root cause",
        direction="lower",
    )
    assert kpi.kind == "duration"
    client = cast.client("alice")
    html = client.get(page(cast, kpi)).content.decode()
    assert "is a duration" in html and "never added up" in html
    assert "at most 2" in html
    assert "8.5 h" not in html and "per working day" not in html
    answer = body(cast.api("alice").get(trend_api(cast, kpi)))
    assert answer["method"] == "trend" and answer["lower_is_better"] is True
    # The answer is the engine's, on the values each at its period's middle.
    points = [
        Point(m.period_start + (m.period_end - m.period_start) / 2, float(m.value))
        for m in kpi.measurements.order_by("period_start")
    ]
    reference = trend_check(
        points, target=2, deadline=kpi.deadline, lower_is_better=True, confidence=0.8
    )
    assert answer["probability"] == pytest.approx(reference["probability"])
    assert 1 < answer["predicted"] < 3.4  # hours at the deadline, not a sum of medians
    assert 0 < answer["probability"] < 1


def test_triage_time_with_three_values_is_refused_plainly(cast: Any) -> None:
    kpi = kpi_with_values(
        cast, "Incident triage time", "h", "2", [3.1, 2.8, 2.6], direction="lower"
    )
    html = cast.client("alice").get(page(cast, kpi)).content.decode()
    assert "Not enough to say." in html
    assert "3 quarterly values from" in html and "at least 4" in html
    answer = body(cast.api("alice").get(trend_api(cast, kpi)))
    assert answer["needed"] == 4 and answer["have"] == 3 and "probability" not in answer


def test_joint_project_roi_is_a_rate_whose_falling_trend_makes_15_percent_unlikely(
    cast: Any,
) -> None:
    kpi = kpi_with_values(cast, "Joint project ROI", "%", "15", [12, 10, 7, 6.5])
    assert kpi.kind == "rate"
    answer = body(cast.api("alice").get(trend_api(cast, kpi)))
    assert answer["improving"] is False
    assert answer["probability"] < 0.05
    assert answer["trend_reaches_target_on"] is None
    assert "working" not in str(answer)  # no "0.8 a working day"


def test_the_funnel_check_of_a_rate_is_refused_on_the_page_and_in_the_api(cast: Any) -> None:
    kpi = kpi_with_values(cast, "Joint project ROI", "%", "15", [12, 10, 7, 6.5])
    client = cast.client("alice")
    response = client.post(page(cast, kpi), check_form(cast, cast.side_a, target=15))
    assert response.status_code == 200  # the trend page; nothing was saved
    refused = call(
        cast.api("alice"),
        "POST",
        f"/api/v1/alliances/{cast.alliance.pk}/goals/kpis/{kpi.pk}/checks",
        {"target": 15},
    )
    assert refused.status_code == 422
    assert "never added up" in str(body(refused))
    assert not RealismCheck.objects.exists()


def test_a_count_where_lower_is_better_gets_the_trend_not_the_funnel(cast: Any) -> None:
    kpi = kpi_with_values(
        cast, "Outages", "outages", "2", [6, 5, 5, 3], kind="count", direction="lower"
    )
    html = cast.client("alice").get(page(cast, kpi)).content.decode()
    assert "count where lower is better" in html
    answer = body(cast.api("alice").get(trend_api(cast, kpi)))
    assert answer["lower_is_better"] is True and answer["improving"] is True


def test_the_trend_reads_only_values_the_user_may_see(cast: Any) -> None:
    kpi = kpi_with_values(cast, "Joint project ROI", "%", "15", [12, 10, 7, 6.5])
    for period, value in zip(past_quarters(4), [1, 2, 3, 5], strict=True):
        Measurement.objects.create(
            kpi=kpi,
            period=period,
            value=value,
            visibility="private",
            alliance=cast.alliance,
            owner_side=cast.side_b,
        )
    answer = body(cast.api("alice").get(trend_api(cast, kpi) + f"?side_id={cast.side_b.pk}"))
    assert answer["have"] == 0 and "probability" not in answer
    bobs = body(cast.api("bob").get(trend_api(cast, kpi) + f"?side_id={cast.side_b.pk}"))
    assert bobs["points"] == 4


def test_the_realism_form_is_three_fields_with_the_rest_under_advanced(
    cast: Any, goals: Any
) -> None:
    html = cast.client("alice").get(page(cast, goals.joint_kpi)).content.decode()
    before, advanced = html.split('<details class="advanced"', 1)
    for name in ("target", "deadline", "measurements_side"):
        assert f'name="{name}"' in before
    for name in ("funnel", "seed", "phases", "ramp", "activity", "weekdays"):
        assert f'name="{name}"' in advanced and f'name="{name}"' not in before


def test_errors_are_listed_at_the_top_with_links_and_next_to_each_field(
    cast: Any, goals: Any
) -> None:
    data = check_form(cast, cast.side_a, target=0, funnel="leads\nmeetings 0/90")
    html = cast.client("alice").post(page(cast, goals.joint_kpi), data).content.decode()
    summary = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#id_target"' in summary and 'href="#id_funnel"' in summary
    assert 'id="id_target_errors"' in html and 'id="id_funnel_errors"' in html
    assert re.search(r'<details class="advanced" open>', html)  # the funnel's error shows
    assert html.index('class="error-summary"') < html.index('name="target"')


def test_an_empty_ledger_is_said_at_the_top_of_the_form(cast: Any, goals: Any) -> None:
    Measurement.objects.filter(kpi=goals.joint_kpi).delete()
    html = cast.client("alice").get(page(cast, goals.joint_kpi)).content.decode()
    assert "No side has reported a value of Units sold" in html
    assert html.index("No side has reported a value") < html.index('name="target"')
