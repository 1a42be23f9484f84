"""What the milestone pages show: one function per page builds it for the page and for its
JSON twin. ``milestones`` is the list (``GET .../goals/milestones``), ``milestone`` one
milestone with its history of readings (``GET .../goals/milestones/{pk}``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from detente.milestones.models import Milestone, MilestoneReading
from detente.milestones.services import can_answer, get_milestone, visible_milestones
from detente.records.visibility import AllianceAccess


def summary(milestone: Milestone) -> dict[str, Any]:
    return {
        "id": milestone.pk,
        "title": milestone.title,
        "side_id": milestone.owner_side_id,
        "side": str(milestone.owner_side),
        "visibility": milestone.visibility,
        "kpi_id": milestone.kpi_id,
        "kpi": milestone.kpi.name,
        "unit": milestone.kpi.unit,
        "target": milestone.target,
        "start": milestone.start.isoformat(),
        "due": milestone.due.isoformat(),
        "confidence": milestone.confidence,
        "measured_by_id": milestone.measured_by_id,
        "measured_by": str(milestone.measured_by),
        "state": milestone.state,
        "state_label": milestone.get_state_display(),
        "status": milestone.status,
        "status_label": milestone.get_status_display(),
        "probability": milestone.probability,
        "achieved": milestone.achieved,
        "as_of": milestone.as_of.isoformat() if milestone.as_of else None,
        "source_check_id": milestone.source_check_id,
        "source_phase": milestone.source_phase,
        "notes": milestone.notes,
    }


def reading_row(r: MilestoneReading) -> dict[str, Any]:
    return {
        "as_of": r.as_of.isoformat(),
        "achieved": r.achieved,
        "remaining": r.remaining,
        "probability": r.probability,
        "probability_stderr": r.probability_stderr,
        "status": r.status,
        "inputs": r.inputs,
    }


@dataclass
class Milestones:
    milestones: list[Milestone]

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [summary(m) for m in self.milestones]


@dataclass
class MilestonePage:
    milestone: Milestone
    readings: list[MilestoneReading]
    can_answer: bool

    @property
    def data(self) -> dict[str, Any]:
        return {
            **summary(self.milestone),
            "readings": [reading_row(r) for r in self.readings],
            "can_answer": self.can_answer,
        }


def milestones(access: AllianceAccess) -> Milestones:
    return Milestones(list(visible_milestones(access)))


def milestone(access: AllianceAccess, pk: Any) -> MilestonePage:
    found = get_milestone(access, pk)
    return MilestonePage(found, list(found.readings.all()), can_answer(access, found))
