"""Meetings of an alliance and the cadence that schedules them.

A meeting is joint (a health-check meeting, a dialogue session, a business review) or a
side's internal preparation, private to that side. Its agenda items, the people who
attend and the actions it turns into commitments carry the meeting's visibility, so the
one rule (``docs/visibility.md``) reads them like any other record.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from detente.commitments.models import Commitment
from detente.health.models import Cycle
from detente.records.models import AllianceRecord

EVERY = [(1, "Every month"), (3, "Every quarter"), (6, "Every half year"), (12, "Every year")]


class Cadence(AllianceRecord):
    """How often the alliance meets. One per alliance, joint; managers change it."""

    health_check_months = models.PositiveSmallIntegerField("Health check", choices=EVERY, default=3)
    operational_months = models.PositiveSmallIntegerField(
        "Operational review", choices=EVERY, default=1
    )
    strategy_months = models.PositiveSmallIntegerField("Strategy review", choices=EVERY, default=12)
    time_zone = models.CharField(
        max_length=60,
        default="UTC",
        help_text="The alliance's meetings start on this time zone's dates, e.g. Europe/Paris.",
    )
    meeting_time = models.TimeField(default=dt.time(10, 0), help_text="Local start time.")
    meeting_day = models.PositiveSmallIntegerField(
        "Meeting on day",
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text="Day of the period's first month the meeting is held on (1 to 28).",
    )
    active = models.BooleanField(
        "Schedule meetings by itself",
        default=True,
        help_text="Open health checks and schedule the meetings when each period starts.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alliance"], name="one_cadence_per_alliance")
        ]

    def __str__(self) -> str:
        return "Meeting cadence"


class Meeting(AllianceRecord):
    class Kind(models.TextChoices):
        HEALTH_CHECK = "health_check", "Health-check meeting"
        DIALOGUE = "dialogue", "Dialogue session"
        BUSINESS_REVIEW = "business_review", "Business review"
        PREPARATION = "preparation", "Internal preparation (my side only)"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        "Duration (minutes)", default=60, validators=[MinValueValidator(5), MaxValueValidator(720)]
    )
    location = models.CharField(max_length=200, blank=True, help_text="A room or a call link.")
    purpose = models.TextField(blank=True)
    decisions = models.TextField(blank=True, help_text="What was decided, one decision a line.")
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    cycle = models.ForeignKey(
        Cycle, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # "health_check:2026Q3" for a meeting the cadence created: what makes a second run find it.
    cadence_key = models.CharField(max_length=60, blank=True, editable=False)

    class Meta:
        ordering = ["-starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "cadence_key"],
                condition=~models.Q(cadence_key=""),
                name="one_meeting_per_cadence_period",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def decision_lines(self) -> list[str]:
        return [line.strip() for line in self.decisions.splitlines() if line.strip()]


class AgendaItem(AllianceRecord):
    """One item of a meeting's agenda; visibility and side are the meeting's."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=30, default="added")
    title = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    minutes = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class MeetingAction(AllianceRecord):
    """An action agreed in a meeting, kept in the commitments ledger, with its owner."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Action: {self.commitment}"


class ProgressDigest(AllianceRecord):
    """A month's progress digest, sent to both sides' managers: one per alliance and month,
    which is what makes the monthly job send it once."""

    period = models.CharField(max_length=7, help_text="The month, like 2026-11.")
    summary = models.TextField(blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "period"], name="one_digest_per_month")
        ]

    def __str__(self) -> str:
        return f"Progress digest {self.period}"
