"""Drafting an exit plan from the agreement's exit terms, and tracking it as commitments."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction

from detente import audit
from detente.commitments.models import Commitment
from detente.conflicts.models import ExitPlan
from detente.records.visibility import AllianceAccess

DEFAULT_NOTICE_DAYS = 90

AUDIENCES = [
    ("The partner", "Notice, the reasons in plain words, and the transition timetable"),
    (
        "Shared customers",
        "Who serves them from the end date, and that nothing changes for them before it",
    ),
    ("Our own teams", "Why we are leaving, what they stop and what they hand over"),
    ("Leadership and the board", "The decision, the cost of exit and what it avoids"),
]


def exit_terms(access: AllianceAccess) -> dict[str, Any]:
    """The exit terms of the agreement in force that the reader may see, or {}."""
    try:
        from detente.agreements import document
        from detente.agreements.models import AgreementVersion
    except ImportError:
        return {}
    version = (
        access.records(AgreementVersion).filter(status=AgreementVersion.Status.IN_FORCE).first()
    )
    if version is None:
        return {}
    terms = document.normalised(version.content)["exit"]
    return {**terms, "source": f"exit terms of the agreement in force ({version.label})"}


def draft_values(access: AllianceAccess, notice_on: date) -> dict[str, Any]:
    """Initial values of a new plan: notice, customers and assets from the exit terms."""
    terms = exit_terms(access)
    try:
        days = int(terms.get("notice_days") or DEFAULT_NOTICE_DAYS)
    except (TypeError, ValueError):
        days = DEFAULT_NOTICE_DAYS
    end = notice_on + timedelta(days=days)
    return {
        "title": f"Exit from {access.alliance.name}",
        "notice_on": notice_on,
        "notice_days": days,
        "customers": terms.get("customers")
        or "List the shared customers; agree who serves each from the end date.",
        "projects": terms.get("assets")
        or "List shared projects, assets and IP; agree who keeps, licenses or winds down each.",
        "communications": [
            {
                "audience": a,
                "message": m,
                "date": (notice_on if i < 2 else notice_on - timedelta(days=7)).isoformat(),
            }
            for i, (a, m) in enumerate(AUDIENCES)
        ],
        "terms_source": terms.get(
            "source", f"no agreement in force: a notice of {DEFAULT_NOTICE_DAYS} days assumed"
        ),
        "end_on": end,
    }


@transaction.atomic
def track_as_commitments(access: AllianceAccess, plan: ExitPlan, owed_by: Any) -> list[Commitment]:
    """Create the plan's steps in the commitments ledger (once; a second call adds nothing)."""
    if plan.commitments.exists():
        return list(plan.commitments.all())
    end = plan.end_on
    items = [
        ("Give notice of exit to the partner", plan.notice_on, "decision"),
        ("Transition shared customers", end, "deliverable"),
        ("Hand over or wind down shared projects and assets", end, "deliverable"),
        ("Close or waive every open commitment of the alliance", end, "decision"),
    ]
    for c in plan.communications:
        try:
            when = date.fromisoformat(str(c.get("date")))
        except ValueError:
            when = plan.notice_on
        items.append(
            (f"Communicate the exit to: {c.get('audience', '')}"[:200], when, "deliverable")
        )
    made = []
    for title, due, kind in items:
        commitment = Commitment.objects.create(
            alliance=access.alliance,
            owner_side=plan.owner_side,
            visibility=plan.visibility,
            created_by=access.user,
            owed_by=owed_by,
            kind=kind,
            title=title,
            description=f"From the exit plan '{plan.title}'.",
            due_date=due,
            source_clause="Exit terms",
        )
        audit.log(access.user, "create", commitment, after=audit.snapshot(commitment))
        made.append(commitment)
    plan.commitments.add(*made)
    audit.log(access.user, "update", plan, after=audit.snapshot(plan))
    return made
