"""Guardrail bands on KPI charts and the goal-conflict matrix of an alliance, from its KPIs'
measurement series, computed by the guardrails engine (``detente.analysis.guardrails``).

Pages and their JSON twins in the API call the same functions here. Only what the reader
may see goes in: guardrails whose two KPIs the reader sees, and the reader's visible
measurements. A side's private KPIs and private values therefore never shape what the
other side is shown, not even through a correlation or a breach count.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from detente.analysis.files import InputError
from detente.analysis.guardrails import GoalSet, analyse, check_guardrails
from detente.analysis.guardrails import Guardrail as EngineGuardrail
from detente.analysis.guardrails import Objective as EngineObjective
from detente.analysis.guardrails.checks import describe_bound
from detente.decisions.analysis import matrix_grid  # the matrix's rows and colours, as on decisions
from detente.objectives import periods
from detente.objectives.charts import visible_measurements
from detente.objectives.forms import visible_kpis
from detente.objectives.models import KPI, Guardrail
from detente.records.visibility import AllianceAccess


def visible_guardrails(access: AllianceAccess) -> QuerySet[Guardrail]:
    """Guardrails the user may see *and* whose two KPIs the user may see: a guardrail never
    shows more than its KPIs do, even if a KPI's objective was made private after it."""
    kpis = visible_kpis(access)
    return (
        access.records(Guardrail)
        .filter(kpi__in=kpis, counter_kpi__in=kpis)
        .select_related("kpi__objective", "counter_kpi__objective", "owner_side__organisation")
    )


def engine_guardrail(g: Guardrail, history: list[float | None]) -> EngineGuardrail:
    return EngineGuardrail(
        metric=g.counter_kpi.name,
        history=history,
        lower=None if g.lower is None else float(g.lower),
        upper=None if g.upper is None else float(g.upper),
        lower_strict=g.lower_strict,
        upper_strict=g.upper_strict,
    )


def _series(
    rows: list[tuple[int, int, str, Any]], labels: list[str]
) -> dict[int, dict[int, list[float | None]]]:
    """{kpi id: {side id: values aligned with labels}} from (kpi, side, period, value) rows."""
    index = {label: i for i, label in enumerate(labels)}
    out: dict[int, dict[int, list[float | None]]] = defaultdict(dict)
    for kpi_id, side_id, period, value in rows:
        if period in index:
            values = out[kpi_id].setdefault(side_id, [None] * len(labels))
            values[index[period]] = float(value)
    return out


def guardrail_data(access: AllianceAccess, g: Guardrail) -> dict[str, Any]:
    """One guardrail's band, and for each side that reported the counter-metric its values,
    breaches and plain statement, from the measurements the reader may see."""
    rows = list(
        visible_measurements(access)
        .filter(kpi__in=[g.kpi_id, g.counter_kpi_id])
        .values_list("kpi_id", "owner_side_id", "period", "value")
    )
    labels = sorted({r[2] for r in rows})  # periods of one kind sort as text
    series = _series(rows, labels)
    primary, counter = series.get(g.kpi_id, {}), series.get(g.counter_kpi_id, {})
    sides = [s for s in access.sides if s.pk in counter]
    objectives = []
    for side in sides:
        # The primary KPI's movement as this side reported it, else as the first side that did.
        unreported: list[float | None] = [None] * len(labels)
        moved = primary.get(side.pk) or next(
            (primary[s.pk] for s in access.sides if s.pk in primary), unreported
        )
        objectives.append(
            EngineObjective(
                name=g.kpi.name,
                side=str(side),
                direction=g.kpi.direction,
                history=moved,
                guardrails=[engine_guardrail(g, counter[side.pk])],
            )
        )
    checks = check_guardrails(GoalSet(labels, objectives)) if labels else []
    probe = engine_guardrail(g, [])
    return {
        "id": g.pk,
        "side_id": g.owner_side_id,
        "visibility": g.visibility,
        "kpi_id": g.kpi_id,
        "kpi": g.kpi.name,
        "counter_kpi_id": g.counter_kpi_id,
        "counter_kpi": g.counter_kpi.name,
        "unit": g.counter_kpi.unit,
        "band": {"lower": probe.lower, "upper": probe.upper},
        "bound": describe_bound(probe),
        "notes": g.notes,
        "labels": labels,
        "sides": [
            {
                "side_id": side.pk,
                "side": str(side),
                "values": counter[side.pk],
                "holds_now": check.holds_now,
                "breaches": [
                    {"period": b.period, "value": b.value, "bound": b.bound, "by": b.by}
                    for b in check.breaches
                ],
                "statement": check.statement,
            }
            for side, check in zip(sides, checks, strict=True)
        ],
    }


def kpi_guardrails(access: AllianceAccess, kpi: KPI) -> dict[str, Any]:
    """The guardrails of a KPI page: those kept while pursuing it (``guarded_by``) and those
    in which it is the counter-metric (``guards``, whose band goes on its own chart)."""
    guardrails = list(visible_guardrails(access).filter(kpi=kpi)) + list(
        visible_guardrails(access).filter(counter_kpi=kpi)
    )
    data = [guardrail_data(access, g) for g in guardrails]
    return {
        "kpi_id": kpi.pk,
        "guarded_by": [d for d in data if d["kpi_id"] == kpi.pk],
        "guards": [d for d in data if d["counter_kpi_id"] == kpi.pk],
    }


# The goal-conflict matrix -----------------------------------------------------------------


def horizon(deadline: date, today: date) -> str:
    """The KPI's time horizon from the time left to its deadline."""
    days = (deadline - today).days
    return "quarter" if days <= 92 else "year" if days <= 366 else "multi-year"


def _contiguous(labels: list[str]) -> list[str]:
    """Every period from the first label to the last, so changes pair only neighbours."""
    first, last = periods.parse(labels[0]), periods.parse(labels[-1])
    return [p.label for p in periods.span(first.start, last.start, first.kind)]


def goal_conflict(
    access: AllianceAccess, today: date | None = None, *, confidence: float = 0.9
) -> dict[str, Any]:
    """The goal-conflict matrix of the alliance, one per period kind (quarterly and monthly
    KPIs cannot be paired). A KPI is a goal of the side that keeps its objective; its history
    is, each period, that side's value where the reader may see it, else the mean of the
    other values the reader may see."""
    today = today or timezone.localdate()
    order = {s.pk: i for i, s in enumerate(access.sides)}
    kpis = sorted(
        visible_kpis(access).select_related("objective__owner_side__organisation"),
        key=lambda k: (order[k.objective.owner_side_id], k.objective.title, k.name, k.pk),
    )
    rows = list(
        visible_measurements(access)
        .filter(kpi__in=[k.pk for k in kpis])
        .values_list("kpi_id", "owner_side_id", "period", "value")
    )
    out: dict[str, Any] = {
        "basis": "changes",
        "confidence": confidence,
        "sections": [],
        "notes": [],
    }
    for kind in (periods.QUARTER, periods.MONTH):
        mine = [k for k in kpis if k.frequency == kind]
        ids = {k.pk for k in mine}
        labels = sorted({r[2] for r in rows if r[0] in ids})
        if not mine or not labels:
            continue
        labels = _contiguous(labels)
        series = _series([r for r in rows if r[0] in ids], labels)
        objectives, names = [], {}
        for k in mine:
            side = k.objective.owner_side
            by_side = series.get(k.pk, {})
            history: list[float | None] = []
            for i in range(len(labels)):
                own = by_side.get(side.pk, [None] * len(labels))[i]
                others = [x for s, v in by_side.items() if s != side.pk and (x := v[i]) is not None]
                history.append(
                    own if own is not None else (sum(others) / len(others) if others else None)
                )
            name = k.name
            if (str(side), name) in names:  # two KPIs of one side with one name
                name = f"{k.name} ({k.objective.title})"
            names[(str(side), name)] = k.pk
            objectives.append(
                EngineObjective(name, str(side), k.direction, history, horizon(k.deadline, today))
            )
        try:
            result = analyse(GoalSet(labels, objectives), confidence=confidence).as_json()
        except InputError as exc:  # not expected from stored data; said rather than hidden
            out["notes"].append(f"The {kind}ly KPIs cannot be analysed: {exc}")
            continue
        for m in result["conflict_maps"]:
            m["grid"] = matrix_grid(m)
        section = {
            "frequency": kind,
            "periods": labels,
            "objectives": [
                {**o, "kpi_id": names[(o["side"], o["name"])]} for o in result["objectives"]
            ],
            "conflict_maps": result["conflict_maps"],
        }
        if not result["conflict_maps"]:
            out["notes"].append(
                f"The {'quarterly' if kind == periods.QUARTER else 'monthly'} KPIs you can see "
                "all belong to one side; the matrix needs goals from two sides."
            )
        out["sections"].append(section)
    if not out["sections"]:
        out["notes"].append("No KPI has reported values you can see yet.")
    return out
