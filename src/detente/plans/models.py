"""The joint plan of an alliance: one planning document in the format the team picks, V2MOM
(vision, values, methods, obstacles, measures) or objectives and key results.

A ``Plan`` is joint, one per alliance. Its items are alliance records: a joint item is part
of the plan both sides read; a private item is a side's internal item, often feeding a joint
one (``feeds``). Each list is ordered by ``position``, but nobody reads a position: the
number shown is the item's place among the items the reader sees in that list (joint items
among joint items, a side's internal items among that side's), so the other side's private
items never leave a gap in the numbering.

A ``PlanVersion`` freezes the joint items as they stood when a side proposed it; each side
signs it, and the last signature makes it the plan in force (like the agreement).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from detente.commitments.models import Commitment
from detente.objectives.models import KPI, Objective
from detente.records.models import AllianceRecord, Side


class Plan(AllianceRecord):
    class Format(models.TextChoices):
        V2MOM = "v2mom", "V2MOM (vision, values, methods, obstacles, measures)"
        OKR = "okr", "Objectives and key results"

    format = models.CharField(max_length=5, choices=Format.choices, default=Format.V2MOM)
    title = models.CharField(max_length=200, default="Joint plan")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alliance"], name="one_plan_per_alliance")]

    def __str__(self) -> str:
        return self.title


class Section(models.TextChoices):
    VISION = "vision", "Vision"
    VALUE = "value", "Values"
    METHOD = "method", "Methods"
    OBSTACLE = "obstacle", "Obstacles"
    MEASURE = "measure", "Measures"
    OBJECTIVE = "objective", "Objectives"
    KEY_RESULT = "key_result", "Key results"


SECTIONS = {
    Plan.Format.V2MOM: [
        Section.VISION,
        Section.VALUE,
        Section.METHOD,
        Section.OBSTACLE,
        Section.MEASURE,
    ],
    Plan.Format.OKR: [Section.OBJECTIVE, Section.KEY_RESULT],
}
# The section a child item hangs under: a measure measures a method, an obstacle is
# addressed by a method, a key result belongs to an objective.
PARENT_SECTION = {
    Section.MEASURE: Section.METHOD,
    Section.OBSTACLE: Section.METHOD,
    Section.KEY_RESULT: Section.OBJECTIVE,
}
PRIORITY_SECTIONS = (Section.METHOD, Section.OBJECTIVE)
MEASURE_SECTIONS = (Section.MEASURE, Section.KEY_RESULT)
SHORT = {
    Section.VISION: "V",
    Section.VALUE: "Val",
    Section.METHOD: "M",
    Section.OBSTACLE: "Ob",
    Section.MEASURE: "Me",
    Section.OBJECTIVE: "O",
    Section.KEY_RESULT: "KR",
}
SINGULAR = {
    Section.VISION: "Vision",
    Section.VALUE: "Value",
    Section.METHOD: "Method",
    Section.OBSTACLE: "Obstacle",
    Section.MEASURE: "Measure",
    Section.OBJECTIVE: "Objective",
    Section.KEY_RESULT: "Key result",
}


class PlanItem(AllianceRecord):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    section = models.CharField(max_length=10, choices=Section.choices)
    # Never shown: the number a reader sees is the item's place among what the reader sees.
    position = models.PositiveIntegerField(default=0, editable=False)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="A measure's or obstacle's method, a key result's objective.",
    )
    feeds = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fed_by",
        help_text="For a side's internal item: the joint item it feeds.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The person who owns it.",
    )
    target = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    objectives = models.ManyToManyField(Objective, blank=True, related_name="+")
    kpis = models.ManyToManyField(KPI, blank=True, related_name="+", verbose_name="KPIs")
    commitments = models.ManyToManyField(Commitment, blank=True, related_name="+")

    class Meta:
        ordering = ["plan_id", "section", "position", "id"]

    def __str__(self) -> str:
        return self.title


class FrozenVersion(Exception):
    """Raised when code tries to change the content of a version once proposed."""


class PlanVersion(AllianceRecord):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        IN_FORCE = "in_force", "In force"
        SUPERSEDED = "superseded", "Superseded"
        WITHDRAWN = "withdrawn", "Withdrawn"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    summary = models.TextField(blank=True, help_text="What this version changes, in a sentence.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    content = models.JSONField(default=dict)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    in_force_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_plan_version_number")
        ]

    def __str__(self) -> str:
        return f"Plan version {self.number}"

    @property
    def label(self) -> str:
        return f"Version {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # What was proposed is what each side signs: the content never changes afterwards.
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values("content").first()
            if stored is not None and stored["content"] != self.content:
                raise FrozenVersion(f"{self.label} was proposed; its content cannot change.")
        super().save(*args, **kwargs)


class PlanSignature(models.Model):
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="signatures")
    side = models.ForeignKey(Side, on_delete=models.CASCADE, related_name="+")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "side"], name="one_plan_signature_per_side")
        ]

    def __str__(self) -> str:
        return f"{self.version.label} signed for {self.side}"

    # The audit log reads these; a signature shares its version's visibility.
    @property
    def alliance_id(self) -> int:
        return self.version.alliance_id

    @property
    def owner_side_id(self) -> int:
        return self.version.owner_side_id

    @property
    def visibility(self) -> str:
        return self.version.visibility
