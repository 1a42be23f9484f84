"""Commitment adherence: the share of commitments due in a period that were done on time.

Pure Python (no Django), so the health-check engine can use it as "resource commitment
adherence %". The rule, per side and period:

* due: commitments owed by the side whose due date falls in the period (both ends
  included), except waived ones (a waiver releases the commitment), and except those whose
  due date is still in the future on ``today`` and that are not done yet (not yet decided);
* done on time: of those, the ones with status done and a done date on or before the due
  date;
* adherence = done on time / due, or None when nothing was due (no data is not 0 %).

A disputed commitment counts as due and not done: the side has not delivered what the
other side expected.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from detente.objectives.periods import Period

DONE = "done"
WAIVED = "waived"

Owner = TypeVar("Owner", bound=Hashable)  # whatever names a side: its id, its label


@dataclass(frozen=True)
class Facts(Generic[Owner]):
    """What adherence needs of one commitment."""

    owed_by: Owner
    due_date: date
    status: str
    done_on: date | None = None


@dataclass(frozen=True)
class Point:
    period: str
    due: int
    on_time: int

    @property
    def share(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def percent(self) -> float | None:
        share = self.share
        return None if share is None else round(100 * share, 1)


def counts(commitment: Facts[Owner], period: Period, today: date) -> tuple[bool, bool]:
    """(counts as due in the period, done on time) for one commitment."""
    if not (period.start <= commitment.due_date <= period.end):
        return False, False
    if commitment.status == WAIVED:
        return False, False
    on_time = (
        commitment.status == DONE
        and commitment.done_on is not None
        and commitment.done_on <= commitment.due_date
    )
    if commitment.due_date >= today and not on_time:
        return False, False  # not due yet (the due date is today or later): undecided
    return True, on_time


def adherence(
    commitments: Iterable[Facts[Owner]], periods: Sequence[Period], today: date
) -> dict[Owner, list[Point]]:
    """Adherence per side (``owed_by``) and period, in the order of ``periods``."""
    items = list(commitments)
    sides = list(dict.fromkeys(c.owed_by for c in items))
    out: dict[Owner, list[Point]] = {}
    for side in sides:
        mine = [c for c in items if c.owed_by == side]
        points = []
        for period in periods:
            due = on_time = 0
            for c in mine:
                is_due, done = counts(c, period, today)
                due += is_due
                on_time += is_due and done
            points.append(Point(period.label, due, on_time))
        out[side] = points
    return out
