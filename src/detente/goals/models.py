"""Realism checks of a KPI: the inputs given to the goal-realism engine and what it answered.

A check is an alliance record (joint, or private to its owner side). It can never be more
visible than the objective its KPI belongs to, nor than the measurements its history was
taken from (``detente.goals.forms`` refuses a joint check of private data). The inputs are
kept as the engine's own file format, so ``detente realism`` reproduces a saved check.
"""

from __future__ import annotations

from django.db import models

from detente.records.models import AllianceRecord


class RealismCheck(AllianceRecord):
    kpi = models.ForeignKey(
        "objectives.KPI", on_delete=models.CASCADE, related_name="realism_checks"
    )
    # The engine document (docs/engines/realism.md), JSON-safe: what `detente realism` reads.
    inputs = models.JSONField()
    seed = models.PositiveIntegerField(default=0)
    # Where the history came from, in plain words, and which measurements were used.
    history_note = models.TextField(blank=True)
    measurement_ids = models.JSONField(default=list, blank=True)
    # How the form was filled: {"from", "side_id", "measured_stage"}, to offer it again.
    history_source = models.JSONField(default=dict, blank=True)
    result = models.JSONField()
    # Copied from the result so lists and the trend chart need not read the whole result.
    target = models.PositiveIntegerField()
    deadline = models.DateField()
    probability = models.FloatField()
    probability_stderr = models.FloatField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Realism check of {self.kpi.name}: {self.target} by {self.deadline:%d %b %Y}"
