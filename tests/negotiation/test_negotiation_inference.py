"""Can one side solve the other side's private weights, scores or walk-away from what it
sees of a negotiation round? An attacker on side B reads side B's API answers (proposals,
improvements on a tentative deal) and sets up the linear system in side A's unknowns.

A side's utility of a package is linear in c[i, o] = share_i * score_i(o) (one unknown per
option of every issue), so each number of the form "A's utility of package p" is one
equation. Side B's answers carry only B's own utilities: the system in A's unknowns has no
equation at all, and a small change of A's numbers leaves B's answers unchanged. The
facilitator (granted by every side) does see both utilities of every frontier package: the
same attacker then solves A's utility of many packages it was never shown (and reads A's
walk-away), which is why granting one carries a warning.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from negotiation_helpers import enter, example_problem, open_round

from detente.negotiation.forms import FACILITATOR_WARNING
from detente.negotiation.models import SidePreferences
from detente.records.visibility import get_alliance_access
from tests.conftest import call


def random_preferences(rng: np.random.Generator, issues: dict[str, list[str]]) -> tuple:
    weights = {k: str(round(float(rng.uniform(1, 10)), 2)) for k in issues}
    scores = {}
    for k, options in issues.items():
        values = rng.uniform(0, 1, len(options))
        values[rng.integers(len(options))] = 1  # the best option of each issue scores 1
        scores[k] = {o: str(round(float(v), 4)) for o, v in zip(options, values, strict=True)}
    return weights, scores, str(round(float(rng.uniform(0.1, 0.4)), 4))


@pytest.fixture(params=range(6))
def random_round(cast: Any, request: Any) -> Any:
    rng = np.random.default_rng(request.param)
    n = int(rng.integers(2, 4))
    issues = {f"issue{i}": [f"o{j}" for j in range(int(rng.integers(2, 4)))] for i in range(n)}
    alice = get_alliance_access(cast.alice, cast.alliance.pk)
    bob = get_alliance_access(cast.bob, cast.alliance.pk)
    rnd = open_round(alice, issues, f"Round {request.param}")
    enter(alice, rnd, *random_preferences(rng, issues))
    enter(bob, rnd, *random_preferences(rng, issues))
    rnd.test_issues = issues
    return rnd


def base(cast: Any, rnd: Any) -> str:
    return f"/api/v1/alliances/{cast.alliance.pk}/negotiation/rounds/{rnd.pk}"


def side_b_answers(cast: Any, rnd: Any) -> list[dict[str, Any]]:
    """Everything side B's API gives about the round's outcome."""
    tentative = {k: v[0] for k, v in rnd.test_issues.items()}
    return [
        call(cast.api("bob"), "GET", base(cast, rnd) + "/proposals").json(),
        call(
            cast.api("bob"), "POST", base(cast, rnd) + "/improvements", {"tentative": tentative}
        ).json(),  # fmt: skip
        call(cast.api("bob"), "GET", base(cast, rnd)).json(),
    ]


def design_row(package: dict[str, str], issues: dict[str, list[str]]) -> np.ndarray:
    """The row of "utility of ``package``" in the unknowns c[i, o]."""
    row = []
    for name, options in issues.items():
        row += [1.0 if package[name] == o else 0.0 for o in options]
    return np.array(row)


def attacker_system(
    answers: list[dict[str, Any]], side_id: int, issues: dict
) -> tuple[list[np.ndarray], list[float]]:
    """One equation per number in ``answers`` that is side ``side_id``'s utility of a
    package: (rows, values)."""
    rows, values = [], []
    key = str(side_id)
    for answer in answers:
        for item in [*answer.get("proposals", []), *answer.get("improvements", []),
                     *answer.get("frontier", [])]:  # fmt: skip
            if key in item.get("utilities", {}):
                rows.append(design_row(item["package"], issues))
                values.append(item["utilities"][key])
        if key in answer.get("tentative_utilities", {}):
            rows.append(design_row(answer["tentative"], issues))
            values.append(answer["tentative_utilities"][key])
        # "my_utility" is the reader's own utility; it says nothing about side A's unknowns.
    return rows, values


def test_it_gives_side_b_no_equation_in_side_a_s_unknowns(cast: Any, random_round: Any) -> None:
    issues = random_round.test_issues
    answers = side_b_answers(cast, random_round)
    assert answers[0]["ready"] and answers[0]["proposals"]
    rows, _ = attacker_system(answers, cast.side_a.pk, issues)
    unknowns = sum(len(o) for o in issues.values()) + 1  # every c[i, o] and the walk-away
    rank = int(np.linalg.matrix_rank(np.array(rows))) if rows else 0
    assert rank == 0 < unknowns
    # Each utility side B sees is its own, computed from its own preferences.
    mine = SidePreferences.objects.get(round=random_round, owner_side=cast.side_b)
    total = sum(float(w) for w in mine.weights.values())
    for p in answers[0]["proposals"]:
        own = sum(float(mine.weights[k]) / total * float(mine.scores[k][o])
                  for k, o in p["package"].items())  # fmt: skip
        assert p["my_utility"] == pytest.approx(own, abs=1e-4)


def test_it_gives_side_b_the_same_answers_whatever_side_a_s_exact_numbers(
    cast: Any, random_round: Any
) -> None:
    """A small change of every private number of side A (too small to change which
    packages are on the frontier or fair) leaves side B's answers identical."""
    before = side_b_answers(cast, random_round)
    own = base(cast, random_round) + "/proposals"
    a_before = call(cast.api("alice"), "GET", own).json()
    prefs = SidePreferences.objects.get(round=random_round, owner_side=cast.side_a)
    prefs.weights = {k: str(Decimal(v) * Decimal("1.0001")) for k, v in prefs.weights.items()}
    prefs.scores = {
        k: {o: str(max(Decimal(0), Decimal(s) - Decimal("0.0001"))) for o, s in opts.items()}
        for k, opts in prefs.scores.items()
    }
    prefs.walk_away = prefs.walk_away + Decimal("0.0001")
    prefs.save()
    assert side_b_answers(cast, random_round) == before
    assert call(cast.api("alice"), "GET", own).json() != a_before  # the change is visible to A


def test_it_lets_the_facilitator_solve_a_side_s_utilities_of_packages_it_never_saw(
    cast: Any,
) -> None:
    """Granting a facilitator discloses equations in a side's private numbers: the attacker,
    fed the facilitator's answer, predicts side A's utility of packages it was not shown,
    and reads side A's walk-away."""
    problem = example_problem()
    alice = get_alliance_access(cast.alice, cast.alliance.pk)
    bob = get_alliance_access(cast.bob, cast.alliance.pk)
    issues = {i.name: list(i.options) for i in problem.issues}
    rnd = open_round(alice, issues)
    for access, name in ((alice, "InnovateTech"), (bob, "GlobalConnect")):
        p = problem.preferences[name]
        enter(access, rnd, p.weights, p.scores, p.walk_away)
    grants = base(cast, rnd) + "/facilitators"
    for who in ("alice", "bob"):
        assert call(cast.api(who), "POST", grants, {"user_id": cast.bella.pk}).status_code == 201
    view = call(cast.api("bella"), "GET", base(cast, rnd) + "/facilitator").json()
    a = str(cast.side_a.pk)
    rows, values = attacker_system([view], cast.side_a.pk, issues)
    design = np.array(rows)
    rank = int(np.linalg.matrix_rank(design))
    assert rank > 0  # each utility shown is an exact equation in side A's unknowns
    c, *_ = np.linalg.lstsq(design, np.array(values), rcond=None)
    prefs = problem.preferences["InnovateTech"]
    total = sum(prefs.weights.values())
    basis = np.linalg.svd(design)[2][:rank]  # the row space: what the equations determine
    shown = {tuple(sorted(f["package"].items())) for f in view["frontier"]}
    solved = 0
    for package in itertools.product(*issues.values()):
        chosen = dict(zip(issues, package, strict=True))
        row = design_row(chosen, issues)
        if not np.allclose(basis.T @ (basis @ row), row, atol=1e-9):
            continue  # not determined by what the facilitator saw
        truth = sum(prefs.weights[k] / total * prefs.scores[k][o] for k, o in chosen.items())
        assert row @ c == pytest.approx(truth, abs=1e-3)
        solved += tuple(sorted(chosen.items())) not in shown
    assert solved > len(shown)  # utilities of packages it was never shown
    assert view["walk_away"][a] == pytest.approx(prefs.walk_away)


def test_it_warns_a_side_before_it_grants_a_facilitator(cast: Any, secret_round: Any) -> None:
    page = cast.client("alice").get(
        f"/alliances/{cast.alliance.pk}/negotiation/rounds/{secret_round.pk}/"
    )
    assert FACILITATOR_WARNING.replace("'", "&#x27;") in page.content.decode()
    assert "worked out" in FACILITATOR_WARNING
