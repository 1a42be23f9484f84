"""What the approval pages and their API twins show, read through the visibility rule.

Requests are private to the side that asked, so everything here is the reader's own
side's; the partner's pages and routes find nothing (404)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import NoReverseMatch, reverse

from detente.approvals import registry
from detente.approvals.forms import colleagues
from detente.approvals.models import ApprovalRequest, Decision
from detente.records.visibility import AllianceAccess


def _record(access: AllianceAccess, request: ApprovalRequest) -> Any:
    kind = registry.KINDS.get(request.kind)
    if kind is None:
        return None
    return access.records(kind.model).filter(pk=request.object_id).first()


def _record_url(access: AllianceAccess, kind: registry.ApprovalKind | None, record: Any) -> str:
    if kind is None or record is None:
        return ""
    try:
        return reverse(kind.url_name, args=[access.alliance.pk, *kind.url_args(record)])
    except NoReverseMatch:
        return ""


def row(access: AllianceAccess, request: ApprovalRequest) -> dict[str, Any]:
    kind = registry.KINDS.get(request.kind)
    record = _record(access, request)
    approvers = [
        {
            "user_id": a.user_id,
            "name": str(a.user),
            "decision": a.decision,
            "decision_label": Decision(a.decision).label,
            "comment": a.comment,
            "decided_at": a.decided_at,
        }
        for a in request.approvers.all()
    ]
    mine = next((a for a in approvers if a["user_id"] == access.user.pk), None)
    return {
        "id": request.pk,
        "kind": request.kind,
        "kind_label": kind.label if kind else request.kind,
        "object_id": request.object_id,
        "title": request.title,
        "record_url": _record_url(access, kind, record),
        "url": reverse("approval_detail", args=[access.alliance.pk, request.pk]),
        "side": str(request.owner_side),
        "note": request.note,
        "status": request.status,
        "status_label": Decision(request.status).label,
        "round": request.round,
        "requested_by": str(request.requested_by) if request.requested_by else "",
        "requested_at": request.requested_at,
        "approvers": approvers,
        "waiting_for_me": bool(mine and mine["decision"] == Decision.PENDING),
        "i_approve": mine is not None,
        # The record changed (or is gone) since approval was asked: the approvals no longer cover it.
        "changed_since": record is None
        or (kind is not None and kind.fingerprint(record) != request.fingerprint),
        "may_withdraw": access.can_write_on(request.owner_side_id),
    }


def _requests(access: AllianceAccess) -> Any:
    return (
        access.records(ApprovalRequest)
        .select_related("owner_side__organisation", "requested_by")
        .prefetch_related("approvers__user")
    )


def inbox(access: AllianceAccess) -> dict[str, Any]:
    """What waits for the reader's approval, and every request of the reader's sides."""
    rows = [row(access, r) for r in _requests(access)]
    return {
        "waiting_for_you": [r for r in rows if r["waiting_for_me"]],
        "requests": rows,
    }


def detail(access: AllianceAccess, pk: Any) -> dict[str, Any]:
    return row(access, access.get_record(ApprovalRequest, pk))


def panel(access: AllianceAccess, kind_key: str, record: Any) -> dict[str, Any]:
    """The approval box of a record's page: the reader's sides' requests on it, and whether
    the reader may ask (a writer of a side that sees the record)."""
    registry.get(kind_key)
    requests = [
        row(access, r) for r in _requests(access).filter(kind=kind_key, object_id=record.pk)
    ]
    may_ask = access.can_write and access.sees(record)
    return {
        "kind": kind_key,
        "object_id": record.pk,
        "requests": requests,
        "may_ask": may_ask,
        "ask_url": reverse("approval_new", args=[access.alliance.pk, kind_key, record.pk])
        if may_ask
        else "",
        "has_colleagues": may_ask and colleagues(access.default_side, access.user).exists(),
    }


def target(access: AllianceAccess, kind_key: str, object_id: Any) -> Any:
    """The record a new request is about, if the reader may see it (else 404)."""
    kind = registry.get(kind_key)
    record = (
        access.records(kind.model).filter(pk=object_id).first()
        if str(object_id).isdigit()
        else None
    )
    if record is None:
        raise Http404("No such record.")
    return record
