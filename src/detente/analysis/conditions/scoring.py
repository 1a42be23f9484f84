"""Normalisation and scores: the numeric core every other module works on.

Convention (thresholds depend on it, so it is part of the public contract):

* Each consideration has a fixed scale [s_lo, s_hi]: the one given in the file, or else the
  span from the lowest to the highest value stated for any option (range ends included).
* A value v normalises to u = (v - s_lo) / (s_hi - s_lo) for "higher" considerations and
  u = (s_hi - v) / (s_hi - s_lo) for "lower" ones, so 0 is worst and 1 is best on the scale.
  The scale stays fixed when one value is moved, so a value threshold may fall outside it.
* A party's raw weights w are renormalised to shares p = w / sum(w).
* An option's score is sum_j p_j u_j, between 0 and 1 for values inside the scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.analysis.conditions.model import Problem


@dataclass(frozen=True)
class Matrices:
    options: list[str]
    considerations: list[str]
    parties: list[str]
    scale_lo: np.ndarray  # (m,)
    scale_hi: np.ndarray  # (m,)
    sign: np.ndarray  # (m,) +1 for "higher", -1 for "lower"
    central: np.ndarray  # (n, m) normalised central values
    worst: np.ndarray  # (n, m) normalised worst end of each estimate
    best: np.ndarray  # (n, m) normalised best end of each estimate
    raw_weights: np.ndarray  # (k, m)
    shares: np.ndarray  # (k, m) renormalised weights

    @property
    def span(self) -> np.ndarray:
        return self.scale_hi - self.scale_lo

    def normalise(self, j: int, value: float | np.ndarray) -> float | np.ndarray:
        span = self.span[j]
        if span == 0:
            return np.zeros_like(value) if isinstance(value, np.ndarray) else 0.0
        u = (value - self.scale_lo[j]) / span
        return u if self.sign[j] > 0 else 1 - u

    def denormalise(self, j: int, u: float | np.ndarray) -> float | np.ndarray:
        span = self.span[j]
        if self.sign[j] > 0:
            return self.scale_lo[j] + u * span
        return self.scale_hi[j] - u * span


def build_matrices(problem: Problem) -> Matrices:
    options = problem.options
    cons = problem.considerations
    n, m = len(options), len(cons)
    lo = np.empty((n, m))
    hi = np.empty((n, m))
    for j, c in enumerate(cons):
        for i, o in enumerate(options):
            lo[i, j] = c.values[o].low
            hi[i, j] = c.values[o].high
    scale_lo = np.array([c.scale[0] if c.scale else lo[:, j].min() for j, c in enumerate(cons)])
    scale_hi = np.array([c.scale[1] if c.scale else hi[:, j].max() for j, c in enumerate(cons)])
    sign = np.array([1.0 if c.direction == "higher" else -1.0 for c in cons])
    span = scale_hi - scale_lo
    # A consideration on which every option is equal cannot separate them; it scores 0 for all.
    safe = np.where(span > 0, span, 1.0)
    u_lo = np.where(span > 0, (lo - scale_lo) / safe, 0.0)
    u_hi = np.where(span > 0, (hi - scale_lo) / safe, 0.0)
    u_mid = (u_lo + u_hi) / 2
    higher = sign > 0
    central = np.where(higher, u_mid, np.where(span > 0, 1 - u_mid, 0.0))
    worst = np.where(higher, u_lo, np.where(span > 0, 1 - u_hi, 0.0))
    best = np.where(higher, u_hi, np.where(span > 0, 1 - u_lo, 0.0))
    raw = np.array([[p.weights[c.name] for c in cons] for p in problem.parties], dtype=float)
    shares = raw / raw.sum(axis=1, keepdims=True)
    return Matrices(
        options=list(options),
        considerations=[c.name for c in cons],
        parties=[p.name for p in problem.parties],
        scale_lo=scale_lo,
        scale_hi=scale_hi,
        sign=sign,
        central=central,
        worst=worst,
        best=best,
        raw_weights=raw,
        shares=shares,
    )


def scores(mat: Matrices) -> np.ndarray:
    """(k, n): each party's score of each option at the central estimates."""
    return mat.shares @ mat.central.T


def score_ranges(mat: Matrices) -> tuple[np.ndarray, np.ndarray]:
    """(k, n) lowest and highest score each option can reach within its own estimate ranges.

    With a fixed scale an option's score depends only on its own values, so the extremes
    are reached at the ends of its ranges: exact, not sampled.
    """
    return mat.shares @ mat.worst.T, mat.shares @ mat.best.T
