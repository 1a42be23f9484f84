"""A notification is one event told to one person; a webhook is one side's outgoing hook.

Both carry the visibility of the record behind them (``alliance``, ``owner_side``,
``visibility``), so they are read through the same rule as the record: a notification about
a private record exists only for its side, and stops showing if its reader leaves that side.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models

from detente.jobs.models import Deliverable
from detente.records.models import AllianceRecord
from detente.records.visibility import JOINT, RecordQuerySet


class Kind(models.TextChoices):
    ADDED = "added", "You were added to an organisation or alliance"
    PARTNER_JOINED = "partner_joined", "A partner joined the alliance"
    ROUND = "round", "A negotiation round or proposal waits for your side"
    AGREEMENT = "agreement", "An agreement version waits for your side's signature"
    SURVEY = "survey", "A health-check survey is open for you"
    COMMITMENT = "commitment", "A commitment your side owes is due or late"
    DIFFERENCE = "difference", "A difference is due for review"
    LADDER = "ladder", "A dispute-ladder rung reached you"
    MENTION = "mention", "Someone mentioned you in a thread"
    ALERT = "alert", "A new early-warning alert or warning"
    MEETING = "meeting", "A meeting was scheduled, moved or its minutes shared"
    PROGRESS = "progress", "A progress digest of the alliance is ready"
    PLAN = "plan", "A plan version waits for your side's sign-off"
    MILESTONE = "milestone", "A milestone waits for your side, or is at risk or missed"
    APPROVAL = "approval", "A colleague asks for your approval, or answered your request"
    VISION = "vision", "The shared vision was revised or an idea was added"
    CHECK_IN = "check_in", "A check-in with a counterpart is overdue"
    OVERLAP = "overlap", "An account-overlap exchange waits for your side"


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", "Email each one"
    DIGEST = "digest", "In a daily digest"
    OFF = "off", "No email"


# Events whose email another part of detente already sends: the survey link, the ladder's
# notice and the alert emails (whose own setting, on the alert inbox, chooses one by one,
# digest or none). The inbox still shows them; a second email would be one too many.
EMAILED_ELSEWHERE = {Kind.SURVEY, Kind.LADDER, Kind.ALERT}
DEFAULT_EMAIL = {kind: EmailMode.IMMEDIATE for kind in Kind} | {
    Kind.PARTNER_JOINED: EmailMode.DIGEST,
    Kind.DIFFERENCE: EmailMode.DIGEST,
}


class NotificationQuerySet(RecordQuerySet):
    def readable_by(self, user: Any) -> NotificationQuerySet:
        """The user's own notifications that the user may still see: those of no alliance,
        and those whose record the visibility rule lets the user see."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        visible = self.model.objects.visible_to(user).values("id")
        return self.filter(recipient=user).filter(
            models.Q(alliance__isnull=True) | models.Q(id__in=visible)
        )

    def for_user(self, user: Any) -> NotificationQuerySet:
        """What the user's inbox shows (the kinds the user did not turn off there)."""
        return self.readable_by(user).filter(in_app=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=200, help_text="The event; one notification per person.")
    alliance = models.ForeignKey(
        "alliances.Alliance", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    owner_side = models.ForeignKey(
        "alliances.Side", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    visibility = models.CharField(max_length=7, default=JOINT)
    text = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    in_app = models.BooleanField(default=True, help_text="False: the person chose email only.")
    email = models.CharField(max_length=9, choices=EmailMode.choices, default=EmailMode.OFF)
    digested_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="one_notification_per_event")
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Preference(models.Model):
    """One person's choice for one kind of event: shown in the inbox or not, and how emailed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    in_app = models.BooleanField(default=True)
    email = models.CharField(max_length=9, choices=EmailMode.choices)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference")]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind}"


class DigestRun(models.Model):
    """When a person last got the daily digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_digest"
    )
    sent_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user}: digest at {self.sent_at}"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Webhook(AllianceRecord):
    """An outgoing webhook of one side (always private to it): every event that side may see,
    of the chosen kinds, is POSTed as Slack-compatible JSON, signed with ``secret``."""

    label = models.CharField(max_length=100, blank=True)
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=100, default=new_secret)
    kinds = models.JSONField(default=list, blank=True, help_text="Empty: every kind.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.label or self.url

    def wants(self, kind: str) -> bool:
        return self.active and (not self.kinds or kind in self.kinds)


class WebhookDelivery(Deliverable):
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    payload = models.JSONField()
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["webhook", "key"], name="one_delivery_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.webhook}"
