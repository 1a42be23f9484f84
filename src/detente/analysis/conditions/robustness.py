"""Robustness: the share of all weightings under which each option scores highest.

"All weightings" is the uniform distribution over the simplex of weight shares, optionally cut
down to a box of per-consideration bounds. The region where an option wins is a convex
polytope (the simplex and box, intersected with one half-space per rival), so:

* exactly, for few considerations: each region's volume from its vertices (scipy's
  HalfspaceIntersection and ConvexHull, i.e. Qhull), divided by the volume of the whole;
* by sampling otherwise: Dirichlet(1, ..., 1) draws, shifted onto the lower bounds (which keeps
  them uniform) and rejected outside the upper bounds, with the binomial standard error.

Options whose central normalised values are identical share one region; it is split equally,
so the shares always sum to 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.spatial import ConvexHull, HalfspaceIntersection

# Qhull's cost grows quickly with dimension; past this many considerations we sample.
EXACT_MAX_CONSIDERATIONS = 6
DEFAULT_SAMPLES = 200_000
_CHUNK = 50_000


@dataclass(frozen=True)
class Robustness:
    scope: str  # "all weightings" or the party whose bounds were used
    shares: dict[str, float]
    standard_errors: dict[str, float]  # 0 when exact
    method: str  # "exact" or "sampled"
    samples: int  # accepted draws when sampled, 0 when exact
    bounds: dict[str, tuple[float, float]]

    def as_json(self) -> dict:
        return {
            "scope": self.scope,
            "method": self.method,
            "samples": self.samples,
            "bounds": {k: list(v) for k, v in self.bounds.items()},
            "options": {
                o: {"share": self.shares[o], "standard_error": self.standard_errors[o]}
                for o in self.shares
            },
        }


def _groups(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Representative rows of u and, for each option, the index of its group."""
    # Rounding only decides who ties; the representatives keep their unrounded values.
    _, first, inverse = np.unique(np.round(u, 12), axis=0, return_index=True, return_inverse=True)
    return u[first], inverse.reshape(-1)


def _split(group_share: np.ndarray, inverse: np.ndarray) -> np.ndarray:
    counts = np.bincount(inverse, minlength=len(group_share))
    return group_share[inverse] / counts[inverse]


# --- exact -----------------------------------------------------------------------------------


def _box_halfspaces(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Half-spaces A x + b <= 0 for the simplex and box, in coordinates x = p[:-1]."""
    m = len(lo)
    k = m - 1
    rows = []
    for j in range(k):
        e = np.zeros(k)
        e[j] = 1.0
        rows.append(np.append(-e, lo[j]))  # p_j >= lo_j
        rows.append(np.append(e, -hi[j]))  # p_j <= hi_j
    ones = np.ones(k)
    rows.append(np.append(ones, lo[-1] - 1))  # p_m = 1 - sum x >= lo_m
    rows.append(np.append(-ones, 1 - hi[-1]))  # p_m <= hi_m
    return np.array(rows)


def _win_halfspaces(u: np.ndarray, i: int) -> np.ndarray:
    """Rows for "option i scores at least as much as every other row of u"."""
    rows = []
    for other in range(len(u)):
        if other == i:
            continue
        e = u[i] - u[other]
        # p . e >= 0 with p_m = 1 - sum x:  -(e[:-1] - e[-1]) . x - e[-1] <= 0
        rows.append(np.append(-(e[:-1] - e[-1]), -e[-1]))
    return np.array(rows).reshape(-1, len(u[0]))


def _polytope_volume(halfspaces: np.ndarray) -> float:
    """Volume of {x : A x + b <= 0}; 0 if it is empty or flat."""
    A, b = halfspaces[:, :-1], halfspaces[:, -1]
    k = A.shape[1]
    norms = np.linalg.norm(A, axis=1)
    keep = norms > 1e-15
    if np.any(~keep & (b > 1e-12)):
        return 0.0  # a row 0 . x + b <= 0 with b > 0 cannot hold
    A, b, norms = A[keep], b[keep], norms[keep]
    if k == 1:
        a = A[:, 0]
        upper = np.min(-b[a > 0] / a[a > 0]) if np.any(a > 0) else np.inf
        lower = np.max(-b[a < 0] / a[a < 0]) if np.any(a < 0) else -np.inf
        return float(max(0.0, upper - lower))
    # Chebyshev centre: the deepest interior point, needed by Qhull as a starting point.
    res = linprog(
        c=np.append(np.zeros(k), -1.0),
        A_ub=np.column_stack([A, norms]),
        b_ub=-b,
        bounds=[(None, None)] * k + [(0, None)],
        method="highs",
    )
    if res.status != 0 or res.x[-1] < 1e-9:
        return 0.0
    hs = HalfspaceIntersection(np.column_stack([A, b]), res.x[:-1])
    return float(ConvexHull(hs.intersections).volume)


def exact_shares(u: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Exact win share of each row of u (options x considerations) over simplex and box."""
    n, m = u.shape
    reps, inverse = _groups(u)
    if m == 1:
        group = (reps[:, 0] == reps[:, 0].max()).astype(float)
        return _split(group / group.sum(), inverse)
    box = _box_halfspaces(lo, hi)
    total = _polytope_volume(box)
    if total <= 0:
        # The bounds pin the weights to a single point (or a flat set): score at that point.
        p = _any_point(lo, hi)
        s = reps @ p
        group = (s >= s.max() - 1e-12).astype(float)
        return _split(group / group.sum(), inverse)
    group = np.array(
        [_polytope_volume(np.vstack([box, _win_halfspaces(reps, g)])) for g in range(len(reps))]
    )
    return _split(group / total, inverse)


def _any_point(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    p = lo.copy()
    room = 1 - p.sum()
    for j in range(len(p)):
        add = min(room, hi[j] - p[j])
        p[j] += add
        room -= add
    return p


# --- sampled ---------------------------------------------------------------------------------


def sampled_shares(
    u: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    samples: int,
    seed: int,
    progress: bool = False,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Monte Carlo win shares, their standard errors and the number of accepted draws."""
    rng = np.random.default_rng(seed)
    reps, inverse = _groups(u)
    m = u.shape[1]
    free = 1 - lo.sum()
    wins = np.zeros(len(reps))
    accepted = 0
    drawn = 0
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=samples, desc="robustness", unit="draw", leave=False)
    # Rejection on the upper bounds can waste draws; stop after 50x the target to stay bounded.
    while accepted < samples and drawn < 50 * samples:
        size = min(_CHUNK, samples - accepted)
        q = rng.exponential(size=(size, m))
        p = lo + free * q / q.sum(axis=1, keepdims=True)
        drawn += size
        p = p[np.all(p <= hi + 1e-15, axis=1)]
        if len(p) == 0:
            continue
        wins += np.bincount(np.argmax(p @ reps.T, axis=1), minlength=len(reps))
        accepted += len(p)
        if bar is not None:
            bar.update(len(p))
    if bar is not None:
        bar.close()
    if accepted == 0:
        raise ValueError("the weight bounds leave almost no room: no sampled weighting fits")
    share = _split(wins / accepted, inverse)
    # Tied options split one region evenly, so their error is the region's error split too.
    group_share = wins / accepted
    group_se = np.sqrt(group_share * (1 - group_share) / accepted)
    counts = np.bincount(inverse, minlength=len(reps))
    se = group_se[inverse] / counts[inverse]
    return share, se, accepted


def robustness(
    options: list[str],
    considerations: list[str],
    u: np.ndarray,
    scope: str,
    bounds: dict[str, tuple[float, float]] | None = None,
    *,
    exact_max: int = EXACT_MAX_CONSIDERATIONS,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    progress: bool = False,
) -> Robustness:
    bounds = bounds or {}
    lo = np.array([bounds.get(c, (0.0, 1.0))[0] for c in considerations])
    hi = np.array([bounds.get(c, (0.0, 1.0))[1] for c in considerations])
    # Lower bounds summing to 1 pin the weights to one point; the exact path handles that.
    if len(considerations) <= exact_max or lo.sum() >= 1 - 1e-12:
        share = exact_shares(u, lo, hi)
        se = np.zeros_like(share)
        method, n = "exact", 0
    else:
        share, se, n = sampled_shares(u, lo, hi, samples, seed, progress)
        method = "sampled"
    return Robustness(
        scope=scope,
        shares={o: float(s) for o, s in zip(options, share, strict=True)},
        standard_errors={o: float(e) for o, e in zip(options, se, strict=True)},
        method=method,
        samples=n,
        bounds=dict(bounds),
    )


def simplex_volume(k: int) -> float:
    """Volume of the (projected) standard simplex in k coordinates; used by tests."""
    return 1.0 / math.factorial(k)
