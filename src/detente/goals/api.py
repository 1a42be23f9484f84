"""JSON twins of the realism pages. A check is built by the same form as the page and shown by
the same function (``present.check_payload``), so the page and the API give the same numbers."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from detente.goals import present, questions, services
from detente.goals.forms import (
    RealismCheckForm,
    TrendForm,
    funnel_text,
    initial_values,
    phases_text,
)
from detente.goals.present import check_payload
from detente.records import services as record_services
from detente.records.api import FormInvalid
from detente.records.paging import SIDE, Paging, api_list, mine_or_joint, page_out
from detente.records.visibility import get_alliance_access

router = Router(tags=["goals"])


class Observed(Schema):
    trials: int
    successes: int


class StageIn(Schema):
    name: str
    rate: float | None = Field(None, description="Fixed conversion rate from the previous stage.")
    observed: Observed | None = Field(None, description="Observed trials and successes.")
    lag_days: int | None = None


class PhaseIn(Schema):
    name: str
    share: float = Field(..., description="Share of the target, in (0, 1].")
    end: dt.date | None = None


class CheckIn(Schema):
    """Omitted fields default to the KPI's target and deadline and the last check's inputs."""

    side_id: int | None = Field(None, description="Owner side; defaults to your side.")
    visibility: str | None = None
    notes: str | None = None
    target: int | None = None
    start: dt.date | None = None
    deadline: dt.date | None = None
    confidence: float | None = Field(None, description="In (0, 1), e.g. 0.8.")
    weekdays: list[str] | None = Field(None, description="e.g. [mon, tue, wed, thu, fri].")
    holidays: list[dt.date] | None = None
    funnel: list[StageIn] | None = Field(None, description="The activity first, then stages.")
    history_from: str | None = Field(None, description="measurements (default) or daily.")
    measurements_side_id: int | None = Field(None, description="Whose measurements to read.")
    measured_stage: str | None = Field(None, description="last (default) or first.")
    daily_history: list[int] | None = None
    activity: str | None = Field(None, description="bootstrap, resample or poisson.")
    phases: list[PhaseIn] | None = None
    ramp: float | str | None = None
    seed: int | None = None


def _form_data(initial: dict[str, Any], payload: CheckIn) -> dict[str, Any]:
    """The form's initial values overlaid with what the client sent, in the form's own terms."""
    data: dict[str, Any] = {}
    for key, value in initial.items():
        data[key] = value.isoformat() if isinstance(value, dt.date) else value
    sent = payload.dict(exclude_unset=True)
    for key, value in sent.items():
        if key == "side_id":
            data["owner_side"] = value
        elif key == "measurements_side_id":
            data["measurements_side"] = value
        elif key == "confidence":
            data["confidence"] = value * 100 if isinstance(value, int | float) else value
        elif key == "funnel":
            data["funnel"] = funnel_text(
                [{k: v for k, v in stage.items() if v is not None} for stage in value or []]
            )
        elif key == "phases":
            data["phases"] = phases_text(
                [{k: v for k, v in p.items() if v is not None} for p in value or []]
            )
        elif key in ("holidays", "daily_history"):
            data[key] = " ".join(str(v) for v in value or [])
        elif isinstance(value, dt.date):
            data[key] = value.isoformat()
        else:
            data[key] = "" if value is None else value
    return data


@router.get(
    "/alliances/{alliance_id}/goals/checks",
    response=page_out(dict, "RealismCheckPageOut"),
    summary="Realism checks, a page at a time",
    description="Newest first (time, then id). Filters: `kpi_id`, `side`, `visibility`.",
)
def list_realism_checks(
    request: HttpRequest,
    alliance_id: int,
    paging: Query[Paging],
    kpi_id: int | None = None,
    side: int | None = SIDE,
    visibility: Literal["joint", "private"] | None = None,
) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    rows = mine_or_joint(present.goals(access).rows, access.sides, side, visibility)
    rows = [r for r in rows if kpi_id is None or r["kpi_id"] == kpi_id]
    return api_list(request, rows, paging)


@router.post("/alliances/{alliance_id}/goals/kpis/{kpi_id}/checks", response={201: dict})
def create_realism_check(
    request: HttpRequest, alliance_id: int, kpi_id: int, payload: CheckIn
) -> tuple[int, dict[str, Any]]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    kpi = services.get_kpi(access, kpi_id)
    previous = services.visible_checks(access).filter(kpi=kpi).first()
    data = _form_data(initial_values(access, kpi, previous), payload)
    if "owner_side" not in data:
        data["owner_side"] = access.default_side.pk
    form = RealismCheckForm(data=data, access=access, kpi=kpi)
    if not form.is_valid():
        raise FormInvalid(form)
    check = services.create_check(access, form)
    return 201, check_payload(access, check)


@router.get("/alliances/{alliance_id}/goals/checks/{pk}", response=dict)
def get_realism_check(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return present.check(access, pk).data


@router.delete("/alliances/{alliance_id}/goals/checks/{pk}", response=dict)
def delete_realism_check(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, bool]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    record_services.delete_record(access, services.get_check(access, pk, write=True))
    return {"deleted": True}


@router.get("/alliances/{alliance_id}/goals/kpis/{kpi_id}/trend", response=dict)
def kpi_trend(
    request: HttpRequest,
    alliance_id: int,
    kpi_id: int,
    side_id: int | None = None,
    target: float | None = None,
    deadline: dt.date | None = None,
    confidence: float | None = None,
) -> dict[str, Any]:
    """The trend check of a level, rate or duration KPI (the page's answer; nothing saved).

    Omitted parameters default to the KPI's target and deadline and your side's values.
    A KPI whose values cannot answer gives ``{"refused": reason, "needed", "have"}``; a
    cumulative count gives its trend too, with ``question: "funnel"`` saying which check fits.
    """
    access = get_alliance_access(request.user, alliance_id)
    page = present.kpi_realism(access, kpi_id)
    kpi, initial = page.kpi, page.initial
    data = {
        "target": initial["target"] if target is None else target,
        "deadline": (deadline.isoformat() if deadline else initial["deadline"]),
        "measurements_side": initial["measurements_side"] if side_id is None else side_id,
        "confidence": 80 if confidence is None else confidence * 100,
    }
    form = TrendForm(data=data, access=access, kpi=kpi)
    if not form.is_valid():
        raise FormInvalid(form, renames={"measurements_side": "side_id"})
    clean = form.cleaned_data
    result = page.answer(
        clean["measurements_side"],
        target=float(clean["target"]),
        deadline=clean["deadline"],
        confidence=clean["confidence"] / 100,
    )
    return {"kpi_id": kpi.pk, "kind": kpi.kind, "question": questions.question(kpi), **result}
