"""The page and the API propose exactly what the engine computes on the same inputs."""

from __future__ import annotations

from typing import Any

from negotiation_helpers import example_problem

from detente.analysis.negotiation import solve
from detente.analysis.negotiation.report import FAIR_NAMES
from tests.conftest import call

FAIR = ("nash", "kalai_smorodinsky", "egalitarian", "max_welfare")


def engine_result() -> Any:
    return solve(example_problem())


def test_it_proposes_the_engines_fair_packages_with_each_sides_own_utility(
    cast: Any, example_round: Any
) -> None:
    result = engine_result()
    for who, party in (("alice", "InnovateTech"), ("bob", "GlobalConnect")):
        url = (
            f"/api/v1/alliances/{cast.alliance.pk}/negotiation/rounds/{example_round.pk}/proposals"
        )
        data = call(cast.api(who), "GET", url).json()
        assert data["ready"] is True
        by_key = {p["key"]: p for p in data["proposals"]}
        for key in FAIR:
            point = getattr(result, key)
            assert by_key[key]["package"] == point.outcome.package
            assert by_key[key]["label"] == FAIR_NAMES[key]
            assert by_key[key]["my_utility"] == round(point.outcome.utilities[party], 4)
            assert set(by_key[key]) == {"key", "label", "package", "my_utility"}


def test_it_proposes_only_acceptable_frontier_packages(cast: Any, example_round: Any) -> None:
    result = engine_result()
    frontier = {tuple(sorted(o.package.items())): o for o in result.frontier}
    url = f"/api/v1/alliances/{cast.alliance.pk}/negotiation/rounds/{example_round.pk}/proposals"
    proposals = call(cast.api("alice"), "GET", url).json()["proposals"]
    assert len(proposals) >= 5
    for p in proposals:
        outcome = frontier[tuple(sorted(p["package"].items()))]
        assert outcome.acceptable
    # The frontier point best for InnovateTech is below GlobalConnect's walk-away: never proposed.
    best_for_a = max(result.frontier, key=lambda o: o.utilities["InnovateTech"])
    assert not best_for_a.acceptable
    assert best_for_a.package not in [p["package"] for p in proposals]


def test_it_shows_the_same_proposals_on_the_page(cast: Any, example_round: Any) -> None:
    result = engine_result()
    page = cast.client("bob").get(
        f"/alliances/{cast.alliance.pk}/negotiation/rounds/{example_round.pk}/"
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "Nash bargaining solution" in body
    mine = result.nash.outcome.utilities["GlobalConnect"]
    assert f"{int(100 * mine + 0.5)} %" in body  # the bar's sentence
    assert f"utility {mine:.3f}" in body  # the exact figure, on demand


def test_it_waits_for_the_other_side_without_saying_anything_else(cast: Any) -> None:
    from negotiation_helpers import enter, open_round

    from detente.records.visibility import get_alliance_access

    alice = get_alliance_access(cast.alice, cast.alliance.pk)
    rnd = open_round(alice, {"share": ["a", "b"]})
    enter(alice, rnd, {"share": 1}, {"share": {"a": 0, "b": 1}}, "0.2")
    url = f"/api/v1/alliances/{cast.alliance.pk}/negotiation/rounds/{rnd.pk}/proposals"
    data = call(cast.api("bob"), "GET", url).json()
    assert data["ready"] is False and data["proposals"] == []
    assert data["waiting_for"] == [cast.side_b.name]
