"""The cadence's periodic job: every hour, each open alliance's due health check and meetings."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from detente.meetings import services
from detente.records.models import Alliance

CADENCE_EVERY = timedelta(hours=1)


@task()
def run_cadence() -> int:
    """Idempotent: a period's cycle and meeting are made once, however often this runs."""
    made = 0
    for alliance in Alliance.objects.exclude(status=Alliance.Status.CLOSED):
        made += len(services.run_cadence_for(alliance))
    return made


DIGEST_EVERY = timedelta(hours=6)


@task()
def send_progress_digests() -> int:
    """Last month's digest of each open alliance, sent once however often this runs."""
    sent = 0
    for alliance in Alliance.objects.exclude(status=Alliance.Status.CLOSED):
        sent += services.send_digest(alliance) is not None
    return sent
