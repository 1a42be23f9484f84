"""Saving, accepting and deleting milestones, and making them from a realism check's phased
plan. Each change is one transaction with one audit entry; the readings are recomputed in
the same transaction (they are derived from the values, so they have no audit entry)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models, transaction
from django.http import Http404
from django.utils import timezone
from ninja.errors import HttpError

from detente import audit
from detente.goals.models import RealismCheck
from detente.milestones import tracking
from detente.milestones.forms import MilestoneForm
from detente.milestones.models import Milestone
from detente.objectives.forms import visible_kpis
from detente.records import services
from detente.records.api import FormInvalid
from detente.records.models import Visibility
from detente.records.visibility import AllianceAccess


def visible_milestones(access: AllianceAccess) -> models.QuerySet[Milestone]:
    """Milestones the user may see, of KPIs the user may see (a milestone of an objective
    made private after it was agreed disappears for the other side with its objective)."""
    return (
        access.records(Milestone)
        .filter(kpi__in=visible_kpis(access))
        .select_related("kpi__objective", "owner_side__organisation", "measured_by__organisation")
    )


def get_milestone(access: AllianceAccess, pk: Any, *, write: bool = False) -> Milestone:
    milestone = access.get_record(Milestone, pk, write=write)
    if not visible_kpis(access).filter(pk=milestone.kpi_id).exists():
        raise Http404("No such milestone.")
    return milestone


@transaction.atomic
def save(access: AllianceAccess, form: MilestoneForm, *, before: dict | None = None) -> Milestone:
    milestone: Milestone = services.save_form(access, form, before=before)
    return tracking.recompute(milestone)


def can_answer(access: AllianceAccess, milestone: Milestone) -> bool:
    """A writer of the other side may accept or decline a proposed joint milestone."""
    return milestone.state == Milestone.State.PROPOSED and any(
        side_id != milestone.owner_side_id for side_id in access.writable_side_ids
    )


@transaction.atomic
def answer(access: AllianceAccess, milestone: Milestone, *, accept: bool) -> Milestone:
    """The other side accepts (agreed) or declines a proposed milestone; 409 otherwise."""
    if milestone.state != Milestone.State.PROPOSED:
        raise HttpError(
            409, f"The milestone is {milestone.get_state_display().lower()}, not proposed."
        )
    if not can_answer(access, milestone):
        raise HttpError(403, "Only the other side may accept or decline a milestone.")
    before = audit.snapshot(milestone)
    if accept:
        milestone.state = Milestone.State.AGREED
        milestone.accepted_by, milestone.accepted_at = access.user, timezone.now()
    else:
        milestone.state = Milestone.State.DECLINED
    milestone.save(update_fields=["state", "accepted_by", "accepted_at", "updated_at"])
    audit.log(access.user, "update", milestone, before=before, after=audit.snapshot(milestone))
    return milestone


def phase_terms(check: RealismCheck, index: int) -> dict[str, Any]:
    """The terms of the milestone at the end of phase ``index`` of a check's proposed plan:
    its cumulative target, due at the phase's end, counted from the check's start."""
    phases = (check.result.get("phases") or {}).get("proposed", {}).get("milestones", [])
    if not 0 <= index < len(phases):
        raise Http404("No such phase in this check.")
    phase = phases[index]
    unit = check.kpi.unit
    return {
        "title": f"{phase['phase']}: {phase['cumulative_target']:,} {unit}".strip(),
        "kpi": check.kpi_id,
        "target": phase["cumulative_target"],
        "start": check.inputs["start"],
        "due": phase["end"],
        "measured_by": (check.history_source or {}).get("side_id") or check.owner_side_id,
        "confidence": round(float(check.inputs.get("confidence", 0.8)) * 100),
        "notes": f"From the phased plan of the realism check of {check.created_at:%d %b %Y}, "
        f"phase {phase['phase']}.",
        "visibility": check.visibility,
        "phase": phase["phase"],
    }


@transaction.atomic
def from_check(access: AllianceAccess, check: RealismCheck, index: int) -> Milestone:
    """One click: the milestone of a phase of the check's proposed plan, kept by the user's
    side (joint and proposed when the check is joint; a private draft when it is private)."""
    terms = phase_terms(check, index)
    side = (
        check.owner_side_id if access.can_write_on(check.owner_side_id) else access.default_side.pk
    )
    if check.visibility == Visibility.PRIVATE and side != check.owner_side_id:
        raise Http404("No such realism check.")
    terms["owner_side"] = side
    form = MilestoneForm(data=terms, access=access)
    if not form.is_valid():
        raise FormInvalid(form, {"owner_side": "side_id"})
    form.instance.source_check, form.instance.source_phase = check, terms["phase"]
    return save(access, form)


def today() -> dt.date:
    return timezone.localdate()
