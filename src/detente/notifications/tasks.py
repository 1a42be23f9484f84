"""The jobs of notifications: calling a webhook, the daily digest, and the periodic scans
that find commitments due or late and differences due for review; also the dispute
ladder's climb and the early-warning scan, which the worker runs on a schedule."""

from __future__ import annotations

import json
import time
import urllib.request
from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from detente.jobs import delivery
from detente.jobs.mail import queue_email
from detente.notifications import audience
from detente.notifications.events import Event, absolute, publish
from detente.notifications.models import DigestRun, EmailMode, Kind, Notification, WebhookDelivery
from detente.notifications.signing import sign

SCAN_EVERY = timedelta(hours=1)
DIGEST_EVERY = timedelta(hours=1)  # each person gets at most one a day; this is how often we look
ESCALATE_EVERY = timedelta(minutes=15)
EARLY_WARNING_EVERY = timedelta(hours=24)
DUE_SOON = timedelta(days=3)
WEBHOOK_TIMEOUT = 10


def post_webhook(row: WebhookDelivery) -> None:
    body = json.dumps(row.payload, sort_keys=True).encode()
    stamp = int(time.time())
    request = urllib.request.Request(
        row.webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "detente-webhook/1",
            "X-Detente-Event": row.kind,
            "X-Detente-Delivery": row.key,
            "X-Detente-Timestamp": str(stamp),
            "X-Detente-Signature": sign(row.webhook.secret, stamp, body),
        },
    )
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:  # noqa: S310
        WebhookDelivery.objects.filter(pk=row.pk).update(response_status=response.status)


@task()
def deliver_webhook(delivery_id: int) -> str:
    return delivery.attempt(WebhookDelivery, delivery_id, post_webhook)


# Scans ----------------------------------------------------------------------------------


def commitments_due(today: Any = None) -> int:
    """Tell the side that owes a commitment when it is due within three days, and again when
    it is late; once per commitment and due date."""
    from detente.commitments.models import Commitment

    today = today or timezone.localdate()
    told = 0
    owed = Commitment.objects.filter(
        status__in=[Commitment.Status.OPEN, Commitment.Status.DISPUTED],
        due_date__lte=today + DUE_SOON,
    ).select_related("owed_by__organisation")
    for c in owed:
        late = c.due_date < today
        when = f"was due on {c.due_date:%d %b %Y}" if late else f"is due on {c.due_date:%d %b %Y}"
        event = Event(
            kind=Kind.COMMITMENT,
            key=f"commitment-{'late' if late else 'due'}:{c.pk}:{c.due_date.isoformat()}",
            text=f"'{c.title}', owed by {c.owed_by}, {when}.",
            url=reverse("commitments_home", args=[c.alliance_id]) + f"#commitment-{c.pk}",
            alliance_id=c.alliance_id,
            visibility=c.visibility,
            owner_side_id=c.owner_side_id,
            user_ids=audience.people_of([c.owed_by_id]),
        )
        told += len(publish(event))
    return told


def differences_for_review(today: Any = None) -> int:
    from detente.differences.models import Difference

    today = today or timezone.localdate()
    told = 0
    for d in Difference.objects.filter(review_date__lte=today).select_related("owner"):
        if d.review_date is None:  # the filter leaves none; this tells the type checker
            continue
        people = [d.owner.user_id] if d.owner and d.owner.user_id else []
        people = people or audience.people_of([d.owner_side_id], audience.MANAGERS)
        event = Event(
            kind=Kind.DIFFERENCE,
            key=f"difference-review:{d.pk}:{d.review_date.isoformat()}",
            text=f"The difference '{d.title}' is due for review (since {d.review_date:%d %b %Y}).",
            url=reverse("difference_detail", args=[d.alliance_id, d.pk]),
            alliance_id=d.alliance_id,
            visibility=d.visibility,
            owner_side_id=d.owner_side_id,
            user_ids=people,
        )
        told += len(publish(event))
    return told


@task()
def scan_due() -> dict[str, int]:
    return {"commitments": commitments_due(), "differences": differences_for_review()}


@task()
def escalate() -> int:
    from detente.conflicts.ladder import escalate_due

    return len(escalate_due())


@task()
def early_warning_scan() -> dict[str, int]:
    from detente.health import warning
    from detente.records.models import Alliance

    return warning.scan_all(Alliance.objects.exclude(status=Alliance.Status.CLOSED))


# The daily digest -----------------------------------------------------------------------


def send_digests_now(*, force: bool = False) -> int:
    """One email per person with the notifications they chose to get in a digest, at most
    one a day. Each is re-read through the visibility rule when the digest is written."""
    now = timezone.now()
    waiting = (
        Notification.objects.filter(email=EmailMode.DIGEST, digested_at__isnull=True)
        .select_related("recipient", "alliance")
        .order_by("created_at", "id")
    )
    by_person: dict[Any, list[Notification]] = defaultdict(list)
    for note in waiting:
        by_person[note.recipient].append(note)
    sent = 0
    for person, notes in by_person.items():
        last = DigestRun.objects.filter(user=person).first()
        if not force and last and now - last.sent_at < timedelta(hours=20):
            continue
        with transaction.atomic():
            readable = set(
                Notification.objects.readable_by(person)
                .filter(pk__in=[n.pk for n in notes])
                .values_list("pk", flat=True)
            )
            shown = [n for n in notes if n.pk in readable]
            if shown and person.email:
                lines = [f"- {n.text}" + (f"\n  {absolute(n.url)}" if n.url else "") for n in shown]
                queue_email(
                    f"digest:{person.pk}:{now:%Y-%m-%d}",
                    person.email,
                    f"[detente] Your daily digest: {len(shown)} notification(s)",
                    "\n".join(lines)
                    + f"\n\nChoose what you are told: {absolute('/notifications/preferences/')}\n",
                )
                sent += 1
            Notification.objects.filter(pk__in=[n.pk for n in notes]).update(digested_at=now)
            DigestRun.objects.update_or_create(user=person, defaults={"sent_at": now})
    return sent


@task()
def send_digests() -> int:
    return send_digests_now()
