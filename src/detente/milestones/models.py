"""Milestones: a target count of a KPI by a date, proposed by one side and agreed by the other.

A milestone is an alliance record. A joint one is ``proposed`` by the side that keeps it
and becomes ``agreed`` only when a writer of the other side accepts it (or ``declined``);
changing the target, the dates or the KPI of an agreed milestone sends it back to
``proposed``. A private milestone is its side's ``draft``: the other side never sees it.

Its probability of being met is recomputed by the realism engine as the KPI's values
arrive (``detente.milestones.tracking``); each ``MilestoneReading`` is one point of that
history, a child row seen exactly when its milestone is.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from detente.records.models import AllianceRecord, Side


class Milestone(AllianceRecord):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft (private to its side)"
        PROPOSED = "proposed", "Proposed, waiting for the other side"
        AGREED = "agreed", "Agreed by both sides"
        DECLINED = "declined", "Declined by the other side"

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for values"
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        MISSED = "missed", "Missed"
        MET = "met", "Met"

    title = models.CharField(max_length=200)
    kpi = models.ForeignKey("objectives.KPI", on_delete=models.CASCADE, related_name="milestones")
    target = models.PositiveIntegerField(help_text="The count of the KPI to reach.")
    start = models.DateField(help_text="Counting starts on this day.")
    due = models.DateField(help_text="The date the target is due.")
    confidence = models.PositiveSmallIntegerField(
        default=80,
        help_text="On track while the milestone is at least this likely (percent); at risk below.",
    )
    measured_by = models.ForeignKey(
        Side,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Whose reported values of the KPI the milestone is tracked against.",
    )
    notes = models.TextField(blank=True)
    # Where it came from: a realism check's phased plan (phase name), or typed by hand.
    source_check = models.ForeignKey(
        "goals.RealismCheck", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_phase = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PROPOSED)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    # The latest reading, copied so lists, alerts and agendas need not read the history.
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.WAITING)
    probability = models.FloatField(null=True, blank=True)
    achieved = models.PositiveIntegerField(default=0)
    as_of = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_off_track(self) -> bool:
        return self.status in (self.Status.AT_RISK, self.Status.MISSED)


class MilestoneReading(models.Model):
    """One point of a milestone's history: what was achieved by ``as_of`` and how likely the
    rest was, by the realism engine on the values reported up to then."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="readings")
    as_of = models.DateField()
    achieved = models.PositiveIntegerField()
    remaining = models.PositiveIntegerField()
    probability = models.FloatField(null=True, blank=True)
    probability_stderr = models.FloatField(default=0.0)
    status = models.CharField(max_length=8, choices=Milestone.Status.choices)
    # The engine's input (its file format), so `detente realism` reproduces the number.
    inputs = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["milestone_id", "as_of", "id"]

    def __str__(self) -> str:
        return f"{self.milestone} as of {self.as_of}"


class PastProject(models.Model):
    """A past project of one organisation, imported from a file: what it planned and what it
    achieved. With the organisation's completed milestones it forms the organisation's
    reference class (``detente.milestones.reference``). It belongs to the organisation, not
    to an alliance: no partner ever sees it."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="past_projects"
    )
    name = models.CharField(max_length=200)
    planned = models.DecimalField(max_digits=18, decimal_places=4)
    achieved = models.DecimalField(max_digits=18, decimal_places=4)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation_id", "name", "id"]

    def __str__(self) -> str:
        return self.name
