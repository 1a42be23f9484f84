"""The daily scan: a pair whose check-in is overdue raises a watch for each side that sees
the pair, computed from what that side sees, and kept private to that side."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from detente import audit
from detente.alliances.models import Interaction
from detente.analysis import contact
from detente.records.models import Alliance
from detente.records.visibility import PRIVATE, side_sees
from detente.relationships.models import CheckInWatch, ContactCadence
from detente.relationships.pairs import Pair, contacts

SCAN_EVERY = timedelta(hours=24)


def check_ins_overdue(today: date | None = None) -> list[CheckInWatch]:
    """Raise the watches due today (idempotent: one per pair, side and due day)."""
    today = today or timezone.localdate()
    raised = []
    cadences = list(
        ContactCadence.objects.exclude(alliance__status=Alliance.Status.CLOSED).select_related(
            "stakeholder", "counterpart", "alliance"
        )
    )
    for cadence in cadences:
        p = Pair(cadence.stakeholder, cadence.counterpart)
        for side in cadence.alliance.sides.all():
            if not all(side_sees(side.pk, r) for r in (cadence, p.stakeholder, p.counterpart)):
                continue
            if cadence.owner_side_id != side.pk and any(
                c.owner_side_id == side.pk
                and c.stakeholder_id == cadence.stakeholder_id
                and c.counterpart_id == cadence.counterpart_id
                for c in cadences
            ):
                continue  # the side keeps its own cadence of the pair: that one counts for it
            seen = Interaction.objects.visible_to_side(side.pk)
            found = contacts(seen, p)
            last = contact.last_contact(found, today)
            since = timezone.localdate(cadence.created_at)
            if contact.overdue_days(last, cadence.days, since, today) == 0:
                continue
            due = contact.next_due(last, cadence.days, since)
            if CheckInWatch.objects.filter(
                stakeholder=p.stakeholder, counterpart=p.counterpart, owner_side=side, due_on=due
            ).exists():
                continue
            raised.append(_raise(cadence, side, due, last))
    return raised


@transaction.atomic
def _raise(cadence: ContactCadence, side: Any, due: date, last: date | None) -> CheckInWatch:
    watch = CheckInWatch.objects.create(
        alliance=cadence.alliance,
        owner_side=side,
        visibility=PRIVATE,
        stakeholder=cadence.stakeholder,
        counterpart=cadence.counterpart,
        due_on=due,
        last_contact=last,
        days=cadence.days,
    )
    audit.log(None, "create", watch, after=audit.snapshot(watch))
    return watch


@task()
def scan_check_ins() -> int:
    return len(check_ins_overdue())
