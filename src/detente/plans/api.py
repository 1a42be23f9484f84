"""API routes of the joint plan: the JSON twins of its pages (same present functions) and
the same writes through the same forms and services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from detente.plans import present, services
from detente.plans.forms import PlanItemForm, StartPlanForm
from detente.plans.models import Plan, PlanItem, PlanVersion
from detente.plans.views import move_target
from detente.records.api import Deleted, FormInvalid, RecordRoutes, record_form_data
from detente.records.visibility import AllianceAccess, get_alliance_access

router = Router(tags=["plan"])
A = "/alliances/{alliance_id}"


class PlanStartIn(Schema):
    format: str = Field(..., description="v2mom or okr.")
    title: str = "Joint plan"


class PlanItemIn(Schema):
    side_id: int | None = Field(None, description="The side that keeps it; defaults to yours.")
    visibility: str | None = Field(
        None, description="joint, or private (your side's internal item)."
    )
    section: str | None = Field(
        None,
        description="vision, value, method, obstacle, measure (V2MOM); objective, key_result (OKR).",
    )
    title: str | None = None
    description: str | None = None
    parent_id: int | None = Field(
        None, description="A measure's or obstacle's method, a key result's objective."
    )
    owner_id: int | None = None
    target: float | None = None
    due_date: dt.date | None = None
    objective_ids: list[int] | None = None
    kpi_ids: list[int] | None = None
    commitment_ids: list[int] | None = None
    feeds_id: int | None = Field(None, description="For an internal item: the joint item it feeds.")


class MoveIn(Schema):
    direction: str = Field(..., description="up or down.")


class ProposeIn(Schema):
    summary: str = ""


class SignIn(Schema):
    side_id: int | None = Field(None, description="The side signing; defaults to yours.")


RENAMES = {
    "side_id": "owner_side",
    "parent_id": "parent",
    "owner_id": "owner",
    "objective_ids": "objectives",
    "kpi_ids": "kpis",
    "commitment_ids": "commitments",
    "feeds_id": "feeds",
}
API_NAMES = {form: api for api, form in RENAMES.items()}


def _plan(access: AllianceAccess) -> Plan:
    found = access.records(Plan).first()
    if found is None:
        raise HttpError(404, "This alliance has no plan yet.")
    return found


def _form(access: AllianceAccess, payload: PlanItemIn, instance: Any = None) -> PlanItemForm:
    data = record_form_data(PlanItemForm, access, payload, instance, RENAMES)
    plan = instance.plan if instance is not None else _plan(access)
    return PlanItemForm(data=data, instance=instance, access=access, plan=plan)


def _out(access: AllianceAccess, item: PlanItem) -> dict[str, Any]:
    """The item as the plan shows it to this reader (its number, never its stored position)."""
    for section in present.plan(access)["sections"]:
        for row in section["items"]:
            if row["id"] == item.pk:
                return row
    raise HttpError(404, "No such plan item.")


ITEMS = RecordRoutes(form=_form, out=_out, save=services.save_item, api_names=API_NAMES)


def _refused(exc: services.Refused) -> HttpError:
    return HttpError(409, " ".join(exc.messages))


@router.get(A + "/plan", summary="The joint plan: the JSON twin of its page")
def get_plan(request: HttpRequest, alliance_id: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return present.plan(access)


@router.post(A + "/plan", response={201: dict}, summary="Start the plan in a format")
def start_plan(request: HttpRequest, alliance_id: int, payload: PlanStartIn) -> Any:
    access = get_alliance_access(request.user, alliance_id, write=True)
    form = StartPlanForm(data=payload.dict())
    if not form.is_valid():
        raise FormInvalid(form)
    try:
        services.start_plan(access, **form.cleaned_data)
    except services.Refused as exc:
        raise _refused(exc) from None
    return 201, present.plan(access)


@router.post(A + "/plan/items", response={201: dict})
def create_plan_item(request: HttpRequest, alliance_id: int, payload: PlanItemIn) -> Any:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return ITEMS.create(access, payload)


@router.patch(A + "/plan/items/{pk}", response=dict)
def update_plan_item(request: HttpRequest, alliance_id: int, pk: int, payload: PlanItemIn) -> Any:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return ITEMS.update(access, access.get_record(PlanItem, pk, write=True), payload)


@router.delete(A + "/plan/items/{pk}", response=Deleted)
def delete_plan_item(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, bool]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return ITEMS.delete(access, access.get_record(PlanItem, pk, write=True))


@router.post(A + "/plan/items/{pk}/move", response=dict, summary="Move an item up or down its list")
def move_plan_item(request: HttpRequest, alliance_id: int, pk: int, payload: MoveIn) -> Any:
    access = get_alliance_access(request.user, alliance_id, write=True)
    item = move_target(access, pk)
    if payload.direction not in ("up", "down"):
        raise FormInvalid(_Errors({"direction": ["Choose up or down."]}))
    services.move_item(access, item, payload.direction)
    return present.plan(access)


class _Errors:
    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors


@router.post(A + "/plan/versions", response={201: dict}, summary="Propose a version for signature")
def propose_plan_version(request: HttpRequest, alliance_id: int, payload: ProposeIn) -> Any:
    access = get_alliance_access(request.user, alliance_id, write=True)
    try:
        version = services.propose_version(
            access, _plan(access), side=access.default_side, summary=payload.summary
        )
    except services.Refused as exc:
        raise _refused(exc) from None
    return 201, present.version(access, version.pk)


@router.get(A + "/plan/versions/{pk}", summary="A plan version: the JSON twin of its page")
def get_plan_version(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return present.version(access, pk)


@router.post(A + "/plan/versions/{pk}/sign", response=dict)
def sign_plan_version(request: HttpRequest, alliance_id: int, pk: int, payload: SignIn) -> Any:
    access = get_alliance_access(request.user, alliance_id, write=True)
    version = access.get_record(PlanVersion, pk)
    side = next((s for s in access.sides if s.pk == payload.side_id), access.default_side)
    try:
        services.sign_version(access, version, side)
    except services.Refused as exc:
        raise _refused(exc) from None
    return present.version(access, pk)


@router.post(A + "/plan/versions/{pk}/withdraw", response=dict)
def withdraw_plan_version(request: HttpRequest, alliance_id: int, pk: int) -> Any:
    access = get_alliance_access(request.user, alliance_id, write=True)
    try:
        services.withdraw_version(access, access.get_record(PlanVersion, pk))
    except services.Refused as exc:
        raise _refused(exc) from None
    return present.version(access, pk)


@router.get(A + "/plan/diff", summary="What version b changes from version a")
def plan_diff(request: HttpRequest, alliance_id: int, a: int, b: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return present.compare(access, a, b)
