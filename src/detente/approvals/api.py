"""JSON API of internal approvals: the twins of the pages, from the same present functions.
Everything here is private to the reader's side; the partner gets 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema

from detente.approvals import present, services
from detente.approvals.forms import AnswerForm, RequestForm
from detente.approvals.models import ApprovalRequest
from detente.records.api import FormInvalid
from detente.records.visibility import get_alliance_access

router = Router(tags=["approvals"])

A = "/alliances/{alliance_id}/approvals"


class ApprovalApproverOut(Schema):
    user_id: int
    name: str
    decision: str
    decision_label: str
    comment: str
    decided_at: dt.datetime | None


class ApprovalRequestOut(Schema):
    id: int
    kind: str
    kind_label: str
    object_id: int
    title: str
    record_url: str
    url: str
    side: str
    note: str
    status: str
    status_label: str
    round: int
    requested_by: str
    requested_at: dt.datetime
    approvers: list[ApprovalApproverOut]
    waiting_for_me: bool
    i_approve: bool
    changed_since: bool
    may_withdraw: bool


class ApprovalInboxOut(Schema):
    waiting_for_you: list[ApprovalRequestOut]
    requests: list[ApprovalRequestOut]


class ApprovalRequestIn(Schema):
    kind: str = Field(
        ...,
        description="agreement_version or negotiation_preferences, or a kind another app registered.",
    )
    object_id: int
    approver_ids: list[int] = Field(..., description="Colleagues of your side who must approve.")
    note: str = ""


class ApprovalAnswerIn(Schema):
    decision: str = Field(..., description="approved or changes")
    comment: str = Field("", description="Required with changes: what should change.")


@router.get(
    A, response=ApprovalInboxOut, summary="What waits for my approval, and my side's requests"
)
def list_approvals(request: HttpRequest, alliance_id: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return present.inbox(access)


@router.post(A, response={201: ApprovalRequestOut}, summary="Ask colleagues to approve a record")
def ask_approval(request: HttpRequest, alliance_id: int, payload: ApprovalRequestIn) -> Any:
    access = get_alliance_access(request.user, alliance_id, write=True)
    record = present.target(access, payload.kind, payload.object_id)
    form = RequestForm(
        data={"approvers": payload.approver_ids, "note": payload.note},
        side=access.default_side,
        user=access.user,
    )
    if not form.is_valid():
        raise FormInvalid(form, {"approvers": "approver_ids"})
    made = services.request_approval(
        access,
        payload.kind,
        record,
        list(form.cleaned_data["approvers"]),
        form.cleaned_data["note"],
    )
    return 201, present.detail(access, made.pk)


@router.get(
    A + "/{pk}", response=ApprovalRequestOut, summary="One approval request and its answers"
)
def get_approval(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return present.detail(access, pk)


@router.post(A + "/{pk}/answer", response=ApprovalRequestOut, summary="Approve, or ask for changes")
def answer_approval(
    request: HttpRequest, alliance_id: int, pk: int, payload: ApprovalAnswerIn
) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    approval = access.get_record(ApprovalRequest, pk)
    if not approval.approvers.filter(user=access.user).exists():
        raise PermissionDenied("Only a colleague named on this request may answer it.")
    form = AnswerForm(data=payload.dict())
    if not form.is_valid():
        raise FormInvalid(form)
    services.answer(access, approval, form.cleaned_data["decision"], form.cleaned_data["comment"])
    return present.detail(access, pk)


@router.delete(A + "/{pk}", response=dict, summary="Withdraw a request for approval")
def withdraw_approval(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, bool]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    approval = access.get_record(ApprovalRequest, pk, write=True)
    services.withdraw(access, approval)
    return {"deleted": True}
