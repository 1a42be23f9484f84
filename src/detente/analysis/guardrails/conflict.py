"""The goal-conflict map: for each goal of one side and goal of the other, do they move
together, against each other, or is there no telling from the data?

Correlations are direction-adjusted: +1 means both goals make progress together, whichever
way each one counts progress ("higher" or "lower" is better). By default they are computed on
period-to-period changes, not levels: two KPIs that both trend upward over the years are
correlated in level whether or not they have anything to do with each other.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from typing import Literal

from detente.analysis.guardrails.correlation import MIN_PAIRS, Correlation, correlate
from detente.analysis.guardrails.model import GoalSet, Objective

Basis = Literal["changes", "levels"]
Relation = Literal["together", "against", "unclear", "too little data"]


@dataclass(frozen=True)
class Cell:
    row: str  # objective of the first side
    column: str  # objective of the second side
    relation: Relation
    strength: str | None  # "weak", "moderate", "strong" by |r|; None without a correlation
    correlation: Correlation | None  # direction-adjusted
    pairs: int  # paired values used
    horizons: tuple[str | None, str | None]
    horizon_mismatch: bool
    reason: str  # why there is no correlation, or ""


@dataclass(frozen=True)
class ConflictMap:
    sides: tuple[str, str]
    rows: list[str]
    columns: list[str]
    cells: list[Cell]  # row-major
    basis: Basis
    confidence: float
    statements: list[str]


def paired(a: Objective, b: Objective, basis: Basis) -> tuple[list[float], list[float]]:
    """The paired values the correlation uses: both readings present (and, for changes, both
    readings of both goals present in two consecutive periods)."""
    xs: list[float] = []
    ys: list[float] = []
    if basis == "levels":
        for x, y in zip(a.history, b.history, strict=True):
            if x is not None and y is not None:
                xs.append(x)
                ys.append(y)
        return xs, ys
    h = list(zip(a.history, b.history, strict=True))
    for (x0, y0), (x1, y1) in itertools.pairwise(h):
        if x0 is not None and y0 is not None and x1 is not None and y1 is not None:
            xs.append(x1 - x0)
            ys.append(y1 - y0)
    return xs, ys


def _strength(r: float) -> str:
    r = abs(r)
    return "weak" if r < 0.3 else "moderate" if r < 0.7 else "strong"


def _cell(a: Objective, b: Objective, basis: Basis, confidence: float) -> Cell:
    xs, ys = paired(a, b, basis)
    horizons = (a.horizon, b.horizon)
    mismatch = None not in horizons and a.horizon != b.horizon
    cell = functools.partial(Cell, row=a.name, column=b.name, pairs=len(xs), horizons=horizons,
                             horizon_mismatch=mismatch)  # fmt: skip
    try:
        c = correlate(xs, ys, confidence)
    except ValueError as exc:
        reason = (
            str(exc)
            if len(xs) >= MIN_PAIRS
            else (
                f"{len(xs)} paired {'changes' if basis == 'changes' else 'readings'}, "
                f"need at least {MIN_PAIRS}"
            )
        )
        return cell(relation="too little data", strength=None, correlation=None, reason=reason)
    sign = (1 if a.direction == "higher" else -1) * (1 if b.direction == "higher" else -1)
    if sign < 0:
        c = Correlation(-c.r, -c.high, -c.low, c.n, c.confidence, c.p_value)
    relation: Relation = "together" if c.low > 0 else "against" if c.high < 0 else "unclear"
    return cell(relation=relation, strength=_strength(c.r), correlation=c, reason="")


def _statements(m: ConflictMap) -> list[str]:
    s1, s2 = m.sides
    unit = "period-to-period changes" if m.basis == "changes" else "readings"
    level = f"{m.confidence:.0%}"
    out = []
    counts = {rel: sum(c.relation == rel for c in m.cells) for rel in
              ("together", "against", "unclear", "too little data")}  # fmt: skip
    out.append(
        f"{s1} and {s2}: of {len(m.cells)} goal pairs, {counts['together']} move together, "
        f"{counts['against']} against each other, {counts['unclear']} cannot be told apart "
        f"from no relation with this much data, and {counts['too little data']} have too "
        f"little data."
    )
    if counts["against"] < len(m.cells) and counts["together"]:
        out.append("They are not opposed on every dimension: some goals make progress together.")
    for c in m.cells:
        if c.correlation is None or c.relation == "unclear":
            continue
        k = c.correlation
        verb = "move together" if c.relation == "together" else "move against each other"
        out.append(
            f"{s1}'s {c.row} and {s2}'s {c.column} {verb}: r = {k.r:.2f}, {level} interval "
            f"{k.low:.2f} to {k.high:.2f}, from {k.n} {unit}."
        )
    for c in m.cells:
        if c.horizon_mismatch and c.relation == "against":
            out.append(
                f"{c.row} ({c.horizons[0]}) and {c.column} ({c.horizons[1]}) work on different "
                "time horizons; the conflict may be about when, not what."
            )
    return out


def conflict_maps(
    goals: GoalSet, basis: Basis = "changes", confidence: float = 0.9
) -> list[ConflictMap]:
    """One map for each pair of sides, rows the first side's goals, columns the second's."""
    maps = []
    for s1, s2 in itertools.combinations(goals.sides, 2):
        rows = [o for o in goals.objectives if o.side == s1]
        cols = [o for o in goals.objectives if o.side == s2]
        cells = [_cell(a, b, basis, confidence) for a in rows for b in cols]
        m = ConflictMap((s1, s2), [o.name for o in rows], [o.name for o in cols], cells, basis,
                        confidence, [])  # fmt: skip
        m.statements.extend(_statements(m))
        maps.append(m)
    return maps
