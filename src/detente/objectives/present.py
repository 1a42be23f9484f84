"""What the objectives pages show: one function per page builds it for the page and its
JSON twins.

``home`` is the objectives page and ``GET .../objectives``, ``.../kpis``, ``.../guardrails``
and ``.../measurements``; ``kpi`` is a KPI's page and ``GET .../kpis/{pk}``,
``.../kpis/{pk}/series`` and ``.../kpis/{pk}/guardrails``; ``conflict`` is the goal-conflict
page and ``GET .../goal-conflict``. Each part is read lazily and at most once, so a JSON
route reads only the part it returns and the page each part in the same queries as before.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404

from detente.alliances.models import Signal
from detente.objectives.charts import kpi_series, visible_measurements
from detente.objectives.forms import visible_kpis
from detente.objectives.guardrails import (
    goal_conflict,
    guardrail_data,
    kpi_guardrails,
    visible_guardrails,
)
from detente.objectives.models import KPI, Guardrail, Measurement, Objective
from detente.records.visibility import AllianceAccess


def get_kpi(access: AllianceAccess, pk: Any, *, write: bool = False) -> KPI:
    """A KPI of an objective the user may see (else 404); with ``write``, one the user may change."""
    try:
        kpi = visible_kpis(access).get(pk=pk)
    except (KPI.DoesNotExist, ValueError, TypeError):
        raise Http404("No such KPI.") from None
    if write and not access.can_write_on(kpi.objective.owner_side_id):
        raise PermissionDenied("Only writers of the side that keeps this objective may change it.")
    return kpi


class Home:
    """The alliance's objectives with their KPIs, the KPIs, guardrails and measurements."""

    def __init__(self, access: AllianceAccess) -> None:
        self.access = access

    @cached_property
    def objectives(self) -> list[Objective]:
        """Each with its KPIs."""
        return list(
            self.access.records(Objective)
            .select_related("owner_side__organisation")
            .prefetch_related("kpis")
        )

    @cached_property
    def with_latest(self) -> list[Objective]:
        """The objectives, each KPI with ``latest``: each side's latest visible value."""
        measurements = visible_measurements(self.access).select_related("owner_side__organisation")
        kpis = [kpi for objective in self.objectives for kpi in objective.kpis.all()]
        prefetch_related_objects(
            kpis, Prefetch("measurements", queryset=measurements.order_by("-period_start"))
        )
        for kpi in kpis:
            latest: dict[int, Measurement] = {}
            for m in kpi.measurements.all():
                latest.setdefault(m.owner_side_id, m)
            kpi.latest = [latest[s.pk] for s in self.access.sides if s.pk in latest]
        return self.objectives

    @property
    def shared(self) -> list[Objective]:
        return [o for o in self.with_latest if o.scope == Objective.Scope.SHARED]

    @property
    def own(self) -> list[Objective]:
        return [o for o in self.with_latest if o.scope == Objective.Scope.SIDE]

    @cached_property
    def signals(self) -> list[Signal]:
        """The latest KPI discrepancies put on the timeline."""
        return list(self.access.records(Signal).filter(kind=Signal.Kind.KPI_DISCREPANCY)[:5])

    @cached_property
    def kpis(self) -> list[KPI]:
        return list(visible_kpis(self.access))

    @cached_property
    def guardrails(self) -> list[dict[str, Any]]:
        return [self.guardrail(g) for g in self.visible_guardrails]

    @property
    def visible_guardrails(self) -> QuerySet[Guardrail]:
        return visible_guardrails(self.access)

    def guardrail(self, g: Guardrail) -> dict[str, Any]:
        """One guardrail's bands (it reads the measurements of its two KPIs)."""
        return guardrail_data(self.access, g)

    def measurements(self, kpi_id: int | None = None, period: str | None = None) -> QuerySet:
        qs = visible_measurements(self.access)
        if kpi_id is not None:
            qs = qs.filter(kpi_id=kpi_id)
        if period:
            qs = qs.filter(period=period)
        return qs


def home(access: AllianceAccess) -> Home:
    return Home(access)


class KPIPage:
    """A KPI, its visible values, its chart series and its guardrails."""

    def __init__(self, access: AllianceAccess, pk: Any) -> None:
        self.access = access
        self.kpi = get_kpi(access, pk)

    @cached_property
    def measurements(self) -> QuerySet[Measurement]:
        return (
            visible_measurements(self.access)
            .filter(kpi=self.kpi)
            .select_related("owner_side__organisation")
            .order_by("-period_start", "owner_side_id")
        )

    @cached_property
    def series(self) -> dict[str, Any]:
        return kpi_series(self.access, self.kpi)

    @cached_property
    def guardrails(self) -> dict[str, Any]:
        return kpi_guardrails(self.access, self.kpi)

    @property
    def can_edit(self) -> bool:
        return self.access.can_write_on(self.kpi.objective.owner_side_id)


def kpi(access: AllianceAccess, pk: Any) -> KPIPage:
    return KPIPage(access, pk)


def conflict(access: AllianceAccess) -> dict[str, Any]:
    """The goal-conflict matrix of the alliance's KPIs."""
    return goal_conflict(access)
