"""``solve``: from a :class:`Problem` to the frontier, the fair points and improvements."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from detente.analysis.files import InputError

from . import fair
from .frontier import Frontier, pareto_frontier
from .model import Improvements, NegotiationResult, Outcome, Package, Problem
from .tables import Tables, build_tables
from .validate import validate

# With three or more parties the filter compares each survivor with every candidate,
# so the exact answer is promised only up to this many packages.
MAX_MULTIPARTY_PACKAGES = 1_000_000
DEFAULT_TIES_LISTED = 10


def _named(problem: Problem, indices: list[int]) -> Package:
    return {issue.name: issue.options[i] for issue, i in zip(problem.issues, indices, strict=True)}


def _outcome(
    problem: Problem, tables: Tables, vector: np.ndarray, packages: list[Package], ties: int
) -> Outcome:
    exact = tuple(Fraction(int(v), d) for v, d in zip(vector, tables.denominators, strict=True))
    return Outcome(
        package=packages[0],
        utilities={p: float(u) for p, u in zip(problem.parties, exact, strict=True)},
        exact=exact,
        ties=ties,
        tied_packages=tuple(packages),
        acceptable=all(u >= w for u, w in zip(exact, tables.walk_away, strict=True)),
    )


def _frontier_outcomes(problem: Problem, frontier: Frontier, max_ties: int) -> list[Outcome]:
    points = frontier.points
    # Along the first party's utility, then the next parties' (lexsort: last key first).
    order = np.lexsort(tuple(points[:, p] for p in reversed(range(points.shape[1]))))
    first = frontier.first_packages().tolist()  # plain ints: fast tuple indexing
    outcomes = []
    for point in order:
        ties = frontier.count(int(point))
        if ties == 1 or max_ties <= 1:
            packages = [_named(problem, first[point])]
        else:
            packages = [_named(problem, p) for p in frontier.packages(int(point), max_ties)]
        outcomes.append(_outcome(problem, frontier.tables, points[point], packages, ties))
    return outcomes


def _tentative(problem: Problem, tables: Tables, package: Package) -> Outcome:
    index = {issue.name: issue.options.index(package[issue.name]) for issue in problem.issues}
    vector = np.zeros(len(problem.parties), dtype=np.int64)
    for block in tables.blocks:
        wanted = [index[problem.issues[i].name] for i in block.issues]
        row = np.flatnonzero(np.all(block.choices == wanted, axis=1))
        vector += block.values[int(row[0])]
    return _outcome(problem, tables, vector, [dict(package)], 1)


def _improvements(problem: Problem, tables: Tables, frontier: list[Outcome]) -> Improvements | None:
    if problem.tentative is None:
        return None
    tentative = _tentative(problem, tables, problem.tentative)
    t = tentative.exact
    better = [
        o
        for o in frontier
        if o.acceptable and o.exact != t and all(u >= v for u, v in zip(o.exact, t, strict=True))
    ]
    # Measured from the deal on the table, but never below a walk-away value.
    reference = [max(v, w) for v, w in zip(t, tables.walk_away, strict=True)]
    return Improvements(
        tentative=tentative,
        on_frontier=any(o.exact == t for o in frontier),
        outcomes=tuple(better),
        fair=fair.best(better, reference, fair.nash_product, problem.parties),
    )


def solve(
    problem: Problem, max_ties: int = DEFAULT_TIES_LISTED, progress: bool = False
) -> NegotiationResult:
    """The exact Pareto frontier of ``problem``, its fair points and any improvements.

    Raises :class:`InputError` for bad input, and for more than two parties when the
    outcome space exceeds ``MAX_MULTIPARTY_PACKAGES``.
    """
    validate(problem)
    tables = build_tables(problem)
    if len(problem.parties) > 2 and tables.package_count > MAX_MULTIPARTY_PACKAGES:
        raise InputError(
            "parties",
            f"with more than two parties the exact frontier is computed for at most "
            f"{MAX_MULTIPARTY_PACKAGES:,} packages, and this file has "
            f"{tables.package_count:,}; reduce the options or negotiate pair by pair",
        )
    frontier = pareto_frontier(tables, progress=progress)
    outcomes = _frontier_outcomes(problem, frontier, max_ties)
    acceptable = [o for o in outcomes if o.acceptable]
    fair_points = {
        name: fair.best(acceptable, tables.walk_away, criterion, problem.parties)
        for name, criterion in fair.CRITERIA.items()
    }
    notes = []
    if not tables.exact:
        notes.append("utilities were rounded to 1e-12 before comparing (too many decimals)")
    if not any(o.acceptable for o in outcomes):
        notes.append("no package clears every walk-away value: there is no deal to propose")
    return NegotiationResult(
        parties=problem.parties,
        walk_away={p: problem.preferences[p].walk_away for p in problem.parties},
        frontier=outcomes,
        improvements=_improvements(problem, tables, outcomes),
        package_count=tables.package_count,
        exact=tables.exact,
        notes=notes,
        **fair_points,
    )
