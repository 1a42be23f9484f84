"""Search across the records a user may see. Goes through the visibility rule, like everything."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from detente.alliances.models import HistoryEntry, Interaction, Signal, Stakeholder
from detente.records.models import Alliance

LIMIT_PER_KIND = 50


@dataclass
class Hit:
    kind: str
    title: str
    alliance: Alliance
    record: Any
    url: str


def search_records(user: Any, query: str) -> list[Hit]:
    hits: list[Hit] = []
    for alliance in Alliance.objects.for_user(user).filter(
        Q(name__icontains=query) | Q(purpose__icontains=query)
    )[:LIMIT_PER_KIND]:
        hits.append(
            Hit("Alliance", alliance.name, alliance, alliance, f"/alliances/{alliance.pk}/")
        )
    searches = [
        ("Stakeholder", Stakeholder, ["name", "title", "email"], "name"),
        ("History", HistoryEntry, ["title", "notes"], "title"),
        ("Signal", Signal, ["title", "notes"], "title"),
        ("Interaction", Interaction, ["subject", "notes"], "subject"),
    ]
    for label, model, fields, title_field in searches:
        condition = Q()
        for f in fields:
            condition |= Q(**{f"{f}__icontains": query})
        records = model.objects.visible_to(user).filter(condition).select_related("alliance")
        for record in records[:LIMIT_PER_KIND]:
            hits.append(
                Hit(
                    label,
                    getattr(record, title_field),
                    record.alliance,
                    record,
                    f"/alliances/{record.alliance_id}/",
                )
            )
    return hits
