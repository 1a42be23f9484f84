"""What goal realism shows: one function per page builds it for the page and for its JSON twin.

``goals`` is the alliance's checks and KPIs (the goals page and ``GET .../goals/checks``);
``check`` is one check's page and ``GET .../goals/checks/{pk}``; ``kpi_realism`` is a KPI's
realism page and ``GET .../goals/kpis/{kpi_id}/trend``.

``check_payload`` returns the saved inputs, the engine's result exactly as the engine gave it
(the numbers `detente realism FILE --json --seed N` prints), the data of every chart, and the
trend of the probability across the checks of the same KPI that the user may see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any

from detente.goals import questions
from detente.goals.forms import trend_initial
from detente.goals.models import RealismCheck
from detente.goals.services import get_check, get_kpi, visible_checks
from detente.objectives.forms import visible_kpis
from detente.objectives.models import KPI
from detente.records.visibility import AllianceAccess


def _stage_rate(stage: dict[str, Any]) -> Fraction:
    if "rate" in stage:
        return Fraction(str(stage["rate"]))
    return Fraction(stage["observed"]["successes"], stage["observed"]["trials"])


def funnel_chart(check: RealismCheck) -> dict[str, Any]:
    """Required versus current volume per working day, stage by stage.

    Today's volume of a later stage is today's activity times the rates up to that stage.
    """
    result = check.result
    funnel = check.inputs["funnel"]
    pace = result["current_pace"]
    current, rate = [], Fraction(1)
    for i, stage in enumerate(funnel):
        if i:
            rate *= _stage_rate(stage)
        current.append(pace * float(rate))
    required = result["required"]
    return {
        "labels": [r["stage"] for r in required],
        "required_per_day": [r["per_working_day"] for r in required],
        "current_per_day": current,
        "required_total": [r["total_whole"] for r in required],
        "reach_by": [r["reach_by"] for r in required],
    }


def outcomes_chart(check: RealismCheck) -> dict[str, Any]:
    bins = check.result["outcome_histogram"]
    return {
        "labels": [
            f"{b['from']}–{b['to']}" if b["to"] != b["from"] else str(b["from"]) for b in bins
        ],
        "from": [b["from"] for b in bins],
        "to": [b["to"] for b in bins],
        "probability": [b["probability"] for b in bins],
        "target": check.result["target"],
        "realistic_target": check.result["realistic_target"],
    }


def phases_chart(check: RealismCheck) -> dict[str, Any] | None:
    phases = check.result.get("phases")
    if not phases:
        return None
    asked, proposed = phases["milestones"], phases["proposed"]["milestones"]
    return {
        "labels": [m["phase"] for m in asked],
        "ends": [m["end"] for m in asked],
        "asked": [m["cumulative_target"] for m in asked],
        "asked_probability": [m["probability"] for m in asked],
        "proposed": [m["cumulative_target"] for m in proposed],
        "proposed_probability": [m["probability"] for m in proposed],
    }


def trend(access: AllianceAccess, kpi_id: int) -> list[dict[str, Any]]:
    """The probability of every check of this KPI the user may see, oldest first."""
    checks = visible_checks(access).filter(kpi_id=kpi_id).order_by("created_at", "id")
    return [
        {
            "id": c.pk,
            "date": c.created_at.date().isoformat(),
            "target": c.target,
            "deadline": c.deadline.isoformat(),
            "probability": c.probability,
            "probability_stderr": c.probability_stderr,
            "visibility": c.visibility,
        }
        for c in checks
    ]


def check_summary(check: RealismCheck) -> dict[str, Any]:
    return {
        "id": check.pk,
        "kpi_id": check.kpi_id,
        "kpi": check.kpi.name,
        "objective_id": check.kpi.objective_id,
        "side_id": check.owner_side_id,
        "visibility": check.visibility,
        "created_at": check.created_at.isoformat(),
        "target": check.target,
        "deadline": check.deadline.isoformat(),
        "probability": check.probability,
        "probability_stderr": check.probability_stderr,
        "realistic_target": check.result["realistic_target"],
        "realistic_date": check.result["realistic_date"],
    }


def check_payload(access: AllianceAccess, check: RealismCheck) -> dict[str, Any]:
    """Everything the check's page shows, as JSON-ready data (the page and the API share it)."""
    return {
        **check_summary(check),
        "unit": check.kpi.unit,
        "objective": check.kpi.objective.title,
        "notes": check.notes,
        "seed": check.seed,
        "inputs": check.inputs,
        "history_note": check.history_note,
        "measurement_ids": check.measurement_ids,
        "result": check.result,
        "charts": {
            "funnel": funnel_chart(check),
            "outcomes": outcomes_chart(check),
            "phases": phases_chart(check),
            "trend": trend(access, check.kpi_id),
        },
    }


@dataclass
class Goals:
    checks: list[RealismCheck]  # newest first
    # each visible KPI with its latest check and the question it gets ("funnel" or "trend")
    kpis: list[tuple[KPI, RealismCheck | None, str]]

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [check_summary(c) for c in self.checks]


@dataclass
class Check:
    check: RealismCheck
    data: dict[str, Any]  # ``check_payload``


def goals(access: AllianceAccess) -> Goals:
    """The checks the user may see, and the visible KPIs each with its latest check."""
    checks = list(visible_checks(access))
    kpis = list(
        visible_kpis(access)
        .select_related("objective__owner_side__organisation")
        .order_by("objective__title", "name")
    )
    latest: dict[int, RealismCheck] = {}
    for c in checks:  # newest first
        latest.setdefault(c.kpi_id, c)
    return Goals(
        checks=checks,
        kpis=[(kpi, latest.get(kpi.pk), questions.question(kpi)) for kpi in kpis],
    )


def check(access: AllianceAccess, pk: Any) -> Check:
    """A check the user may see (else 404), with everything its page shows."""
    found = get_check(access, pk)
    return Check(check=found, data=check_payload(access, found))


class KPIRealism:
    """A KPI's realism page and ``GET .../goals/kpis/{kpi_id}/trend``: the KPI (else 404),
    the checks of it the user may see, the trend form's starting values and the trend
    check's answer (nothing saved). Each part is read lazily and at most once."""

    def __init__(self, access: AllianceAccess, kpi_id: Any) -> None:
        self.access = access
        self.kpi = get_kpi(access, kpi_id)

    @cached_property
    def checks(self) -> list[RealismCheck]:
        return list(visible_checks(self.access).filter(kpi=self.kpi))

    @property
    def is_trend(self) -> bool:
        """A level, rate or duration KPI: the trend check answers, not the funnel's."""
        return questions.question(self.kpi) == questions.TREND

    @cached_property
    def initial(self) -> dict[str, Any]:
        return trend_initial(self.access, self.kpi)

    def answer(
        self, side: Any, *, target: float, deadline: dt.date, confidence: float
    ) -> dict[str, Any]:
        return questions.run_trend(
            self.access, self.kpi, side, target=target, deadline=deadline, confidence=confidence
        )


def kpi_realism(access: AllianceAccess, kpi_id: Any) -> KPIRealism:
    return KPIRealism(access, kpi_id)
