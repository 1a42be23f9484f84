"""What the conflicts pages show: one function per page builds it for the page and its JSON twin.

* ``conflicts``: the conflicts page; ``GET .../conflicts`` and ``GET .../restructuring``;
* ``conflict``: a conflict's page; ``GET .../conflicts/{pk}``;
* ``brief``: the escalation brief (page, PDF, Markdown); ``GET .../conflicts/{pk}/brief``;
* ``comparison``: a restructuring comparison; ``GET .../restructuring/{pk}``;
* ``exit_page``: the exit page; ``GET .../exit-signals``;
* ``notifications``: the reader's notices; ``GET .../notifications``.

Each reads through the visibility rule (``access.records``/``access.get_record``), so a page
and its JSON show the same records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from detente.conflicts import briefs, exit_plans, exit_signals, linked, restructuring
from detente.conflicts.models import (
    Comparison,
    Conflict,
    ConflictView,
    ExitPlan,
    LadderStep,
    Notification,
    OptionEstimate,
    SideWeights,
)
from detente.records.api import record_base
from detente.records.visibility import AllianceAccess


def _days(left: dt.timedelta | None) -> float | None:
    return None if left is None else left.total_seconds() / 86400


@dataclass
class Conflicts:
    access: AllianceAccess
    conflicts: list[Conflict]  # each with ``step`` and ``days_left``
    comparisons: models.QuerySet[Comparison]
    plans: models.QuerySet[ExitPlan]
    unread: int

    @property
    def active(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.is_active]

    @property
    def closed(self) -> list[Conflict]:
        return [c for c in self.conflicts if not c.is_active]

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [conflict_data(self.access, c) for c in self.conflicts]

    @property
    def comparison_rows(self) -> list[dict[str, Any]]:
        return [
            {**record_base(c), "title": c.title, "chosen_option": c.chosen_option}
            for c in self.comparisons
        ]


def conflicts(access: AllianceAccess, status: str | None = None) -> Conflicts:
    """The visible conflicts (of one ``status`` when given), comparisons and exit plans, and
    the reader's unread notices."""
    qs = (
        access.records(Conflict)
        .select_related("owner_side__organisation")
        .prefetch_related("steps")
    )
    if status:
        qs = qs.filter(status=status)
    rows = list(qs)
    now = timezone.now()
    for c in rows:
        c.step = c.current_step
        c.days_left = _days(c.step.time_left(now) if c.step else None)
    unread = Notification.objects.filter(
        recipient=access.user, conflict__alliance=access.alliance, read_at__isnull=True
    ).count()
    return Conflicts(
        access=access,
        conflicts=rows,
        comparisons=access.records(Comparison),
        plans=access.records(ExitPlan),
        unread=unread,
    )


@dataclass
class ConflictPage:
    conflict: Conflict
    steps: list[LadderStep]
    current: LadderStep | None
    days_left: float | None
    views: list[ConflictView]
    links: dict[str, list[Any]]

    @property
    def data(self) -> dict[str, Any]:
        c, current, links = self.conflict, self.current, self.links
        return {
            **record_base(c),
            "title": c.title,
            "source": c.source,
            "kind": c.kind,
            "description": c.description,
            "status": c.status,
            "opened_on": c.opened_on,
            "objective_ids": [o.pk for o in links["objectives"]],
            "kpi_ids": [k.pk for k in links["kpis"]],
            "commitment_ids": [x.pk for x in links["commitments"]],
            "signal_ids": [s.pk for s in links["signals"]],
            "decision_asked": c.decision_asked,
            "recommendation": c.recommendation,
            "ladder": c.ladder,
            "ladder_source": c.ladder_source,
            "raised_at": c.raised_at,
            "past_top_at": c.past_top_at,
            "rung": current.number if current else None,
            "days_left": None if self.days_left is None else round(self.days_left, 2),
            "steps": self.steps,
            "views": [
                {**record_base(v), "position": v.position, "interests": v.interests, "data": v.data}
                for v in self.views
            ],
        }


def conflict_page(access: AllianceAccess, c: Conflict) -> ConflictPage:
    """A conflict already read through the rule: its ladder, the views and links the reader
    may see."""
    steps = list(c.steps.all())
    current = next((s for s in reversed(steps) if s.ended_at is None), None)
    views = list(
        access.records(ConflictView).filter(conflict=c).select_related("owner_side__organisation")
    )
    return ConflictPage(
        conflict=c,
        steps=steps,
        current=current,
        days_left=_days(current.time_left(timezone.now()) if current else None),
        views=views,
        links=linked.visible_links(access, c),
    )


def conflict_data(access: AllianceAccess, c: Conflict) -> dict[str, Any]:
    """One conflict as the API returns it."""
    return conflict_page(access, c).data


def conflict(access: AllianceAccess, pk: Any) -> ConflictPage:
    return conflict_page(access, access.get_record(Conflict, pk))


@dataclass
class BriefPage:
    conflict: Conflict
    brief: briefs.Brief

    @property
    def data(self) -> dict[str, Any]:
        return {**self.brief.as_json(), "markdown": briefs.markdown(self.brief)}


def brief(access: AllianceAccess, pk: Any, internal: bool = False) -> BriefPage:
    """The escalation brief: joint records only, unless ``internal`` (the reader's side's)."""
    c = access.get_record(Conflict, pk)
    return BriefPage(conflict=c, brief=briefs.build(access, c, internal=internal))


@dataclass
class ComparisonPage:
    comparison: Comparison
    result: dict[str, Any]
    estimates: models.QuerySet[OptionEstimate]
    weights: models.QuerySet[SideWeights]

    @property
    def data(self) -> dict[str, Any]:
        return {"title": self.comparison.title, **self.result}


def comparison(access: AllianceAccess, pk: Any) -> ComparisonPage:
    """Value of each option to each side, from the estimates and weights the reader may see."""
    found = access.get_record(Comparison, pk)
    return ComparisonPage(
        comparison=found,
        result=restructuring.result(access, found),
        estimates=access.records(OptionEstimate).filter(comparison=found),
        weights=access.records(SideWeights).filter(comparison=found),
    )


@dataclass
class ExitPage:
    assessment: exit_signals.Assessment
    plans: models.QuerySet[ExitPlan]
    terms: dict[str, Any]

    @property
    def data(self) -> dict[str, Any]:
        return self.assessment.as_json()


def exit_page(
    access: AllianceAccess,
    max_age_days: int = exit_signals.MAX_AGE_DAYS,
    adherence_floor: float = exit_signals.ADHERENCE_FLOOR,
) -> ExitPage:
    """The five exit signals and a recommendation, the exit plans and the exit terms."""
    return ExitPage(
        assessment=exit_signals.assess(
            access, max_age_days=max_age_days, adherence_floor=adherence_floor
        ),
        plans=access.records(ExitPlan),
        terms=exit_plans.exit_terms(access),
    )


def notifications(access: AllianceAccess) -> models.QuerySet[Notification]:
    """Only the reader's own notices, of conflicts the reader may still see."""
    return Notification.objects.filter(
        recipient=access.user, conflict__in=access.records(Conflict)
    ).select_related("conflict")
