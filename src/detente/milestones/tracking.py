"""A milestone against the KPI's reported values: its history of readings, recomputed with
the realism engine (``detente.analysis.realism.tracking``) whenever a value of its KPI is
saved or deleted, and whenever the milestone itself changes.

Which values. A milestone reads the values of one side (``measured_by``) and only those
every reader of the milestone may see: a joint milestone reads joint values only; a
private one reads joint values and its own side's private ones. So neither the probability
nor the chart of a joint milestone can reveal a value private to either side.

The history. A reading is made at the day before the start (nothing achieved yet, the pace
from the periods measured before) and at the end of every measured period from the start
on, up to the first reading that is met or missed. Achieved counts the periods that begin
on or after the start. The history is recomputed from the values as they stand, so a
corrected value corrects the chart; each reading keeps the engine's input it was made from.
"""

from __future__ import annotations

import datetime as dt
import threading
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from detente.analysis.realism import tracking as engine
from detente.analysis.realism.calendar import WorkCalendar, weekday_numbers
from detente.milestones.models import Milestone, MilestoneReading
from detente.objectives.models import Measurement
from detente.records.visibility import JOINT

DEFAULT_WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def calendar_of(milestone: Milestone) -> dict[str, Any]:
    """The working calendar: its source check's, else Monday to Friday. A joint milestone
    takes the calendar of a joint check only: a private check's inputs stay its side's."""
    check = milestone.source_check if milestone.source_check_id is not None else None
    if check is not None and (
        check.visibility == JOINT
        or (milestone.visibility != JOINT and check.owner_side_id == milestone.owner_side_id)
    ):
        calendar = check.inputs.get("calendar")
        if calendar:
            return dict(calendar)
    return {"weekdays": list(DEFAULT_WEEKDAYS)}


def _work_calendar(calendar: dict[str, Any]) -> WorkCalendar:
    return WorkCalendar(
        weekdays=weekday_numbers(str(d).lower()[:3] for d in calendar.get("weekdays", [])),
        holidays=frozenset(dt.date.fromisoformat(h) for h in calendar.get("holidays", [])),
    )


def values_read(milestone: Milestone) -> list[Measurement]:
    """The measured side's values every reader of the milestone may see, oldest first."""
    found = Measurement.objects.filter(kpi_id=milestone.kpi_id, owner_side=milestone.measured_by_id)
    if milestone.visibility == JOINT:
        found = found.filter(visibility=JOINT)
    else:
        found = found.visible_to_side(milestone.owner_side_id)
    return list(found.order_by("period_start"))


def daily_history(values: list[Measurement], calendar: WorkCalendar, as_of: dt.date) -> list[int]:
    """Each period's value ended by ``as_of``, spread evenly over its working days (whole
    counts that add up to the value: day i gets floor((i+1)T/n) - floor(iT/n))."""
    counts: list[int] = []
    for m in values:
        if m.period_end > as_of:
            continue
        days = calendar.count(m.period_start, m.period_end)
        if days == 0:
            continue
        total = round(Fraction(str(m.value)))
        counts += [(i + 1) * total // days - i * total // days for i in range(days)]
    return counts


def readings(milestone: Milestone, today: dt.date | None = None) -> list[engine.Reading]:
    """The milestone's history, computed from its KPI's values as they stand."""
    today = today or dt.date.today()
    calendar = calendar_of(milestone)
    work = _work_calendar(calendar)
    values = values_read(milestone)
    funnel = [{"name": milestone.kpi.unit or "count"}]
    points = [milestone.start - dt.timedelta(days=1)]
    points += sorted({m.period_end for m in values if milestone.start <= m.period_end <= today})
    out: list[engine.Reading] = []
    for as_of in points:
        achieved = sum(
            round(m.value)
            for m in values
            if m.period_start >= milestone.start and m.period_end <= as_of
        )
        reading = engine.track(
            target=milestone.target,
            achieved=int(achieved),
            as_of=as_of,
            due=milestone.due,
            history=daily_history(values, work, as_of),
            funnel=funnel,
            calendar=calendar,
            confidence=milestone.confidence / 100,
        )
        out.append(reading)
        if reading.status in (engine.MET, engine.MISSED):
            break
    return out


@transaction.atomic
def recompute(milestone: Milestone, today: dt.date | None = None) -> Milestone:
    """Replace the milestone's readings by ``readings`` and copy the latest onto it."""
    found = readings(milestone, today)
    MilestoneReading.objects.filter(milestone=milestone).delete()
    MilestoneReading.objects.bulk_create(
        MilestoneReading(
            milestone=milestone,
            as_of=r.as_of,
            achieved=r.achieved,
            remaining=r.remaining,
            probability=r.probability,
            probability_stderr=r.probability_stderr,
            status=r.status,
            inputs=r.document,
        )
        for r in found
    )
    latest = found[-1]
    Milestone.objects.filter(pk=milestone.pk).update(
        status=latest.status,
        probability=latest.probability,
        achieved=latest.achieved,
        as_of=latest.as_of,
    )
    milestone.status, milestone.probability = latest.status, latest.probability
    milestone.achieved, milestone.as_of = latest.achieved, latest.as_of
    return milestone


def recompute_kpi(kpi_id: int) -> None:
    for milestone in Milestone.objects.filter(kpi_id=kpi_id).select_related("kpi", "source_check"):
        recompute(milestone)


# KPIs whose milestones wait for a recompute once the current transaction commits. An
# import of many values of one KPI registers a callback per value, but only the first one
# to run recomputes (the others find the KPI done), so a KPI is recomputed once per commit.
_waiting = threading.local()


def _pending() -> set[int]:
    if not hasattr(_waiting, "kpis"):
        _waiting.kpis = set()
    found: set[int] = _waiting.kpis
    return found


def _recompute_once(kpi_id: int) -> None:
    if kpi_id in _pending():
        _pending().discard(kpi_id)
        recompute_kpi(kpi_id)


@receiver(post_save, sender=Measurement)
@receiver(post_delete, sender=Measurement)
def _value_changed(sender: Any, instance: Measurement, **kwargs: Any) -> None:
    """A value of a KPI arrived, changed or went: its milestones are recomputed once the
    change is committed (a KPI without milestones costs one query)."""
    kpi_id = instance.kpi_id
    if Milestone.objects.filter(kpi_id=kpi_id).exists():
        _pending().add(kpi_id)
        transaction.on_commit(lambda: _recompute_once(kpi_id))
