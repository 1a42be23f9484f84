"""The quarterly two-sided health check and its early-warning alerts.

* ``HealthPlan``: how an alliance runs its checks (period, the N below which a side's
  results stay hidden, the false-alarm budget). One per alliance, joint.
* ``Measure``: a question of the survey: the seed's four measures and the team's own
  dimensions. A measure may be private to one side: only that side answers it and sees it.
* ``Cycle``: one health check (a period like 2026Q3) with its closing date. Joint.
* ``SurveyInvitation``: a person asked to answer one cycle through a signed, single-use
  link that needs no account. Joint: both sides see how many were asked (never answers).
* ``Response`` and ``Answer``: what one invited person answered. A response is joint so
  that both sides' scorecards count it, but no page or route ever lists one: results are
  shown only as per-side aggregates of at least N answers (``detente.health.scorecard``).
  Answers are child rows, seen only through a visible response AND a visible measure.
* ``Alert``: an early warning from the engine; joint when built on joint data, private
  to a side when it needs that side's private data. ``AlertAction``: a side's
  acknowledgement or snooze, private to that side.
* ``ScanState``: what the incremental scan saw of an alliance last time (a fingerprint).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from detente.records.models import AllianceRecord


class HealthPlan(AllianceRecord):
    class Period(models.IntegerChoices):
        MONTH = 1, "Monthly"
        QUARTER = 3, "Quarterly"
        HALF_YEAR = 6, "Every half year"
        YEAR = 12, "Yearly"

    class AdherenceSource(models.TextChoices):
        SURVEY = "survey", "Rated in the survey"
        LEDGER = "ledger", "Taken from the commitments ledger"

    period_months = models.PositiveSmallIntegerField(
        choices=Period.choices, default=Period.QUARTER, verbose_name="Health check every"
    )
    min_answers = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(2), MaxValueValidator(50)],
        verbose_name="Answers needed before a side's results show",
        help_text="A side's results stay hidden until at least this many of its people "
        "answered, so that nobody's answer can be singled out.",
    )
    reminder_days = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        verbose_name="Remind after (days)",
        help_text="Days after the invitation (or the last reminder) before a reminder is due.",
    )
    false_alarm_rate = models.FloatField(
        default=0.01,
        validators=[MinValueValidator(0.0001), MaxValueValidator(0.2)],
        verbose_name="False-alarm budget",
        help_text="At most this many false warnings per alliance and period on a stable "
        "alliance (0.01 = one in a hundred quarters).",
    )
    adherence_source = models.CharField(
        max_length=6, choices=AdherenceSource.choices, default=AdherenceSource.SURVEY
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alliance"], name="one_health_plan")]

    def __str__(self) -> str:
        return f"Health plan ({self.get_period_months_display().lower()})"

    @property
    def period_kind(self) -> str:
        return "month" if self.period_months == 1 else "quarter"


class Measure(AllianceRecord):
    class Scale(models.TextChoices):
        SCORE = "score", "Score 1–5"
        PERCENT = "percent", "Percent 0–100"
        SIGNED_PERCENT = "signed_percent", "Percent (may be negative)"

    key = models.SlugField(max_length=40, help_text="The name the early-warning engine uses.")
    label = models.CharField(max_length=100)
    question = models.CharField(max_length=300)
    scale = models.CharField(max_length=14, choices=Scale.choices, default=Scale.SCORE)
    position = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "key"], name="one_measure_per_key")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def unit(self) -> str:
        return "" if self.scale == self.Scale.SCORE else "%"

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        return {
            self.Scale.SCORE: (1.0, 5.0),
            self.Scale.PERCENT: (0.0, 100.0),
            self.Scale.SIGNED_PERCENT: (-100.0, 1000.0),
        }[self.Scale(self.scale)]


class Cycle(AllianceRecord):
    period = models.CharField(max_length=10, help_text="Like 2026Q3 (or 2026-09 for monthly).")
    opens_on = models.DateField()
    closes_on = models.DateField(help_text="The last day answers are accepted.")
    closed_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["opens_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "period"], name="one_cycle_per_period")
        ]

    def __str__(self) -> str:
        return f"Health check {self.period}"

    @property
    def is_open(self) -> bool:
        today = timezone.localdate()
        return self.closed_at is None and self.opens_on <= today <= self.closes_on


def _nonce() -> str:
    return secrets.token_hex(16)


class SurveyInvitation(AllianceRecord):
    """One person asked to answer one cycle. ``owner_side`` is the side they answer for."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="invitations")
    name = models.CharField(max_length=150, blank=True)
    email = models.EmailField()
    nonce = models.CharField(max_length=32, default=_nonce, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(default=0)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["owner_side_id", "email"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "email"], name="one_invitation_per_email")
        ]

    def __str__(self) -> str:
        return f"{self.name or self.email} ({self.cycle.period})"


class Response(AllianceRecord):
    """One invited person's answers. ``owner_side`` is the side they answered for."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="responses")
    invitation = models.OneToOneField(
        SurveyInvitation, on_delete=models.CASCADE, related_name="response"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Response to {self.cycle}"


class Answer(models.Model):
    """One value of one response; seen only through its response and its measure."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="answers")
    value = models.FloatField()
    comment = models.TextField(blank=True, max_length=2000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "measure"], name="one_answer_per_measure")
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.value:g}"


class Alert(AllianceRecord):
    class Severity(models.IntegerChoices):
        WATCH = 1, "Watch"
        WARNING = 2, "Warning"
        ALERT = 3, "Alert"

    key = models.CharField(max_length=200, help_text="What makes a re-scan find the same alert.")
    period = models.CharField(max_length=10)
    measure = models.CharField(max_length=60)
    label = models.CharField(max_length=150, help_text="What the measure is, in words.")
    rule = models.CharField(max_length=20)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices)
    sides = models.CharField(max_length=200, blank=True, help_text="'A vs B' for a gap.")
    evidence = models.TextField()
    next_step = models.TextField()
    p_value = models.FloatField(null=True, blank=True)
    values = models.JSONField(default=list)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period", "-severity", "measure", "id"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "key"], name="one_alert_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.get_severity_display()}: {self.measure} {self.period} ({self.rule})"


class AlertAction(AllianceRecord):
    """A side acknowledged or snoozed an alert, with a reason. Always private to that side."""

    class Kind(models.TextChoices):
        ACKNOWLEDGE = "ack", "Acknowledged"
        SNOOZE = "snooze", "Snoozed"

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    reason = models.TextField(max_length=2000)
    snoozed_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} alert {self.alert_id}"


class AlertPreference(models.Model):
    """How a person wants alert emails: one by one, in a daily digest, or not at all."""

    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", "One email per alert"
        DIGEST = "digest", "A daily digest"
        OFF = "off", "No email (the in-app inbox only)"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_preference"
    )
    mode = models.CharField(max_length=9, choices=Mode.choices, default=Mode.IMMEDIATE)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.get_mode_display()}"


class AlertDelivery(models.Model):
    """Bookkeeping: alert ``alert`` is due to (or was emailed to) ``user``. One row per pair,
    so a re-scan never emails the same alert twice."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "user"], name="one_delivery_per_user")
        ]

    def __str__(self) -> str:
        return f"alert {self.alert_id} → user {self.user_id}"


class ScanState(models.Model):
    """Bookkeeping of the incremental ``detente scan``: a fingerprint of everything the early-
    warning engine read for the alliance at its last run (every scope's inputs, the noise
    models of its pools, its settings). A scan runs the engine again only when the
    fingerprint changed (``detente scan --all`` runs it anyway)."""

    alliance = models.OneToOneField(
        "alliances.Alliance", on_delete=models.CASCADE, related_name="+"
    )
    fingerprint = models.CharField(max_length=64)
    scanned_at = models.DateTimeField(help_text="When a scan last looked at the alliance.")

    def __str__(self) -> str:
        return f"scan of alliance {self.alliance_id} at {self.scanned_at:%Y-%m-%d %H:%M}"
