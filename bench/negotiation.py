"""Benchmark: detente's exact frontier against NegMAS on the same random instances.

Run:  .venv/bin/python bench/negotiation.py           (about a minute)
      .venv/bin/python bench/negotiation.py --mobanos-100   (adds NegMAS's MOBANOS
                                                              sampler at 100 x 10: minutes)

NegMAS (AGPL) is only imported here, never by detente; install it into the venv for the
benchmark (`pip install negmas`). Scores are multiples of 0.01 and weights small
integers, so both libraries' utilities can be compared after rounding to 1e-9.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
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
    from negmas import MOBANOSParetoSampler
    from negmas.preferences.ops import pareto_frontier as negmas_pareto

    print(
        "| instance | detente solve (s) | NegMAS method | NegMAS (s) | speed-up | same frontier |"
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


if __name__ == "__main__":
    main()
