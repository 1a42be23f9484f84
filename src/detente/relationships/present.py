"""What the relationship-health page and its API twin show: each counterpart pair the reader
sees, computed only from the records the reader may see (a private interaction of the other
side never moves a date or a response time here)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.utils import timezone

from detente.alliances.models import Interaction, Stakeholder
from detente.analysis import contact
from detente.records import audit_reading
from detente.records.visibility import AllianceAccess
from detente.relationships.models import DEFAULT_CADENCE_DAYS, ContactCadence
from detente.relationships.pairs import contacts, pairs_of
from detente.relationships.services import preferred


def _stances(access: AllianceAccess, people: list[Stakeholder], today: date) -> dict[int, list]:
    """Each stakeholder's stance over time, from the audit entries the reader may read."""
    changes: dict[int, list[tuple[date, str]]] = defaultdict(list)
    entries = (
        audit_reading.visible_to(access.user)
        .filter(
            alliance=access.alliance,
            model="alliances.stakeholder",
            object_id__in=[str(s.pk) for s in people],
        )
        .order_by("at", "id")
    )
    for entry in entries:
        stance = (entry.after or {}).get("stance")
        if stance:
            changes[int(entry.object_id)].append((timezone.localdate(entry.at), stance))
    labels = dict(Stakeholder.Stance.choices)
    return {
        s.pk: [
            {"since": day, "stance": stance, "label": labels.get(stance, stance)}
            for day, stance in contact.stance_path(changes[s.pk], s.stance, today)
        ]
        for s in people
    }


def _person(s: Stakeholder) -> dict[str, Any]:
    return {"id": s.pk, "name": s.name, "title": s.title, "side": str(s.owner_side)}


def health(access: AllianceAccess, today: date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    people = list(access.records(Stakeholder).select_related("owner_side__organisation"))
    pairs = pairs_of(people)
    seen: dict[tuple[int, int], list[ContactCadence]] = defaultdict(list)
    for c in access.records(ContactCadence).select_related("owner_side__organisation"):
        seen[(c.stakeholder_id, c.counterpart_id)].append(c)
    cadences = {key: preferred(access, found) for key, found in seen.items()}
    interactions = access.records(Interaction)
    ends = [s for p in pairs for s in (p.stakeholder, p.counterpart)]
    stances = _stances(access, ends, today)
    rows = []
    for p in pairs:
        cadence = cadences.get((p.stakeholder.pk, p.counterpart.pk))
        found = contacts(interactions, p)
        last = contact.last_contact(found, today)
        days = cadence.days if cadence else DEFAULT_CADENCE_DAYS
        since = timezone.localdate(cadence.created_at) if cadence else access.alliance.start_date
        times = contact.response_times(found)
        rows.append(
            {
                "key": p.key,
                "stakeholder": _person(p.stakeholder),
                "counterpart": _person(p.counterpart),
                "private": p.visibility == "private",
                "cadence_days": days,
                "cadence_set": cadence is not None,
                "cadence_kept_by": str(cadence.owner_side) if cadence else "",
                "interactions": len(found),
                "last_contact": last,
                # Without a target there is no due day: the suggested cadence raises nothing.
                "next_due": contact.next_due(last, days, since) if cadence else None,
                # Only a target someone set raises a watch; the default is a suggestion.
                "overdue_days": contact.overdue_days(last, days, since, today) if cadence else 0,
                "response_hours": [round(h, 1) for h in times],
                "median_response_hours": round(m, 1)
                if (m := contact.median_response_hours(found)) is not None
                else None,
                "stance": {
                    "stakeholder": stances[p.stakeholder.pk],
                    "counterpart": stances[p.counterpart.pk],
                },
                "may_set": access.can_write_on(cadence.owner_side_id)
                if cadence
                else access.can_write_on(p.private_side_id or access.default_side.pk),
            }
        )
    return {"today": today, "default_cadence_days": DEFAULT_CADENCE_DAYS, "pairs": rows}
