"""What the meetings pages show: one function per page, returned by its JSON twin too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from detente.commitments.models import Commitment
from detente.meetings import cadence
from detente.meetings import digest as progress
from detente.meetings.cadence import Rhythm
from detente.meetings.digest import Digest
from detente.meetings.models import AgendaItem, Cadence, Meeting, MeetingAction, ProgressDigest
from detente.records.visibility import JOINT, AllianceAccess


def meeting_row(m: Meeting) -> dict[str, Any]:
    return {
        "id": m.pk,
        "side_id": m.owner_side_id,
        "visibility": m.visibility,
        "kind": m.kind,
        "kind_label": m.get_kind_display(),
        "title": m.title,
        "starts_at": m.starts_at,
        "ends_at": m.ends_at,
        "duration_minutes": m.duration_minutes,
        "location": m.location,
        "purpose": m.purpose,
        "scheduled_by_cadence": bool(m.cadence_key),
        "cycle_id": m.cycle_id,
    }


@dataclass
class Home:
    upcoming: list[Meeting]
    past: list[Meeting]
    rhythms: list[Rhythm]
    cadence: Cadence

    @property
    def data(self) -> dict[str, Any]:
        return {
            "upcoming": [meeting_row(m) for m in self.upcoming],
            "past": [meeting_row(m) for m in self.past],
            "cadence": cadence_data(self.cadence, self.rhythms),
        }


def cadence_data(stored: Cadence, rhythms: list[Rhythm]) -> dict[str, Any]:
    return {
        "rhythms": [
            {"kind": r.kind, "every_months": r.months, "from_agreement": r.from_agreement}
            for r in rhythms
        ],
        "time_zone": stored.time_zone,
        "meeting_day": stored.meeting_day,
        "meeting_time": stored.meeting_time.strftime("%H:%M"),
        "active": stored.active,
    }


def home(access: AllianceAccess) -> Home:
    meetings = list(access.records(Meeting).select_related("owner_side__organisation"))
    now = timezone.now()
    stored = cadence.cadence_for(access.alliance)
    return Home(
        upcoming=sorted((m for m in meetings if m.ends_at >= now), key=lambda m: m.starts_at),
        past=[m for m in meetings if m.ends_at < now],
        rhythms=cadence.rhythms(access.alliance, stored),
        cadence=stored,
    )


@dataclass
class CadencePage:
    cadence: Cadence
    rhythms: list[Rhythm]

    @property
    def data(self) -> dict[str, Any]:
        return cadence_data(self.cadence, self.rhythms)


def cadence_page(access: AllianceAccess) -> CadencePage:
    stored = cadence.cadence_for(access.alliance)
    return CadencePage(stored, cadence.rhythms(access.alliance, stored))


@dataclass
class Detail:
    meeting: Meeting
    items: list[AgendaItem]
    attendees: list[Any]
    actions: list[tuple[MeetingAction, Commitment]]
    alliance: str

    @property
    def data(self) -> dict[str, Any]:
        m = self.meeting
        return meeting_row(m) | {
            "attendees": [
                {"id": u.pk, "name": u.full_name or u.email, "side": side}
                for u, side in self.attendees
            ],
            "agenda": [
                {
                    "id": i.pk,
                    "position": i.position,
                    "source": i.source,
                    "title": i.title,
                    "detail": i.detail,
                    "url": i.url,
                    "minutes": i.minutes,
                }
                for i in self.items
            ],
            "decisions": m.decision_lines,
            "actions": [
                {
                    "id": a.pk,
                    "commitment_id": c.pk,
                    "title": c.title,
                    "owed_by_side_id": c.owed_by_id,
                    "owner": (a.owner.full_name or a.owner.email) if a.owner else None,
                    "due_date": c.due_date,
                    "status": c.display_status,
                }
                for a, c in self.actions
            ],
        }


def meeting(access: AllianceAccess, pk: Any) -> Detail:
    """A meeting the reader may see (else 404), with what of it the reader may see."""
    found = access.get_record(Meeting, pk)
    items = list(access.records(AgendaItem).filter(meeting=found))
    commitments = {c.pk: c for c in access.records(Commitment).select_related("owed_by")}
    actions = [
        (a, commitments[a.commitment_id])
        for a in access.records(MeetingAction).filter(meeting=found).select_related("owner")
        if a.commitment_id in commitments
    ]
    sides = {s.organisation_id: str(s) for s in access.sides}
    attendees = []
    for person in found.attendees.prefetch_related("memberships").order_by("full_name", "email"):
        side = next(
            (
                sides[m.organisation_id]
                for m in person.memberships.all()
                if m.organisation_id in sides
            ),
            "",
        )
        attendees.append((person, side))
    return Detail(found, items, attendees, actions, str(access.alliance))


@dataclass
class DigestPage:
    digest: Digest
    sent: list[ProgressDigest]
    months: list[str]

    @property
    def data(self) -> dict[str, Any]:
        return self.digest.data | {
            "sent": [{"month": d.period, "sent_at": d.sent_at} for d in self.sent],
        }


def digest(access: AllianceAccess, month: str | None = None) -> DigestPage:
    """A month's progress digest (last month by default), from joint records only, the
    same for both sides; ValueError names a month not given as YYYY-MM."""
    chosen = progress.Month.parse(month) if month else progress.last_month()
    sent = list(access.records(ProgressDigest).filter(visibility=JOINT))
    built = progress.build(access.alliance, chosen)
    recent, m = [], progress.Month.of(timezone.localdate())
    for _ in range(6):
        m = m.previous()
        recent.append(m.label)
    return DigestPage(built, sent, recent)
