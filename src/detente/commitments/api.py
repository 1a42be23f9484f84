"""API routes of the commitments ledger, and its adherence per side (the chart's data twin)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from detente.commitments import present
from detente.commitments.forms import CommitmentForm
from detente.commitments.models import Commitment
from detente.records.api import Deleted, RecordOut, RecordRoutes, form_data
from detente.records.paging import SIDE, Paging, api_list, mine_or_joint, one_of, page_out
from detente.records.visibility import JOINT, AllianceAccess, get_alliance_access

router = Router(tags=["commitments"])
A = "/alliances/{alliance_id}"


class CommitmentOut(RecordOut):
    owed_by_id: int
    owed_by_person_id: int | None
    owed_by_person: str | None = Field(..., description="The person's name, when one is named.")
    kind: str
    title: str
    description: str
    due_date: dt.date
    status: str
    late: bool = Field(..., description="Derived: open or disputed after the due date.")
    done_on: dt.date | None
    evidence: str
    source_clause: str
    source_interaction_id: int | None
    source_history_id: int | None


class CommitmentIn(Schema):
    side_id: int | None = Field(None, description="The side that records it; defaults to yours.")
    visibility: str | None = None
    owed_by_id: int | None = Field(None, description="The side that owes it.")
    owed_by_person_id: int | None = Field(
        None, description="A member of the owing side who sees it through (optional)."
    )
    kind: str | None = Field(None, description="deliverable, resources or decision.")
    title: str | None = None
    description: str | None = None
    due_date: dt.date | None = None
    status: str | None = Field(None, description="open, done, waived or disputed.")
    done_on: dt.date | None = None
    evidence: str | None = None
    source_clause: str | None = None
    source_interaction_id: int | None = None
    source_history_id: int | None = None


class AdherenceSeries(Schema):
    side_id: int
    side: str
    percent: list[float | None]
    due: list[int]
    on_time: list[int]


class AdherenceOut(Schema):
    labels: list[str]
    series: list[AdherenceSeries]


RENAMES = {
    "owed_by_id": "owed_by",
    "owed_by_person_id": "owed_by_person",
    "source_interaction_id": "source_interaction",
    "source_history_id": "source_history",
}


def _form(access: AllianceAccess, payload: CommitmentIn, instance: Any = None) -> CommitmentForm:
    data = form_data(CommitmentForm, instance, payload)
    for api_name, form_name in RENAMES.items():
        if api_name in data:
            data[form_name] = data.pop(api_name)
    if instance is None:
        data.setdefault("owner_side", access.default_side.pk)
        data.setdefault("visibility", JOINT)
        data.setdefault("status", Commitment.Status.OPEN)
        data.setdefault("kind", Commitment.Kind.DELIVERABLE)
    return CommitmentForm(data=data, instance=instance, access=access)


def _out(c: Commitment, access: AllianceAccess) -> dict:
    return present.commitment_data(present.show_sources(access, [c])[0])


COMMITMENTS = RecordRoutes(form=_form, out=lambda access, c: _out(c, access))


@router.get(
    A + "/commitments",
    response=page_out(CommitmentOut, "CommitmentPageOut"),
    summary="The commitments ledger, a page at a time",
    description="By due date and id. Filters: `late` (true or false), `status`, `owed_by` "
    "(the id of the side that owes it), `due_before` (a date, exclusive), `side` (the side "
    "that keeps the record), `visibility`.",
)
def list_commitments(
    request: HttpRequest,
    alliance_id: int,
    paging: Query[Paging],
    late: bool | None = None,
    status: str | None = None,
    owed_by: int | None = SIDE,
    due_before: dt.date | None = None,
    side: int | None = SIDE,
    visibility: Literal["joint", "private"] | None = None,
) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    one_of("status", status, Commitment.Status.values)
    one_of("owed_by", owed_by, [s.pk for s in access.sides])
    rows = mine_or_joint(present.ledger(access, late=late).rows, access.sides, side, visibility)
    rows = [
        r
        for r in rows
        if (not status or r["status"] == status)
        and (owed_by is None or r["owed_by_id"] == owed_by)
        and (due_before is None or r["due_date"] < due_before)
    ]
    return api_list(request, rows, paging)


@router.post(A + "/commitments", response={201: CommitmentOut})
def create_commitment(request: HttpRequest, alliance_id: int, payload: CommitmentIn) -> Any:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return COMMITMENTS.create(access, payload)


@router.get(A + "/commitments/adherence", response=AdherenceOut, summary="Adherence per side")
def get_adherence(request: HttpRequest, alliance_id: int, quarters: int = 8) -> dict[str, Any]:
    """Share of the commitments due in each quarter that were done on time, per owing side."""
    access = get_alliance_access(request.user, alliance_id)
    return present.ledger(access, quarters=max(1, min(quarters, 40))).chart


@router.get(A + "/commitments/{pk}", response=CommitmentOut)
def get_commitment(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return present.commitment(access, pk)


@router.patch(A + "/commitments/{pk}", response=CommitmentOut)
def update_commitment(
    request: HttpRequest, alliance_id: int, pk: int, payload: CommitmentIn
) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return COMMITMENTS.update(access, access.get_record(Commitment, pk, write=True), payload)


@router.delete(A + "/commitments/{pk}", response=Deleted)
def delete_commitment(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, bool]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return COMMITMENTS.delete(access, access.get_record(Commitment, pk, write=True))
