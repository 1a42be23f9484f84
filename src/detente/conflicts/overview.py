"""The open-conflicts card of the alliance overview: each open conflict, its rung and the
time left on it, the most pressing first. Read through the visibility rule."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import F, Min, Prefetch, Q
from django.utils import timezone

from detente.conflicts.models import Conflict, LadderStep
from detente.records.visibility import AllianceAccess


def open_conflicts(
    access: AllianceAccess, now: datetime | None = None, limit: int = 5
) -> dict[str, Any]:
    """The ``limit`` most pressing active conflicts the user may see (soonest due first,
    then those not raised on the ladder yet), and how many there are in all.

    Three queries whatever the number of conflicts: the count, the conflicts, their open
    rungs.
    """
    now = now or timezone.now()
    active = access.records(Conflict).filter(status__in=Conflict.ACTIVE_STATUSES)
    total = active.count()
    conflicts = list(
        active.annotate(due=Min("steps__due_at", filter=Q(steps__ended_at__isnull=True)))
        .order_by(F("due").asc(nulls_last=True), "-opened_on", "-id")
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=LadderStep.objects.filter(ended_at__isnull=True).order_by("number"),
            )
        )[:limit]
    )
    for c in conflicts:
        steps = list(c.steps.all())
        c.step = steps[-1] if steps else None
        left = c.step.time_left(now) if c.step else None
        c.days_left = None if left is None else left.total_seconds() / 86400
    return {"conflicts": conflicts, "total": total, "more": max(0, total - len(conflicts))}
