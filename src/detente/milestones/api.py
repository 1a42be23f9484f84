"""JSON twins of the milestone pages: the same form writes, the same present functions read."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from detente.goals.services import get_check
from detente.milestones import present, reference, services
from detente.milestones.forms import MilestoneForm
from detente.milestones.models import Milestone
from detente.records.api import RecordRoutes, record_form
from detente.records.paging import SIDE, Paging, api_list, mine_or_joint, one_of, page_out
from detente.records.visibility import AllianceAccess, get_alliance_access

router = Router(tags=["milestones"])

M = "/alliances/{alliance_id}/goals/milestones"


class MilestoneIn(Schema):
    side_id: int | None = Field(None, description="The side that keeps it; defaults to yours.")
    visibility: str | None = Field(None, description="joint (proposed) or private (a draft)")
    title: str | None = None
    kpi: int | None = Field(None, description="The KPI (a count) it is tracked against.")
    target: int | None = None
    start: dt.date | None = None
    due: dt.date | None = None
    measured_by: int | None = Field(None, description="Whose values it is tracked against.")
    confidence: int | None = Field(None, description="On track while at least this likely (%).")
    notes: str | None = None


def _form(access: AllianceAccess, payload: Any, instance: Any) -> MilestoneForm:
    return record_form(MilestoneForm, access, payload, instance)


def _out(access: AllianceAccess, milestone: Any) -> dict[str, Any]:
    return present.milestone(access, milestone.pk).data


ROUTES = RecordRoutes(form=_form, out=_out, save=services.save, side_fixed=True)


@router.get(
    M,
    response=page_out(dict, "MilestonePageOut"),
    summary="Milestones, a page at a time",
    description="By due date and id. Filters: `status`, `state`, `kpi_id`, `side`, "
    "`visibility`, `due_before` (a date, exclusive).",
)
def list_milestones(
    request: HttpRequest,
    alliance_id: int,
    paging: Query[Paging],
    status: str | None = None,
    state: str | None = None,
    kpi_id: int | None = None,
    side: int | None = SIDE,
    visibility: Literal["joint", "private"] | None = None,
    due_before: dt.date | None = None,
) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    one_of("status", status, Milestone.Status.values)
    one_of("state", state, Milestone.State.values)
    rows = mine_or_joint(present.milestones(access).rows, access.sides, side, visibility)
    rows = [
        r
        for r in rows
        if (not status or r["status"] == status)
        and (not state or r["state"] == state)
        and (kpi_id is None or r["kpi_id"] == kpi_id)
        and (due_before is None or r["due"] < due_before.isoformat())
    ]
    return api_list(request, rows, paging)


@router.post(M, response={201: dict})
def create_milestone(
    request: HttpRequest, alliance_id: int, payload: MilestoneIn
) -> tuple[int, Any]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return ROUTES.create(access, payload)


@router.get(M + "/{pk}", response=dict)
def get_milestone(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return present.milestone(access, pk).data


@router.patch(M + "/{pk}", response=dict)
def update_milestone(
    request: HttpRequest, alliance_id: int, pk: int, payload: MilestoneIn
) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return ROUTES.update(access, services.get_milestone(access, pk, write=True), payload)


@router.delete(M + "/{pk}", response=dict)
def delete_milestone(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, bool]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return ROUTES.delete(access, services.get_milestone(access, pk, write=True))


@router.post(M + "/{pk}/accept", response=dict)
def accept_milestone(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, Any]:
    """The other side agrees a proposed milestone (403 for its own side, 409 if not proposed)."""
    access = get_alliance_access(request.user, alliance_id, write=True)
    services.answer(access, services.get_milestone(access, pk), accept=True)
    return present.milestone(access, pk).data


@router.post(M + "/{pk}/decline", response=dict)
def decline_milestone(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    services.answer(access, services.get_milestone(access, pk), accept=False)
    return present.milestone(access, pk).data


@router.post(
    "/alliances/{alliance_id}/goals/checks/{check_id}/phases/{index}/milestone",
    response={201: dict},
)
def milestone_from_phase(
    request: HttpRequest, alliance_id: int, check_id: int, index: int
) -> tuple[int, Any]:
    """One click: the milestone at the end of phase ``index`` of a check's proposed plan."""
    access = get_alliance_access(request.user, alliance_id, write=True)
    milestone = services.from_check(access, get_check(access, check_id), index)
    return 201, present.milestone(access, milestone.pk).data


@router.get("/alliances/{alliance_id}/goals/reference", response=dict)
def get_reference_class(request: HttpRequest, alliance_id: int) -> dict[str, Any]:
    """Your own organisation's reference class and its P50/P80 adjustments."""
    access = get_alliance_access(request.user, alliance_id)
    return reference.reference(access).data


@router.post("/alliances/{alliance_id}/goals/reference/import", response={201: dict, 422: dict})
def import_past_projects(
    request: HttpRequest,
    alliance_id: int,
    # Optional in the schema so that access is checked first; a missing file is a 422.
    file: UploadedFile | None = File(None),  # noqa: B008 (ninja's declaration style)
) -> tuple[int, Any]:
    """Past projects of your organisation from a CSV (name, planned, achieved, notes), all
    or nothing; a refused file is a 422 listing each row and column at fault."""
    access = get_alliance_access(request.user, alliance_id, write=True)
    try:
        if file is None:
            raise reference.ImportRefused(
                [{"row": 0, "column": "file", "problem": "send the CSV as the 'file' field"}]
            )
        made = reference.import_projects(access, file.read())
    except reference.ImportRefused as refused:
        return 422, {"errors": refused.problems}
    return 201, {"imported": len(made), **reference.reference(access).data}
