"""What the commitments ledger shows: one function builds it for the page and its JSON twins.

``ledger`` reads the visible commitments (through the visibility rule), applies the reader's
filters, names a cited source only when the reader may see it, and draws the adherence chart.
The page renders all of it; ``GET .../commitments`` returns its rows and
``GET .../commitments/adherence`` its chart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from detente.alliances.models import HistoryEntry, Interaction
from detente.commitments import ledger as ledger_reading
from detente.commitments.models import Commitment
from detente.records.api import record_base
from detente.records.visibility import AllianceAccess

OWED = ("open", "disputed")


@dataclass
class Ledger:
    commitments: list[Commitment]  # stored order (due date), each with its shown sources
    chart: dict[str, Any]
    today: date
    late_count: int = field(init=False)

    def __post_init__(self) -> None:
        self.late_count = sum(1 for c in self.commitments if c.late)

    @property
    def attention_first(self) -> list[Commitment]:
        """Late ones (oldest first), then open ones by due date, then settled ones, newest first."""
        settled = [c for c in self.commitments if c.status not in OWED]
        owed = [c for c in self.commitments if c.status in OWED]
        owed.sort(key=lambda c: (not c.late, c.due_date))
        settled.sort(key=lambda c: c.due_date, reverse=True)
        return owed + settled

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [commitment_data(c) for c in self.commitments]


def show_sources(access: AllianceAccess, commitments: list[Commitment]) -> list[Commitment]:
    """Set ``shown_interaction``/``shown_history`` on each commitment: its cited source when
    the reader may see it, else None (a source made private later must not leak through the
    ledger). Two queries, whatever the count."""
    interactions = set(
        access.records(Interaction)
        .filter(pk__in=[c.source_interaction_id for c in commitments if c.source_interaction_id])
        .values_list("pk", flat=True)
    )
    history = set(
        access.records(HistoryEntry)
        .filter(pk__in=[c.source_history_id for c in commitments if c.source_history_id])
        .values_list("pk", flat=True)
    )
    for c in commitments:
        c.shown_interaction = (
            c.source_interaction if c.source_interaction_id in interactions else None
        )
        c.shown_history = c.source_history if c.source_history_id in history else None
    return commitments


def commitment_data(c: Commitment) -> dict[str, Any]:
    """One commitment as the API returns it (its sources as ``show_sources`` left them)."""
    return {
        **record_base(c),
        "owed_by_id": c.owed_by_id,
        "owed_by_person_id": c.owed_by_person_id,
        "owed_by_person": str(c.owed_by_person) if c.owed_by_person_id else None,
        "kind": c.kind,
        "title": c.title,
        "description": c.description,
        "due_date": c.due_date,
        "status": c.status,
        "late": c.late,
        "done_on": c.done_on,
        "evidence": c.evidence,
        "source_clause": c.source_clause,
        "source_interaction_id": c.shown_interaction.pk if c.shown_interaction else None,
        "source_history_id": c.shown_history.pk if c.shown_history else None,
    }


def commitment(access: AllianceAccess, pk: Any) -> dict[str, Any]:
    """One visible commitment (else 404), as ``commitment_data``."""
    return commitment_data(show_sources(access, [access.get_record(Commitment, pk)])[0])


def ledger(
    access: AllianceAccess,
    *,
    status: str | None = None,
    owed_by: int | None = None,
    late: bool | None = None,
    quarters: int = 8,
    today: date | None = None,
) -> Ledger:
    """The visible commitments matching the filters (``status`` may be ``late``), and the
    adherence per side over the last ``quarters`` quarters."""
    today = today or timezone.localdate()
    qs = ledger_reading.visible(access).select_related("source_interaction", "source_history")
    if owed_by:
        qs = qs.filter(owed_by_id=owed_by)
    if status == "late":
        qs = qs.filter(status__in=OWED, due_date__lt=today)
    elif status:
        qs = qs.filter(status=status)
    rows = list(qs)
    if late is not None:
        rows = [c for c in rows if c.late == late]
    return Ledger(
        commitments=show_sources(access, rows),
        chart=ledger_reading.adherence_chart(access, today, quarters=quarters),
        today=today,
    )
