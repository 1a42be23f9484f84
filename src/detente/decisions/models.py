"""Decisions: options and considerations both sides see, and each side's weights.

A ``Decision`` is an alliance record holding the options and the considerations (a value
per option, a point or a low-high range, and a direction). They are kept as JSON on the
decision because they are always read, checked and analysed together, and they share the
decision's visibility.

A ``PartyWeights`` record is one side's weights on those considerations. It is private to
its side by default: the other side then sees which option that side prefers and nothing
from which its weights follow. The side may disclose its conditions (``conditions_disclosed``),
knowing that its weights can then be deduced from them (``detente.decisions.analysis``).

A ``GoalSeries`` is a metric history entered with the decision: a side's goal, or a
guardrail on another series (a band that must hold while the primary moves). The
guardrail and goal-conflict page is drawn from these.
"""

from __future__ import annotations

from django.db import models

from detente.records.models import AllianceRecord, Visibility


class Decision(AllianceRecord):
    title = models.CharField(max_length=200)
    question = models.TextField(
        blank=True, help_text="What is being decided, in a sentence both sides accept."
    )
    # ["A", "B", ...]
    options = models.JSONField(default=list)
    # [{"name", "direction": "higher"|"lower", "unit", "values": {option: [low, high]}}]
    considerations = models.JSONField(default=list)
    # Period labels shared by the goal series of this decision, e.g. ["2024Q1", ...].
    periods = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def consideration_names(self) -> list[str]:
        return [c["name"] for c in self.considerations]


class PartyWeights(AllianceRecord):
    """One side's weights on a decision's considerations; the owner side is the party."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="weights")
    # {consideration name: raw weight >= 0}; any units, renormalised to shares.
    weights = models.JSONField(default=dict)
    visibility = models.CharField(
        max_length=7, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    # The side's explicit choice to let the other side see the conditions computed from
    # private weights (thresholds, ratios, values, flip charts). Off by default: the
    # conditions are linear in the weights and give them away exactly.
    conditions_disclosed = models.BooleanField(default=False)

    class Meta:
        ordering = ["owner_side_id"]
        verbose_name_plural = "party weights"
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "owner_side"], name="one_weighting_per_side_and_decision"
            )
        ]

    def __str__(self) -> str:
        return f"Weights of {self.owner_side} on {self.decision}"


class GoalSeries(AllianceRecord):
    """A side's goal metric over the decision's periods, or a guardrail on one."""

    class Direction(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"

    class Horizon(models.TextChoices):
        QUARTER = "quarter", "This quarter"
        YEAR = "year", "This year"
        MULTI_YEAR = "multi-year", "Multi-year"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="series")
    name = models.CharField(max_length=200)
    direction = models.CharField(max_length=6, choices=Direction.choices, default="higher")
    horizon = models.CharField(max_length=10, choices=Horizon.choices, blank=True)
    # One value (or null) per period of the decision.
    history = models.JSONField(default=list)
    guards = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="guardrails",
        help_text="The primary goal this metric is a guardrail of (empty for a goal).",
    )
    at_least = models.FloatField(null=True, blank=True)
    at_most = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["owner_side_id", "id"]
        verbose_name_plural = "goal series"

    def __str__(self) -> str:
        return self.name
