"""The alliance timeline: history, signals and interactions, merged and filtered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from detente.alliances.models import HistoryEntry, Interaction, Signal, Stakeholder
from detente.records.forms import field
from detente.records.models import AllianceRecord, Visibility
from detente.records.visibility import AllianceAccess

KINDS: dict[str, type[AllianceRecord]] = {
    "history": HistoryEntry,
    "signal": Signal,
    "interaction": Interaction,
}
KIND_LABELS = {"history": "History", "signal": "Signal", "interaction": "Interaction"}


class TimelineFilter(forms.Form):
    kind = forms.ChoiceField(
        required=False, choices=[("", "All kinds")] + list(KIND_LABELS.items())
    )
    visibility = forms.ChoiceField(
        required=False, choices=[("", "Joint and private")] + list(Visibility.choices)
    )
    side = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(
        required=False, label="Until", widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(required=False, label="Contains")

    def __init__(self, *args: Any, access: AllianceAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field(self, "side", forms.ChoiceField).choices = [("", "All sides")] + [
            (s.id, str(s)) for s in access.sides
        ]


@dataclass
class Entry:
    kind: str
    record: Any

    @property
    def date(self) -> date:
        return self.record.date

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


def entries(access: AllianceAccess, filters: dict[str, Any] | None = None) -> list[Entry]:
    """Visible timeline entries, newest first. One query per kind, whatever the count."""
    filters = filters or {}
    kinds = [filters["kind"]] if filters.get("kind") else list(KINDS)
    result: list[Entry] = []
    for kind in kinds:
        # Any: the lookups below are of the concrete kind (date, participants), not the base.
        qs: QuerySet[Any] = access.records(KINDS[kind]).select_related("owner_side__organisation")
        if kind == "interaction":
            # Participants through the visibility rule too: never name a private stakeholder.
            qs = qs.prefetch_related(Prefetch("participants", queryset=access.records(Stakeholder)))
        if filters.get("visibility"):
            qs = qs.filter(visibility=filters["visibility"])
        if filters.get("side"):
            qs = qs.filter(owner_side_id=filters["side"])
        if filters.get("since"):
            qs = qs.filter(date__gte=filters["since"])
        if filters.get("until"):
            qs = qs.filter(date__lte=filters["until"])
        if filters.get("q"):
            text_field = "subject" if kind == "interaction" else "title"
            qs = qs.filter(
                Q(**{f"{text_field}__icontains": filters["q"]}) | Q(notes__icontains=filters["q"])
            )
        result.extend(Entry(kind, record) for record in qs)
    # Kind and id last: entries of one date and time keep one order (the API's pages).
    result.sort(key=lambda e: (e.date, e.record.created_at, e.kind, e.record.pk), reverse=True)
    return result


def entry(access: AllianceAccess, kind: str, pk: Any) -> Entry:
    """One visible entry (else 404), its participants through the visibility rule too."""
    record = access.get_record(KINDS[kind], pk)
    if kind == "interaction":
        # A participant the other side has since made private must not be named.
        prefetch_related_objects(
            [record], Prefetch("participants", queryset=access.records(Stakeholder))
        )
    return Entry(kind, record)


def monthly_activity(entries: list[Entry], months: int = 12) -> dict[str, list]:
    """Entries per kind per month, for the last ``months`` months that have any entry."""
    if not entries:
        return {"labels": [], **{kind: [] for kind in KINDS}}
    last = max(e.date for e in entries)
    keys = []
    year, month = last.year, last.month
    for _ in range(months):
        keys.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    keys.reverse()
    counts = {kind: dict.fromkeys(keys, 0) for kind in KINDS}
    for e in entries:
        key = (e.date.year, e.date.month)
        if key in counts[e.kind]:
            counts[e.kind][key] += 1
    labels = [date(y, m, 1).strftime("%b %Y") for y, m in keys]
    return {"labels": labels, **{kind: list(counts[kind].values()) for kind in KINDS}}
