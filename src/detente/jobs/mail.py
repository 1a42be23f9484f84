"""Emails go through the outbox and are sent by a job, never inside a request."""

from __future__ import annotations

from detente.jobs.models import OutgoingEmail


def queue_email(key: str, to: str, subject: str, body: str) -> OutgoingEmail:
    """Queue one email; queueing the same ``key`` again changes nothing (one event, one email).

    The row and the job (with the database backend, a row too) are written in the caller's
    transaction, so a change that is rolled back sends nothing, and a committed one is sent
    by a worker once it commits (the immediate backend of the tests sends at once).
    """
    from detente.jobs import delivery

    email, created = OutgoingEmail.objects.get_or_create(
        key=key[:200], defaults={"to": to, "subject": subject[:300], "body": body}
    )
    if created:
        delivery.enqueue("jobs.OutgoingEmail", email.pk)
    return email
