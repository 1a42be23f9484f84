"""Alliances, their sides, stakeholders and timeline.

Every record that belongs to an alliance derives from ``AllianceRecord``: it is either
joint (every side sees it) or private to its owner side. What a user may see is decided
in one place, ``detente.records.visibility``. ``Alliance``, ``Side`` and the record
base live in ``detente.records.models`` (their tables stay this app's).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from detente.records.models import Alliance, AllianceRecord


class StatusChange(models.Model):
    """Every change of an alliance's status, with its date, author and reason."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=15, choices=Alliance.Status.choices, blank=True)
    to_status = models.CharField(max_length=15, choices=Alliance.Status.choices)
    reason = models.TextField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"


class SideInvitation(models.Model):
    """An organisation that already uses detente, asked to join an alliance as a side.

    Its people have their own managers, so another organisation's manager cannot put it in
    an alliance on its behalf: the side is created when one of its managers accepts.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    alliance = models.ForeignKey(
        Alliance, on_delete=models.CASCADE, related_name="side_invitations"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="side_invitations"
    )
    label = models.CharField(max_length=100, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "organisation"],
                condition=models.Q(status="pending"),
                name="one_pending_side_invitation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} invited to {self.alliance}"


class Stakeholder(AllianceRecord):
    class Role(models.TextChoices):
        SPONSOR = "sponsor", "Executive sponsor"
        ALLIANCE_MANAGER = "alliance_manager", "Alliance manager"
        OPERATIONAL_LEAD = "operational_lead", "Operational lead"
        OTHER = "other", "Other"

    class Stance(models.TextChoices):
        CHAMPION = "champion", "Champion"
        SUPPORTER = "supporter", "Supporter"
        NEUTRAL = "neutral", "Neutral"
        SCEPTIC = "sceptic", "Sceptic"
        OPPONENT = "opponent", "Opponent"

    name = models.CharField(max_length=150)
    title = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.OTHER)
    influence = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(5)], help_text="1 to 5"
    )
    stance = models.CharField(max_length=10, choices=Stance.choices, default=Stance.NEUTRAL)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    counterpart = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Their opposite number on another side.",
    )

    class Meta:
        ordering = ["owner_side_id", "-influence", "name"]

    def __str__(self) -> str:
        return self.name


class HistoryEntry(AllianceRecord):
    """Relationship history: what went right, what went wrong, what is broken, what is owed."""

    class Category(models.TextChoices):
        WENT_RIGHT = "went_right", "Went right"
        WENT_WRONG = "went_wrong", "Went wrong"
        BROKEN = "broken", "Broken now"
        OWED = "owed", "Still owed"

    date = models.DateField()
    category = models.CharField(max_length=10, choices=Category.choices)
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name_plural = "history entries"

    def __str__(self) -> str:
        return self.title


class Signal(AllianceRecord):
    """A behavioural signal of possible divergence (seed 001's early-warning indicators)."""

    class Kind(models.TextChoices):
        RESOURCE_CHANGE = "resource_change", "Request to change resource allocations"
        MESSAGING_SHIFT = "messaging_shift", "Shift in the partner's messaging"
        RESPONSIVENESS = "responsiveness", "Falling responsiveness"
        OVERLAPPING_LAUNCH = "overlapping_launch", "Launch overlapping the alliance's domain"
        KPI_DISCREPANCY = "kpi_discrepancy", "KPI discrepancy"
        OTHER = "other", "Other"

    class Severity(models.IntegerChoices):
        LOW = 1, "Low"
        MEDIUM = 2, "Medium"
        HIGH = 3, "High"

    date = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices, default=Severity.MEDIUM)
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title


class Interaction(AllianceRecord):
    """A meeting, call or email, with when a response was asked for and when it came."""

    class Kind(models.TextChoices):
        MEETING = "meeting", "Meeting"
        CALL = "call", "Call"
        EMAIL = "email", "Email"

    date = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    subject = models.CharField(max_length=200)
    participants = models.ManyToManyField(Stakeholder, blank=True, related_name="interactions")
    response_requested_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.subject

    @property
    def response_hours(self) -> float | None:
        if self.response_requested_at and self.responded_at:
            return (self.responded_at - self.response_requested_at).total_seconds() / 3600
        return None
