"""Chart data for a KPI page (and its JSON twin in the API): one series per reporting side,
plus the target. Built only from the measurements the reader may see."""

from __future__ import annotations

from typing import Any

from detente.objectives.models import KPI, Measurement, Objective
from detente.records.visibility import AllianceAccess


def visible_measurements(access: AllianceAccess) -> Any:
    """Measurements the user may see, of KPIs the user may see."""
    return access.records(Measurement).filter(kpi__objective__in=access.records(Objective))


def kpi_series(access: AllianceAccess, kpi: KPI) -> dict[str, Any]:
    measurements = list(visible_measurements(access).filter(kpi=kpi).order_by("period_start"))
    labels = sorted({m.period for m in measurements}, key=lambda p: p)
    # Periods of one kind sort as text ("2025Q4" < "2026Q1", "2025-12" < "2026-01").
    index = {label: i for i, label in enumerate(labels)}
    series = []
    for side in access.sides:
        mine = [m for m in measurements if m.owner_side_id == side.pk]
        if not mine:
            continue
        values: list[float | None] = [None] * len(labels)
        private: list[bool] = [False] * len(labels)
        for m in mine:
            values[index[m.period]] = float(m.value)
            private[index[m.period]] = m.is_private
        series.append({"side_id": side.pk, "side": str(side), "values": values, "private": private})
    return {
        "kpi_id": kpi.pk,
        "name": kpi.name,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "target": float(kpi.target),
        "deadline": kpi.deadline.isoformat(),
        "labels": labels,
        "series": series,
    }
