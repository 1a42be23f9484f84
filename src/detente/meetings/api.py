"""JSON API of meetings and the cadence; writes go through the pages' forms and services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import ValidationError as NinjaValidationError

from detente import audit
from detente.meetings import present, services
from detente.meetings.cadence import cadence_for
from detente.meetings.forms import CadenceForm, MeetingForm
from detente.meetings.models import AgendaItem, Meeting
from detente.records.api import FormInvalid, RecordRoutes, record_form
from detente.records.views import child_record
from detente.records.visibility import get_alliance_access

router = Router(tags=["meetings"])

P = "/alliances/{alliance_id}/meetings"
M = P + "/{pk}"


class MeetingIn(Schema):
    side_id: int | None = None
    visibility: str | None = None
    kind: str | None = None
    title: str | None = None
    starts_at: dt.datetime | None = None
    duration_minutes: int | None = None
    location: str | None = None
    purpose: str | None = None
    attendees: list[int] | None = None


class ItemIn(Schema):
    title: str
    detail: str = ""


class OrderIn(Schema):
    ids: list[int]


class MinutesIn(Schema):
    minutes: dict[int, str] = {}
    decisions: str | None = None


class ActionIn(Schema):
    title: str = ""
    side_id: int | None = None
    owner_id: int | None = None
    due_date: str = ""


class ActionsIn(Schema):
    actions: list[ActionIn]


class CadenceIn(Schema):
    health_check_months: int | None = None
    operational_months: int | None = None
    strategy_months: int | None = None
    time_zone: str | None = None
    meeting_day: int | None = None
    meeting_time: str | None = None
    active: bool | None = None


CADENCE_FIELDS = list(CadenceIn.model_fields)


def _refuse(field: str, message: str) -> NinjaValidationError:
    return NinjaValidationError([{"loc": ["body", "payload", field], "msg": message}])


MEETINGS = RecordRoutes(
    form=lambda access, payload, instance: record_form(MeetingForm, access, payload, instance),
    out=lambda access, m: present.meeting(access, m.pk).data,
    save=services.create_meeting,
    side_fixed=True,
)
MEETING_UPDATES = RecordRoutes(
    form=lambda access, payload, instance: record_form(MeetingForm, access, payload, instance),
    out=lambda access, m: present.meeting(access, m.pk).data,
    side_fixed=True,
)


@router.get(P, summary="The alliance's meetings and cadence")
def list_meetings(request: HttpRequest, alliance_id: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return present.home(access).data


@router.post(P, response={201: dict}, summary="Schedule a meeting (its agenda is generated)")
def create_meeting(request: HttpRequest, alliance_id: int, payload: MeetingIn) -> tuple[int, Any]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return MEETINGS.create(access, payload)


@router.get(P + "/cadence", summary="The meeting cadence")
def get_cadence(request: HttpRequest, alliance_id: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return present.cadence_page(access).data


@router.patch(P + "/cadence", summary="Change the meeting cadence (managers)")
def update_cadence(request: HttpRequest, alliance_id: int, payload: CadenceIn) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id, manage=True)
    stored = cadence_for(access.alliance)
    before = audit.snapshot(stored) if stored.pk else None
    data: dict[str, Any] = {f: getattr(stored, f) for f in CADENCE_FIELDS}
    data["meeting_time"] = stored.meeting_time.strftime("%H:%M")
    data |= payload.dict(exclude_unset=True)
    if not data.get("active"):
        data.pop("active", None)  # an unchecked box is absent from a form
    form = CadenceForm(data=data, instance=stored, access=access)
    if not form.is_valid():
        raise FormInvalid(form)
    services.save_cadence(access, form, before=before)
    return present.cadence_page(access).data


@router.get(P + "/digest", summary="A month's progress digest (joint records only)")
def get_digest(request: HttpRequest, alliance_id: int, month: str | None = None) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    try:
        return present.digest(access, month).data
    except ValueError as refused:
        raise NinjaValidationError([{"loc": ["query", "month"], "msg": str(refused)}]) from None


@router.get(M, summary="A meeting: agenda, attendees, minutes, decisions and actions")
def get_meeting(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return present.meeting(access, pk).data


@router.patch(M, summary="Change a meeting")
def update_meeting(request: HttpRequest, alliance_id: int, pk: int, payload: MeetingIn) -> Any:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return MEETING_UPDATES.update(access, access.get_record(Meeting, pk, write=True), payload)


@router.post(M + "/agenda", response={201: dict}, summary="Add an agenda item")
def add_item(request: HttpRequest, alliance_id: int, pk: int, payload: ItemIn) -> tuple[int, Any]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    meeting = access.get_record(Meeting, pk, write=True)
    title = payload.title.strip()
    if not title or len(title) > 300:
        raise _refuse("title", "Give the item a title of 1 to 300 characters.")
    services.add_item(access, meeting, title, payload.detail)
    return 201, present.meeting(access, pk).data


@router.put(M + "/agenda/order", summary="Reorder the agenda")
def reorder(request: HttpRequest, alliance_id: int, pk: int, payload: OrderIn) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    meeting = access.get_record(Meeting, pk, write=True)
    try:
        services.reorder(access, meeting, payload.ids)
    except ValueError as refused:
        raise _refuse("ids", str(refused)) from None
    return present.meeting(access, pk).data


@router.delete(M + "/agenda/{item_id}", summary="Remove an agenda item")
def remove_item(request: HttpRequest, alliance_id: int, pk: int, item_id: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    meeting = access.get_record(Meeting, pk, write=True)
    services.remove_item(access, child_record(access, AgendaItem, item_id, meeting))
    return present.meeting(access, pk).data


@router.put(M + "/minutes", summary="Minutes per agenda item, and decisions")
def save_minutes(request: HttpRequest, alliance_id: int, pk: int, payload: MinutesIn) -> Any:
    access = get_alliance_access(request.user, alliance_id, write=True)
    meeting = access.get_record(Meeting, pk, write=True)
    known = {i.pk for i in meeting.items.all()}
    unknown = [k for k in payload.minutes if k not in known]
    if unknown:
        raise _refuse(f"minutes.{unknown[0]}", "No such item on this agenda.")
    services.save_minutes(access, meeting, payload.minutes, payload.decisions)
    return present.meeting(access, pk).data


@router.post(M + "/actions", response={201: dict}, summary="Actions into the commitments ledger")
def create_actions(
    request: HttpRequest, alliance_id: int, pk: int, payload: ActionsIn
) -> tuple[int, Any]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    meeting = access.get_record(Meeting, pk, write=True)
    rows = [services.ActionRow(a.title, a.side_id, a.owner_id, a.due_date) for a in payload.actions]
    try:
        services.create_actions(access, meeting, rows)
    except services.ActionsInvalid as refused:
        raise NinjaValidationError(
            [{"loc": ["body", "payload", "actions"], "msg": e} for e in refused.errors]
        ) from None
    return 201, present.meeting(access, pk).data
