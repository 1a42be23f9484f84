"""JSON API of decisions. Routes start with the same access helper as the pages, writes go
through the same forms, and the conditions and guardrails answers are produced by the same
functions as the pages (``detente.decisions.analysis``)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from detente import audit
from detente.decisions import analysis, present
from detente.decisions.forms import DecisionForm, SeriesForm, WeightsForm, value_text
from detente.decisions.models import Decision, GoalSeries, PartyWeights
from detente.records import services
from detente.records.api import FormInvalid
from detente.records.paging import SIDE, Paging, api_list, mine_or_joint, page_out
from detente.records.visibility import JOINT, AllianceAccess, get_alliance_access

router = Router(tags=["decisions"])

D = "/alliances/{alliance_id}/decisions"


class ConsiderationIn(Schema):
    name: str
    direction: str = Field(..., description="higher or lower (which is better)")
    unit: str = ""
    values: dict[str, float | list[float]] = Field(
        ..., description="A value per option: a number, or [low, high] for a range."
    )


class DecisionIn(Schema):
    side_id: int | None = Field(None, description="Owner side; defaults to your side.")
    visibility: str | None = None
    title: str | None = None
    question: str | None = None
    options: list[str] = Field(default_factory=list)
    considerations: list[ConsiderationIn] = Field(default_factory=list)
    periods: list[str] = Field(default_factory=list)


class WeightsIn(Schema):
    side_id: int | None = Field(None, description="The party (side); defaults to your side.")
    visibility: str | None = Field(None, description="private (default) or joint")
    weights: dict[str, float] = Field(..., description="Consideration name -> weight >= 0.")
    conditions_disclosed: bool | None = Field(
        None,
        description="Let the other side see the conditions of private weights (flip "
        "thresholds, ratios, values); they give the weights away. Default: unchanged "
        "(false for new weights).",
    )


class SeriesIn(Schema):
    side_id: int | None = None
    visibility: str | None = None
    name: str
    direction: str = "higher"
    horizon: str = ""
    history: list[float | None]
    guards_id: int | None = Field(None, description="The goal this series is a guardrail of.")
    at_least: float | None = None
    at_most: float | None = None


def _cell(value: float | list[float]) -> str:
    if isinstance(value, list):
        if len(value) != 2:
            return "?"
        return value_text(value)
    return f"{value!r}"


def _field_map(form_field: str, names: dict[str, str] | None = None) -> str:
    mapping = {
        "options_text": "options",
        "considerations_text": "considerations",
        "periods_text": "periods",
        "history_text": "history",
        "owner_side": "side_id",
        "guards": "guards_id",
    }
    if names and form_field in names:
        return f"weights.{names[form_field]}"
    return mapping.get(form_field, form_field)


class Invalid(FormInvalid):
    """FormInvalid whose fields carry the API's names (options, weights.revenue, ...)."""

    def __init__(self, form: Any, names: dict[str, str] | None = None) -> None:
        super().__init__(form)
        renamed: dict[str, Any] = {}
        for key, errors in form.errors.items():
            renamed[_field_map(key, names)] = errors
        self.form = type("Errors", (), {"errors": renamed})()


def _check(form: Any, names: dict[str, str] | None = None) -> None:
    if not form.is_valid():
        raise Invalid(form, names)


def _decision_data(access: AllianceAccess, payload: DecisionIn) -> dict[str, Any]:
    options = payload.options
    lines = []
    for c in payload.considerations:
        cells = [_cell(c.values[o]) if o in c.values else "" for o in options]
        lines.append(" | ".join([c.name, c.direction, c.unit, *cells]))
    return {
        "owner_side": payload.side_id or access.default_side.pk,
        "visibility": payload.visibility or JOINT,
        "title": payload.title or "",
        "question": payload.question or "",
        "options_text": "\n".join(options),
        "considerations_text": "\n".join(lines),
        "periods_text": ", ".join(payload.periods),
    }


@router.get(
    D,
    response=page_out(dict, "DecisionPageOut"),
    summary="Decisions of an alliance, a page at a time",
    description="Newest first (time, then id). Filters: `side`, `visibility`.",
)
def list_decisions(
    request: HttpRequest,
    alliance_id: int,
    paging: Query[Paging],
    side: int | None = SIDE,
    visibility: Literal["joint", "private"] | None = None,
) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    rows = mine_or_joint(present.decisions(access).rows, access.sides, side, visibility)
    return api_list(request, rows, paging)


@router.post(D, response={201: dict}, summary="Start a decision: options and considerations")
def create_decision(request: HttpRequest, alliance_id: int, payload: DecisionIn) -> Any:
    access = get_alliance_access(request.user, alliance_id, write=True)
    form = DecisionForm(data=_decision_data(access, payload), access=access)
    _check(form)
    decision = services.save_form(access, form)
    return 201, analysis.decision_json(decision)


@router.get(D + "/{pk}", summary="A decision's options and considerations")
def get_decision(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return analysis.decision_json(access.get_record(Decision, pk))


@router.get(
    D + "/{pk}/conditions",
    summary="What needs to be true: the JSON twin of the decision page",
)
def get_conditions(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return present.conditions(access, pk).data


@router.put(D + "/{pk}/weights", summary="Enter or change a side's weights")
def put_weights(request: HttpRequest, alliance_id: int, pk: int, payload: WeightsIn) -> Any:
    access = get_alliance_access(request.user, alliance_id, write=True)
    decision = access.get_record(Decision, pk)
    side_id = payload.side_id or access.default_side.pk
    existing = access.records(PartyWeights).filter(decision=decision, owner_side_id=side_id).first()
    if existing is not None:
        existing = access.get_record(PartyWeights, existing.pk, write=True)
    # Before the form is bound: validation writes the new values onto the instance.
    before = audit.snapshot(existing) if existing else None
    names = {f"weight_{i}": n for i, n in enumerate(decision.consideration_names)}
    data: dict[str, Any] = {
        "owner_side": side_id or "",
        "visibility": payload.visibility
        or (
            existing.visibility if existing else PartyWeights._meta.get_field("visibility").default
        ),
    }
    disclosed = payload.conditions_disclosed
    if disclosed is None:
        disclosed = existing.conditions_disclosed if existing else False
    if disclosed:  # a checkbox: absent means False
        data["conditions_disclosed"] = "on"
    for key, name in names.items():
        data[key] = payload.weights.get(name, "")
    form = WeightsForm(data=data, instance=existing, access=access, decision=decision)
    unknown = sorted(set(payload.weights) - set(names.values()))
    if unknown:
        form.is_valid()
        form.add_error(None, f"Not considerations of this decision: {', '.join(unknown)}.")
    _check(form, names)
    record = services.save_form(access, form, before=before)
    return {"id": record.pk, "side_id": record.owner_side_id, "visibility": record.visibility,
            "weights": record.weights,
            "conditions_disclosed": record.conditions_disclosed}  # fmt: skip


@router.get(
    D + "/{pk}/weights",
    response=page_out(dict, "WeightsPageOut"),
    summary="The weights you may see (your side's, and joint ones), a page at a time",
    description="By side and id.",
)
def list_weights(
    request: HttpRequest, alliance_id: int, pk: int, paging: Query[Paging]
) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    decision = access.get_record(Decision, pk)
    found = access.records(PartyWeights).filter(decision=decision).order_by("owner_side_id", "id")
    return api_list(request, found, paging, _weights_out)


def _weights_out(w: PartyWeights) -> dict[str, Any]:
    return {
        "id": w.pk,
        "side_id": w.owner_side_id,
        "visibility": w.visibility,
        "weights": w.weights,
        "conditions_disclosed": w.conditions_disclosed,
    }


@router.get(
    D + "/{pk}/guardrails",
    summary="Guardrail bands and the goal-conflict matrix: the JSON twin of the guardrails page",
)
def get_guardrails(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return present.guardrails(access, pk).data


@router.post(D + "/{pk}/series", response={201: dict}, summary="Add a goal or guardrail series")
def create_series(request: HttpRequest, alliance_id: int, pk: int, payload: SeriesIn) -> Any:
    access = get_alliance_access(request.user, alliance_id, write=True)
    decision = access.get_record(Decision, pk)
    data = {
        "owner_side": payload.side_id or access.default_side.pk,
        "visibility": payload.visibility or JOINT,
        "name": payload.name,
        "direction": payload.direction,
        "horizon": payload.horizon,
        "history_text": ", ".join("" if v is None else repr(v) for v in payload.history),
        "guards": payload.guards_id or "",
        "at_least": "" if payload.at_least is None else payload.at_least,
        "at_most": "" if payload.at_most is None else payload.at_most,
    }
    form = SeriesForm(data=data, access=access, decision=decision)
    _check(form)
    series: GoalSeries = services.save_form(access, form)
    return 201, {
        "id": series.pk,
        "side_id": series.owner_side_id,
        "visibility": series.visibility,
        "name": series.name,
        "history": series.history,
        "guards_id": series.guards_id,
    }
