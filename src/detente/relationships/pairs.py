"""Counterpart pairs and their interactions, from records already read through the rule."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from detente.alliances.models import Interaction, Stakeholder
from detente.analysis.contact import Contact
from detente.records.visibility import JOINT, PRIVATE


@dataclass(frozen=True)
class Pair:
    stakeholder: Stakeholder  # the lower id
    counterpart: Stakeholder

    @property
    def key(self) -> str:
        return f"{self.stakeholder.pk}-{self.counterpart.pk}"

    @property
    def visibility(self) -> str:
        """As private as its most private end."""
        ends = (self.stakeholder, self.counterpart)
        return PRIVATE if any(s.visibility == PRIVATE for s in ends) else JOINT

    @property
    def private_side_id(self) -> int | None:
        """The side a private pair belongs to (the side that keeps its private end)."""
        ends = (self.stakeholder, self.counterpart)
        return next((s.owner_side_id for s in ends if s.visibility == PRIVATE), None)


def pairs_of(stakeholders: Iterable[Stakeholder]) -> list[Pair]:
    """Every pair of stakeholders of different sides where one names the other as its
    counterpart, among ``stakeholders`` (the ones the reader sees), each pair once."""
    by_id = {s.pk: s for s in stakeholders}
    seen: set[tuple[int, int]] = set()
    out: list[Pair] = []
    for s in by_id.values():
        other = by_id.get(s.counterpart_id) if s.counterpart_id else None
        if other is None or other.owner_side_id == s.owner_side_id:
            continue
        low, high = sorted((s.pk, other.pk))
        if (low, high) in seen:
            continue
        seen.add((low, high))
        out.append(Pair(by_id[low], by_id[high]))
    return sorted(out, key=lambda p: (p.stakeholder.name, p.counterpart.name))


def contacts(interactions: Any, pair: Pair) -> list[Contact]:
    """The interactions (a queryset already limited to what the reader sees) in which both
    people of the pair took part."""
    both: Iterable[Interaction] = interactions.filter(participants=pair.stakeholder).filter(
        participants=pair.counterpart
    )
    return [Contact(i.date, i.response_requested_at, i.responded_at) for i in both]
