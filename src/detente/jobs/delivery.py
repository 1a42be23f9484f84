"""Sending an outbox row at least once and, as far as the row can tell, only once.

A job *claims* a row with one conditional UPDATE (pending and due -> sending); only one job
wins, so two workers, or a retry and a sweep, never send the same row together. The send
itself runs outside any transaction. Success marks the row sent; a failure puts it back to
pending with the next try ``backoff(attempts)`` later, until ``MAX_ATTEMPTS``, when it is
marked failed (the admin lists it). A row left "sending" by a worker that died is taken back
by the sweep after ``STALE_AFTER``: at least once, so receivers get an idempotency key.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.utils import timezone

from detente.jobs.models import Deliverable

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=6)
STALE_AFTER = timedelta(minutes=10)

# model label -> the task that delivers one row of it (by id)
_DELIVERERS: dict[str, Any] = {}


def register(model_label: str, task: Any) -> None:
    _DELIVERERS[model_label] = task


def backoff(attempts: int) -> timedelta:
    """30 s, 2 min, 8 min, 32 min, 2 h 8 min, then 6 h: four times longer each try."""
    return min(FIRST_WAIT * 4 ** max(attempts - 1, 0), LONGEST_WAIT)


def enqueue(model_label: str, pk: int) -> None:
    _DELIVERERS[model_label].enqueue(pk)


def attempt(
    model: type[Deliverable], pk: int, send: Callable[[Any], None], now: datetime | None = None
) -> str:
    """Claim row ``pk`` if it is due and send it with ``send(row)``; returns what happened."""
    now = now or timezone.now()
    S = Deliverable.Status
    claimed = model._default_manager.filter(
        pk=pk, status=S.PENDING, next_attempt_at__lte=now
    ).update(status=S.SENDING, claimed_at=now)
    if not claimed:
        return "not due"  # sent already, given up, being sent, or waiting for its next try
    row = model._default_manager.get(pk=pk)
    try:
        send(row)
    except Exception as exc:  # a failure of the receiver or the mail server: try again later
        attempts = row.attempts + 1
        failed = attempts >= MAX_ATTEMPTS
        model._default_manager.filter(pk=pk).update(
            status=S.FAILED if failed else S.PENDING,
            attempts=attempts,
            next_attempt_at=now + backoff(attempts),
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        log.warning("%s %s attempt %d failed: %s", model.__name__, pk, attempts, exc)
        return "failed" if failed else "retry"
    model._default_manager.filter(pk=pk).update(
        status=S.SENT, attempts=row.attempts + 1, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def due(now: datetime | None = None) -> dict[str, list[int]]:
    """Rows of every registered outbox that are due (and stale claims, put back first)."""
    now = now or timezone.now()
    S = Deliverable.Status
    out: dict[str, list[int]] = {}
    for label in _DELIVERERS:
        model = apps.get_model(label)
        model._default_manager.filter(status=S.SENDING, claimed_at__lt=now - STALE_AFTER).update(
            status=S.PENDING
        )
        out[label] = list(
            model._default_manager.filter(status=S.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:500]
        )
    return out
