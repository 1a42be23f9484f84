"""The commitments ledger: what each side owes the alliance, by when, and whether it was done.

The owner side is the side that records the commitment; ``owed_by`` is the side that owes
it (often the other one: "GlobalConnect owes the production API quota", recorded by
InnovateTech). Late is derived from the due date, never set by hand.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from detente.alliances.models import HistoryEntry, Interaction
from detente.records.models import AllianceRecord, Side


class Commitment(AllianceRecord):
    class Kind(models.TextChoices):
        DELIVERABLE = "deliverable", "Deliverable"
        RESOURCES = "resources", "Resources (money, people, technology)"
        DECISION = "decision", "Decision"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        WAIVED = "waived", "Waived"
        DISPUTED = "disputed", "Disputed"

    owed_by = models.ForeignKey(Side, on_delete=models.CASCADE, related_name="+")
    owed_by_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The person of the owing side who sees it through (optional).",
    )
    kind = models.CharField(max_length=11, choices=Kind.choices, default=Kind.DELIVERABLE)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    due_date = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True, help_text="What shows it was done: a link, a document.")
    source_clause = models.CharField(
        max_length=200, blank=True, help_text="The agreement clause it comes from, e.g. '4.2'."
    )
    source_interaction = models.ForeignKey(
        Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_history = models.ForeignKey(
        HistoryEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Not stored: set by commitments.present.show_sources, the cited source when the reader
    # may see it, else None.
    shown_interaction: Interaction | None
    shown_history: HistoryEntry | None

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.title

    def is_late(self, today: date | None = None) -> bool:
        """Still owed (open or disputed) after its due date."""
        today = today or timezone.localdate()
        return self.status in (self.Status.OPEN, self.Status.DISPUTED) and self.due_date < today

    @property
    def late(self) -> bool:
        return self.is_late()

    @property
    def done_late(self) -> bool:
        return self.status == self.Status.DONE and bool(
            self.done_on and self.done_on > self.due_date
        )

    @property
    def days_overdue(self) -> int:
        return (timezone.localdate() - self.due_date).days if self.late else 0

    @property
    def display_status(self) -> str:
        """The status as the ledger shows it: "late" when still owed after the due date."""
        if self.late:
            return "late" if self.status == self.Status.OPEN else "disputed, late"
        return self.status
