"""JSON API of the health check: cycles, their per-side summary, the scorecard, alerts.

Each route starts with the access helper; writes go through the pages' forms and
services. Individual answers have no route: only per-side aggregates of at least N answers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from detente.health import present, services, warning
from detente.health.forms import AlertActionForm, CycleForm, InviteForm
from detente.health.models import Alert, Cycle
from detente.records.api import FormInvalid, RecordRoutes
from detente.records.paging import Paging, api_list, page_out
from detente.records.visibility import AllianceAccess, get_alliance_access

router = Router(tags=["health"])

A = "/alliances/{alliance_id}/health"


class CycleOut(Schema):
    id: int
    period: str
    opens_on: dt.date
    closes_on: dt.date
    closed_at: dt.datetime | None
    is_open: bool
    notes: str


class CycleIn(Schema):
    period: str | None = None
    opens_on: dt.date | None = None
    closes_on: dt.date | None = None
    notes: str | None = None


class InviteIn(Schema):
    side_id: int | None = None
    emails: list[str] = []
    stakeholder_ids: list[int] = []


class InvitedOut(Schema):
    invited: int
    skipped: int


class AlertOut(Schema):
    id: int
    period: str
    measure: str
    label: str
    rule: str
    severity: str
    sides: str
    visibility: str
    evidence: str
    next_step: str
    next_actions: list[dict[str, str]]  # {"label", "url"}: where each next step is done
    p_value: float | None
    values: list[dict]
    status: str


class ActionIn(Schema):
    reason: str | None = None
    snoozed_until: dt.date | None = None


_cycle_out = present.cycle_data
_alert_out = present.alert_data


@router.get(
    A + "/cycles",
    response=page_out(CycleOut, "CyclePageOut"),
    summary="Health-check cycles, a page at a time",
    description="Oldest first (opening day, then id). Filters: `period` (like 2026Q1), "
    "`open` (true: only cycles taking answers today; false: the others).",
)
def list_cycles(
    request: HttpRequest,
    alliance_id: int,
    paging: Query[Paging],
    period: str | None = None,
    open: bool | None = None,  # noqa: A002 (the query parameter's name)
) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    found = access.records(Cycle).order_by("opens_on", "id")
    if period:
        found = found.filter(period=period)
    if open is not None:
        today = timezone.localdate()
        taking = Q(closed_at__isnull=True, opens_on__lte=today, closes_on__gte=today)
        found = found.filter(taking) if open else found.exclude(taking)
    return api_list(request, found, paging, _cycle_out)


def _cycle_form(access: AllianceAccess, payload: CycleIn, instance: None) -> CycleForm:
    """A new cycle's form (cycles are started, not edited)."""
    data = {k: ("" if v is None else v) for k, v in payload.dict().items()}
    return CycleForm(data=data, access=access, plan=services.plan_for(access.alliance))


CYCLES = RecordRoutes(
    form=_cycle_form,
    out=lambda access, cycle: _cycle_out(cycle),
    save=services.create_cycle,
    api_names={},
)


@router.post(A + "/cycles", response={201: CycleOut}, summary="Start a health check")
def create_cycle(request: HttpRequest, alliance_id: int, payload: CycleIn) -> Any:
    access = get_alliance_access(request.user, alliance_id, manage=True)
    return CYCLES.create(access, payload)


@router.get(A + "/cycles/{pk}", response=CycleOut)
def get_cycle(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return _cycle_out(access.get_record(Cycle, pk))


@router.get(A + "/cycles/{pk}/summary", summary="Per-side results of one cycle")
def cycle_summary(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, Any]:
    """Each measure's per-side mean, spread and count, shown only from N answers up."""
    access = get_alliance_access(request.user, alliance_id)
    return present.cycle(access, pk).data


@router.post(A + "/cycles/{pk}/invitations", response={201: InvitedOut})
def invite(request: HttpRequest, alliance_id: int, pk: int, payload: InviteIn) -> Any:
    access = get_alliance_access(request.user, alliance_id, manage=True)
    cycle = access.get_record(Cycle, pk)
    side_id: int | str | None = payload.side_id
    if side_id is None:
        managed = [s for s in access.sides if access.can_manage_on(s.id)]
        side_id = managed[0].pk if managed else ""
    data = {
        "side": side_id,
        "stakeholders": [str(i) for i in payload.stakeholder_ids],
        "others": "\n".join(payload.emails),
    }
    form = InviteForm(data=data, access=access)
    if not form.is_valid():
        raise FormInvalid(form)
    side = next(s for s in access.sides if s.pk == form.cleaned_data["side"])
    created = services.invite(access, cycle, side, form.cleaned_data["people"])
    return 201, {
        "invited": len(created),
        "skipped": len(form.cleaned_data["people"]) - len(created),
    }


@router.post(A + "/cycles/{pk}/reminders", response=InvitedOut)
def remind(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, int]:
    access = get_alliance_access(request.user, alliance_id, manage=True)
    cycle = access.get_record(Cycle, pk)
    due = [i for i in services.due_reminders([cycle]) if access.can_manage_on(i.owner_side_id)]
    return {"invited": services.send_reminders(request.user, due), "skipped": 0}


@router.get(A + "/scorecard", summary="Scorecard: every cycle, measure and side")
def get_scorecard(request: HttpRequest, alliance_id: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return present.health(access).data


SEVERITIES = {label.lower(): value for value, label in Alert.Severity.choices}


@router.get(
    A + "/alerts",
    response=page_out(AlertOut, "AlertPageOut"),
    summary="Early-warning alerts, a page at a time",
    description="Newest period first, then most severe, measure and id. Filters: "
    "`min_severity` (1 watch, 2 warning, 3 alert), `severity` (watch, warning, alert), "
    "`status` (your side's triage: open, acknowledged, snoozed), `period` (like 2026Q1), "
    "`measure`.",
)
def list_alerts(
    request: HttpRequest,
    alliance_id: int,
    paging: Query[Paging],
    min_severity: int = Query(1, ge=1, le=3),
    severity: Literal["watch", "warning", "alert"] | None = None,
    status: Literal["open", "acknowledged", "snoozed"] | None = None,
    period: str | None = None,
    measure: str | None = None,
) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    shown = present.alerts(access, min_severity)
    kept = [
        a
        for a in shown.alerts
        if (not severity or a.severity == SEVERITIES[severity])
        and (not status or shown.triage[a.pk].status == status)
        and (not period or a.period == period)
        and (not measure or a.measure == measure)
    ]
    return api_list(request, kept, paging, lambda a: _alert_out(a, shown.triage[a.pk].status))


def _act(request: HttpRequest, alliance_id: int, pk: int, kind: str, payload: ActionIn) -> dict:
    access = get_alliance_access(request.user, alliance_id, write=True)
    alert = access.get_record(Alert, pk)
    data = {k: ("" if v is None else v) for k, v in payload.dict().items()} | {"kind": kind}
    form = AlertActionForm(data=data)
    if not form.is_valid():
        raise FormInvalid(form)
    d = form.cleaned_data
    services.act_on_alert(access, alert, kind, d["reason"], d["snoozed_until"])
    return _alert_out(alert, warning.triage(request.user, [alert])[alert.pk].status)


@router.post(A + "/alerts/{pk}/ack", response=AlertOut, summary="Acknowledge for my side")
def ack_alert(request: HttpRequest, alliance_id: int, pk: int, payload: ActionIn) -> dict:
    return _act(request, alliance_id, pk, "ack", payload)


@router.post(A + "/alerts/{pk}/snooze", response=AlertOut, summary="Snooze for my side")
def snooze_alert(request: HttpRequest, alliance_id: int, pk: int, payload: ActionIn) -> dict:
    return _act(request, alliance_id, pk, "snooze", payload)
