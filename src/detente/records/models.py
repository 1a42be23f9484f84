"""What every record of an alliance rests on: the alliance, its sides, and the base of every
record that is joint or private to the side that keeps it.

The classes live in the core so that the visibility rule (``detente.records.visibility``)
imports no capability app; their tables, migrations and content types stay those of the
``alliances`` app (``app_label``), so nothing moved in the database. ``AllianceRecord`` is
abstract and declares no app: each record model belongs to the app that defines it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from detente.records.visibility import JOINT, PRIVATE, AllianceQuerySet, RecordQuerySet


class Visibility(models.TextChoices):
    JOINT = JOINT, "Joint (every side sees it)"
    PRIVATE = PRIVATE, "Private to my side"


class Alliance(models.Model):
    class Kind(models.TextChoices):
        ALLIANCE = "alliance", "Alliance between organisations"
        INTERNAL = "internal", "Internal alignment between teams"

    class Status(models.TextChoices):
        FORMING = "forming", "Forming"
        ACTIVE = "active", "Active"
        AT_RISK = "at_risk", "At risk"
        RENEGOTIATING = "renegotiating", "Renegotiating"
        RESTRUCTURING = "restructuring", "Restructuring"
        EXITING = "exiting", "Exiting"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=200)
    purpose = models.TextField(help_text="The shared value proposition, in a sentence or two.")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ALLIANCE)
    start_date = models.DateField()
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.FORMING)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AllianceQuerySet.as_manager()

    class Meta:
        app_label = "alliances"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Side(models.Model):
    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="sides")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="sides"
    )
    label = models.CharField(
        max_length=100, blank=True, help_text="How the alliance calls this side, if not its name."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "alliances"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "organisation"], name="one_side_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.label or self.organisation.name

    @property
    def name(self) -> str:
        return str(self)


class AllianceRecord(models.Model):
    """Base of every record kept in an alliance: joint, or private to its owner side.

    The owner side is the side that keeps the record; only its writers may change it.
    """

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="+")
    owner_side = models.ForeignKey(Side, on_delete=models.CASCADE, related_name="+")
    visibility = models.CharField(
        max_length=7, choices=Visibility.choices, default=Visibility.JOINT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_private(self) -> bool:
        return self.visibility == Visibility.PRIVATE
