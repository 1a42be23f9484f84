"""The alliance's cadence: which meetings come when, and the job that opens them.

Defaults: a health check every quarter, an operational review every month, a strategy review
every year. An agreement in force may say otherwise: a ``cadence`` part
(``{"health_check": 3, "operational_review": 1, "strategy_review": 12}``, months), or a
clause of any part that names one of those meetings with a frequency ("quarterly health
check", "strategy review every 6 months"). What it says wins over the stored cadence.

Periods start on the first day of a month counted from January (a quarter on 1 January,
1 April, ...), on the dates of the cadence's time zone: at 01:00 on 1 October in Tokyo the
fourth quarter has begun there, while it is still 30 September in New York.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from detente.agreements.models import AgreementVersion
from detente.meetings.models import Cadence, Meeting
from detente.records.models import Alliance

RHYTHMS = {
    # kind of rhythm -> (cadence field, meeting kind, title)
    "health_check": ("health_check_months", Meeting.Kind.HEALTH_CHECK, "Health-check meeting"),
    "operational_review": (
        "operational_months",
        Meeting.Kind.BUSINESS_REVIEW,
        "Operational review",
    ),
    "strategy_review": ("strategy_months", Meeting.Kind.BUSINESS_REVIEW, "Strategy review"),
}
NAMES = {
    "health_check": r"health[- ]?checks?",
    "operational_review": r"operational reviews?|operations reviews?",
    "strategy_review": r"strateg(?:y|ic) reviews?",
}
WORDS = {
    "monthly": 1,
    "quarterly": 3,
    "half-yearly": 6,
    "semi-annual": 6,
    "yearly": 12,
    "annual": 12,
}


@dataclass(frozen=True)
class Rhythm:
    kind: str
    months: int
    from_agreement: bool
    meeting_kind: str
    title: str


def cadence_for(alliance: Alliance) -> Cadence:
    """The alliance's stored cadence, or an unsaved one with the defaults."""
    return Cadence.objects.filter(alliance=alliance).first() or Cadence(alliance=alliance)


def zone(cadence: Cadence) -> ZoneInfo:
    try:
        return ZoneInfo(cadence.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


def parse_agreement(content: dict[str, Any]) -> dict[str, int]:
    """The months of each rhythm an agreement's content states; {} when it states none."""
    found: dict[str, int] = {}
    part = content.get("cadence")
    if isinstance(part, dict):
        for kind in RHYTHMS:
            value = part.get(kind)
            if isinstance(value, int) and value in (1, 3, 6, 12):
                found[kind] = value
    for text in _texts(content):
        low = text.lower()
        for kind, name in NAMES.items():
            if kind in found:
                continue
            for word, months in WORDS.items():
                if re.search(rf"\b{word}\s+(?:{name})\b", low):
                    found[kind] = months
            match = re.search(rf"(?:{name})\D{{0,20}}every\s+(\d+)\s+months?", low)
            if match and int(match.group(1)) in (1, 3, 6, 12):
                found[kind] = int(match.group(1))
    return found


def agreement_terms(alliance: Alliance) -> dict[str, int]:
    """What the joint agreement in force says of the cadence (a joint record: both see it)."""
    version = (
        AgreementVersion.objects.visible_to_side(None)
        .filter(alliance=alliance, status=AgreementVersion.Status.IN_FORCE)
        .order_by("-in_force_at")
        .first()
    )
    return parse_agreement(version.content) if version else {}


def rhythms(alliance: Alliance, cadence: Cadence | None = None) -> list[Rhythm]:
    cadence = cadence or cadence_for(alliance)
    terms = agreement_terms(alliance)
    out = []
    for kind, (field, meeting_kind, title) in RHYTHMS.items():
        months = terms.get(kind, getattr(cadence, field))
        out.append(Rhythm(kind, months, kind in terms, meeting_kind, title))
    return out


def period_start(today: dt.date, months: int) -> dt.date:
    month0 = (today.month - 1) // months * months
    return dt.date(today.year, month0 + 1, 1)


def period_label(start: dt.date, months: int) -> str:
    if months == 1:
        return f"{start:%Y-%m}"
    if months == 12:
        return f"{start.year}"
    if months == 6:
        return f"{start.year}H{(start.month - 1) // 6 + 1}"
    return f"{start.year}Q{(start.month - 1) // 3 + 1}"


def health_period(start: dt.date, plan_kind: str) -> str:
    """The health check's period as the health plan names it (a month, or a quarter)."""
    return (
        f"{start:%Y-%m}" if plan_kind == "month" else f"{start.year}Q{(start.month - 1) // 3 + 1}"
    )


def meeting_start(cadence: Cadence, start: dt.date) -> dt.datetime:
    """The meeting of a period: its first month's meeting day, at the local meeting time."""
    day = start.replace(day=min(cadence.meeting_day, 28))
    return dt.datetime.combine(day, cadence.meeting_time, tzinfo=zone(cadence))


def next_meetings(cadence: Cadence, now: dt.datetime) -> list[tuple[Rhythm, str, dt.datetime]]:
    """For each rhythm, the period that has begun in the cadence's time zone at ``now``:
    (rhythm, period label, when its meeting starts)."""
    today = now.astimezone(zone(cadence)).date()
    out = []
    for rhythm in rhythms(cadence.alliance, cadence):
        start = period_start(today, rhythm.months)
        out.append((rhythm, period_label(start, rhythm.months), meeting_start(cadence, start)))
    return out
