"""The outbox: one row per message to send, written in the same transaction as the change
that causes it, sent by a job. A unique ``key`` per message makes a second attempt to queue
the same message a no-op (one event, one email), and the row keeps the attempts, the last
error and the time of the next try, so failures are visible to operators in the admin."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Deliverable(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Gave up after retries"

    key = models.CharField(max_length=200, help_text="The same key is the same message.")
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class OutgoingEmail(Deliverable):
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["key"], name="one_email_per_key")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"


class ScheduledRun(models.Model):
    """When a periodic job last started, so that any number of workers start it once."""

    name = models.CharField(max_length=60, primary_key=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
