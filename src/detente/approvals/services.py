"""Asking for and giving internal approval. Each action is one transaction, with one audit
entry per row it changes; every entry is private to the side (the request is)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from detente import audit
from detente.approvals import registry
from detente.approvals.models import ApprovalRequest, Approver, Decision
from detente.records.visibility import AllianceAccess


class Refused(Exception):
    """An approval step that cannot be taken now; the message says why."""


def requests_for(access: AllianceAccess, kind_key: str, record: Any) -> list[ApprovalRequest]:
    """The reader's sides' requests on one record (none for the partner: they are private)."""
    return list(
        access.records(ApprovalRequest)
        .filter(kind=kind_key, object_id=record.pk)
        .select_related("owner_side__organisation", "requested_by")
        .prefetch_related("approvers__user")
    )


def _status(request: ApprovalRequest) -> str:
    decisions = {a.decision for a in request.approvers.all()}
    if Decision.CHANGES in decisions:
        return Decision.CHANGES
    if decisions == {Decision.APPROVED}:
        return Decision.APPROVED
    return Decision.PENDING


@transaction.atomic
def request_approval(
    access: AllianceAccess,
    kind_key: str,
    record: Any,
    approvers: list[Any],
    note: str = "",
) -> ApprovalRequest:
    """Ask ``approvers`` (colleagues of the user's side) to approve ``record``.

    Asking again (after a change, or after changes were asked) starts a new round: every
    approver's answer goes back to waiting, and the approval covers the record as it is now.
    """
    kind = registry.get(kind_key)
    side = access.default_side
    if not access.can_write_on(side.pk):
        raise PermissionDenied("Your role in this alliance is read-only.")
    if not access.sees(record):
        raise PermissionDenied("Only a record your side may see can be approved.")
    if not approvers:
        raise Refused("Name at least one colleague who must approve.")
    existing = (
        ApprovalRequest.objects.select_for_update()
        .filter(kind=kind.key, object_id=record.pk, owner_side=side)
        .first()
    )
    now = timezone.now()
    before = audit.snapshot(existing) if existing else None
    request = existing or ApprovalRequest(
        alliance=access.alliance, owner_side=side, kind=kind.key, object_id=record.pk, round=0
    )
    request.title = kind.describe(record)[:250]
    request.note = note
    request.status = Decision.PENDING
    request.fingerprint = kind.fingerprint(record)
    request.round += 1
    request.requested_by = access.user
    request.requested_at = now
    request.created_by = request.created_by or access.user
    request.save()
    audit.log(
        access.user,
        "update" if before else "create",
        request,
        before=before,
        after=audit.snapshot(request),
    )
    wanted = {u.pk: u for u in approvers}
    for named in list(request.approvers.all()):
        if named.user_id not in wanted:
            gone = audit.snapshot(named)
            pk = named.pk
            named.delete()
            named.pk = pk
            audit.log(access.user, "delete", named, before=gone, alliance=access.alliance)
    current = {a.user_id: a for a in request.approvers.all()}
    for user_id, user in wanted.items():
        if user_id not in current:
            new = Approver.objects.create(request=request, user=user)
            audit.log(
                access.user, "create", new, after=audit.snapshot(new), alliance=access.alliance
            )
            continue
        approver = current[user_id]
        if approver.decision != Decision.PENDING or approver.comment:
            answered = audit.snapshot(approver)
            approver.decision, approver.comment, approver.decided_at = Decision.PENDING, "", None
            approver.save()
            audit.log(
                access.user,
                "update",
                approver,
                before=answered,
                after=audit.snapshot(approver),
                alliance=access.alliance,
            )
    return request


@transaction.atomic
def answer(
    access: AllianceAccess, request: ApprovalRequest, decision: str, comment: str = ""
) -> Approver:
    """The reader, a named approver, approves or asks for changes (with a comment)."""
    request = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
    approver = request.approvers.filter(user=access.user).first()
    if approver is None:
        raise PermissionDenied("Only a colleague named on this request may answer it.")
    if decision not in (Decision.APPROVED, Decision.CHANGES):
        raise Refused("Answer approve or ask for changes.")
    if decision == Decision.CHANGES and not comment.strip():
        raise Refused("Say what should change when you ask for changes.")
    before = audit.snapshot(approver)
    approver.decision, approver.comment, approver.decided_at = decision, comment, timezone.now()
    approver.save()
    audit.log(
        access.user,
        "update",
        approver,
        before=before,
        after=audit.snapshot(approver),
        alliance=access.alliance,
    )
    status = _status(request)
    if status != request.status:
        before = audit.snapshot(request)
        request.status = status
        request.save()
        audit.log(access.user, "update", request, before=before, after=audit.snapshot(request))
    return approver


@transaction.atomic
def withdraw(access: AllianceAccess, request: ApprovalRequest) -> None:
    """Drop the request: the side no longer asks for internal approval of the record."""
    if not access.can_write_on(request.owner_side_id):
        raise PermissionDenied("Only writers of your side may withdraw the request.")
    before = audit.snapshot(request)
    pk = request.pk
    request.delete()
    request.pk = pk
    audit.log(access.user, "delete", request, before=before, alliance=access.alliance)
