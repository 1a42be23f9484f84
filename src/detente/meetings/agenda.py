"""The agenda of a meeting, generated from the alliance's data by a registry of sources.

A source is a function ``(alliance, reader, joint_only) -> list[Item]``. The reader is the
visibility rule as one side sees it (``joint_only``: as nobody's side, joint records only),
so the generator, not the template, decides what may appear: a joint meeting's agenda is
built from joint records only, whoever organises it, and a side's preparation meeting from
joint records and that side's own private ones, never the other side's.

Another app adds a source from its ``AppConfig.ready``::

    from detente.meetings.agenda import agenda_source

    @agenda_source("milestone")
    def milestones_at_risk(alliance, reader, joint_only): ...
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from detente.commitments.models import Commitment
from detente.conflicts.dialogue import OPEN_QUESTIONS, SOURCE_QUESTIONS
from detente.conflicts.models import Conflict
from detente.differences.models import Difference
from detente.health import scorecard
from detente.health.models import Alert, Measure
from detente.health.warning import label as alert_label
from detente.objectives.models import Measurement, Objective
from detente.records.models import Alliance


@dataclass(frozen=True)
class Item:
    source: str
    title: str
    detail: str = ""
    url: str = ""


@dataclass(frozen=True)
class Reader:
    """The visibility rule as a member of ``side_id`` sees it (joint records only when None)."""

    alliance: Alliance
    side_id: int | None
    on: dt.date  # the meeting's date: what is overdue or due for review by then

    def records(self, model: Any) -> QuerySet[Any]:
        return model.objects.visible_to_side(self.side_id).filter(alliance=self.alliance)


Source = Callable[[Alliance, Reader, bool], list[Item]]
SOURCES: dict[str, Source] = {}


def agenda_source(name: str) -> Callable[[Source], Source]:
    def register(fn: Source) -> Source:
        SOURCES[name] = fn
        return fn

    return register


def generate(reader: Reader) -> list[Item]:
    """Every source's items, in the order the sources were registered."""
    joint_only = reader.side_id is None
    return [item for fn in SOURCES.values() for item in fn(reader.alliance, reader, joint_only)]


def _url(name: str, alliance: Alliance, *args: Any) -> str:
    return reverse(name, args=[alliance.pk, *args])


@agenda_source("alert")
def warnings_and_alerts(alliance: Alliance, reader: Reader, joint_only: bool) -> list[Item]:
    since = reader.on - dt.timedelta(days=120)
    alerts = reader.records(Alert).filter(
        severity__gte=Alert.Severity.WARNING, last_seen_at__date__gte=since
    )
    return [
        Item(
            "alert",
            f"{a.get_severity_display()}: {alert_label(a)} ({a.period})",
            f"Evidence: {a.evidence}\nNext step: {a.next_step}".strip(),
            _url("health_alerts", alliance),
        )
        for a in alerts[:10]
    ]


# A perception gap worth a conversation: a point on a 1–5 score, ten points on a percentage.
GAP_WORTH_DISCUSSING: dict[str, float] = {Measure.Scale.SCORE.value: 1.0}
GAP_WORTH_DISCUSSING_PERCENT = 10.0


@agenda_source("perception_gap")
def perception_gaps(alliance: Alliance, reader: Reader, joint_only: bool) -> list[Item]:
    card = scorecard.build_from(
        alliance, list(alliance.sides.select_related("organisation")), reader.records
    )
    if card.gap_sides is None:
        return []
    items = []
    for cycle in reversed(card.cycles):
        gaps = []
        for measure in card.measures:
            gap = card.gap(cycle, measure)
            limit = GAP_WORTH_DISCUSSING.get(measure.scale, GAP_WORTH_DISCUSSING_PERCENT)
            if gap.value is not None and abs(gap.value) >= limit:
                note = scorecard.gap_note(gap, card.gap_sides, measure)
                gaps.append((measure, note))
        if gaps or any(card.gap(cycle, m).value is not None for m in card.measures):
            for measure, note in gaps:
                items.append(
                    Item(
                        "perception_gap",
                        f"Perception gap on {measure.label} ({cycle.period})",
                        note,
                        _url("cycle_detail", alliance, cycle.pk),
                    )
                )
            break  # the latest cycle with answers on both sides
    return items


@agenda_source("commitment")
def overdue_commitments(alliance: Alliance, reader: Reader, joint_only: bool) -> list[Item]:
    owed = reader.records(Commitment).filter(
        status__in=[Commitment.Status.OPEN, Commitment.Status.DISPUTED], due_date__lt=reader.on
    )
    today = timezone.localdate()
    return [
        Item(
            "commitment",
            f"{'Overdue' if c.due_date < today else 'Due before the meeting'}: {c.title} "
            f"(owed by {c.owed_by}, due {c.due_date:%d %b %Y})",
            c.description,
            _url("commitments_home", alliance) + f"#commitment-{c.pk}",
        )
        for c in owed.select_related("owed_by__organisation")[:15]
    ]


@agenda_source("kpi")
def kpi_discrepancies(alliance: Alliance, reader: Reader, joint_only: bool) -> list[Item]:
    """Two sides' values of one KPI for one period that differ beyond its tolerance."""
    values = (
        reader.records(Measurement)
        .filter(kpi__objective__in=reader.records(Objective))
        .select_related("kpi", "owner_side__organisation")
        .order_by("kpi_id", "period", "owner_side_id")
    )
    grouped: dict[tuple[int, str], list[Measurement]] = defaultdict(list)
    for m in values:
        grouped[(m.kpi_id, m.period)].append(m)
    items = []
    for (_, period), found in grouped.items():
        by_side = {m.owner_side_id: m for m in found}
        if len(by_side) < 2:
            continue
        a, b = list(by_side.values())[:2]
        kpi = a.kpi
        if abs(a.value - b.value) > kpi.allowed_gap(a.value, b.value):
            items.append(
                Item(
                    "kpi",
                    f"KPI discrepancy: {kpi.name} {period}",
                    f"{a.owner_side} reports {a.value.normalize()} {kpi.unit}, "
                    f"{b.owner_side} reports {b.value.normalize()} {kpi.unit} "
                    f"(tolerance {kpi.tolerance_text()}).",
                    _url("kpi_detail", alliance, kpi.pk),
                )
            )
    return items


@agenda_source("conflict")
def open_conflicts(alliance: Alliance, reader: Reader, joint_only: bool) -> list[Item]:
    items = []
    conflicts = reader.records(Conflict).filter(status__in=Conflict.ACTIVE_STATUSES)
    for c in conflicts.prefetch_related("steps"):
        step = c.current_step
        where = f"ladder step {step.number}: {step.name}" if step else "not on the ladder yet"
        items.append(
            Item(
                "conflict",
                f"Open conflict: {c.title} ({c.get_status_display().lower()}, {where})",
                c.decision_asked or c.description,
                _url("conflict_detail", alliance, c.pk),
            )
        )
    return items


@agenda_source("difference")
def differences_due(alliance: Alliance, reader: Reader, joint_only: bool) -> list[Item]:
    due = reader.records(Difference).filter(review_date__lte=reader.on)
    return [
        Item(
            "difference",
            f"Difference due for review: {d.title}",
            d.management,
            _url("difference_detail", alliance, d.pk),
        )
        for d in due
    ]


@agenda_source("questions")
def dialogue_questions(alliance: Alliance, reader: Reader, joint_only: bool) -> list[Item]:
    """The dialogue kit's open questions, with the ones the open conflicts' sources ask."""
    conflicts = list(reader.records(Conflict).filter(status__in=Conflict.ACTIVE_STATUSES))
    if not conflicts:
        return []
    asked = [SOURCE_QUESTIONS[c.source] for c in conflicts if c.source in SOURCE_QUESTIONS]
    questions = list(dict.fromkeys(asked + OPEN_QUESTIONS))
    return [
        Item(
            "questions",
            "Open questions for the dialogue",
            "\n".join(f"- {q}" for q in questions),
            _url("conflict_dialogue", alliance, conflicts[0].pk),
        )
    ]
