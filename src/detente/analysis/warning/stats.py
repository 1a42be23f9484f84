"""The statistics behind the rules, vectorised over many series at once.

Under the null model of a stable alliance, each series is independent noise around a
constant level with a known swing. Every statistic here then has an exact null
distribution, so each p-value is exact (normal contrasts) or exact-by-counting
(Mann-Kendall), and no simulation is needed to calibrate thresholds.
"""

from __future__ import annotations

from functools import lru_cache
from math import factorial

import numpy as np
from scipy.special import ndtr


def normal_lower_tail(z: np.ndarray) -> np.ndarray:
    """P(Z <= z) for a standard normal Z."""
    return ndtr(z)


@lru_cache(maxsize=64)
def mahonian(n: int) -> tuple[int, ...]:
    """Number of permutations of n items with k inversions, k = 0 .. n(n-1)/2 (exact ints)."""
    counts = [1]
    for m in range(2, n + 1):
        # Inserting item m into a permutation of m-1 items adds 0..m-1 inversions.
        new = [0] * (len(counts) + m - 1)
        for k, c in enumerate(counts):
            for j in range(m):
                new[k + j] += c
        counts = new
    return tuple(counts)


@lru_cache(maxsize=64)
def mann_kendall_lower_tail_table(n: int) -> np.ndarray:
    """P(S <= s) for s = -N .. N (index s + N), N = n(n-1)/2, with no ties, exactly.

    S = sum over pairs i < j of sign(x_j - x_i); a pair out of order is an inversion and
    S = N - 2 * inversions, so the distribution of S is the Mahonian distribution.
    """
    total_pairs = n * (n - 1) // 2
    counts = mahonian(n)
    prob = np.zeros(2 * total_pairs + 1)
    for inversions, c in enumerate(counts):
        prob[total_pairs - 2 * inversions + total_pairs] = c / factorial(n)
    return np.cumsum(prob)


def mann_kendall_p_lower(s: np.ndarray, n: int, ties: np.ndarray | int = 0) -> np.ndarray:
    """One-sided p-value P(S <= s) of Mann-Kendall's S for a window of n points.

    Without ties it is exact. With ``ties`` tied pairs it is the bound
    P(S' <= s + ties), S' having the no-ties law: breaking ties at random turns S into S'
    (a uniformly random ordering on a stable series) and moves it by at most ``ties``.
    The bound errs towards fewer alarms; the tests check it by enumeration.
    """
    table = mann_kendall_lower_tail_table(n)
    total_pairs = n * (n - 1) // 2
    shifted = np.asarray(s, dtype=np.int64) + np.asarray(ties, dtype=np.int64)
    index = np.clip(shifted + total_pairs, 0, 2 * total_pairs)
    return table[index]


def mann_kendall_s(window: np.ndarray) -> np.ndarray:
    """S of each row of a 2-D array (one window per row)."""
    return mann_kendall_s_ties(window)[0]


def mann_kendall_s_ties(window: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(S, number of tied pairs) of each row."""
    n = window.shape[-1]
    s = np.zeros(window.shape[:-1], dtype=np.int64)
    ties = np.zeros(window.shape[:-1], dtype=np.int64)
    for lag in range(1, n):
        sign = np.sign(window[..., lag:] - window[..., :-lag])
        s += sign.sum(axis=-1).astype(np.int64)
        ties += (sign == 0).sum(axis=-1)
    return s, ties


def rolling_mann_kendall_s(y: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """(S, tied pairs) over the trailing window ending at each position, per row of ``y``.

    Column t uses points max(0, t - window + 1) .. t. O(rows * length * window), all in
    integers (so exact), with positions on the first axis: series are short and many, so
    every step is one vector operation across all series.
    """
    rows, length = y.shape
    points = np.ascontiguousarray(y.T)
    s = np.zeros((length, rows), dtype=np.int32)
    ties = np.zeros((length, rows), dtype=np.int32)
    growing = min(window - 1, length)  # windows ending before this start at point 0
    running = np.zeros((length + 1, rows), dtype=np.int32)
    for lag in range(1, min(window, length)):
        # Pair (i, i + lag) lies in the window ending at t when t - window + 1 <= i and
        # i + lag <= t: a window sum over i, from a running total.
        later, earlier = points[lag:], points[:-lag]
        sign = (later > earlier).view(np.int8) - (later < earlier).view(np.int8)
        tied = later == earlier
        for pair, total in ((sign, s), (tied, ties)):
            if pair is tied and not tied.any():
                continue  # no tied pair at this lag
            cumulative = running[: length - lag + 1]
            for i in range(length - lag):
                np.add(cumulative[i], pair[i], out=cumulative[i + 1])
            total[lag:growing] += cumulative[1 : growing - lag + 1]
            if length >= window:
                total[window - 1 :] += (
                    cumulative[window - lag :] - cumulative[: length - window + 1]
                )
    return s.T.astype(np.int64), ties.T.astype(np.int64)


def sen_slope(values: np.ndarray) -> float:
    """Median of the pairwise slopes (Theil-Sen), for the evidence text."""
    ys = [float(v) for v in values]
    n = len(ys)
    slopes = sorted((ys[j] - ys[i]) / (j - i) for i in range(n) for j in range(i + 1, n))
    if not slopes:
        return 0.0
    half = len(slopes) // 2
    # The same arithmetic as np.median: the middle value, or the mean of the two middle.
    return slopes[half] if len(slopes) % 2 else (slopes[half - 1] + slopes[half]) / 2
