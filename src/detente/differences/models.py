"""The differences register: where the organisations differ, and how the team manages it.

Seed 004's point: an alliance is mostly the management of differences (structures, business
models, politics, policies, cultures, processes, contracts…), faced jointly rather than
wished away. A difference can stay private to one side while it prepares, then be shared.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from detente.alliances.models import Stakeholder
from detente.records.models import AllianceRecord


class Difference(AllianceRecord):
    class Category(models.TextChoices):
        STRUCTURE = "structure", "Structure"
        BUSINESS_MODEL = "business_model", "Business model"
        POLITICS = "politics", "Politics"
        ORG_CHART = "org_chart", "Org chart"
        POLICIES = "policies", "Policies"
        CULTURE = "culture", "Culture"
        PHILOSOPHY = "philosophy", "Philosophy"
        PROCESSES = "processes", "Processes"
        CONTRACTS = "contracts", "Contracts"
        FISCAL_CALENDAR = "fiscal_calendar", "Fiscal calendar"
        METRIC_DEFINITIONS = "metric_definitions", "Metric definitions"
        DECISION_SPEED = "decision_speed", "Decision speed"

    SCALE = [MinValueValidator(1), MaxValueValidator(5)]

    category = models.CharField(max_length=20, choices=Category.choices)
    title = models.CharField(max_length=200)
    views = models.JSONField(default=dict, blank=True, help_text="Each side's view, by side id.")
    likelihood = models.PositiveSmallIntegerField(
        validators=SCALE, help_text="How likely it is to cause conflict, 1 (rarely) to 5 (surely)."
    )
    impact = models.PositiveSmallIntegerField(
        validators=SCALE, help_text="How much a conflict over it would hurt, 1 to 5."
    )
    management = models.TextField(
        "How we manage it", blank=True, help_text="What the joint team does about it."
    )
    owner = models.ForeignKey(
        Stakeholder,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The stakeholder who keeps an eye on it.",
    )
    review_date = models.DateField(null=True, blank=True)

    # Not stored: set by differences.present.visible_differences for the reader.
    visible_owner: Stakeholder | None  # the owner, when the reader may see that stakeholder
    side_views: list[tuple[str, str]]  # (side, its view) for the sides that gave one

    class Meta:
        ordering = ["-likelihood", "-impact", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def level(self) -> str:
        """Plain-words band of likelihood × impact (the colours of the matrix)."""
        if self.score >= 15:
            return "high"
        if self.score >= 8:
            return "medium"
        return "low"
