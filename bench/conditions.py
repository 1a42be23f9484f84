"""Benchmark: the conditions engine on 50 options x 20 considerations x 5 parties.

Times, in one run:
  1. the exact threshold tables (one-weight, ratio and value) for all 1,225 pairs and 5 parties;
  2. the full ``analyse(pairs="all")``: tables, every record, settling estimates and sampled
     robustness (200,000 weightings; 20 considerations is past the exact limit);
  3. a brute-force weight sweep: for each party and consideration, rescore every option on a
     grid of 1,001 shares and find where each pair's margin changes sign.
and checks that the sweep's thresholds agree with the exact ones to within its grid step.
The sweep is vectorised over the grid and all pairs, with a Python loop over the 100
(party, consideration) pairs; ``vectorised_sweep`` (issue 14) also takes all considerations
of a party in one step, as the fair vectorised baseline. Both must find the same flips, and
both must agree with the exact thresholds; a disagreement exits 1. For a like-for-like
ratio the script also times the engine's one-weight thresholds alone (the kind the sweep
finds).

Run:  .venv/bin/python bench/conditions.py
"""

from __future__ import annotations

import time

import numpy as np

from detente.analysis.conditions import Consideration, Estimate, Party, Problem, analyse
from detente.analysis.conditions import thresholds as th
from detente.analysis.conditions.engine import party_tables
from detente.analysis.conditions.scoring import build_matrices

N_OPTIONS, N_CONSIDERATIONS, N_PARTIES = 50, 20, 5
GRID = 1001


def make_problem(seed: int = 0) -> Problem:
    rng = np.random.default_rng(seed)
    options = [f"option{i}" for i in range(N_OPTIONS)]
    cons = []
    for j in range(N_CONSIDERATIONS):
        values = {}
        for o in options:
            x = float(rng.uniform(0, 100))
            width = float(rng.uniform(0, 10)) if rng.random() < 0.25 else 0.0
            values[o] = Estimate(x, x + width)
        cons.append(Consideration(f"c{j}", "higher" if j % 3 else "lower", values))
    parties = [
        Party(f"party{k}", {f"c{j}": float(w) for j, w in enumerate(rng.dirichlet(np.ones(20)))})
        for k in range(N_PARTIES)
    ]
    return Problem(options, cons, parties)


def brute_force_weight_sweep(problem: Problem) -> np.ndarray:
    """(k, P, m) threshold shares found on a grid (NaN where no sign change)."""
    mat = build_matrices(problem)
    n, m = mat.central.shape
    ia, ib = np.triu_indices(n, 1)
    grid = np.linspace(0, 1, GRID)
    out = np.full((len(mat.parties), len(ia), m), np.nan)
    for k in range(len(mat.parties)):
        p = mat.shares[k]
        for j in range(m):
            w = np.outer(1 - grid, p / (1 - p[j]))  # others keep their proportions
            w[:, j] = grid
            s = w @ mat.central.T  # (G, n): every option rescored at every grid point
            margin = s[:, ia] - s[:, ib]  # (G, P)
            change = np.sign(margin[:-1]) * np.sign(margin[1:]) < 0
            has = change.any(axis=0)
            first = change.argmax(axis=0)
            out[k, has, j] = (grid[first[has]] + grid[first[has] + 1]) / 2
    return out


def vectorised_sweep(problem: Problem) -> np.ndarray:
    """The same sweep with every consideration of a party rescored in one step: margins of
    all (consideration, share, pair) at once, sign changes found on booleans."""
    mat = build_matrices(problem)
    n, m = mat.central.shape
    ia, ib = np.triu_indices(n, 1)
    grid = np.linspace(0, 1, GRID)
    d = mat.central[ia] - mat.central[ib]  # (P, m): the margin is linear in the weights
    out = np.full((len(mat.parties), len(ia), m), np.nan)
    for k in range(len(mat.parties)):
        p = mat.shares[k]
        # w[j, g, :] = the weights when consideration j has share grid[g]; others rescaled.
        w = (1 - grid)[None, :, None] * (p / (1 - p[:, None]))[:, None, :]
        w[np.arange(m), :, np.arange(m)] = grid
        margin = w @ d.T  # (m, G, P)
        above, below = margin > 0, margin < 0
        change = (above[:, :-1] & below[:, 1:]) | (below[:, :-1] & above[:, 1:])
        has = change.any(axis=1)  # (m, P)
        first = change.argmax(axis=1)
        mids = (grid[first] + grid[np.minimum(first + 1, GRID - 1)]) / 2
        out[k] = np.where(has, mids, np.nan).T
    return out


def main() -> None:
    problem = make_problem()
    mat = build_matrices(problem)
    ia, ib = np.triu_indices(N_OPTIONS, 1)

    t0 = time.perf_counter()
    tables = [party_tables(mat, k, ia, ib) for k in range(N_PARTIES)]
    t_tables = time.perf_counter() - t0

    t0 = time.perf_counter()
    for k in range(N_PARTIES):
        th.weight_thresholds(mat.shares[k], mat.central[ia] - mat.central[ib])
    t_weight = time.perf_counter() - t0

    t0 = time.perf_counter()
    result = analyse(problem, pairs="all", samples=200_000, seed=0)
    t_full = time.perf_counter() - t0

    t0 = time.perf_counter()
    swept = brute_force_weight_sweep(problem)
    t_sweep = time.perf_counter() - t0

    t0 = time.perf_counter()
    swept_vectorised = vectorised_sweep(problem)
    t_vsweep = time.perf_counter() - t0

    exact = np.stack([t.t_star for t in tables])
    both = ~np.isnan(exact) & ~np.isnan(swept)
    only_one = np.isnan(exact) != np.isnan(swept)
    # A flip within half a grid step of 0 or 1 can fall outside the sweep's brackets.
    edge = only_one & ((np.nan_to_num(exact, nan=0.5) < 1 / GRID) | (exact > 1 - 1 / GRID))
    n_ratio = int(sum(np.count_nonzero(~np.isnan(t.r_star)) for t in tables) // 2)
    rob = result.robustness[0]
    print(f"{N_OPTIONS} options x {N_CONSIDERATIONS} considerations x {N_PARTIES} parties, "
          f"{len(ia)} pairs")  # fmt: skip
    print(f"exact threshold tables (all pairs, 5 parties):   {t_tables:8.3f} s")
    print(f"  one-weight flips found: {int(np.count_nonzero(~np.isnan(exact)))}, "
          f"ratio flips: {n_ratio}")  # fmt: skip
    print(f"  one-weight thresholds alone (the sweep's kind): {t_weight:8.3f} s")
    print(f"full analyse(pairs='all') incl. records, settlers, robustness: {t_full:8.3f} s")
    print(f"  flip records: {len(result.flips)} party-pairs, robustness {rob.method} "
          f"with {rob.samples} draws, max standard error {max(rob.standard_errors.values()):.4f}")  # fmt: skip
    print(f"brute-force weight sweep ({GRID} shares, one-weight flips only): {t_sweep:8.3f} s")
    print(f"same sweep, all considerations of a party at once (fair baseline): {t_vsweep:8.3f} s")
    gap = np.abs(exact - swept)[both].max()
    print(f"  max |exact - swept| where both found: {gap:.2e} "
          f"(grid half-step {0.5 / (GRID - 1):.1e}); found by one only: "
          f"{int(only_one.sum())} (all within a step of 0 or 1: {bool(np.all(edge == only_one))})")  # fmt: skip
    fair = min(t_sweep, t_vsweep)
    print(f"speed-up over the faster sweep: all three exact tables {fair / t_tables:.1f}x, "
          f"one-weight thresholds alone {fair / t_weight:.0f}x")  # fmt: skip
    same_flips = np.array_equal(np.isnan(swept), np.isnan(swept_vectorised)) and bool(
        np.allclose(swept[both], swept_vectorised[both], rtol=0, atol=1 / (GRID - 1) + 1e-12)
    )
    if not (same_flips and gap <= 0.5 / (GRID - 1) + 1e-9 and np.all(edge == only_one)):
        raise SystemExit(
            f"DISAGREEMENT: sweeps agree with each other: {same_flips}; exact vs sweep "
            f"gap {gap:.2e}; flips found by one method only away from 0 and 1: "
            f"{int((only_one & ~edge).sum())}"
        )
    print("agreement (asserted): both sweeps find the same flips, within a grid step of exact")


if __name__ == "__main__":
    main()
