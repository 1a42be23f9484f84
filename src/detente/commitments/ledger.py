"""Reading the ledger through the visibility rule: overdue commitments and adherence charts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from detente.commitments import adherence
from detente.commitments.models import Commitment
from detente.objectives import periods
from detente.records.visibility import AllianceAccess


def visible(access: AllianceAccess) -> Any:
    return access.records(Commitment).select_related(
        "owed_by__organisation", "owner_side__organisation", "owed_by_person"
    )


def overdue(access: AllianceAccess, today: date | None = None, limit: int = 10) -> list[Commitment]:
    """Visible commitments still owed after their due date, oldest first (one query)."""
    today = today or timezone.localdate()
    return list(
        visible(access).filter(
            status__in=[Commitment.Status.OPEN, Commitment.Status.DISPUTED], due_date__lt=today
        )[:limit]
    )


def adherence_chart(
    access: AllianceAccess, today: date | None = None, quarters: int = 8
) -> dict[str, Any]:
    """Adherence per side over the last ``quarters`` quarters, from visible commitments only."""
    today = today or timezone.localdate()
    rows = list(visible(access).values_list("owed_by_id", "due_date", "status", "done_on"))
    facts = [adherence.Facts(*row) for row in rows]
    last = periods.quarter_of(today)
    first_due = min([f.due_date for f in facts] + [today])
    span = periods.span(max(first_due, last.start.replace(year=last.start.year - 2)), today)
    span = span[-quarters:]
    result = adherence.adherence(facts, span, today)
    series = []
    for side in access.sides:
        points = result.get(side.pk)
        if points is None:
            continue
        series.append(
            {
                "side_id": side.pk,
                "side": str(side),
                "percent": [p.percent for p in points],
                "due": [p.due for p in points],
                "on_time": [p.on_time for p in points],
            }
        )
    return {"labels": [p.label for p in span], "series": series}
