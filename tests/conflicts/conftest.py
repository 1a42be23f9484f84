"""Conflicts fixtures on the shared cast: a joint conflict raised on the default ladder, a
conflict private to side A, each side's view (joint and private), and a restructuring
comparison with estimates from both sides, side B's kept private."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from detente.alliances.models import Stakeholder
from detente.conflicts import ladder
from detente.conflicts.models import (
    Comparison,
    Conflict,
    ConflictView,
    OptionEstimate,
    SideWeights,
)
from detente.records.visibility import get_alliance_access

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def conflicts(cast: Any) -> dict[str, Any]:
    a, b = cast.side_a, cast.side_b
    common = {"alliance": cast.alliance, "source": "internal_shift", "kind": "evolving"}
    joint = Conflict.objects.create(
        owner_side=a,
        visibility="joint",
        title="Conflict JOINT",
        opened_on=date(2026, 3, 1),
        description="GlobalConnect bought a rival.",
        decision_asked="Choose a model.",
        **common,
    )
    secret = Conflict.objects.create(
        owner_side=a,
        visibility="private",
        title="Conflict A-PRIVATE-TITLE",
        description="A-PRIVATE-DESCRIPTION",
        **common,
    )
    b_secret = Conflict.objects.create(
        owner_side=b, visibility="private", title="Conflict B-PRIVATE-TITLE", **common
    )
    views = {
        "a_joint": ConflictView.objects.create(
            alliance=cast.alliance,
            owner_side=a,
            visibility="joint",
            conflict=joint,
            position="A wants the full integration",
            interests="A-JOINT-INTEREST",
        ),
        "a_private": ConflictView.objects.create(
            alliance=cast.alliance,
            owner_side=a,
            visibility="private",
            conflict=joint,
            position="A-PRIVATE-POSITION",
            interests="A-PRIVATE-WALKAWAY",
        ),
        "b_joint": ConflictView.objects.create(
            alliance=cast.alliance,
            owner_side=b,
            visibility="joint",
            conflict=joint,
            position="B wants its own AI first",
            interests="B-JOINT-INTEREST",
        ),
        "b_private": ConflictView.objects.create(
            alliance=cast.alliance,
            owner_side=b,
            visibility="private",
            conflict=joint,
            position="B-PRIVATE-POSITION",
            interests="B-PRIVATE-WALKAWAY",
        ),
    }
    access = get_alliance_access(cast.alice, cast.alliance.pk)
    ladder.raise_jointly(access, joint, now=T0)
    return {
        "joint": Conflict.objects.get(pk=joint.pk),
        "a_private": secret,
        "b_private": b_secret,
        "views": views,
    }


@pytest.fixture
def comparison(cast: Any, conflicts: dict[str, Any]) -> Comparison:
    a, b = cast.side_a, cast.side_b
    cmp = Comparison.objects.create(
        alliance=cast.alliance,
        owner_side=a,
        visibility="joint",
        title="Reshape the alliance",
        conflict=conflicts["joint"],
        discount_rate=10,
        periods=3,
    )
    SideWeights.objects.create(
        alliance=cast.alliance,
        owner_side=a,
        visibility="joint",
        comparison=cmp,
        relationship=2,
        reputation=1,
        strategic_option=1,
        per_point=100,
    )
    SideWeights.objects.create(
        alliance=cast.alliance,
        owner_side=b,
        visibility="private",
        comparison=cmp,
        relationship=1,
        reputation=1,
        strategic_option=2,
        per_point=50,
    )
    flows = {
        (a, "continue"): [-100, 20, 20],
        (a, "modular"): [-50, 60, 80],
        (a, "exit"): [-30, 0, 0],
        (b, "continue"): [-100, 40, 40],
        (b, "modular"): [-40, 50, 70],
        (b, "exit"): [0, 10, 10],
    }
    for (side, option), likely in flows.items():
        OptionEstimate.objects.create(
            alliance=cast.alliance,
            owner_side=side,
            visibility="private" if (side == b and option == "exit") else "joint",
            comparison=cmp,
            option=option,
            flows_likely=likely,
            flows_low=[v - 10 for v in likely],
            flows_high=[v + 10 for v in likely],
            relationship=1 if option == "modular" else 0,
            reputation=0,
            strategic_option=1,
            notes="B-PRIVATE-ESTIMATE-NOTE" if (side == b and option == "exit") else "",
        )
    return cmp


@pytest.fixture
def managers_as_stakeholders(cast: Any) -> None:
    """Alice and Bob are the alliance managers; Rita is side A's sponsor; Bella a lead."""
    for user, side, role in (
        (cast.alice, cast.side_a, "alliance_manager"),
        (cast.bob, cast.side_b, "alliance_manager"),
        (cast.rita, cast.side_a, "sponsor"),
        (cast.bella, cast.side_b, "operational_lead"),
    ):
        Stakeholder.objects.create(
            alliance=cast.alliance,
            owner_side=side,
            visibility="joint",
            name=user.full_name,
            role=role,
            user=user,
        )
