"""Objectives fixtures: on the shared cast, a joint shared objective kept by side A with a
ROI KPI, and a private objective of side A with its own KPI."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from detente.objectives.models import KPI, Measurement, Objective


@pytest.fixture
def kpis(cast: Any) -> dict[str, Any]:
    a = cast.side_a
    shared = Objective.objects.create(
        alliance=cast.alliance, owner_side=a, title="Joint revenue", scope="shared"
    )
    roi = KPI.objects.create(
        objective=shared,
        name="Joint project ROI",
        metric="Return on the joint project's cost",
        unit="%",
        target=Decimal("12"),
        deadline=date(2026, 12, 31),
        tolerance=Decimal("1"),
    )
    secret = Objective.objects.create(
        alliance=cast.alliance,
        owner_side=a,
        title="Objective A-PRIVATE",
        scope="side",
        visibility="private",
    )
    secret_kpi = KPI.objects.create(
        objective=secret,
        name="KPI A-PRIVATE",
        metric="Secret metric",
        unit="leads",
        target=Decimal("100"),
        deadline=date(2026, 12, 31),
    )
    other = Objective.objects.create(
        alliance=cast.other_alliance,
        owner_side=cast.other_alliance.sides.first(),
        title="Foreign objective",
    )
    foreign_kpi = KPI.objects.create(
        objective=other,
        name="Foreign KPI",
        metric="m",
        unit="u",
        target=1,
        deadline=date(2026, 1, 1),
    )
    return {
        "shared": shared,
        "roi": roi,
        "secret": secret,
        "secret_kpi": secret_kpi,
        "foreign_objective": other,
        "foreign_kpi": foreign_kpi,
    }


def measure(kpi: KPI, side: Any, period: str, value: Any, visibility: str = "joint") -> Measurement:
    return Measurement.objects.create(
        alliance=kpi.objective.alliance,
        owner_side=side,
        kpi=kpi,
        period=period,
        value=Decimal(str(value)),
        visibility=visibility,
    )
