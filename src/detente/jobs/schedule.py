"""Periodic jobs. Each worker's scheduler thread calls ``enqueue_due`` every few seconds; a
job is enqueued when its period has passed since it last started, and the conditional
UPDATE on its ``ScheduledRun`` row lets exactly one worker (of any number, on any number
of machines sharing the database) enqueue it."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from detente.jobs.models import ScheduledRun

log = logging.getLogger(__name__)

SWEEP_EVERY = timedelta(seconds=30)

# name -> (period, task)
PERIODIC: dict[str, tuple[timedelta, Any]] = {}


def register(name: str, every: timedelta, task: Any) -> None:
    PERIODIC[name] = (every, task)


def claim(name: str, every: timedelta, now: datetime) -> bool:
    """True for the one caller that may start ``name`` now."""
    try:
        with transaction.atomic():
            ScheduledRun.objects.get_or_create(name=name)
    except IntegrityError:  # another worker created it at the same moment
        pass
    return bool(
        ScheduledRun.objects.filter(name=name)
        .filter(models.Q(last_run_at__isnull=True) | models.Q(last_run_at__lte=now - every))
        .update(last_run_at=now)
    )


def enqueue_due(now: datetime | None = None) -> list[str]:
    now = now or timezone.now()
    started = []
    for name, (every, task) in PERIODIC.items():
        if claim(name, every, now):
            task.enqueue()
            started.append(name)
    if started:
        log.info("periodic jobs enqueued: %s", ", ".join(started))
    return started
