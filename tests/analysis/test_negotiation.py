"""The negotiation engine against brute force and exact formulas.

The reference below lists every package, written from the definitions in
docs/engines/negotiation.md and sharing no code with the engine: utilities in exact
fractions of the decimals written, Pareto optimality by comparing every pair, fair
points by scanning every acceptable package.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import defaultdict
from fractions import Fraction

import numpy as np
import pytest

from detente.analysis.files import InputError
from detente.analysis.negotiation import (
    Constraint,
    Issue,
    Preferences,
    Problem,
    problem_from_document,
    solve,
)

Vector = tuple[Fraction, ...]

# --- brute-force reference -------------------------------------------------------------


def dec(x: float) -> Fraction:
    return Fraction(repr(float(x)))


def allowed(problem: Problem, package: dict[str, str]) -> bool:
    return not any(
        all(package[i] in opts for i, opts in c.when.items())
        and any(package[i] in opts for i, opts in c.then_not.items())
        for c in problem.constraints
    )


def utility(problem: Problem, party: str, package: dict[str, str]) -> Fraction:
    prefs = problem.preferences[party]
    total = sum(dec(w) for w in prefs.weights.values())
    return sum(
        (dec(prefs.weights[i]) / total * dec(prefs.scores[i][o]) for i, o in package.items()),
        Fraction(0),
    )


def all_packages(problem: Problem) -> dict[Vector, list[dict[str, str]]]:
    """Every allowed package, grouped by its utility vector."""
    names = [i.name for i in problem.issues]
    groups: dict[Vector, list[dict[str, str]]] = defaultdict(list)
    for combo in itertools.product(*(i.options for i in problem.issues)):
        package = dict(zip(names, combo, strict=True))
        if allowed(problem, package):
            vector = tuple(utility(problem, p, package) for p in problem.parties)
            groups[vector].append(package)
    return groups


def dominates(a: Vector, b: Vector) -> bool:
    return all(x >= y for x, y in zip(a, b, strict=True)) and a != b


def pareto(vectors: list[Vector]) -> set[Vector]:
    return {v for v in vectors if not any(dominates(w, v) for w in vectors)}


def fair_point(
    vectors: list[Vector], reference: Vector, name: str
) -> tuple[Vector | None, Fraction | None, int]:
    """(chosen vector, criterion value, how many distinct Pareto vectors reach it)."""
    ok = [v for v in vectors if all(u >= r for u, r in zip(v, reference, strict=True))]
    if not ok:
        return None, None, 0
    gains = {v: tuple(u - r for u, r in zip(v, reference, strict=True)) for v in ok}
    ideal = [max(g[p] for g in gains.values()) for p in range(len(reference))]

    def criterion(v: Vector) -> Fraction:
        g = gains[v]
        if name == "nash":
            return math.prod(g, start=Fraction(1))
        if name == "kalai_smorodinsky":
            return min((x / i if i else Fraction(1)) for x, i in zip(g, ideal, strict=True))
        if name == "egalitarian":
            return min(g)
        return sum(g, Fraction(0))

    def key(v: Vector) -> tuple:
        # Documented tie-break: sum of gains, smallest gain, then first along the frontier.
        return (criterion(v), sum(gains[v]), min(gains[v]), tuple(-u for u in v))

    chosen = max(ok, key=key)
    top = criterion(chosen)
    front = pareto(ok)
    return chosen, top, sum(1 for v in front if criterion(v) == top)


# --- random small instances ------------------------------------------------------------


def random_problem(rng: random.Random, parties: int = 2, max_issues: int = 4) -> Problem:
    """Scores on a coarse grid and small integer weights, so exact ties are common."""
    names = [f"P{k}" for k in range(parties)]
    issues = tuple(
        Issue(f"i{k}", tuple(f"o{j}" for j in range(rng.randint(1, 4))))
        for k in range(rng.randint(1, max_issues))
    )

    def preferences() -> Preferences:
        weights = {i.name: float(rng.randint(0, 3)) for i in issues}
        if not any(weights.values()):
            weights[issues[0].name] = 1.0
        scores = {i.name: {o: rng.randint(0, 4) / 4 for o in i.options} for i in issues}
        return Preferences(weights, scores, walk_away=rng.choice([0, 0.1, 0.25, 0.4, 0.6]))

    constraints = []
    for _ in range(rng.randint(0, 2)):
        if len(issues) < 2:
            break
        a, b = rng.sample(issues, 2)
        constraints.append(
            Constraint(
                when={a.name: (rng.choice(a.options),)},
                then_not={b.name: tuple(rng.sample(b.options, rng.randint(1, len(b.options))))},
            )
        )
    problem = Problem(tuple(names), issues, {n: preferences() for n in names}, tuple(constraints))
    packages = [p for ps in all_packages(problem).values() for p in ps]
    tentative = rng.choice(packages) if packages and rng.random() < 0.7 else None
    return Problem(problem.parties, issues, problem.preferences, problem.constraints, tentative)


def instances(count: int, seed: int, parties: int = 2) -> list[Problem]:
    rng = random.Random(seed)
    found = []
    while len(found) < count:
        problem = random_problem(rng, parties)
        if all_packages(problem):  # constraints may forbid everything; tested separately
            found.append(problem)
    return found


TWO_PARTY = instances(300, seed=20240601)
THREE_PARTY = instances(60, seed=7, parties=3)
FAIR = ("nash", "kalai_smorodinsky", "egalitarian", "max_welfare")


@pytest.mark.parametrize("group", range(6))
def test_the_frontier_equals_brute_force_on_random_instances(group: int) -> None:
    for problem in TWO_PARTY[group::6] + THREE_PARTY[group::6]:
        groups = all_packages(problem)
        result = solve(problem, max_ties=3)
        assert {o.exact for o in result.frontier} == pareto(list(groups))
        assert result.package_count == sum(len(ps) for ps in groups.values())
        for outcome in result.frontier:
            tied = groups[outcome.exact]
            assert outcome.ties == len(tied)
            assert len(outcome.tied_packages) == min(3, len(tied))
            assert outcome.package == outcome.tied_packages[0]
            assert all(p in tied for p in outcome.tied_packages)
            assert len({tuple(p.values()) for p in outcome.tied_packages}) == len(
                outcome.tied_packages
            )
            walk = tuple(dec(problem.preferences[p].walk_away) for p in problem.parties)
            assert outcome.acceptable == all(
                u >= w for u, w in zip(outcome.exact, walk, strict=True)
            )
            assert outcome.utilities == {
                p: float(u) for p, u in zip(problem.parties, outcome.exact, strict=True)
            }


def test_the_frontier_is_ordered_along_the_first_partys_utility() -> None:
    for problem in TWO_PARTY[:50] + THREE_PARTY[:20]:
        vectors = [o.exact for o in solve(problem).frontier]
        assert vectors == sorted(vectors)


@pytest.mark.parametrize("name", FAIR)
def test_every_fair_point_matches_its_definition_by_brute_force(name: str) -> None:
    for problem in TWO_PARTY + THREE_PARTY:
        walk = tuple(dec(problem.preferences[p].walk_away) for p in problem.parties)
        chosen, value, equally_good = fair_point(list(all_packages(problem)), walk, name)
        point = getattr(solve(problem), name)
        if chosen is None:
            assert point is None
            continue
        assert point.outcome.exact == chosen
        assert point.outcome.acceptable
        assert point.criterion == pytest.approx(float(value), rel=1e-12, abs=1e-15)
        assert point.equally_good == equally_good
        assert point.gains == {
            p: pytest.approx(float(u - w))
            for p, u, w in zip(problem.parties, chosen, walk, strict=True)
        }


def test_improvements_are_the_frontier_packages_no_side_rates_below_the_tentative_deal() -> None:
    checked = 0
    for problem in TWO_PARTY + THREE_PARTY:
        if problem.tentative is None:
            continue
        vectors = list(all_packages(problem))
        walk = tuple(dec(problem.preferences[p].walk_away) for p in problem.parties)
        t = tuple(utility(problem, p, problem.tentative) for p in problem.parties)
        expected = {
            v
            for v in pareto(vectors)
            if v != t
            and all(u >= x for u, x in zip(v, t, strict=True))
            and all(u >= w for u, w in zip(v, walk, strict=True))
        }
        imp = solve(problem).improvements
        assert imp is not None
        assert imp.tentative.exact == t
        assert imp.on_frontier == (t in pareto(vectors))
        assert {o.exact for o in imp.outcomes} == expected
        reference = tuple(max(x, w) for x, w in zip(t, walk, strict=True))
        chosen, _, _ = fair_point(sorted(expected), reference, "nash")
        assert (imp.fair.outcome.exact if imp.fair else None) == chosen
        checked += 1
    assert checked > 100


def test_constraints_are_never_broken_by_any_listed_package() -> None:
    problem = problem_from_document(
        {
            "parties": ["Acme", "Globex"],
            "issues": [
                {"name": "revenue_share", "options": ["50/50", "60/40", "70/30"]},
                {"name": "exclusivity", "options": ["none", "regional", "global"]},
            ],
            "preferences": {
                "Acme": {
                    "weights": {"revenue_share": 0.7, "exclusivity": 0.3},
                    "scores": {
                        "revenue_share": {"50/50": 0, "60/40": 0.6, "70/30": 1},
                        "exclusivity": {"none": 0, "regional": 0.5, "global": 1},
                    },
                },
                "Globex": {
                    "weights": {"revenue_share": 0.2, "exclusivity": 0.8},
                    "scores": {
                        "revenue_share": {"50/50": 1, "60/40": 0.5, "70/30": 0},
                        "exclusivity": {"none": 0, "regional": 0.4, "global": 1},
                    },
                },
            },
            "constraints": [
                {"if": {"exclusivity": "global"}, "then_not": {"revenue_share": "50/50"}}
            ],
        }
    )
    result = solve(problem, max_ties=100)
    # Without the constraint, global exclusivity at 50/50 would be best for Globex.
    assert {o.exact for o in result.frontier} == pareto(list(all_packages(problem)))
    listed = [p for o in result.frontier for p in o.tied_packages]
    assert listed and all(allowed(problem, p) for p in listed)
    assert {"revenue_share": "50/50", "exclusivity": "global"} not in listed
    assert result.package_count == 8


def test_a_then_clause_allows_only_the_listed_options() -> None:
    doc = {
        "parties": ["A", "B"],
        "issues": [{"name": "x", "options": ["a", "b"]}, {"name": "y", "options": ["p", "q", "r"]}],
        "preferences": {
            party: {
                "weights": {"x": 1, "y": 1},
                "scores": {"x": {"a": 1, "b": 0}, "y": {"p": s, "q": 0.5, "r": 1 - s}},
            }
            for party, s in (("A", 1), ("B", 0))
        },
        "constraints": [{"if": {"x": "a"}, "then": {"y": ["q"]}}],
    }
    problem = problem_from_document(doc)
    assert problem.constraints[0].then_not == {"y": ("p", "r")}
    result = solve(problem)
    assert {o.exact for o in result.frontier} == pareto(list(all_packages(problem)))


# --- large instances: exact formulas ---------------------------------------------------


def large_problem(issues: int, options: int, seed: int) -> Problem:
    rng = np.random.default_rng(seed)
    listed = tuple(Issue(f"i{k}", tuple(f"o{j}" for j in range(options))) for k in range(issues))

    def preferences() -> Preferences:
        return Preferences(
            weights={i.name: float(rng.integers(1, 10)) for i in listed},
            scores={
                i.name: {o: int(rng.integers(0, 101)) / 100 for o in i.options} for i in listed
            },
            walk_away=0.3,
        )

    return Problem(("A", "B"), listed, {"A": preferences(), "B": preferences()})


def contributions(problem: Problem, party: str) -> list[list[Fraction]]:
    prefs = problem.preferences[party]
    total = sum(dec(w) for w in prefs.weights.values())
    return [
        [dec(prefs.weights[i.name]) / total * dec(prefs.scores[i.name][o]) for o in i.options]
        for i in problem.issues
    ]


def test_a_hundred_issues_of_ten_options_meet_every_supporting_line_exactly() -> None:
    """Without constraints, the best package for a weighted sum of the two utilities is
    found issue by issue (the sum is separable), and it must lie on the frontier."""
    problem = large_problem(100, 10, seed=11)
    result = solve(problem)
    a, b = contributions(problem, "A"), contributions(problem, "B")
    vectors = [o.exact for o in result.frontier]
    assert len(vectors) > 100
    for lam in [Fraction(k, 10) for k in range(11)] + [Fraction(1, 3), Fraction(7, 9)]:
        best = sum(
            max(lam * x + (1 - lam) * y for x, y in zip(ra, rb, strict=True))
            for ra, rb in zip(a, b, strict=True)
        )
        assert max(lam * u + (1 - lam) * v for u, v in vectors) == best
    # The frontier's ends are the parties' exact best utilities.
    assert vectors[-1][0] == sum(max(row) for row in a)
    assert max(v for _, v in vectors) == sum(max(row) for row in b)
    # Every listed package gives exactly the utilities it is listed with.
    for outcome in result.frontier[:: max(1, len(vectors) // 50)]:
        u = sum(row[int(outcome.package[f"i{k}"][1:])] for k, row in enumerate(a))
        v = sum(row[int(outcome.package[f"i{k}"][1:])] for k, row in enumerate(b))
        assert (u, v) == outcome.exact
    # And no listed point beats another.
    arr = np.array([[float(u), float(v)] for u, v in vectors])
    assert np.all(np.diff(arr[:, 0]) > 0) and np.all(np.diff(arr[:, 1]) < 0)
    assert result.max_welfare.outcome.exact == max(vectors, key=lambda v: (sum(v), min(v)))


def test_tie_counts_stay_exact_beyond_a_float() -> None:
    """Issues nobody cares about multiply the ties: 10**30 packages per frontier point."""
    small = TWO_PARTY[5]
    idle = tuple(Issue(f"idle{k}", tuple(f"o{j}" for j in range(10))) for k in range(30))

    def widen(prefs: Preferences) -> Preferences:
        weights = dict(prefs.weights) | {i.name: 0.0 for i in idle}
        scores = dict(prefs.scores) | {i.name: {o: 0.5 for o in i.options} for i in idle}
        return Preferences(weights, scores, prefs.walk_away)

    problem = Problem(
        small.parties,
        small.issues + idle,
        {p: widen(small.preferences[p]) for p in small.parties},
        small.constraints,
    )
    groups = all_packages(small)
    result = solve(problem, max_ties=4)
    assert {o.exact for o in result.frontier} == pareto(list(groups))
    for outcome in result.frontier:
        assert outcome.ties == len(groups[outcome.exact]) * 10**30
        assert len(outcome.tied_packages) == 4
    assert result.package_count == sum(len(ps) for ps in groups.values()) * 10**30


def test_many_decimals_fall_back_to_a_documented_grid() -> None:
    rng = random.Random(3)
    issues = tuple(Issue(f"i{k}", ("a", "b", "c")) for k in range(4))
    prefs = {
        p: Preferences(
            {i.name: rng.random() for i in issues},
            {i.name: {o: rng.random() for o in i.options} for i in issues},
        )
        for p in ("A", "B")
    }
    problem = Problem(("A", "B"), issues, prefs)
    result = solve(problem)
    assert not result.exact and result.notes
    # Reference: every contribution rounded to the nearest 1e-12, then summed exactly.
    grid = 10**12
    rounded = {
        p: [[round(c * grid) for c in row] for row in contributions(problem, p)] for p in prefs
    }
    vectors = {
        tuple(
            Fraction(sum(rounded[p][k][o] for k, o in enumerate(combo)), grid) for p in ("A", "B")
        )
        for combo in itertools.product(range(3), repeat=4)
    }
    assert {o.exact for o in result.frontier} == pareto(list(vectors))


# --- limits and bad input --------------------------------------------------------------


def test_more_than_two_parties_beyond_the_limit_get_a_clear_message() -> None:
    issues = tuple(Issue(f"i{k}", tuple(str(j) for j in range(8))) for k in range(7))
    prefs = Preferences(
        {i.name: 1.0 for i in issues}, {i.name: {o: 0.5 for o in i.options} for i in issues}
    )
    problem = Problem(("A", "B", "C"), issues, {p: prefs for p in "ABC"})
    with pytest.raises(InputError) as err:
        solve(problem)
    assert err.value.field == "parties"
    assert "1,000,000" in err.value.problem and "2,097,152" in err.value.problem


def constant_sum_problem(issues: int, options: int) -> Problem:
    """Three parties whose scores add up to 1 on every option: every package is optimal."""
    rng = np.random.default_rng(5)
    listed = tuple(Issue(f"i{k}", tuple(f"o{j}" for j in range(options))) for k in range(issues))
    a = rng.integers(0, 51, (issues, options))
    b = rng.integers(0, 51, (issues, options))
    tables = {"A": a, "B": b, "C": 100 - a - b}
    return Problem(
        ("A", "B", "C"),
        listed,
        {
            party: Preferences(
                {i.name: 1.0 for i in listed},
                {
                    i.name: {o: int(t[k, j]) / 100 for j, o in enumerate(i.options)}
                    for k, i in enumerate(listed)
                },
            )
            for party, t in tables.items()
        },
    )


def test_a_many_party_frontier_of_nearly_every_package_is_still_exact() -> None:
    problem = constant_sum_problem(3, 5)
    result = solve(problem)
    assert {o.exact for o in result.frontier} == pareto(list(all_packages(problem)))


def test_a_many_party_frontier_too_large_to_compute_gets_a_clear_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from detente.analysis.negotiation import frontier

    monkeypatch.setattr(frontier, "MAX_MULTIPARTY_COMPARISONS", 2_000)
    with pytest.raises(InputError) as err:
        solve(constant_sum_problem(4, 6))
    assert err.value.field == "parties"
    assert "too large to compute exactly" in err.value.problem


def test_constraints_that_forbid_everything_are_reported() -> None:
    problem = TWO_PARTY[0]
    issue = problem.issues[0]
    other = next((i for i in problem.issues[1:]), None)
    if other is None:
        problem = next(p for p in TWO_PARTY if len(p.issues) > 1)
        issue, other = problem.issues[0], problem.issues[1]
    blocked = Constraint({issue.name: issue.options}, {other.name: other.options})
    bad = Problem(problem.parties, problem.issues, problem.preferences, (blocked,))
    with pytest.raises(InputError, match="no combination"):
        solve(bad)


def test_no_package_clearing_both_walk_away_values_means_no_proposal() -> None:
    doc = edited("preferences.Acme.walk_away", 0.9)
    doc["preferences"]["Globex"]["walk_away"] = 0.9
    problem = problem_from_document(doc)
    walk = (Fraction(9, 10), Fraction(9, 10))
    assert fair_point(list(all_packages(problem)), walk, "nash")[0] is None  # brute force
    result = solve(problem)
    assert result.frontier and not any(o.acceptable for o in result.frontier)
    assert result.nash is None and result.kalai_smorodinsky is None
    assert result.egalitarian is None and result.max_welfare is None
    assert any("no package clears" in n for n in result.notes)


BASE = {
    "parties": ["Acme", "Globex"],
    "issues": [
        {"name": "revenue_share", "options": ["50/50", "60/40", "70/30"]},
        {"name": "exclusivity", "options": ["none", "regional", "global"]},
    ],
    "preferences": {
        "Acme": {
            "weights": {"revenue_share": 0.7, "exclusivity": 0.3},
            "scores": {
                "revenue_share": {"50/50": 0, "60/40": 0.6, "70/30": 1},
                "exclusivity": {"none": 1, "regional": 0.5, "global": 0},
            },
            "walk_away": 0.2,
        },
        "Globex": {
            "weights": {"revenue_share": 1, "exclusivity": 1},
            "scores": {
                "revenue_share": {"50/50": 1, "60/40": 0.5, "70/30": 0},
                "exclusivity": {"none": 0, "regional": 0.5, "global": 1},
            },
        },
    },
}


def edited(path: str, value: object) -> dict:
    import copy

    doc = copy.deepcopy(BASE)
    *parents, last = path.split(".")
    node = doc
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return doc


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (edited("issues.1.options", []), "issues[1].options: must not be empty"),
        (
            edited("preferences.Acme.weights.exclusivity", -1),
            "preferences.Acme.weights.exclusivity: must be a number of at least 0",
        ),
        (
            edited("preferences.Acme.weights", {"revenue_share": 0, "exclusivity": 0}),
            "preferences.Acme.weights: must not all be zero",
        ),
        (
            edited("preferences.Globex.scores.exclusivity.global", 1.5),
            "preferences.Globex.scores.exclusivity.global: must be between 0 and 1",
        ),
        (
            edited(
                "preferences.Globex.scores.exclusivity",
                {"none": 0, "regional": 0.5, "worldwide": 1},
            ),
            "preferences.Globex.scores.exclusivity: unknown option 'worldwide'",
        ),
        (
            edited("preferences.Globex.scores.exclusivity", {"none": 0, "regional": 0.5}),
            "preferences.Globex.scores.exclusivity: has no score for option 'global'",
        ),
        (
            edited("preferences.Globex.weights.exclusivity", "high"),
            "preferences.Globex.weights.exclusivity: must be a number, not str",
        ),
        (
            edited("preferences.Acme.walk_away", 2),
            "preferences.Acme.walk_away: must be between 0 and 1",
        ),
        (edited("parties", ["Acme"]), "parties: needs at least two parties"),
        (
            edited("issues.0.options", ["50/50", True]),
            "issues[0].options[1]: True was read as true/false; put the option in quotes",
        ),
        (
            edited(
                "constraints",
                [{"if": {"exclusivity": "worldwide"}, "then_not": {"revenue_share": "50/50"}}],
            ),
            "constraints[0].if.exclusivity: unknown option 'worldwide'",
        ),
        (
            edited("constraints", [{"if": {"exclusivity": "global"}}]),
            "constraints[0]: needs exactly one of then or then_not",
        ),
        (
            edited("tentative", {"revenue_share": "80/20", "exclusivity": "none"}),
            "tentative.revenue_share: unknown option '80/20'",
        ),
        (
            edited("tentative", {"revenue_share": "50/50"}),
            "tentative.exclusivity: is required (a package names every issue)",
        ),
    ],
)
def test_bad_input_names_the_field_and_the_problem(doc: dict, message: str) -> None:
    with pytest.raises(InputError) as err:
        solve(problem_from_document(doc))
    assert str(err.value) == message


def test_a_tentative_deal_that_breaks_a_constraint_is_refused() -> None:
    doc = edited(
        "constraints", [{"if": {"exclusivity": "global"}, "then_not": {"revenue_share": "50/50"}}]
    )
    doc["tentative"] = {"revenue_share": "50/50", "exclusivity": "global"}
    with pytest.raises(InputError, match=r"^tentative: breaks constraints\[0\]$"):
        solve(problem_from_document(doc))


def test_a_numeric_range_is_offered_as_steps() -> None:
    doc = edited(
        "issues.1", {"name": "exclusivity", "range": {"from": 0.5, "to": 1.0, "step": 0.25}}
    )
    problem = problem_from_document(doc)
    assert problem.issues[1].options == ("0.5", "0.75", "1")
