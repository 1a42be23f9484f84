"""A conflict's linked objectives, KPIs, commitments and signals, as the reader may see them.

A joint conflict may link a record that its side later made private; the other side must
not see it through the conflict, so every link is read back through the visibility rule.
"""

from __future__ import annotations

from typing import Any

from detente.alliances.models import Signal
from detente.commitments.models import Commitment
from detente.conflicts.models import Conflict
from detente.objectives.charts import visible_measurements
from detente.objectives.models import KPI, Objective
from detente.records.visibility import AllianceAccess


def visible_links(access: AllianceAccess, conflict: Conflict) -> dict[str, list[Any]]:
    objectives = access.records(Objective).filter(pk__in=conflict.objectives.values("pk"))
    kpis = list(
        KPI.objects.filter(
            pk__in=conflict.kpis.values("pk"), objective__in=access.records(Objective)
        )
    )
    latest: dict[int, Any] = {}
    for m in visible_measurements(access).filter(kpi__in=kpis).order_by("period_start"):
        latest[m.kpi_id] = m
    for k in kpis:
        k.latest_measurement = latest.get(k.pk)
    return {
        "objectives": list(objectives),
        "kpis": kpis,
        "commitments": list(
            access.records(Commitment)
            .filter(pk__in=conflict.commitments.values("pk"))
            .select_related("owed_by__organisation")
        ),
        "signals": list(access.records(Signal).filter(pk__in=conflict.signals.values("pk"))),
    }
