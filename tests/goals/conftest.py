"""Objectives, KPIs and measurements for the realism tests, on top of the shared cast.

Side A (Acme) keeps a joint objective with a KPI "Units sold" and a private objective with a
KPI "Secret pilot"; each KPI has monthly values reported by side A, one of them private.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from detente.objectives.models import KPI, Measurement, Objective


def past_months(n: int) -> list[str]:
    """The n months before the current one, oldest first, as YYYY-MM."""
    first = timezone.localdate().replace(day=1)
    months = []
    for _ in range(n):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(f"{first:%Y-%m}")
    return months[::-1]


@dataclass
class Goals:
    joint_kpi: KPI
    private_kpi: KPI
    foreign_kpi: KPI
    joint_objective: Objective
    private_objective: Objective
    private_measurement: Measurement


def _kpi(objective: Objective, name: str, target: int) -> KPI:
    return KPI.objects.create(
        objective=objective,
        name=name,
        metric=name.lower(),
        unit="units",
        kind="count",  # units that add up month by month
        target=Decimal(target),
        deadline=timezone.localdate() + timedelta(days=60),
        frequency=KPI.Frequency.MONTH,
    )


@pytest.fixture
def goals(cast: Any) -> Goals:
    a = {"alliance": cast.alliance, "owner_side": cast.side_a}
    joint_objective = Objective.objects.create(title="Grow sales", visibility="joint", **a)
    private_objective = Objective.objects.create(
        title="Our secret pilot", scope="side", visibility="private", **a
    )
    joint_kpi = _kpi(joint_objective, "Units sold", 300)
    private_kpi = _kpi(private_objective, "Secret pilot", 200)
    months = past_months(3)
    for month, value in zip(months, (100, 110, 120), strict=True):
        Measurement.objects.create(kpi=joint_kpi, period=month, value=value, **a)
        Measurement.objects.create(
            kpi=private_kpi, period=month, value=value, visibility="private", **a
        )
    private_measurement = Measurement.objects.create(
        kpi=joint_kpi,
        period=months[-1],
        value=130,
        visibility="private",
        alliance=cast.alliance,
        owner_side=cast.side_b,
    )
    other_side = cast.other_alliance.sides.order_by("id").first()
    foreign_objective = Objective.objects.create(
        title="Elsewhere", alliance=cast.other_alliance, owner_side=other_side
    )
    foreign_kpi = _kpi(foreign_objective, "Foreign units", 50)
    Measurement.objects.create(
        kpi=foreign_kpi,
        period=months[-1],
        value=10,
        alliance=cast.other_alliance,
        owner_side=other_side,
    )
    return Goals(
        joint_kpi=joint_kpi,
        private_kpi=private_kpi,
        foreign_kpi=foreign_kpi,
        joint_objective=joint_objective,
        private_objective=private_objective,
        private_measurement=private_measurement,
    )
