"""The progress digest: a joint summary of one month for both sides.

What moved in the month, the KPIs against their targets, the commitments due in the month
kept and late, the decisions taken and the next meeting. It is built from JOINT records
only (read as nobody's side, like a joint meeting's agenda), whoever reads it, so it can go
to both sides' managers unchanged. A monthly job sends it once per month and alliance
(``ProgressDigest`` marks a month as sent).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone

from detente.agreements.models import AgreementVersion
from detente.commitments.models import Commitment
from detente.conflicts.models import Conflict
from detente.decisions.models import Decision
from detente.health.models import Cycle
from detente.meetings.models import Meeting
from detente.objectives.models import KPI, Measurement, Objective
from detente.records.models import Alliance

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Month:
    start: dt.date
    end: dt.date  # the last day, included

    @property
    def label(self) -> str:
        return f"{self.start:%Y-%m}"

    @property
    def title(self) -> str:
        return f"{self.start:%B %Y}"

    @classmethod
    def of(cls, day: dt.date) -> Month:
        start = day.replace(day=1)
        following = (start + dt.timedelta(days=32)).replace(day=1)
        return cls(start, following - dt.timedelta(days=1))

    @classmethod
    def parse(cls, text: str) -> Month:
        match = MONTH.match(text.strip())
        if not match:
            raise ValueError("Give the month as YYYY-MM, e.g. 2026-11.")
        return cls.of(dt.date(int(match.group(1)), int(match.group(2)), 1))

    def previous(self) -> Month:
        return Month.of(self.start - dt.timedelta(days=1))


def last_month(today: dt.date | None = None) -> Month:
    return Month.of(today or timezone.localdate()).previous()


@dataclass
class Digest:
    alliance: str
    month: Month
    moved: list[dict[str, Any]] = field(default_factory=list)
    kpis: list[dict[str, Any]] = field(default_factory=list)
    kept: list[dict[str, Any]] = field(default_factory=list)
    done_late: list[dict[str, Any]] = field(default_factory=list)
    late: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    next_meeting: dict[str, Any] | None = None

    @property
    def data(self) -> dict[str, Any]:
        return {
            "alliance": self.alliance,
            "month": self.month.label,
            "from": self.month.start,
            "to": self.month.end,
            "moved": self.moved,
            "kpis": self.kpis,
            "commitments": {
                "kept": self.kept,
                "done_late": self.done_late,
                "late": self.late,
            },
            "decisions": self.decisions,
            "next_meeting": self.next_meeting,
        }

    def text(self) -> str:
        """The digest in a few lines, for the notification and its email."""
        lines = [f"Progress of {self.alliance} in {self.month.title}:"]
        lines.append(
            f"{len(self.kept)} commitment(s) kept on time, {len(self.done_late)} done late, "
            f"{len(self.late)} still late; {len(self.decisions)} decision(s) taken; "
            f"{len(self.moved)} change(s)."
        )
        if self.next_meeting:
            lines.append(
                f"Next meeting: {self.next_meeting['title']} on {self.next_meeting['on']}."
            )
        return " ".join(lines)


def _joint(model: Any, alliance: Alliance) -> Any:
    """The alliance's joint records of ``model``: what both sides see."""
    return model.objects.visible_to_side(None).filter(alliance=alliance)


def _in(value: Any, month: Month) -> bool:
    if value is None:
        return False
    day = timezone.localdate(value) if isinstance(value, dt.datetime) else value
    return bool(month.start <= day <= month.end)


def _url(name: str, alliance: Alliance, *args: Any) -> str:
    return reverse(name, args=[alliance.pk, *args])


def build(alliance: Alliance, month: Month, now: dt.datetime | None = None) -> Digest:
    now = now or timezone.now()
    digest = Digest(str(alliance), month)
    commitments = _joint(Commitment, alliance).select_related("owed_by__organisation")
    ledger = _url("commitments_home", alliance)
    for c in commitments.filter(due_date__range=(month.start, month.end)):
        row = {
            "title": c.title,
            "owed_by": str(c.owed_by),
            "due_date": c.due_date,
            "done_on": c.done_on,
            "url": f"{ledger}#commitment-{c.pk}",
        }
        if c.status == Commitment.Status.DONE and c.done_on and c.done_on <= c.due_date:
            digest.kept.append(row)
        elif c.status == Commitment.Status.DONE:
            digest.done_late.append(row)
        elif c.status in (Commitment.Status.OPEN, Commitment.Status.DISPUTED):
            digest.late.append(row)

    def moved(on: Any, what: str, url: str) -> None:
        day = timezone.localdate(on) if isinstance(on, dt.datetime) else on
        digest.moved.append({"on": day, "what": what, "url": url})

    for c in commitments.filter(done_on__range=(month.start, month.end)):
        moved(c.done_on, f"Commitment done: {c.title} ({c.owed_by})", f"{ledger}#commitment-{c.pk}")
    for k in _joint(Conflict, alliance):
        url = _url("conflict_detail", alliance, k.pk)
        if _in(k.opened_on, month):
            moved(k.opened_on, f"Conflict opened: {k.title}", url)
        if _in(k.closed_at, month):
            moved(k.closed_at, f"Conflict {k.get_status_display().lower()}: {k.title}", url)
    for cycle in _joint(Cycle, alliance):
        if _in(cycle.closed_at, month):
            url = _url("cycle_detail", alliance, cycle.pk)
            moved(cycle.closed_at, f"Health check {cycle.period} closed", url)
    for v in _joint(AgreementVersion, alliance).filter(in_force_at__isnull=False):
        if _in(v.in_force_at, month):
            moved(v.in_force_at, f"Agreement in force: {v.title}", _url("agreement_home", alliance))
    meetings = _joint(Meeting, alliance).order_by("starts_at", "id")
    for m in meetings:
        if _in(m.starts_at, month) and m.starts_at <= now:
            url = _url("meeting_detail", alliance, m.pk)
            moved(m.starts_at, f"Meeting held: {m.title}", url)
            for line in m.decision_lines:
                digest.decisions.append({"decision": line, "where": m.title, "url": url})
    for d in _joint(Decision, alliance):
        if _in(d.created_at, month):
            digest.decisions.append(
                {
                    "decision": d.title,
                    "where": "Decisions",
                    "url": _url("decision_detail", alliance, d.pk),
                }
            )
    digest.moved.sort(key=lambda r: (r["on"], r["what"]))

    objectives = _joint(Objective, alliance)
    values = _joint(Measurement, alliance).select_related("owner_side__organisation")
    for kpi in KPI.objects.filter(objective__in=objectives).order_by("name", "id"):
        latest = values.filter(kpi=kpi).order_by("-period", "owner_side_id").first()
        target = float(kpi.target)
        value = float(latest.value) if latest else None
        digest.kpis.append(
            {
                "name": kpi.name,
                "unit": kpi.unit,
                "target": target,
                "deadline": kpi.deadline,
                "latest": value,
                "period": latest.period if latest else None,
                "reported_by": str(latest.owner_side) if latest else None,
                "share_of_target": round(value / target * 100)
                if value is not None and target
                else None,
                "url": _url("kpi_detail", alliance, kpi.pk),
            }
        )

    upcoming = meetings.filter(starts_at__gte=now).first()
    if upcoming is not None:
        digest.next_meeting = {
            "title": upcoming.title,
            "kind": upcoming.get_kind_display(),
            "starts_at": upcoming.starts_at,
            "on": f"{timezone.localtime(upcoming.starts_at):%d %b %Y %H:%M}",
            "url": _url("meeting_detail", alliance, upcoming.pk),
        }
    return digest
