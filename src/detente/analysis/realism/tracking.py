"""Tracking a milestone against actuals: how likely the rest of it is, as values arrive.

A milestone is a target count of a KPI between a start and a due date. At a date ``as_of``
(the end of the last measured period) part of it is achieved; the question for the realism
engine is the rest: ``target - achieved`` more between the day after ``as_of`` and the due
date, at the pace the daily history shows. ``document`` writes that question in the
engine's own file format, so ``detente realism FILE`` answers it the same; ``track`` runs it
and reads a status from the answer:

- ``met``: the achieved count has reached the target (whatever the date);
- ``missed``: the measured periods reach the due date and the target was not reached;
- ``on_track``: the rest is at least ``confidence`` likely;
- ``at_risk``: it is less likely than that;
- ``waiting``: no daily history yet, so there is nothing to compute a pace from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .analysis import analyse

MET, MISSED, ON_TRACK, AT_RISK, WAITING = "met", "missed", "on_track", "at_risk", "waiting"


@dataclass(frozen=True)
class Reading:
    as_of: dt.date
    achieved: int
    remaining: int
    probability: float | None
    probability_stderr: float
    status: str
    document: dict[str, Any] | None  # the engine's input, None when no engine call was needed

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "achieved": self.achieved,
            "remaining": self.remaining,
            "probability": self.probability,
            "probability_stderr": self.probability_stderr,
            "status": self.status,
        }


def document(
    *,
    target: int,
    achieved: int,
    as_of: dt.date,
    due: dt.date,
    history: list[int],
    funnel: list[dict[str, Any]],
    calendar: dict[str, Any] | None = None,
    confidence: float = 0.8,
) -> dict[str, Any]:
    """The realism document of what is left of a milestone at ``as_of``."""
    doc: dict[str, Any] = {
        "target": target - achieved,
        "start": (as_of + dt.timedelta(days=1)).isoformat(),
        "deadline": due.isoformat(),
        "confidence": confidence,
        "funnel": funnel,
        "history": list(history),
        "activity": "poisson",
    }
    if calendar:
        doc["calendar"] = calendar
    return doc


def track(
    *,
    target: int,
    achieved: int,
    as_of: dt.date,
    due: dt.date,
    history: list[int],
    funnel: list[dict[str, Any]],
    calendar: dict[str, Any] | None = None,
    confidence: float = 0.8,
    seed: int = 0,
) -> Reading:
    """The milestone's probability and status at ``as_of`` (see the module's docstring)."""
    remaining = max(target - achieved, 0)
    if remaining == 0:
        return Reading(as_of, achieved, 0, 1.0, 0.0, MET, None)
    if as_of >= due:
        return Reading(as_of, achieved, remaining, 0.0, 0.0, MISSED, None)
    if not history:
        return Reading(as_of, achieved, remaining, None, 0.0, WAITING, None)
    doc = document(
        target=target,
        achieved=achieved,
        as_of=as_of,
        due=due,
        history=history,
        funnel=funnel,
        calendar=calendar,
        confidence=confidence,
    )
    result = analyse(doc, seed=seed)
    p = float(result["probability"])
    status = ON_TRACK if p >= confidence else AT_RISK
    return Reading(as_of, achieved, remaining, p, float(result["probability_stderr"]), status, doc)
