"""The gate the proposing services call: may this side put this record to the partner?

A side that named no approvers for the record passes (nothing changes for a side that does
not use internal approval). Otherwise every named colleague must have approved the record
as it is now. The message is for the acting side only: it is raised to the user who tried,
never stored on the joint record.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from detente.approvals import registry
from detente.approvals.models import ApprovalRequest, Decision


def _names(request: ApprovalRequest, decision: str) -> list[str]:
    return [str(a.user) for a in request.approvers.all() if a.decision == decision]


def blocking(record: Any, side_ids: Iterable[int]) -> str | None:
    """Why ``record`` may not yet go to the partner for one of ``side_ids``, or None."""
    kind = registry.kind_of(record)
    if kind is None:
        return None
    requests = ApprovalRequest.objects.filter(
        kind=kind.key, object_id=record.pk, owner_side_id__in=list(side_ids)
    ).prefetch_related("approvers__user")
    for request in requests:
        name = kind.describe(record)
        asked = _names(request, Decision.CHANGES)
        if asked:
            return (
                f"Your side's internal approval of {name} is not complete: "
                f"{', '.join(asked)} asked for changes. Change it and ask again."
            )
        waiting = _names(request, Decision.PENDING)
        if waiting:
            return (
                f"Your side's internal approval of {name} is not complete: "
                f"waiting for {', '.join(waiting)}."
            )
        if request.fingerprint != kind.fingerprint(record):
            return (
                f"{name} changed after your colleagues approved it: ask them to approve it again."
            )
    return None
