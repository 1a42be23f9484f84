"""The exact Pareto frontier by merging blocks of issues one at a time.

After merging the first k blocks we hold the Pareto-optimal utility vectors of the
partial packages. A partial package beaten by another is beaten after any completion
too (add the same options to both), so it can be dropped without losing any frontier
point: the frontier of the whole is found without listing the whole outcome space.

Each merge adds every block option to every kept vector and filters the candidates.
With two parties the filter is one sort and a running maximum (no pairwise
comparisons); with more, candidates are visited in decreasing order of their sum and
each survivor removes, in one vectorised step, everything it beats.

Packages that give exactly the same utilities are ties. They are never split: every
(parent, option) pair that reaches a kept vector is recorded as an edge, so the ties
form a small graph from which they are counted exactly and listed on demand.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from detente.analysis.files import InputError

from .tables import Block, Tables

# An exact frontier larger than this is no use to a negotiator and would exhaust memory.
MAX_FRONTIER_POINTS = 2_000_000
# With three or more parties each survivor is compared with the remaining candidates.
# Near-constant-sum preferences make almost every package Pareto-optimal, and the work
# grows with frontier x candidates; past this many comparisons we stop with a message
# rather than run for minutes. The budget covers the whole computation, all merges.
MAX_MULTIPARTY_COMPARISONS = 100_000_000
_EXACT_FLOAT_COUNT = 2**52


@dataclass(frozen=True)
class Level:
    """The kept vectors after merging one more block, and the edges that reach them.

    Edges are sorted by point, then option, then parent; ``starts[i]:starts[i + 1]``
    are the edges of point ``i``.
    """

    points: np.ndarray  # (n, parties) int64
    edge_parent: np.ndarray
    edge_option: np.ndarray
    starts: np.ndarray
    counts: np.ndarray  # packages reaching each point: int64, or Python ints (object) when huge


def _filter_two(candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices of non-dominated candidates and the point number each one maps to."""
    a, b = candidates[:, 0], candidates[:, 1]
    order = np.lexsort((-b, -a))  # first party descending, then second descending
    sa, sb = a[order], b[order]
    starts_group = np.ones(len(order), dtype=bool)
    starts_group[1:] = (sa[1:] != sa[:-1]) | (sb[1:] != sb[:-1])
    # A vector survives when its second utility beats everything with a larger (or equal,
    # larger-second) first utility, which is exactly everything sorted before it.
    best_before = np.empty_like(sb)
    best_before[0] = np.iinfo(np.int64).min
    np.maximum.accumulate(sb[:-1], out=best_before[1:])
    group = np.cumsum(starts_group) - 1
    group_kept = (sb > best_before)[starts_group]
    kept_sorted = group_kept[group]
    point_of_group = np.cumsum(group_kept) - 1
    return order[kept_sorted], point_of_group[group[kept_sorted]]


def _filter_many(candidates: np.ndarray, budget: list[int]) -> tuple[np.ndarray, np.ndarray]:
    unique, inverse = np.unique(candidates, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    # A vector can only be beaten by one with a strictly larger sum, so in decreasing
    # order of sum the first vector still standing is never beaten.
    order = np.argsort(-unique.sum(axis=1), kind="stable")
    ranked = unique[order]
    alive = np.ones(len(ranked), dtype=bool)
    kept: list[int] = []
    i = 0
    while i < len(ranked):
        kept.append(i)
        rest = np.flatnonzero(alive[i + 1 :]) + i + 1
        budget[0] -= len(ranked) - i
        if budget[0] < 0:
            raise InputError(
                "parties",
                f"with more than two parties the frontier of this file is too large to "
                f"compute exactly (over {len(kept):,} points part-way), usually because "
                "the parties' preferences nearly cancel out so most packages are "
                "Pareto-optimal; negotiate pair by pair or reduce the options",
            )
        beaten = np.all(ranked[rest] <= ranked[i], axis=1)
        alive[rest[beaten]] = False
        survivors = rest[~beaten]
        i = int(survivors[0]) if len(survivors) else len(ranked)
    point_of_rank = np.full(len(ranked), -1)
    point_of_rank[kept] = np.arange(len(kept))
    point_of_unique = np.empty(len(unique), dtype=np.int64)
    point_of_unique[order] = point_of_rank
    point = point_of_unique[inverse]
    keep = np.flatnonzero(point >= 0)
    return keep, point[keep]


def _merge(previous: Level, values: np.ndarray, budget: list[int]) -> Level:
    n, m = len(previous.points), len(values)
    candidates = (previous.points[:, None, :] + values[None, :, :]).reshape(n * m, -1)
    if candidates.shape[1] == 2:
        keep, point = _filter_two(candidates)
    else:
        keep, point = _filter_many(candidates, budget)
    parent, option = keep // m, keep % m
    order = np.lexsort((parent, option, point))
    point, parent, option = point[order], parent[order], option[order]
    size = int(point[-1]) + 1
    points = np.empty((size, candidates.shape[1]), dtype=np.int64)
    points[point] = candidates[keep[order]]
    starts = np.searchsorted(point, np.arange(size + 1))
    return Level(points, parent, option, starts, _count(previous.counts, parent, point, size))


def _count(previous: np.ndarray, parent: np.ndarray, point: np.ndarray, size: int) -> np.ndarray:
    if previous.dtype != object:
        approx = np.bincount(point, weights=previous[parent].astype(float), minlength=size)
        if approx.max() < _EXACT_FLOAT_COUNT:
            return approx.astype(np.int64)
        previous = previous.astype(object)
    # Huge tie counts (many issues nobody cares about) are counted with Python integers.
    exact = np.zeros(size, dtype=object)
    np.add.at(exact, point, previous[parent])
    return exact


@dataclass(frozen=True)
class Frontier:
    levels: tuple[Level, ...]
    tables: Tables

    @property
    def points(self) -> np.ndarray:
        return self.levels[-1].points

    def count(self, point: int) -> int:
        return int(self.levels[-1].counts[point])

    def first_packages(self) -> np.ndarray:
        """One package per final point (the first one ``packages`` lists), vectorised."""
        issue_count = sum(len(block.issues) for block in self.tables.blocks)
        chosen = np.zeros((len(self.points), issue_count), dtype=np.int64)
        index = np.arange(len(self.points))
        for level, block in zip(self.levels[:0:-1], self.tables.blocks[::-1], strict=True):
            edge = level.starts[index]
            chosen[:, list(block.issues)] = block.choices[level.edge_option[edge]]
            index = level.edge_parent[edge]
        return chosen

    def packages(self, point: int, limit: int) -> list[list[int]]:
        """Up to ``limit`` packages reaching a final point, as one option index per issue."""
        issue_count = sum(len(block.issues) for block in self.tables.blocks)
        found: list[list[int]] = []

        def walk(depth: int, index: int, chosen: list[int]) -> Iterator[list[int]]:
            if depth == 0:
                yield chosen
                return
            level = self.levels[depth]
            for e in range(level.starts[index], level.starts[index + 1]):
                yield from walk(
                    depth - 1, int(level.edge_parent[e]), [int(level.edge_option[e]), *chosen]
                )

        for options in walk(len(self.levels) - 1, point, []):
            package = [0] * issue_count
            for block, option in zip(self.tables.blocks, options, strict=True):
                for issue, choice in zip(block.issues, block.choices[option], strict=True):
                    package[issue] = int(choice)
            found.append(package)
            if len(found) >= limit:
                break
        return found


def pareto_frontier(tables: Tables, progress: bool = False) -> Frontier:
    parties = len(tables.denominators)
    start = Level(
        points=np.zeros((1, parties), dtype=np.int64),
        edge_parent=np.zeros(0, dtype=np.int64),
        edge_option=np.zeros(0, dtype=np.int64),
        starts=np.zeros(2, dtype=np.int64),
        counts=np.ones(1, dtype=np.int64),
    )
    levels = [start]
    blocks: Iterable[Block] = tables.blocks
    if progress:
        from tqdm import tqdm

        blocks = tqdm(blocks, desc="merging issues", unit="issue", leave=False)
    budget = [MAX_MULTIPARTY_COMPARISONS]  # shared by every merge (many-party filter only)
    for number, block in enumerate(blocks, start=1):
        level = _merge(levels[-1], block.values, budget)
        if len(level.points) > MAX_FRONTIER_POINTS:
            raise InputError(
                "issues",
                f"the exact frontier passed {MAX_FRONTIER_POINTS:,} points after {number} "
                "issue blocks; merge or drop issues with near-identical trade-offs",
            )
        levels.append(level)
    return Frontier(tuple(levels), tables)
