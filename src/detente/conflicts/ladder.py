"""The dispute ladder as a workflow: raising a conflict jointly, climbing rungs when their
time limit passes, and telling the next rung's owners.

There is no background worker: ``escalate_due(now)`` does the climbing whenever it is
called (by ``detente escalate`` from cron, by ``detente scan``, or by a test). It is
idempotent: a rung is climbed once, because the next rung starts at the moment of the
climb and a step that has ended is never looked at again; the row lock on the conflict
keeps two concurrent runs from both climbing.

Times are stored as aware UTC datetimes and a time limit of N days is N × 24 hours from
the start of the rung, so the moment of escalation does not depend on the server's time
zone or on a daylight-saving change in between.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from detente import audit
from detente.accounts.models import ROLE_RANK, Role
from detente.alliances.models import Stakeholder
from detente.conflicts.models import Conflict, LadderStep, Notification
from detente.jobs.mail import queue_email
from detente.records.models import Side
from detente.records.visibility import JOINT, AllianceAccess, side_sees

log = logging.getLogger(__name__)

# Seed 001's graduated approach, used when the alliance has no agreement in force with a
# ladder: informal first, then the managers, then the sponsors, then outside help.
DEFAULT_LADDER = [
    {"name": "Working team", "owner": "Operational leads", "days": 14},
    {"name": "Alliance managers", "owner": "Alliance managers", "days": 14},
    {"name": "Executive sponsors", "owner": "Executive sponsors", "days": 21},
    {"name": "Mediation", "owner": "Neutral mediator, with the alliance managers", "days": 30},
    {"name": "Arbitration", "owner": "Arbitrator, with the executive sponsors", "days": 60},
]


def agreement_ladder(alliance: Any, side_id: int | None = None) -> tuple[list[dict], str]:
    """The rungs of the agreement in force (as seen by ``side_id``; joint only when None),
    else the default ladder. Returns (rungs, where they come from)."""
    try:
        from detente.agreements import document
        from detente.agreements.models import AgreementVersion
    except ImportError:  # a build without the agreements capability
        return [dict(r) for r in DEFAULT_LADDER], "the default ladder (no agreement app)"
    version = (
        AgreementVersion.objects.visible_to_side(side_id)
        .filter(alliance=alliance, status=AgreementVersion.Status.IN_FORCE)
        .first()
    )
    if version is not None:
        rungs = [
            {
                "name": r.get("name") or f"Rung {i + 1}",
                "owner": r.get("owner") or "",
                "days": _days(r.get("days")),
            }
            for i, r in enumerate(document.ladder(document.normalised(version.content)))
        ]
        if rungs:
            return rungs, f"the agreement in force ({version.label})"
    return [
        dict(r) for r in DEFAULT_LADDER
    ], "the default ladder (no ladder in an agreement in force)"


def _days(value: Any) -> int | None:
    try:
        days = int(value)
    except (TypeError, ValueError):
        return None
    return days if days > 0 else None


def _new_step(conflict: Conflict, index: int, start: datetime) -> LadderStep:
    rung = conflict.ladder[index]
    days = _days(rung.get("days"))
    return LadderStep.objects.create(
        conflict=conflict,
        number=index + 1,
        name=rung.get("name", ""),
        owner=rung.get("owner", ""),
        days=days,
        started_at=start,
        due_at=start + timedelta(days=days) if days else None,
    )


@transaction.atomic
def raise_jointly(
    access: AllianceAccess, conflict: Conflict, now: datetime | None = None
) -> LadderStep:
    """Make a conflict joint and put it on the first rung of the ladder."""
    now = now or timezone.now()
    conflict = Conflict.objects.select_for_update().get(pk=conflict.pk)
    before = audit.snapshot(conflict)
    conflict.visibility = JOINT
    conflict.ladder, conflict.ladder_source = agreement_ladder(conflict.alliance, None)
    conflict.raised_at = now
    if conflict.status == Conflict.Status.OPEN:
        conflict.status = Conflict.Status.IN_DIALOGUE
    conflict.save()
    audit.log(access.user, "update", conflict, before=before, after=audit.snapshot(conflict))
    step = _new_step(conflict, 0, now)
    audit.log(access.user, "create", step, after=audit.snapshot(step))
    return step


def recipients(conflict: Conflict, owner_text: str) -> list[Any]:
    """The people to tell about a rung: the stakeholders (with an account) the rung's owner
    names, else those in the role it names ("alliance managers", "executive sponsors",
    "working team"), else the managers of every side that may see the conflict.

    Only people of the sides that may see the conflict are ever chosen (a private conflict
    is its owner side's alone).
    """
    sides = [
        s
        for s in Side.objects.filter(alliance_id=conflict.alliance_id)
        if side_sees(s.pk, conflict)
    ]
    org_ids = [s.organisation_id for s in sides]
    User = get_user_model()
    members = User.objects.filter(memberships__organisation_id__in=org_ids, is_active=True)
    text = owner_text.lower()
    roles = []
    if "sponsor" in text or "executive" in text:
        roles.append(Stakeholder.Role.SPONSOR)
    if "manager" in text:
        roles.append(Stakeholder.Role.ALLIANCE_MANAGER)
    if "team" in text or "lead" in text or "operational" in text:
        roles.append(Stakeholder.Role.OPERATIONAL_LEAD)
    # Stakeholders with an account, as the sides that may see the conflict see them
    # (joint ones, and each side's own private ones).
    people: list[Stakeholder] = []
    for side in sides:
        people += list(
            Stakeholder.objects.visible_to_side(side.pk).filter(
                alliance_id=conflict.alliance_id, user__isnull=False
            )
        )
    # Named owners first ("Maya Okafor and Raj Menon"), then owners named by role.
    user_ids = {p.user_id for p in people if p.name and p.name.lower() in text}
    if not user_ids and roles:
        user_ids = {p.user_id for p in people if p.role in roles}
    chosen: list[Any] = list(members.filter(pk__in=user_ids).distinct().order_by("email"))
    if not chosen:
        managers = [r for r, rank in ROLE_RANK.items() if rank >= ROLE_RANK[Role.MANAGER]]
        chosen = list(
            members.filter(memberships__organisation_id__in=org_ids, memberships__role__in=managers)
            .distinct()
            .order_by("email")
        )
    return chosen


def _notify(
    conflict: Conflict, step: LadderStep, text: str, now: datetime, actor: Any = None
) -> list[Any]:
    people = recipients(conflict, step.owner)
    url = reverse("conflict_detail", args=[conflict.alliance_id, conflict.pk])
    for person in people:
        note = Notification.objects.create(recipient=person, conflict=conflict, text=text, url=url)
        audit.log(actor, "create", note, after={"recipient_id": person.pk, "text": text})
        # Queued for a job (a mail outage cannot undo the climb; the job retries), so
        # ``emailed_at`` is when the email was handed to the outbox.
        queue_email(
            f"conflict-notice:{note.pk}",
            person.email,
            f"[detente] {conflict.title}: now at {step.name}",
            f"{text}\n\nOpen the conflict: {settings.SITE_URL}{url}\n",
        )
        Notification.objects.filter(pk=note.pk).update(emailed_at=now)
        log.info("escalation email queued to %s for conflict %s", person.email, conflict.pk)
    step.notified.add(*people)
    return people


@dataclass
class Escalation:
    conflict_id: int
    from_rung: int
    to_rung: int | None  # None: the top rung's time passed
    notified: list[str]


def escalate_due(now: datetime | None = None) -> list[Escalation]:
    """Climb one rung for every active joint conflict whose current rung's time is up.

    Returns what happened. Calling it again at the same moment does nothing more.
    """
    now = now or timezone.now()
    due = (
        LadderStep.objects.filter(
            ended_at__isnull=True,
            due_at__lte=now,
            conflict__visibility=JOINT,
            conflict__status__in=Conflict.ACTIVE_STATUSES,
        )
        .values_list("conflict_id", flat=True)
        .distinct()
    )
    done = []
    for conflict_id in list(due):
        result = _escalate_one(conflict_id, now)
        if result is not None:
            done.append(result)
    return done


@transaction.atomic
def _escalate_one(conflict_id: int, now: datetime) -> Escalation | None:
    conflict = Conflict.objects.select_for_update().get(pk=conflict_id)
    step = conflict.steps.filter(ended_at__isnull=True, due_at__lte=now).order_by("-number").first()
    if step is None or not conflict.is_active or conflict.visibility != JOINT:
        return None  # another run got here first, or the conflict moved on meanwhile
    before = audit.snapshot(step)
    step.ended_at = now
    step.how_ended = f"Time limit of {step.days} days passed without resolution"
    step.save()
    audit.log(None, "update", step, before=before, after=audit.snapshot(step))
    conflict_before = audit.snapshot(conflict)
    if step.number < len(conflict.ladder):
        nxt = _new_step(conflict, step.number, now)
        audit.log(None, "create", nxt, after=audit.snapshot(nxt))
        conflict.status = Conflict.Status.ESCALATED
        conflict.save()
        audit.log(None, "update", conflict, before=conflict_before, after=audit.snapshot(conflict))
        limit = (
            f" Time limit: {nxt.days} days, until {nxt.due_at:%d %b %Y %H:%M} UTC."
            if nxt.due_at
            else ""
        )
        text = (
            f"'{conflict.title}' moved up from {step.name} to {nxt.name} (rung {nxt.number} "
            f"of {len(conflict.ladder)}): {step.how_ended.lower()}. You own this rung "
            f"({nxt.owner or 'no owner named'}).{limit}"
        )
        people = _notify(conflict, nxt, text, now)
        return Escalation(conflict.pk, step.number, nxt.number, [p.email for p in people])
    conflict.past_top_at = now
    conflict.status = Conflict.Status.UNRESOLVED
    conflict.save()
    audit.log(None, "update", conflict, before=conflict_before, after=audit.snapshot(conflict))
    text = (
        f"'{conflict.title}' is past the top rung of the ladder ({step.name}): "
        f"{step.how_ended.lower()}. It is now unresolved; consider the exit signals."
    )
    people = _notify(conflict, step, text, now)
    return Escalation(conflict.pk, step.number, None, [p.email for p in people])


@transaction.atomic
def escalate_now(
    access: AllianceAccess, conflict: Conflict, reason: str, now: datetime | None = None
) -> LadderStep | None:
    """Move a conflict up one rung before its time is up (both sides agree it is stuck)."""
    now = now or timezone.now()
    conflict = Conflict.objects.select_for_update().get(pk=conflict.pk)
    step = conflict.steps.filter(ended_at__isnull=True).order_by("-number").first()
    if step is None or step.number >= len(conflict.ladder):
        return None
    before = audit.snapshot(step)
    step.ended_at = now
    step.how_ended = f"Moved up by {access.user}: {reason}"
    step.save()
    audit.log(access.user, "update", step, before=before, after=audit.snapshot(step))
    nxt = _new_step(conflict, step.number, now)
    audit.log(access.user, "create", nxt, after=audit.snapshot(nxt))
    conflict_before = audit.snapshot(conflict)
    conflict.status = Conflict.Status.ESCALATED
    conflict.save()
    audit.log(
        access.user, "update", conflict, before=conflict_before, after=audit.snapshot(conflict)
    )
    _notify(
        conflict,
        nxt,
        f"'{conflict.title}' was moved up to {nxt.name} (rung {nxt.number}): {reason}",
        now,
        actor=access.user,
    )
    return nxt


@transaction.atomic
def close(
    access: AllianceAccess, conflict: Conflict, status: str, now: datetime | None = None
) -> Conflict:
    """Resolve (or give up on) a conflict: the current step ends, the ladder stops."""
    now = now or timezone.now()
    conflict = Conflict.objects.select_for_update().get(pk=conflict.pk)
    before = audit.snapshot(conflict)
    for step in conflict.steps.filter(ended_at__isnull=True):
        step_before = audit.snapshot(step)
        step.ended_at = now
        step.how_ended = f"Conflict marked {status} by {access.user}"
        step.save()
        audit.log(access.user, "update", step, before=step_before, after=audit.snapshot(step))
    conflict.status = status
    conflict.closed_at = now
    conflict.save()
    audit.log(access.user, "update", conflict, before=before, after=audit.snapshot(conflict))
    return conflict
