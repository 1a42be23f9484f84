"""A negotiation round in the cast's alliance, with each side's private preferences.

Side A's and side B's numbers are chosen to be distinctive (``A_SECRETS``, ``B_SECRETS``)
so the leak tests can search every response body for them.
"""

from __future__ import annotations

from typing import Any

import pytest
from negotiation_helpers import (
    A_SCORES,
    A_SECRETS,
    B_SCORES,
    B_SECRETS,
    enter,
    example_problem,
    open_round,
)

from detente.records.visibility import get_alliance_access


@pytest.fixture
def example_round(cast: Any) -> Any:
    """The InnovateTech × GlobalConnect worked example: side A = InnovateTech, B = GlobalConnect."""
    problem = example_problem()
    alice = get_alliance_access(cast.alice, cast.alliance.pk)
    bob = get_alliance_access(cast.bob, cast.alliance.pk)
    rnd = open_round(alice, {i.name: list(i.options) for i in problem.issues})
    for access, name in ((alice, "InnovateTech"), (bob, "GlobalConnect")):
        p = problem.preferences[name]
        enter(access, rnd, p.weights, p.scores, p.walk_away)
    return rnd


@pytest.fixture
def secret_round(cast: Any) -> Any:
    alice = get_alliance_access(cast.alice, cast.alliance.pk)
    bob = get_alliance_access(cast.bob, cast.alliance.pk)
    rnd = open_round(alice, {"share": ["30", "40", "50"], "term": ["1", "3", "5"]}, "Secret round")
    enter(alice, rnd, A_SECRETS["weights"], A_SCORES, A_SECRETS["walk_away"])
    enter(bob, rnd, B_SECRETS["weights"], B_SCORES, B_SECRETS["walk_away"])
    return rnd
