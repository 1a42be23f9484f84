"""What the milestone pages show: one function per page builds it for the page and for its
JSON twin. ``milestones`` is the list (``GET .../goals/milestones``), ``milestone`` one
milestone with its history of readings (``GET .../goals/milestones/{pk}``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from detente.goals.models import RealismCheck
from detente.milestones.models import Milestone, MilestoneReading
from detente.milestones.services import can_answer, get_milestone, visible_milestones
from detente.records.visibility import AllianceAccess


def summary(milestone: Milestone, checks_seen: set[int] | None = None) -> dict[str, Any]:
    # The realism check a milestone came from, only for a reader who may see that check (a
    # draft made from a private check and then shared must not point the partner at it).
    source = (
        milestone.source_check_id if milestone.source_check_id in (checks_seen or set()) else None
    )
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
        "source_check_id": source,
        "source_phase": milestone.source_phase if source else "",
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
    checks_seen: set[int]

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [summary(m, self.checks_seen) for m in self.milestones]


@dataclass
class MilestonePage:
    milestone: Milestone
    readings: list[MilestoneReading]
    can_answer: bool
    checks_seen: set[int]

    @property
    def data(self) -> dict[str, Any]:
        return {
            **summary(self.milestone, self.checks_seen),
            "readings": [reading_row(r) for r in self.readings],
            "can_answer": self.can_answer,
        }


def _checks_seen(access: AllianceAccess, found: list[Milestone]) -> set[int]:
    ids = {m.source_check_id for m in found if m.source_check_id is not None}
    return set(access.records(RealismCheck).filter(pk__in=ids).values_list("pk", flat=True))


def milestones(access: AllianceAccess) -> Milestones:
    found = list(visible_milestones(access))
    return Milestones(found, _checks_seen(access, found))


def milestone(access: AllianceAccess, pk: Any) -> MilestonePage:
    found = get_milestone(access, pk)
    return MilestonePage(
        found, list(found.readings.all()), can_answer(access, found), _checks_seen(access, [found])
    )
