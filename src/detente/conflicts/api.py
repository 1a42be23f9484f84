"""API routes of the conflicts capability; each page with a computed result has its JSON twin
here, produced by the same function (the ladder, the brief, the comparison, exit signals)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from detente.conflicts import ladder, linked, present
from detente.conflicts.forms import CloseForm, ConflictForm
from detente.conflicts.models import Conflict
from detente.records.api import (
    Deleted,
    FormInvalid,
    RecordOut,
    RecordRoutes,
    form_data,
)
from detente.records.paging import SIDE, Paging, api_list, mine_or_joint, one_of, page_out
from detente.records.visibility import PRIVATE, AllianceAccess, get_alliance_access

router = Router(tags=["conflicts"])
A = "/alliances/{alliance_id}"


class StepOut(Schema):
    id: int
    number: int
    name: str
    owner: str
    days: int | None
    started_at: dt.datetime
    due_at: dt.datetime | None
    ended_at: dt.datetime | None
    how_ended: str
    met_on: dt.date | None
    who_met: str
    agreed: str
    still_open: str


class ViewOut(RecordOut):
    position: str
    interests: str
    data: str


class ConflictOut(RecordOut):
    title: str
    source: str
    kind: str
    description: str
    status: str
    opened_on: dt.date
    objective_ids: list[int]
    kpi_ids: list[int]
    commitment_ids: list[int]
    signal_ids: list[int]
    decision_asked: str
    recommendation: str
    ladder: list[dict]
    ladder_source: str
    raised_at: dt.datetime | None
    past_top_at: dt.datetime | None
    rung: int | None = Field(None, description="The current rung (1 = first), if on the ladder.")
    days_left: float | None = Field(None, description="Days left on the current rung.")
    steps: list[StepOut]
    views: list[ViewOut]


class ConflictIn(Schema):
    side_id: int | None = Field(None, description="The side that keeps it; defaults to yours.")
    visibility: str | None = Field(None, description="private while preparing, or joint.")
    title: str | None = None
    source: str | None = None
    kind: str | None = Field(None, description="initial or evolving.")
    description: str | None = None
    opened_on: dt.date | None = None
    objective_ids: list[int] | None = None
    kpi_ids: list[int] | None = None
    commitment_ids: list[int] | None = None
    signal_ids: list[int] | None = None
    decision_asked: str | None = None
    recommendation: str | None = None


class CloseIn(Schema):
    status: str = Field(..., description="resolved or unresolved.")


class NotificationOut(Schema):
    id: int
    conflict_id: int
    text: str
    url: str
    created_at: dt.datetime
    emailed_at: dt.datetime | None
    read_at: dt.datetime | None


RENAMES = {
    "side_id": "owner_side",
    "objective_ids": "objectives",
    "kpi_ids": "kpis",
    "commitment_ids": "commitments",
    "signal_ids": "signals",
}
API_NAMES = {v: k for k, v in RENAMES.items()}


def _out(c: Conflict, access: AllianceAccess) -> dict[str, Any]:
    return present.conflict_data(access, c)


def _form(
    access: AllianceAccess, payload: ConflictIn, instance: Conflict | None = None
) -> ConflictForm:
    data = form_data(ConflictForm, instance, payload)
    for api_name, form_name in RENAMES.items():
        if api_name in data:
            data[form_name] = data.pop(api_name)
    if instance is not None:
        # Links not sent are kept; the ones the user cannot see are kept by the form itself.
        links = linked.visible_links(access, instance)
        sent = payload.dict(exclude_unset=True)
        for api_name, form_name in RENAMES.items():
            if form_name in ConflictForm.LINKS and api_name not in sent:
                data[form_name] = [r.pk for r in links[form_name]]
    else:
        data.setdefault("owner_side", access.default_side.pk)
        data.setdefault("visibility", PRIVATE)
        data.setdefault("opened_on", timezone.localdate())
    return ConflictForm(data=data, instance=instance, access=access)


CONFLICTS = RecordRoutes(form=_form, out=lambda access, c: _out(c, access), api_names=API_NAMES)


@router.get(
    A + "/conflicts",
    response=page_out(ConflictOut, "ConflictPageOut"),
    summary="Conflicts, a page at a time",
    description="Newest first (opened on, then id). Filters: `status`, `kind`, `side`, "
    "`visibility`.",
)
def list_conflicts(
    request: HttpRequest,
    alliance_id: int,
    paging: Query[Paging],
    status: str | None = None,
    kind: str | None = None,
    side: int | None = SIDE,
    visibility: Literal["joint", "private"] | None = None,
) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    one_of("status", status, Conflict.Status.values)
    one_of("kind", kind, Conflict.Kind.values)
    rows = mine_or_joint(present.conflicts(access, status).rows, access.sides, side, visibility)
    rows = [r for r in rows if not kind or r["kind"] == kind]
    return api_list(request, rows, paging)


@router.post(A + "/conflicts", response={201: ConflictOut})
def create_conflict(request: HttpRequest, alliance_id: int, payload: ConflictIn) -> Any:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return CONFLICTS.create(access, payload)


@router.get(A + "/conflicts/{pk}", response=ConflictOut)
def get_conflict(request: HttpRequest, alliance_id: int, pk: int) -> dict:
    access = get_alliance_access(request.user, alliance_id)
    return present.conflict(access, pk).data


@router.patch(A + "/conflicts/{pk}", response=ConflictOut)
def update_conflict(request: HttpRequest, alliance_id: int, pk: int, payload: ConflictIn) -> dict:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return CONFLICTS.update(access, access.get_record(Conflict, pk, write=True), payload)


@router.delete(A + "/conflicts/{pk}", response=Deleted)
def delete_conflict(request: HttpRequest, alliance_id: int, pk: int) -> dict:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return CONFLICTS.delete(access, access.get_record(Conflict, pk, write=True))


@router.post(A + "/conflicts/{pk}/raise", response=ConflictOut, summary="Raise jointly")
def raise_conflict(request: HttpRequest, alliance_id: int, pk: int) -> dict:
    """Make the conflict joint and put it on the first rung of the ladder."""
    access = get_alliance_access(request.user, alliance_id, write=True)
    conflict = access.get_record(Conflict, pk, write=True)
    if conflict.raised_at is None and conflict.is_active:
        ladder.raise_jointly(access, conflict)
    return _out(Conflict.objects.get(pk=pk), access)


@router.post(A + "/conflicts/{pk}/close", response=ConflictOut)
def close_conflict(request: HttpRequest, alliance_id: int, pk: int, payload: CloseIn) -> dict:
    access = get_alliance_access(request.user, alliance_id, write=True)
    conflict = access.get_record(Conflict, pk)
    if not access.sees(conflict, writing=True):
        raise Http404("No such conflict.")
    form = CloseForm(data=payload.dict())
    if not form.is_valid():
        raise FormInvalid(form)
    if conflict.is_active:
        ladder.close(access, conflict, form.cleaned_data["status"])
    return _out(Conflict.objects.get(pk=pk), access)


@router.get(A + "/conflicts/{pk}/brief", summary="Escalation brief (data twin of the page)")
def get_brief(request: HttpRequest, alliance_id: int, pk: int, internal: bool = False) -> dict:
    """Joint records only, unless ``internal`` (your side's internal brief, marked as such)."""
    access = get_alliance_access(request.user, alliance_id)
    return present.brief(access, pk, internal=internal).data


@router.get(
    A + "/restructuring",
    response=page_out(dict, "ComparisonPageOut"),
    summary="Restructuring comparisons, a page at a time",
    description="Newest first (time, then id). Filters: `side`, `visibility`.",
)
def list_comparisons(
    request: HttpRequest,
    alliance_id: int,
    paging: Query[Paging],
    side: int | None = SIDE,
    visibility: Literal["joint", "private"] | None = None,
) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    rows = present.conflicts(access).comparison_rows
    return api_list(request, mine_or_joint(rows, access.sides, side, visibility), paging)


@router.get(A + "/restructuring/{pk}", summary="A comparison's values to each side")
def get_comparison(request: HttpRequest, alliance_id: int, pk: int) -> dict:
    """Value of each option to each side (visible estimates only), the chart's points, each
    side's preferred option and what needs to be true."""
    access = get_alliance_access(request.user, alliance_id)
    return present.comparison(access, pk).data


@router.get(A + "/exit-signals", summary="The five exit signals and a recommendation")
def get_exit_signals(
    request: HttpRequest,
    alliance_id: int,
    max_age_days: int = Query(180, ge=1, le=3650),
    adherence_floor: float = Query(80.0, ge=0, le=100),
) -> dict:
    access = get_alliance_access(request.user, alliance_id)
    return present.exit_page(
        access, max_age_days=max_age_days, adherence_floor=adherence_floor
    ).data


@router.get(
    A + "/notifications",
    response=page_out(NotificationOut, "ConflictNotificationPageOut"),
    summary="Your notifications, a page at a time",
    description="Newest first (time, then id). Filters: `unread` (true: only unread ones), "
    "`conflict_id`.",
)
def list_notifications(
    request: HttpRequest,
    alliance_id: int,
    paging: Query[Paging],
    unread: bool = False,
    conflict_id: int | None = None,
) -> Any:
    access = get_alliance_access(request.user, alliance_id)
    found = present.notifications(access).order_by("-created_at", "-id")
    if unread:
        found = found.filter(read_at__isnull=True)
    if conflict_id is not None:
        found = found.filter(conflict_id=conflict_id)
    return api_list(request, found, paging)
