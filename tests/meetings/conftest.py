"""Fixtures of the meetings tests: records on both sides, joint and private, each with a
string of its own, so a test can search every rendering of an agenda for them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone


def secret(prefix: str, what: str) -> str:
    return f"{what}-{prefix.upper()}-PRIVATE-ZQX"


@pytest.fixture
def agenda_data(cast: Any) -> dict[str, Any]:
    """Per side: a warning, an overdue commitment, an open conflict on the ladder and a
    difference due for review, joint and private; and a joint KPI whose sides disagree."""
    from detente.commitments.models import Commitment
    from detente.conflicts.models import Conflict, LadderStep
    from detente.differences.models import Difference
    from detente.health.models import Alert
    from detente.objectives.models import KPI, Measurement, Objective

    today = timezone.localdate()
    made: dict[str, Any] = {}
    for prefix, side in (("a", cast.side_a), ("b", cast.side_b)):
        for visibility in ("joint", "private"):
            common = {"alliance": cast.alliance, "owner_side": side, "visibility": visibility}
            tag = (
                f"{prefix.upper()}-PRIVATE-ZQX"
                if visibility == "private"
                else (f"{prefix.upper()}-JOINT")
            )

            def name(what: str, tag: str = tag) -> str:
                return f"{what}-{tag}"

            made[f"{prefix}_{visibility}_alert"] = Alert.objects.create(
                **common, key=f"{prefix}-{visibility}", period="2026Q4", measure="alignment",
                label=name("Alert"), rule="level", severity=3, evidence=name("Evidence"),
                next_step="Talk it over",
            )  # fmt: skip
            made[f"{prefix}_{visibility}_commitment"] = Commitment.objects.create(
                **common, owed_by=side, title=name("Commitment"),
                due_date=today - timedelta(days=10),
            )  # fmt: skip
            conflict = Conflict.objects.create(
                **common, title=name("Conflict"), source="market_change", kind="evolving"
            )
            LadderStep.objects.create(
                conflict=conflict, number=1, name=name("Rung"), started_at=timezone.now()
            )
            made[f"{prefix}_{visibility}_conflict"] = conflict
            made[f"{prefix}_{visibility}_difference"] = Difference.objects.create(
                **common, category="culture", title=name("Difference"), likelihood=3, impact=3,
                review_date=today - timedelta(days=1),
            )  # fmt: skip
    objective = Objective.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, visibility="joint", title="Grow"
    )
    kpi = KPI.objects.create(
        objective=objective, name="Qualified leads JOINT", metric="leads", unit="leads",
        target=100, deadline=today + timedelta(days=90),
    )  # fmt: skip
    for side, value in ((cast.side_a, 40), (cast.side_b, 25)):
        Measurement.objects.create(
            alliance=cast.alliance, owner_side=side, visibility="joint", kpi=kpi,
            period="2026Q1", value=value,
        )  # fmt: skip
    made["kpi"] = kpi
    return made


PRIVATE_A = [
    secret("a", w) for w in ("Alert", "Evidence", "Commitment", "Conflict", "Rung", "Difference")
]
PRIVATE_B = [
    secret("b", w) for w in ("Alert", "Evidence", "Commitment", "Conflict", "Rung", "Difference")
]
