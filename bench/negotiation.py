"""Benchmark: detente's exact frontier against NegMAS on the same random instances.

Run:  .venv/bin/python bench/negotiation.py           (about a minute)
      .venv/bin/python bench/negotiation.py --mobanos-100   (adds NegMAS's MOBANOS
                                                              sampler at 100 x 10: minutes)

NegMAS (AGPL) is only imported here, never by detente; install it into the venv for the
benchmark (`pip install negmas`). Scores are multiples of 0.01 and weights small
integers, so both libraries' utilities can be compared after rounding to 1e-9.

The fair baseline (issue 14) needs only numpy and runs without NegMAS: enumerate every
package's integer utilities with broadcast sums, issue by issue, then keep the skyline
(2 parties: sort by one utility, running maximum of the other; 3 parties: in decreasing
order of the sum, each survivor removes everything it beats, one vectorised step each).
Its frontier must equal detente's exactly (as fractions): a disagreement exits 1. Without
NegMAS the NegMAS rows are skipped and the output says so.
"""

from __future__ import annotations

import argparse
import functools
import math
import time
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np

from detente.analysis.negotiation import Issue, Preferences, Problem, solve
from detente.analysis.negotiation.frontier import pareto_frontier
from detente.analysis.negotiation.tables import build_tables


def instance(issues: int, options: int, parties: int, seed: int) -> Problem:
    rng = np.random.default_rng(seed)
    listed = tuple(Issue(f"i{k}", tuple(f"o{j}" for j in range(options))) for k in range(issues))
    names = tuple(f"P{p}" for p in range(parties))

    def preferences() -> Preferences:
        return Preferences(
            weights={i.name: int(rng.integers(1, 10)) for i in listed},
            scores={
                i.name: {o: int(rng.integers(0, 101)) / 100 for o in i.options} for i in listed
            },
            walk_away=0.3,
        )

    return Problem(names, listed, {p: preferences() for p in names})


def integer_tables(problem: Problem) -> tuple[list[list[np.ndarray]], list[int]]:
    """Per party, each issue's integer utilities over the common denominator 100 x the total
    weight (weights are integers, scores multiples of 0.01), written out independently of
    detente's tables."""
    tables: list[list[np.ndarray]] = []
    denominators: list[int] = []
    for party in problem.parties:
        prefs = problem.preferences[party]
        tables.append(
            [
                np.array(
                    [
                        int(prefs.weights[i.name]) * round(100 * prefs.scores[i.name][o])
                        for o in i.options
                    ],
                    dtype=np.int64,
                )  # fmt: skip
                for i in problem.issues
            ]
        )
        denominators.append(100 * int(sum(prefs.weights.values())))
    return tables, denominators


def enumerate_packages(problem: Problem) -> tuple[np.ndarray, list[int]]:
    """Distinct (packages, parties) integer utilities of all packages, by broadcast sums,
    sorted by the first party's utility then the next.

    The parties' utilities are packed into one int64 per package (mixed radix: utilities
    are non-negative and bounded), so the enumeration adds one array, not one per party,
    and sorting or de-duplicating packages is a plain 1-D sort."""
    tables, denominators = integer_tables(problem)
    radices = [int(sum(int(v.max()) for v in issue_tables)) + 1 for issue_tables in tables]
    assert math.prod(radices) < 2**62, "utilities too large to pack into one int64"
    packed_tables = [np.zeros(len(t), dtype=np.int64) for t in tables[0]]
    for issue_tables, radix in zip(tables, radices, strict=True):
        for k, values in enumerate(issue_tables):
            packed_tables[k] = packed_tables[k] * radix + values
    total = np.zeros(1, dtype=np.int64)
    for values in packed_tables:
        total = (total[:, None] + values[None, :]).reshape(-1)
    total.sort()  # a plain sort and a comparison: np.unique's hashing is slower here
    distinct = np.concatenate(([True], total[1:] != total[:-1]))
    return unpack(total[distinct], radices), denominators


def unpack(packed: np.ndarray, radices: list[int]) -> np.ndarray:
    columns = []
    for radix in reversed(radices):
        packed, column = np.divmod(packed, radix)
        columns.append(column)
    return np.stack(columns[::-1], axis=1)


def skyline(points: np.ndarray) -> np.ndarray:
    """The non-dominated rows of ``points``, distinct rows (larger is better in every
    column). Sorted by the first column then the second (as ``enumerate_packages`` gives
    them), the 2-party skyline is one running maximum."""
    if points.shape[1] == 2:
        a, b = points[::-1, 0], points[::-1, 1]  # first utility descending, ties by second
        assert np.all(np.diff(a) <= 0), "points must come sorted"
        best_before = np.maximum.accumulate(np.concatenate(([np.iinfo(np.int64).min], b[:-1])))
        return points[::-1][b > best_before]
    # More parties: a row can only be beaten by one with a strictly larger sum, so in
    # decreasing order of sum the first row left standing is never beaten.
    rows = points[np.argsort(-points.sum(axis=1), kind="stable")]
    kept = []
    while len(rows):
        top = rows[0]
        kept.append(top)
        rest = rows[1:]
        rows = rest[~np.all(rest <= top, axis=1)]
    return np.array(kept)


def numpy_frontier(problem: Problem) -> set[tuple[Fraction, ...]]:
    """The fair baseline: enumerate + skyline, as exact fractions."""
    points, denominators = enumerate_packages(problem)
    return {
        tuple(Fraction(int(v), d) for v, d in zip(row, denominators, strict=True))
        for row in skyline(points)
    }


def exact_frontier(problem: Problem) -> set[tuple[Fraction, ...]]:
    return {o.exact for o in solve(problem).frontier}


def negmas_model(problem: Problem) -> tuple[list[Any], list[Any]]:
    from negmas import make_issue
    from negmas.preferences import LinearAdditiveUtilityFunction

    issues = [make_issue(list(i.options), name=i.name) for i in problem.issues]
    ufuns = []
    for party in problem.parties:
        prefs = problem.preferences[party]
        total = sum(prefs.weights.values())
        ufuns.append(
            LinearAdditiveUtilityFunction(
                values={name: dict(table) for name, table in prefs.scores.items()},
                weights={name: w / total for name, w in prefs.weights.items()},
                issues=issues,
            )
        )
    return ufuns, issues


def rounded(vectors: Any) -> set[tuple[float, ...]]:
    return {tuple(round(float(u), 9) for u in v) for v in vectors}


def compare(ours: set[tuple[float, ...]], theirs: set[tuple[float, ...]]) -> str:
    """Equal sets, or equal once the peer's float-tie artefacts are removed.

    Summing floats in a different order can make a package look a hair better on one
    side than a tied package; the peer then keeps it although, in exact arithmetic, it
    is beaten (equal on one side, worse on the other). Rounded to 1e-9 the tie shows.
    """
    if ours == theirs:
        return f"yes ({len(ours)} points)"
    beaten = {
        v
        for v in theirs
        if any(all(a >= b for a, b in zip(w, v, strict=True)) and w != v for w in theirs)
    }
    if ours == theirs - beaten:
        return (
            f"yes ({len(ours)} points) once {len(beaten)} float-tie points the peer kept, "
            "beaten in exact arithmetic, are removed"
        )
    return f"NO: detente {len(ours)}, peer {len(theirs)}, {len(ours & theirs)} shared"


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    best, value = math.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def detente_frontier(problem: Problem) -> set[tuple[float, ...]]:
    return rounded(o.exact for o in solve(problem).frontier)


def frontier_only(problem: Problem) -> int:
    return len(pareto_frontier(build_tables(problem)).points)


def row(label: str, detente_s: float, peer: str, peer_s: float | None, same: str) -> None:
    ratio = f"{peer_s / detente_s:,.{0 if peer_s >= 10 * detente_s else 1}f}x" if peer_s else "-"
    peer_text = f"{peer_s:.3f}" if peer_s is not None else "not run"
    print(f"| {label} | {detente_s:.4f} | {peer} | {peer_text} | {ratio} | {same} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mobanos-100", action="store_true", help="also run MOBANOS at 100x10")
    args = parser.parse_args()
    fair_baseline()
    try:
        from negmas import MOBANOSParetoSampler
        from negmas.preferences.ops import pareto_frontier as negmas_pareto
    except ImportError:
        print("\nNegMAS is not installed: its rows are skipped (pip install negmas).")
        return
    print(
        "\n| instance | detente solve (s) | NegMAS method | NegMAS (s) | speed-up | same frontier |"
    )
    print("|---|---|---|---|---|---|")
    # Enumeration: NegMAS lists every outcome; detente merges issue by issue.
    for issues, options, parties in [(4, 10, 2), (5, 10, 2), (6, 10, 2), (5, 10, 3)]:
        problem = instance(issues, options, parties, seed=issues * 10 + parties)
        ufuns, negmas_issues = negmas_model(problem)
        d_s, ours = timed(lambda p=problem: detente_frontier(p), repeat=3)
        n_s, (theirs, _) = timed(lambda u=ufuns, i=negmas_issues: negmas_pareto(u, issues=i))
        label = f"{parties} parties, {options}^{issues} = {options**issues:,} packages"
        same = compare(ours, rounded(theirs))
        row(label, d_s, "`ops.pareto_frontier`", n_s, same)

    # Issue-by-issue sampler: MOBANOS (exact utilities, both parties linear additive).
    sizes = [(10, 10), (20, 10)] + ([(100, 10)] if args.mobanos_100 else [])
    for issues, options in sizes:
        problem = instance(issues, options, 2, seed=issues)
        ufuns, _ = negmas_model(problem)
        d_s, ours = timed(lambda p=problem: detente_frontier(p), repeat=3)

        def mobanos(u: list[Any] = ufuns) -> set[tuple[float, ...]]:
            sampler = MOBANOSParetoSampler()
            sampler.init(u[0], u[1])
            return rounded((u[0](o), u[1](o)) for o in sampler.pareto_outcomes())

        n_s, theirs = timed(mobanos)
        same = compare(ours, theirs)
        row(
            f"2 parties, {issues} issues x {options} options",
            d_s,
            "`MOBANOSParetoSampler`",
            n_s,
            same,
        )

    problem = instance(100, 10, 2, seed=100)
    d_s, ours = timed(lambda: detente_frontier(problem), repeat=3)
    f_s, _ = timed(lambda: frontier_only(problem), repeat=3)
    if not args.mobanos_100:
        row("2 parties, 100 issues x 10 options", d_s, "`MOBANOSParetoSampler`", None, "-")
    print(
        f"\n100 x 10: frontier alone {f_s:.3f} s, {len(ours)} frontier points; "
        "full solve (fair points, packages) as in the table."
    )
    problem = instance(6, 10, 3, seed=63)
    d_s, ours = timed(lambda: detente_frontier(problem))
    print(
        f"3 parties at the stated limit (10^6 packages): {d_s:.2f} s, {len(ours)} frontier points."
    )


def times(ratio: float) -> str:
    return f"{ratio:,.{0 if ratio >= 10 else 1}f}x"


def fair_baseline() -> None:
    """detente against numpy enumerate + skyline, same instances, same run; asserted equal."""
    print(
        "| instance | detente solve (s) | detente frontier only (s) | numpy enumerate + "
        "skyline (s) | speed-up (solve) | speed-up (frontier only) | same frontier |"
    )
    print("|---|---|---|---|---|---|---|")
    for issues, options, parties in [(4, 10, 2), (5, 10, 2), (6, 10, 2), (5, 10, 3), (6, 10, 3)]:
        problem = instance(issues, options, parties, seed=issues * 10 + parties)
        s_s, ours = timed(functools.partial(exact_frontier, problem), repeat=3)
        f_s, _ = timed(functools.partial(frontier_only, problem), repeat=3)
        b_s, theirs = timed(
            functools.partial(numpy_frontier, problem), repeat=3 if parties == 2 else 1
        )
        if ours != theirs:
            raise SystemExit(
                f"DISAGREEMENT at {parties} parties, {options}^{issues}: detente "
                f"{len(ours)} points, numpy {len(theirs)}, {len(ours & theirs)} shared"
            )
        print(
            f"| {parties} parties, {options}^{issues} = {options**issues:,} packages "
            f"| {s_s:.4f} | {f_s:.4f} | {b_s:.4f} | {times(b_s / s_s)} | {times(b_s / f_s)} "
            f"| yes, {len(ours)} points (exact fractions) |"
        )
    print(
        "| 2 parties, 10 issues x 10 options = 10^10 packages | - | - | impossible: "
        "80 GB of packed int64 utilities | - | - | - |\n"
        "| 2 parties, 100 issues x 10 options = 10^100 packages | - | - | impossible: "
        "10^100 rows | - | - | - |"
    )


if __name__ == "__main__":
    main()
