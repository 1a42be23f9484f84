"""Relationship health per counterpart pair: the target cadence of check-ins, and the watch
raised when a check-in is overdue.

A pair is two stakeholders of different sides that name each other (or one names the other)
as counterpart. Its records are exactly as private as its most private end: a pair with a
stakeholder private to side A is side A's alone, so the other side never learns of it.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from detente.alliances.models import Stakeholder
from detente.records.models import AllianceRecord

DEFAULT_CADENCE_DAYS = 30


class ContactCadence(AllianceRecord):
    """How often the two people of a pair should be in touch (the lower stakeholder id
    first); kept by the side that set it. One per pair and side: a cadence a side set while
    the pair was its own stays private to it when the pair becomes joint, so the other side
    may set its own without learning of it."""

    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="+")
    counterpart = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="+")
    days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="A check-in at least every this many days (1 to 365).",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["stakeholder", "counterpart", "owner_side"],
                name="one_cadence_per_pair_and_side",
            )
        ]

    def __str__(self) -> str:
        return f"Check-in every {self.days} days"


class CheckInWatch(AllianceRecord):
    """A check-in of a pair found overdue by the daily scan, as one side sees the pair's
    interactions. Always private to that side (its view may include private interactions)."""

    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="+")
    counterpart = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    last_contact = models.DateField(null=True, blank=True)
    days = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-due_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["stakeholder", "counterpart", "owner_side", "due_on"],
                name="one_check_in_watch_per_side_and_due_day",
            )
        ]

    def __str__(self) -> str:
        return f"Check-in overdue since {self.due_on:%d %b %Y}"
