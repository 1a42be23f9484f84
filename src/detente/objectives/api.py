"""API routes for objectives, KPIs and measurements (and the measurement import).

Each route starts with the access helper; writes validate through the same forms as the
pages, so both refuse the same input with the same messages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from detente.alliances.models import Signal
from detente.objectives import importer, present, services
from detente.objectives.charts import visible_measurements
from detente.objectives.forms import GuardrailForm, KPIForm, MeasurementForm, ObjectiveForm
from detente.objectives.guardrails import (
    guardrail_data,
)
from detente.objectives.models import KPI, Measurement, Objective
from detente.objectives.views import get_guardrail, get_kpi
from detente.records.api import (
    Deleted,
    RecordOut,
    RecordRoutes,
    form_data,
    record_base,
    record_form,
)
from detente.records.paging import SIDE, Paging, api_list, mine_or_joint, one_of, page_out
from detente.records.visibility import JOINT, AllianceAccess, get_alliance_access

router = Router(tags=["objectives"])
A = "/alliances/{alliance_id}"


# Schemas --------------------------------------------------------------------------------


class ObjectiveOut(RecordOut):
    title: str
    description: str
    scope: str
    kpi_ids: list[int]


class ObjectiveIn(Schema):
    side_id: int | None = Field(None, description="Owner side; defaults to your side.")
    visibility: str | None = None
    title: str | None = None
    description: str | None = None
    scope: str | None = Field(None, description="shared or side.")


class KPIOut(Schema):
    id: int
    objective_id: int
    name: str
    metric: str
    unit: str
    kind: str
    direction: str
    target: float
    deadline: dt.date
    frequency: str
    tolerance: float
    tolerance_kind: str
    agreed_definition: str


class KPIIn(Schema):
    objective_id: int | None = None
    name: str | None = None
    metric: str | None = None
    unit: str | None = None
    kind: str | None = Field(
        None,
        description="count (cumulative), level, rate or duration; left out on creation, "
        "inferred from the unit and name (level when they do not say).",
    )
    direction: str | None = Field(None, description="higher or lower (is better).")
    target: float | None = None
    deadline: dt.date | None = None
    frequency: str | None = Field(None, description="quarter or month.")
    tolerance: float | None = None
    tolerance_kind: str | None = Field(None, description="absolute or percent.")
    agreed_definition: str | None = None


class SeriesLine(Schema):
    side_id: int
    side: str
    values: list[float | None]
    private: list[bool]


class SeriesOut(Schema):
    kpi_id: int
    name: str
    unit: str
    direction: str
    target: float
    deadline: str
    labels: list[str]
    series: list[SeriesLine]


class MeasurementOut(RecordOut):
    kpi_id: int
    period: str
    period_start: dt.date
    period_end: dt.date
    value: float
    notes: str
    discrepancy_signal_ids: list[int] = Field(
        default_factory=list, description="Signals this write put on the timeline (that you see)."
    )


class MeasurementIn(Schema):
    side_id: int | None = Field(None, description="Reporting side; defaults to your side.")
    visibility: str | None = None
    kpi_id: int | None = None
    period: str | None = Field(None, description="A quarter (2026Q1) or a month (2026-03).")
    value: float | str | None = None
    notes: str | None = None


class ImportRow(Schema):
    row: int
    kpi_id: int
    kpi: str
    period: str
    side_id: int
    side: str
    value: float
    visibility: str
    action: str


class SignalRef(Schema):
    id: int
    title: str
    visibility: str


class ImportOut(Schema):
    dry_run: bool
    created: int
    updated: int
    rows: list[ImportRow]
    signals: list[SignalRef]


class ImportProblem(Schema):
    row: int | None
    column: str
    field: str
    message: str


class ImportErrors(Schema):
    errors: list[ImportProblem]


# Helpers --------------------------------------------------------------------------------

RENAMES = {"objective_id": "objective", "kpi_id": "kpi"}


def _data(form_class: Any, instance: Any, payload: Schema) -> dict[str, Any]:
    data = form_data(form_class, instance, payload)
    for api_name, form_name in RENAMES.items():
        if api_name in data:
            data[form_name] = data.pop(api_name)
    return data


def _objective_out(o: Objective) -> dict[str, Any]:
    return {
        **record_base(o),
        "title": o.title,
        "description": o.description,
        "scope": o.scope,
        "kpi_ids": [k.pk for k in o.kpis.all()],
    }


def _kpi_out(k: KPI) -> dict[str, Any]:
    return {
        "id": k.pk,
        "objective_id": k.objective_id,
        "name": k.name,
        "metric": k.metric,
        "unit": k.unit,
        "kind": k.kind,
        "direction": k.direction,
        "target": float(k.target),
        "deadline": k.deadline,
        "frequency": k.frequency,
        "tolerance": float(k.tolerance),
        "tolerance_kind": k.tolerance_kind,
        "agreed_definition": k.agreed_definition,
    }


def _measurement_out(m: Measurement, signal_ids: list[int] | None = None) -> dict[str, Any]:
    return {
        **record_base(m),
        "kpi_id": m.kpi_id,
        "period": m.period,
        "period_start": m.period_start,
        "period_end": m.period_end,
        "value": float(m.value),
        "notes": m.notes,
        "discrepancy_signal_ids": signal_ids or [],
    }


def _visible_signal_ids(access: AllianceAccess, signals: list[Signal]) -> list[int]:
    return list(
        access.records(Signal).filter(pk__in=[s.pk for s in signals]).values_list("pk", flat=True)
    )


def _measurement_form(access: AllianceAccess, payload: MeasurementIn, instance: Any = None) -> Any:
    data = _data(MeasurementForm, instance, payload)
    if instance is None:
        data.setdefault("owner_side", access.default_side.pk)
        data.setdefault("visibility", JOINT)
    return MeasurementForm(data=data, instance=instance, access=access)


# Objectives -----------------------------------------------------------------------------


@router.get(
    A + "/objectives",
    response=page_out(ObjectiveOut, "ObjectivePageOut"),
    summary="Objectives, a page at a time",
    description="By scope, side, title and id. Filters: `scope` (shared, side), `side`, "
    "`visibility`.",
)
def list_objectives(
    request: HttpRequest,
    alliance_id: int,
    paging: Query[Paging],
    scope: str | None = None,
    side: int | None = SIDE,
    visibility: Literal["joint", "private"] | None = None,
) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    one_of("scope", scope, Objective.Scope.values)
    rows = [_objective_out(o) for o in present.home(access).objectives]
    rows = [
        r
        for r in mine_or_joint(rows, access.sides, side, visibility)
        if not scope or r["scope"] == scope
    ]
    rows.sort(key=lambda r: (r["scope"], r["side_id"], r["title"], r["id"]))
    return api_list(request, rows, paging)


def _objective_form(access: AllianceAccess, payload: ObjectiveIn, instance: Any) -> ObjectiveForm:
    if instance is None and payload.scope is None:
        payload.scope = Objective.Scope.SHARED
    return record_form(ObjectiveForm, access, payload, instance)


OBJECTIVES = RecordRoutes(
    form=_objective_form,
    out=lambda access, objective: _objective_out(objective),
    delete_with=services.delete_objective,
)


@router.post(A + "/objectives", response={201: ObjectiveOut})
def create_objective(request: HttpRequest, alliance_id: int, payload: ObjectiveIn) -> Any:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return OBJECTIVES.create(access, payload)


@router.get(A + "/objectives/{pk}", response=ObjectiveOut)
def get_objective(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return _objective_out(access.get_record(Objective, pk))


@router.patch(A + "/objectives/{pk}", response=ObjectiveOut)
def update_objective(request: HttpRequest, alliance_id: int, pk: int, payload: ObjectiveIn) -> Any:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return OBJECTIVES.update(access, access.get_record(Objective, pk, write=True), payload)


@router.delete(A + "/objectives/{pk}", response=Deleted)
def delete_objective(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, bool]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return OBJECTIVES.delete(access, access.get_record(Objective, pk, write=True))


# KPIs -----------------------------------------------------------------------------------


@router.get(
    A + "/kpis",
    response=page_out(KPIOut, "KPIPageOut"),
    summary="KPIs, a page at a time",
    description="By objective, name and id. Filters: `objective_id` (a KPI is visible "
    "exactly when its objective is: filter objectives by side or visibility).",
)
def list_kpis(
    request: HttpRequest,
    alliance_id: int,
    paging: Query[Paging],
    objective_id: int | None = None,
) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    rows = [_kpi_out(k) for k in present.home(access).kpis]
    rows = [r for r in rows if objective_id is None or r["objective_id"] == objective_id]
    rows.sort(key=lambda r: (r["objective_id"], r["name"], r["id"]))
    return api_list(request, rows, paging)


def _kpi_form(access: AllianceAccess, payload: KPIIn, instance: KPI | None) -> KPIForm:
    data = _data(KPIForm, instance, payload)
    if instance is None:
        for name in ("direction", "frequency", "tolerance", "tolerance_kind"):
            data.setdefault(name, getattr(KPI._meta.get_field(name), "default", None))
    return KPIForm(data=data, instance=instance, access=access)


KPIS = RecordRoutes(
    form=_kpi_form,
    out=lambda access, kpi: _kpi_out(kpi),
    save=services.save_kpi,
    delete_with=services.delete_kpi,
    api_names={},
)


@router.post(A + "/kpis", response={201: KPIOut})
def create_kpi(request: HttpRequest, alliance_id: int, payload: KPIIn) -> Any:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return KPIS.create(access, payload)


@router.get(A + "/kpis/{pk}", response=KPIOut)
def get_kpi_route(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return _kpi_out(present.kpi(access, pk).kpi)


@router.get(A + "/kpis/{pk}/series", response=SeriesOut, summary="Chart data of a KPI")
def kpi_series_route(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, Any]:
    """The data the KPI page draws: one line per reporting side, and the target."""
    access = get_alliance_access(request.user, alliance_id)
    return present.kpi(access, pk).series


@router.patch(A + "/kpis/{pk}", response=KPIOut)
def update_kpi(request: HttpRequest, alliance_id: int, pk: int, payload: KPIIn) -> Any:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return KPIS.update(access, get_kpi(access, pk, write=True), payload)


@router.delete(A + "/kpis/{pk}", response=Deleted)
def delete_kpi(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, bool]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return KPIS.delete(access, get_kpi(access, pk, write=True))


# Measurements ---------------------------------------------------------------------------


@router.get(
    A + "/measurements",
    response=page_out(MeasurementOut, "MeasurementPageOut"),
    summary="Measurements, a page at a time",
    description="By KPI, period start, side and id. Filters: `kpi_id`, `period` (like 2026Q1), "
    "`side`, `visibility`.",
)
def list_measurements(
    request: HttpRequest,
    alliance_id: int,
    paging: Query[Paging],
    kpi_id: int | None = None,
    period: str | None = None,
    side: int | None = SIDE,
    visibility: Literal["joint", "private"] | None = None,
) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    one_of("side", side, [s.pk for s in access.sides])
    one_of("visibility", visibility, ["joint", "private"])
    found = present.home(access).measurements(kpi_id, period)
    if side is not None:
        found = found.filter(owner_side_id=side)
    if visibility:
        found = found.filter(visibility=visibility)
    found = found.order_by("kpi_id", "period_start", "owner_side_id", "id")
    return api_list(request, found, paging, _measurement_out)


def _measurement_saved(access: AllianceAccess, saved: tuple[Measurement, list[Signal]]) -> dict:
    measurement, signals = saved
    return _measurement_out(measurement, _visible_signal_ids(access, signals))


MEASUREMENTS = RecordRoutes(
    form=_measurement_form,
    out=_measurement_saved,
    save=services.save_measurement,
    api_names={},
)


@router.post(A + "/measurements", response={201: MeasurementOut})
def create_measurement(request: HttpRequest, alliance_id: int, payload: MeasurementIn) -> Any:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return MEASUREMENTS.create(access, payload)


@router.post(
    A + "/measurements/import",
    response={200: ImportOut, 422: ImportErrors},
    summary="Import measurements from CSV or XLSX (all or nothing)",
)
def import_measurements(
    request: HttpRequest,
    alliance_id: int,
    # Optional in the schema so that access is checked first; a missing file is a 422.
    file: UploadedFile | None = File(None),  # noqa: B008 (ninja's declaration style)
    dry_run: bool = False,
) -> Any:
    """Columns kpi, period, value (required), side, visibility, notes. A file with any bad
    row writes nothing; each problem comes back as row, column and reason. ``dry_run``
    validates and lists what would be written."""
    access = get_alliance_access(request.user, alliance_id, write=True)
    try:
        if file is None:
            raise importer.ImportRefused(
                [importer.Problem(None, "file", "Send the CSV or XLSX file as the 'file' field.")]
            )
        if file.size is not None and file.size > importer.MAX_BYTES:
            content = b"x" * (importer.MAX_BYTES + 1)  # refused by size, unread
        else:
            content = file.read()
        result = importer.import_file(access, file.name or "", content, dry_run=dry_run)
    except importer.ImportRefused as refused:
        return 422, {
            "errors": [
                {"row": p.row, "column": p.column, "field": p.column, "message": p.message}
                for p in refused.problems
            ]
        }
    return 200, {
        "dry_run": result.dry_run,
        "created": result.created,
        "updated": result.updated,
        "rows": result.rows,
        "signals": [
            {"id": s.pk, "title": s.title, "visibility": s.visibility} for s in result.signals
        ],
    }


@router.get(A + "/measurements/{pk}", response=MeasurementOut)
def get_measurement(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    measurement = visible_measurements(access).filter(pk=pk).first()
    if measurement is None:
        measurement = access.get_record(Measurement, -1)  # raises the usual 404
    return _measurement_out(measurement)


@router.patch(A + "/measurements/{pk}", response=MeasurementOut)
def update_measurement(
    request: HttpRequest, alliance_id: int, pk: int, payload: MeasurementIn
) -> Any:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return MEASUREMENTS.update(access, access.get_record(Measurement, pk, write=True), payload)


@router.delete(A + "/measurements/{pk}", response=Deleted)
def delete_measurement(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, bool]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return MEASUREMENTS.delete(access, access.get_record(Measurement, pk, write=True))


# Guardrails and the goal-conflict matrix -------------------------------------------------


class GuardrailIn(Schema):
    side_id: int | None = Field(None, description="Owner side; defaults to your side.")
    visibility: str | None = None
    kpi_id: int | None = Field(None, description="The primary KPI being pursued.")
    counter_kpi_id: int | None = Field(None, description="The KPI that must stay in the band.")
    lower: float | None = None
    lower_strict: bool = Field(False, description="Strictly above the lower bound.")
    upper: float | None = None
    upper_strict: bool = Field(False, description="Strictly below the upper bound.")
    notes: str | None = None


@router.get(
    A + "/kpis/{pk}/guardrails",
    response=dict,
    summary="A KPI's guardrails with their bands and breaches: the JSON twin of the KPI page's",
)
def kpi_guardrails_route(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return present.kpi(access, pk).guardrails


@router.get(
    A + "/guardrails",
    response=page_out(dict, "GuardrailPageOut"),
    summary="Every guardrail you may see, a page at a time",
    description="By KPI and id. Filters: `kpi_id` (the guarded KPI or its counter-metric).",
)
def list_guardrails(
    request: HttpRequest, alliance_id: int, paging: Query[Paging], kpi_id: int | None = None
) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    home = present.home(access)
    found = home.visible_guardrails.order_by("kpi_id", "id")
    if kpi_id is not None:
        found = found.filter(Q(kpi_id=kpi_id) | Q(counter_kpi_id=kpi_id))
    # Each guardrail's bands read its measurements: only the page's guardrails are read.
    return api_list(request, found, paging, home.guardrail)


def _guardrail_form(access: AllianceAccess, payload: GuardrailIn, instance: None) -> GuardrailForm:
    """A new guardrail's form (guardrails are added and deleted, not changed)."""
    sent = payload.dict(exclude_unset=True)
    data = {
        "owner_side": sent.get("side_id") or access.default_side.pk,
        "visibility": sent.get("visibility") or JOINT,
        "kpi": sent.get("kpi_id") or "",
        "counter_kpi": sent.get("counter_kpi_id") or "",
        "lower": "" if sent.get("lower") is None else sent["lower"],
        "upper": "" if sent.get("upper") is None else sent["upper"],
        "notes": sent.get("notes") or "",
    }
    # A checkbox is sent only when ticked.
    data |= {k: "on" for k in ("lower_strict", "upper_strict") if sent.get(k)}
    return GuardrailForm(data=data, access=access)


GUARDRAILS = RecordRoutes(
    form=_guardrail_form,
    out=lambda access, g: guardrail_data(access, get_guardrail(access, g.pk)),
    api_names={"owner_side": "side_id", "kpi": "kpi_id", "counter_kpi": "counter_kpi_id"},
)


@router.post(A + "/guardrails", response={201: dict}, summary="Add a guardrail to a KPI")
def create_guardrail(request: HttpRequest, alliance_id: int, payload: GuardrailIn) -> Any:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return GUARDRAILS.create(access, payload)


@router.delete(A + "/guardrails/{pk}", response=Deleted)
def delete_guardrail(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, bool]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return GUARDRAILS.delete(access, get_guardrail(access, pk, write=True))


@router.get(
    A + "/goal-conflict",
    response=dict,
    summary="The goal-conflict matrix of the alliance's KPIs: the JSON twin of its page",
)
def goal_conflict_route(request: HttpRequest, alliance_id: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return present.conflict(access)
