"""Exact flip thresholds for a pair of options, vectorised over pairs.

For one party with weight shares p and a pair (a, b), let d_j = u_aj - u_bj (normalised
values) and D = sum_j p_j d_j the margin of a over b. Everything here is linear, so each
threshold is a closed formula:

* One weight moving, others renormalised: set consideration j's share to t and scale the
  other shares by (1 - t) / (1 - p_j), keeping their proportions. Then
  D(t) = t d_j + (1 - t) R_j with R_j = (D - p_j d_j) / (1 - p_j), which is zero at
  t* = R_j / (R_j - d_j). In the party's own units this is the raw weight
  w* = W_-j t* / (1 - t*), with W_-j the sum of the party's other raw weights.
* Pairwise ratio: move weight between j and l keeping p_j + p_l = s and the rest fixed.
  With r = p_j / p_l and C = D - p_j d_j - p_l d_l, D(r) = C + s (r d_j + d_l) / (1 + r),
  which is zero at r* = -(C + s d_l) / (C + s d_j).
* Value: move option a's (or b's) value on j, holding the scale and all else fixed.
  D changes by p_j times the change of u, so u_a* = u_aj - D / p_j and u_b* = u_bj + D / p_j.
"""

from __future__ import annotations

import numpy as np

# Differences below this are treated as ties: they come from rounding, not from the data.
EPS = 1e-12


def margins(shares: np.ndarray, d: np.ndarray) -> np.ndarray:
    """(P,) margin of a over b for each pair, given d of shape (P, m)."""
    return d @ shares


def weight_thresholds(shares: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One weight moving, others renormalised.

    Returns (t_star, a_wins_above), both (P, m). t_star is NaN where the preference does not
    flip for any share in [0, 1] (or where j carries all the weight, so "the others" have no
    proportions to keep). a_wins_above says a beats b for shares above t_star.
    """
    D = margins(shares, d)
    rest = 1 - shares  # (m,)
    with np.errstate(divide="ignore", invalid="ignore"):
        R = (D[:, None] - shares * d) / rest
        denom = R - d
        t = R / denom
    ok = (rest > EPS) & (np.abs(denom) > EPS) & (t >= 0) & (t <= 1)
    t_star = np.where(ok, t, np.nan)
    return t_star, d > R


def raw_weight_at(raw: np.ndarray, t_star: np.ndarray) -> np.ndarray:
    """Convert threshold shares (P, m) into the party's raw weight units (inf where t* = 1)."""
    others = raw.sum() - raw  # (m,)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = others * t_star / (1 - t_star)
    return np.where(t_star >= 1, np.inf, w)


def ratio_thresholds(shares: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Pairwise ratios: (P, m, m) array r* where entry [., j, l] is the ratio p_j / p_l at which
    the preference flips (NaN if it never does, or if j and l both weigh nothing).

    a beats b when p_j / p_l is above r* if d_j > d_l, and below it otherwise.
    """
    D = margins(shares, d)
    s = shares[:, None] + shares[None, :]  # (m, m)
    contrib = shares * d  # (P, m)
    C = D[:, None, None] - contrib[:, :, None] - contrib[:, None, :]
    num = -(C + s * d[:, None, :])
    den = C + s * d[:, :, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        r = num / den
    m = shares.shape[0]
    ok = (s > EPS) & (np.abs(den) > EPS) & (r > EPS) & np.isfinite(r) & ~np.eye(m, dtype=bool)
    return np.where(ok, r, np.nan)


def value_thresholds(
    shares: np.ndarray, d: np.ndarray, u_a: np.ndarray, u_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Normalised thresholds (P, m) for a's value and for b's value on each consideration.

    a beats b when u_a is above the first, or u_b below the second. NaN where the party gives
    the consideration no weight (its value cannot matter to that party).
    """
    D = margins(shares, d)
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.where(shares > EPS, D[:, None] / shares, np.nan)
    return u_a - step, u_b + step
