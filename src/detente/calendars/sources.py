"""Calendar sources of the capabilities that do not register their own: health-check
windows, commitment due dates, conflict ladder deadlines and difference reviews.

Kept here, in the rhythm layer, so no capability imports the calendars. Each reads its
records through the visibility rule as the person sees them (``visible_to(user)``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from detente.commitments.models import Commitment
from detente.conflicts.models import Conflict, LadderStep
from detente.differences.models import Difference
from detente.health.models import Cycle
from detente.records.calendar import CalendarEvent, source
from detente.records.visibility import JOINT


@source("health_check")
def health_check_windows(user: Any, alliances: QuerySet[Any]) -> Iterable[CalendarEvent]:
    for c in Cycle.objects.visible_to(user).filter(alliance__in=alliances):
        yield CalendarEvent(
            uid=f"health-check-{c.pk}@detente",
            kind="health_check",
            title=f"Health check {c.period} open for answers",
            start=c.opens_on,
            end=c.closes_on + dt.timedelta(days=1),
            url=reverse("cycle_detail", args=[c.alliance_id, c.pk]),
            alliance_id=c.alliance_id,
            description=f"Answers are taken from {c.opens_on:%d %b} to {c.closes_on:%d %b %Y}.",
            joint=c.visibility == JOINT,
        )


@source("commitment")
def commitment_due_dates(user: Any, alliances: QuerySet[Any]) -> Iterable[CalendarEvent]:
    owed = Commitment.objects.visible_to(user).filter(
        alliance__in=alliances, status__in=[Commitment.Status.OPEN, Commitment.Status.DISPUTED]
    )
    for c in owed.select_related("owed_by__organisation"):
        yield CalendarEvent(
            uid=f"commitment-{c.pk}@detente",
            kind="commitment",
            title=f"Due: {c.title} (owed by {c.owed_by})",
            start=c.due_date,
            url=reverse("commitments_home", args=[c.alliance_id]) + f"#commitment-{c.pk}",
            alliance_id=c.alliance_id,
            description=c.description,
            joint=c.visibility == JOINT,
        )


@source("ladder")
def ladder_deadlines(user: Any, alliances: QuerySet[Any]) -> Iterable[CalendarEvent]:
    conflicts = Conflict.objects.visible_to(user).filter(
        alliance__in=alliances, status__in=Conflict.ACTIVE_STATUSES
    )
    steps = LadderStep.objects.filter(
        conflict__in=conflicts, ended_at__isnull=True, due_at__isnull=False
    ).select_related("conflict")
    for s in steps:
        c = s.conflict
        assert s.due_at is not None
        yield CalendarEvent(
            uid=f"ladder-step-{s.pk}@detente",
            kind="ladder",
            title=f"Ladder deadline: {c.title} (step {s.number}, {s.name})",
            start=s.due_at,
            end=s.due_at + dt.timedelta(minutes=30),
            url=reverse("conflict_detail", args=[c.alliance_id, c.pk]),
            alliance_id=c.alliance_id,
            description=f"Step {s.number} ({s.name}) ends here unless it is resolved.",
            joint=c.visibility == JOINT,
        )


@source("difference")
def difference_reviews(user: Any, alliances: QuerySet[Any]) -> Iterable[CalendarEvent]:
    due = Difference.objects.visible_to(user).filter(
        alliance__in=alliances, review_date__isnull=False
    )
    for d in due:
        assert d.review_date is not None
        yield CalendarEvent(
            uid=f"difference-{d.pk}@detente",
            kind="difference",
            title=f"Review the difference: {d.title}",
            start=d.review_date,
            url=reverse("difference_detail", args=[d.alliance_id, d.pk]),
            alliance_id=d.alliance_id,
            description=d.management,
            joint=d.visibility == JOINT,
        )
