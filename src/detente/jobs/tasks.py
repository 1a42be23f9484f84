"""The jobs of this package: sending one queued email, and the sweep that re-enqueues every
outbox row whose time has come (retries after a failure, and rows whose job was lost)."""

from __future__ import annotations

from typing import Any

from django.core.mail import send_mail
from django_tasks import task

from detente.jobs import delivery
from detente.jobs.models import OutgoingEmail


def _send(email: OutgoingEmail) -> None:
    send_mail(email.subject, email.body, None, [email.to])


@task()
def deliver_email(email_id: int) -> str:
    return delivery.attempt(OutgoingEmail, email_id, _send)


@task()
def sweep() -> dict[str, Any]:
    """Enqueue a delivery job for every outbox row that is due."""
    counts = {}
    for label, ids in delivery.due().items():
        for pk in ids:
            delivery.enqueue(label, pk)
        counts[label] = len(ids)
    return counts
