"""The approval tests use the agreement and negotiation helpers by name, from their folders,
and the example round of the negotiation tests."""

import sys
from pathlib import Path
from typing import Any

import pytest

# pytest runs in importlib mode: make the helper modules importable by name.
for folder in ("agreements", "negotiation"):
    path = str(Path(__file__).parents[1] / folder)
    if path not in sys.path:
        sys.path.insert(0, path)

from negotiation_helpers import enter, example_problem, open_round  # noqa: E402

from detente.records.visibility import get_alliance_access  # noqa: E402


@pytest.fixture
def round_with_preferences(cast: Any) -> Any:
    """The worked example's round, both sides' preferences entered."""
    problem = example_problem()
    alice = get_alliance_access(cast.alice, cast.alliance.pk)
    bob = get_alliance_access(cast.bob, cast.alliance.pk)
    rnd = open_round(alice, {i.name: list(i.options) for i in problem.issues})
    for access, name in ((alice, "InnovateTech"), (bob, "GlobalConnect")):
        p = problem.preferences[name]
        enter(access, rnd, p.weights, p.scores, p.walk_away)
    return rnd
