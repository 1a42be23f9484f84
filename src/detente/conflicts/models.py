"""Conflicts, their climb up the dispute ladder, restructuring comparisons, exit plans and
in-app notifications.

A conflict is an alliance record: it may start private to the side preparing it and is
then raised jointly, which starts the ladder. Ladder steps and each side's view hang off
the conflict; steps are child rows reached only through their (joint) conflict, while a
side's view is itself a record that may stay private. A restructuring comparison is a
record; each side's weights and each side's estimate of each option are records of that
side, so a side may keep its numbers private. A notification is seen only by its
recipient.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from detente.alliances.models import Signal
from detente.analysis.restructuring import OPTIONS
from detente.commitments.models import Commitment
from detente.objectives.models import KPI, Objective
from detente.records.models import AllianceRecord


class Conflict(AllianceRecord):
    class Source(models.TextChoices):
        MARKET_CHANGE = "market_change", "Market change"
        INTERNAL_SHIFT = "internal_shift", "Internal strategic shift"
        RESOURCE_ALLOCATION = "resource_allocation", "Resource allocation"
        CUSTOMER_OWNERSHIP = "customer_ownership", "Customer ownership"
        PERFORMANCE_METRICS = "performance_metrics", "Performance metrics"
        BRAND_PERCEPTION = "brand_perception", "Brand perception"
        OTHER = "other", "Other"

    class Kind(models.TextChoices):
        INITIAL_MISALIGNMENT = "initial", "Initial misalignment (goals never really matched)"
        EVOLVING_DIVERGENCE = "evolving", "Evolving divergence (goals drifted apart)"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_DIALOGUE = "in_dialogue", "In dialogue"
        ESCALATED = "escalated", "Escalated"
        RESOLVED = "resolved", "Resolved"
        UNRESOLVED = "unresolved", "Unresolved"

    ACTIVE_STATUSES = (Status.OPEN, Status.IN_DIALOGUE, Status.ESCALATED)

    title = models.CharField(max_length=200)
    source = models.CharField(max_length=20, choices=Source.choices)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    description = models.TextField(blank=True, help_text="What happened, in plain words.")
    status = models.CharField(max_length=11, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField(default=timezone.localdate)
    objectives = models.ManyToManyField(Objective, blank=True, related_name="+")
    kpis = models.ManyToManyField(KPI, blank=True, related_name="+", verbose_name="KPIs")
    commitments = models.ManyToManyField(Commitment, blank=True, related_name="+")
    signals = models.ManyToManyField(Signal, blank=True, related_name="+")
    decision_asked = models.TextField(
        blank=True, help_text="The decision leadership is asked for, for the escalation brief."
    )
    recommendation = models.TextField(blank=True, help_text="What the team recommends.")
    # The ladder is copied from the agreement in force when the conflict is raised jointly,
    # so a later agreement version does not move a conflict already on its way up.
    ladder = models.JSONField(default=list, blank=True)
    ladder_source = models.CharField(max_length=200, blank=True)
    raised_at = models.DateTimeField(null=True, blank=True)
    past_top_at = models.DateTimeField(
        null=True, blank=True, help_text="When the top rung's time limit passed unresolved."
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    # Not stored: set by the pages that list conflicts (conflicts.present, .overview).
    step: LadderStep | None  # the open rung
    days_left: float | None  # on that rung

    class Meta:
        ordering = ["-opened_on", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def current_step(self) -> LadderStep | None:
        steps = [s for s in self.steps.all() if s.ended_at is None]
        return steps[-1] if steps else None


class LadderStep(models.Model):
    """One rung climbed by a conflict, with its dates and the record of what happened on it.

    A child row of its conflict: seen exactly when the conflict is.
    """

    conflict = models.ForeignKey(Conflict, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(help_text="1 = the first rung.")
    name = models.CharField(max_length=200)
    owner = models.CharField(max_length=200, blank=True)
    days = models.PositiveIntegerField(null=True, blank=True, help_text="Time limit in days.")
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    how_ended = models.CharField(max_length=200, blank=True)
    met_on = models.DateField(null=True, blank=True)
    who_met = models.TextField(blank=True)
    agreed = models.TextField(blank=True)
    still_open = models.TextField(blank=True)
    notified = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta:
        ordering = ["conflict_id", "number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["conflict", "number"], name="one_step_per_rung")
        ]

    def __str__(self) -> str:
        return f"Rung {self.number}: {self.name}"

    # The audit log copies these from the record; a step inherits them from its conflict.
    @property
    def alliance_id(self) -> int:
        return self.conflict.alliance_id

    @property
    def owner_side_id(self) -> int:
        return self.conflict.owner_side_id

    @property
    def visibility(self) -> str:
        return self.conflict.visibility

    def time_left(self, now: datetime | None = None) -> timedelta | None:
        if self.due_at is None or self.ended_at is not None:
            return None
        return self.due_at - (now or timezone.now())


class ConflictView(AllianceRecord):
    """One side's view of a conflict: its position and the interests behind it (the why)."""

    conflict = models.ForeignKey(Conflict, on_delete=models.CASCADE, related_name="views")
    position = models.TextField(help_text="What the side wants.")
    interests = models.TextField(blank=True, help_text="Why: what the side needs underneath.")
    data = models.TextField(blank=True, help_text="The data the side is looking at.")

    class Meta:
        ordering = ["owner_side_id", "id"]

    def __str__(self) -> str:
        return f"View on {self.conflict}"


class Notification(models.Model):
    """An in-app notice to one person; nobody else sees it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflict_notifications"
    )
    conflict = models.ForeignKey(Conflict, on_delete=models.CASCADE, related_name="notifications")
    text = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def alliance_id(self) -> int:
        return self.conflict.alliance_id

    @property
    def owner_side_id(self) -> int:
        return self.conflict.owner_side_id

    @property
    def visibility(self) -> str:
        return self.conflict.visibility


OPTION_CHOICES = list(OPTIONS.items())


class Comparison(AllianceRecord):
    """A cost-benefit comparison of the ways to reshape the alliance."""

    title = models.CharField(max_length=200)
    question = models.TextField(blank=True, help_text="What the comparison is meant to decide.")
    conflict = models.ForeignKey(
        Conflict, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    discount_rate = models.DecimalField(
        max_digits=6,
        decimal_places=3,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Percent per period, e.g. 10.",
    )
    periods = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(40)],
        help_text="How many periods the cash flows cover, period 0 being now.",
    )
    period_label = models.CharField(max_length=20, default="year")
    currency = models.CharField(max_length=20, default="EUR k")
    chosen_option = models.CharField(max_length=10, choices=OPTION_CHOICES, blank=True)
    decision_notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class SideWeights(AllianceRecord):
    """How the owner side weighs the intangible factors, and what a point is worth to it."""

    comparison = models.ForeignKey(Comparison, on_delete=models.CASCADE, related_name="weights")
    relationship = models.PositiveSmallIntegerField(default=1, validators=[MaxValueValidator(10)])
    reputation = models.PositiveSmallIntegerField(default=1, validators=[MaxValueValidator(10)])
    strategic_option = models.PositiveSmallIntegerField(
        default=1, validators=[MaxValueValidator(10)], verbose_name="strategic option value"
    )
    per_point = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text="What one point of intangible score (-2..+2) is worth to your side in money.",
    )

    class Meta:
        ordering = ["owner_side_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["comparison", "owner_side"], name="one_weighting_per_side"
            )
        ]
        verbose_name_plural = "side weights"

    def __str__(self) -> str:
        return f"Weights of side {self.owner_side_id}"


SCORE_VALIDATORS = [MinValueValidator(-2), MaxValueValidator(2)]


class OptionEstimate(AllianceRecord):
    """The owner side's estimate of one option: its cash flows and intangible scores."""

    comparison = models.ForeignKey(Comparison, on_delete=models.CASCADE, related_name="estimates")
    option = models.CharField(max_length=10, choices=OPTION_CHOICES)
    flows_low = models.JSONField(default=list)
    flows_likely = models.JSONField(default=list)
    flows_high = models.JSONField(default=list)
    relationship = models.SmallIntegerField(default=0, validators=SCORE_VALIDATORS)
    reputation = models.SmallIntegerField(default=0, validators=SCORE_VALIDATORS)
    strategic_option = models.SmallIntegerField(
        default=0, validators=SCORE_VALIDATORS, verbose_name="strategic option value"
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["comparison_id", "owner_side_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["comparison", "owner_side", "option"], name="one_estimate_per_side_option"
            )
        ]

    def __str__(self) -> str:
        return f"{OPTIONS.get(self.option, self.option)}"

    @property
    def likely_text(self) -> str:
        return _flows(self.flows_likely)

    @property
    def low_text(self) -> str:
        return _flows(self.flows_low)

    @property
    def high_text(self) -> str:
        return _flows(self.flows_high)


def _flows(values: list) -> str:
    return ", ".join(f"{float(v):g}" for v in values)


class ExitPlan(AllianceRecord):
    """A plan to leave the alliance gracefully, drafted from the agreement's exit terms."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Being carried out"
        DONE = "done", "Done"

    title = models.CharField(max_length=200)
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.DRAFT)
    notice_on = models.DateField(help_text="When notice is (or will be) given.")
    notice_days = models.PositiveIntegerField(help_text="Notice period from the exit terms.")
    customers = models.TextField(blank=True, help_text="How shared customers are transitioned.")
    projects = models.TextField(
        blank=True, help_text="How shared projects and assets are handed over."
    )
    communications = models.JSONField(
        default=list, blank=True, help_text="One message per audience: audience, message, date."
    )
    terms_source = models.CharField(max_length=200, blank=True)
    commitments = models.ManyToManyField(Commitment, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def end_on(self):
        return self.notice_on + timedelta(days=self.notice_days)
