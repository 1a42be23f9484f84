"""A joint objective of side A with a count KPI and monthly values reported by side A, on
top of the shared cast; dates are fixed so every number can be worked out by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from detente.milestones import tracking
from detente.milestones.models import Milestone
from detente.objectives.models import KPI, Measurement, Objective

START, DUE = date(2026, 1, 1), date(2026, 3, 31)


@dataclass
class Track:
    kpi: KPI
    private_kpi: KPI
    objective: Objective

    def value(
        self, cast: Any, period: str, value: int, *, side: Any = None, visibility: str = "joint"
    ) -> Measurement:
        return Measurement.objects.create(
            alliance=cast.alliance,
            owner_side=side or cast.side_a,
            visibility=visibility,
            kpi=self.kpi,
            period=period,
            value=Decimal(value),
        )

    def milestone(self, cast: Any, **changes: Any) -> Milestone:
        fields: dict[str, Any] = {
            "alliance": cast.alliance,
            "owner_side": cast.side_a,
            "visibility": "joint",
            "title": "5,000 drivers in Vietnam",
            "kpi": self.kpi,
            "target": 5000,
            "start": START,
            "due": DUE,
            "measured_by": cast.side_a,
            "state": Milestone.State.AGREED,
        }
        fields.update(changes)
        return Milestone.objects.create(**fields)

    def recompute(self, milestone: Milestone, today: date = date(2026, 4, 15)) -> Milestone:
        return tracking.recompute(milestone, today)


def _kpi(objective: Objective, name: str) -> KPI:
    return KPI.objects.create(
        objective=objective,
        name=name,
        metric=name.lower(),
        unit="drivers",
        kind="count",
        target=Decimal(5000),
        deadline=DUE,
        frequency=KPI.Frequency.MONTH,
    )


@pytest.fixture
def track(cast: Any) -> Track:
    a = {"alliance": cast.alliance, "owner_side": cast.side_a}
    objective = Objective.objects.create(title="Driver rollout", visibility="joint", **a)
    secret = Objective.objects.create(
        title="Our own pilot", visibility="private", scope="side", **a
    )
    return Track(_kpi(objective, "Drivers onboarded"), _kpi(secret, "Secret drivers"), objective)
