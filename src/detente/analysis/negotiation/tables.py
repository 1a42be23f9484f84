"""Exact integer utility tables, and issues linked by constraints merged into blocks.

Why integers: the frontier and the ties on it depend on exact equality of sums. Floats
make 0.1 + 0.2 differ from 0.3, which would split ties and keep dominated packages.
Each party's utility is a sum of (weight / total weight) x score; read as the decimals
written in the file, these are fractions, and over a common denominator they are
integers. If that denominator would overflow int64, the contributions are rounded to a
1e-12 grid instead and the result says it is not exact.

Why blocks: dominance pruning issue by issue is exact only if what is chosen on one
issue does not restrict another. Issues linked by a constraint are therefore merged
into one block whose options are the allowed combinations; pruning between blocks stays
exact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from detente.analysis.files import InputError

from .model import Problem

GRID = 10**12
# Largest number of option combinations in one block of constraint-linked issues.
MAX_BLOCK_COMBINATIONS = 1_000_000


@dataclass(frozen=True)
class Block:
    """Issues decided together. ``choices[j]`` is the option index of each member issue
    in the block's option ``j``; ``values[j]`` the integer utility of that option per party."""

    issues: tuple[int, ...]
    choices: np.ndarray  # (options, members) int
    values: np.ndarray  # (options, parties) int64


@dataclass(frozen=True)
class Tables:
    blocks: tuple[Block, ...]
    denominators: tuple[int, ...]
    """Utility of party p is (integer sum) / denominators[p]."""
    walk_away: tuple[Fraction, ...]
    exact: bool
    package_count: int


def decimal(value: float) -> Fraction:
    """The fraction the user wrote: 0.7 is 7/10, not the binary float nearest to it."""
    return Fraction(repr(float(value)))


def _party_table(problem: Problem, party: str, limit: int) -> tuple[list[list[int]], int, bool]:
    prefs = problem.preferences[party]
    weights = {name: decimal(w) for name, w in prefs.weights.items()}
    total = sum(weights.values())
    contributions = [
        [weights[issue.name] / total * decimal(prefs.scores[issue.name][o]) for o in issue.options]
        for issue in problem.issues
    ]
    denominator = 1
    for row in contributions:
        for c in row:
            denominator = math.lcm(denominator, c.denominator)
            if denominator > limit:
                break
        if denominator > limit:
            break
    if denominator <= limit:
        return [[int(c * denominator) for c in row] for row in contributions], denominator, True
    return [[round(c * GRID) for c in row] for row in contributions], GRID, False


def _linked_groups(problem: Problem) -> list[list[int]]:
    index = {issue.name: i for i, issue in enumerate(problem.issues)}
    parent = list(range(len(problem.issues)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for constraint in problem.constraints:
        members = [index[n] for n in (*constraint.when, *constraint.then_not)]
        for other in members[1:]:
            parent[find(other)] = find(members[0])
    groups: dict[int, list[int]] = {}
    for i in range(len(problem.issues)):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def _allowed(problem: Problem, members: list[int]) -> np.ndarray:
    """Boolean array over the members' option grid: True where no constraint is broken."""
    issues = [problem.issues[i] for i in members]
    shape = tuple(len(issue.options) for issue in issues)
    combinations = math.prod(shape)
    if combinations > MAX_BLOCK_COMBINATIONS:
        names = ", ".join(issue.name for issue in issues)
        raise InputError(
            "constraints",
            f"link the issues {names} into {combinations:,} combinations; at most "
            f"{MAX_BLOCK_COMBINATIONS:,} can be solved exactly",
        )
    allowed = np.ones(shape, dtype=bool)
    position = {issue.name: k for k, issue in enumerate(issues)}
    for constraint in problem.constraints:
        if next(iter(constraint.when)) not in position:
            continue
        # One forbidden box per then_not issue: all "if" issues on their listed options
        # and that issue on a forbidden option (an issue in both must meet both).
        for banned_name, banned in constraint.then_not.items():
            box = [np.ones(n, dtype=bool) for n in shape]
            for name, options in constraint.when.items():
                k = position[name]
                box[k] &= np.isin(issues[k].options, options)
            k = position[banned_name]
            box[k] &= np.isin(issues[k].options, banned)
            forbidden = np.ones(shape, dtype=bool)
            for k, mask in enumerate(box):
                forbidden &= mask.reshape([-1 if j == k else 1 for j in range(len(shape))])
            allowed &= ~forbidden
    return allowed


def build_tables(problem: Problem) -> Tables:
    parties = problem.parties
    # Sums over parties must also fit in int64 (the many-party filter sorts on them).
    limit = (2**62) // len(parties)
    per_party = [_party_table(problem, party, limit) for party in parties]
    exact = all(ok for _, _, ok in per_party)
    if not exact:
        # Mixed scales would be fine mathematically, but one grid keeps the report honest.
        per_party = [
            ([[round(Fraction(v, d) * GRID) for v in row] for row in t], GRID, False)
            for t, d, _ in per_party
        ]
    blocks = []
    package_count = 1
    for members in _linked_groups(problem):
        allowed = _allowed(problem, members)
        choices = np.argwhere(allowed)
        if len(choices) == 0:
            names = ", ".join(problem.issues[i].name for i in members)
            raise InputError("constraints", f"no combination of {names} satisfies them all")
        values = np.zeros((len(choices), len(parties)), dtype=np.int64)
        for p, (table, _, _) in enumerate(per_party):
            for k, issue_index in enumerate(members):
                values[:, p] += np.asarray(table[issue_index], dtype=np.int64)[choices[:, k]]
        blocks.append(Block(tuple(members), choices, values))
        package_count *= len(choices)
    walk_away = tuple(decimal(problem.preferences[p].walk_away) for p in parties)
    return Tables(
        blocks=tuple(blocks),
        denominators=tuple(d for _, d, _ in per_party),
        walk_away=walk_away,
        exact=exact,
        package_count=package_count,
    )
