"""Exact outcome distributions, for the activity models that have one.

The number of units reaching the last stage is built stage by stage. The activity total N
over n working days has an exact distribution (an n-fold convolution of the observed daily
counts for ``resample``; a negative binomial for ``poisson`` with a Gamma posterior on the
daily rate). Each conversion is a thinning: given the count x of the previous stage, the
next count is Binomial(x, r) for a fixed rate r, and BetaBinomial(x, a, b) when the rate is
uncertain with a Beta(a, b) posterior. Chaining these transition matrices is exact; the only
approximation is dropping tails whose total mass is below ``TAIL``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import signal, stats

from .inputs import Stage

TAIL = 1e-15  # mass dropped at each end of a distribution; far below any reported digit
# Transition entries cost about 0.3 microseconds each (scipy's pmf). One analysis asks for
# many distributions (the pace and date searches), so the budget is for all of them
# together: beyond it the caller falls back to simulation, which then answers every
# question of that analysis (one method per result, so the searches stay monotone).
MAX_CELLS = 4_000_000


class TooLargeForExact(Exception):
    """The exact computation would be too slow; the caller falls back to simulation."""


@dataclass
class Budget:
    """Transition entries an analysis may still compute exactly."""

    cells: int = MAX_CELLS

    def spend(self, cells: int, where: str) -> None:
        if cells > self.cells:
            raise TooLargeForExact(f"{cells} transition entries at {where}")
        self.cells -= cells


@dataclass(frozen=True)
class Distribution:
    """A distribution on the integers offset, offset + 1, ... with probabilities ``pmf``."""

    offset: int
    pmf: np.ndarray

    @property
    def support(self) -> np.ndarray:
        return np.arange(self.offset, self.offset + len(self.pmf))

    def survival(self, t: int) -> float:
        """P(X >= t)."""
        index = t - self.offset
        if index <= 0:
            return float(self.pmf.sum())
        return float(self.pmf[index:].sum())

    def mean(self) -> float:
        return float(self.support @ self.pmf)


def _trim(offset: int, pmf: np.ndarray) -> Distribution:
    pmf = np.clip(pmf, 0.0, None)
    pmf = pmf / pmf.sum()
    cdf = np.cumsum(pmf)
    lo = int(np.searchsorted(cdf, TAIL, side="right"))
    hi = int(np.searchsorted(cdf, 1.0 - TAIL, side="left"))
    hi = min(max(hi, lo), len(pmf) - 1)
    kept = pmf[lo : hi + 1]
    return Distribution(offset + lo, kept / kept.sum())


def point(value: int) -> Distribution:
    return Distribution(value, np.ones(1))


def resample_total(history: np.ndarray, days: int) -> Distribution:
    """Sum of ``days`` days drawn with replacement from the observed daily counts."""
    if days == 0:
        return point(0)
    counts = np.asarray(history, dtype=np.int64)
    low = int(counts.min())
    daily = np.bincount(counts - low) / len(counts)
    # Exponentiation by squaring: about log2(days) FFT convolutions.
    result: np.ndarray | None = None
    power = daily
    remaining = days
    while remaining:
        if remaining & 1:
            result = power if result is None else _convolve(result, power)
        remaining >>= 1
        if remaining:
            power = _convolve(power, power)
    assert result is not None
    return _trim(low * days, result)


def _convolve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = signal.fftconvolve(a, b) if min(len(a), len(b)) > 64 else np.convolve(a, b)
    # FFT round-off leaves values around 1e-17 (some negative); trimming keeps it honest.
    return np.clip(out, 0.0, None)


def poisson_gamma_total(history: np.ndarray, days: int) -> Distribution:
    """Daily Poisson counts whose rate has a Gamma(1/2 + sum, days observed) posterior
    (Jeffreys prior): the total over ``days`` days is negative binomial."""
    if days == 0:
        return point(0)
    shape = float(np.sum(history)) + 0.5
    observed = len(history)
    p = observed / (observed + days)
    upper = int(stats.nbinom.isf(TAIL, shape, p)) + 1
    support = np.arange(upper + 1)
    return _trim(0, stats.nbinom.pmf(support, shape, p))


def scale(dist: Distribution, pace: float) -> Distribution:
    """Distribution of floor(pace * X): a pace multiplier applied to the activity total."""
    if pace == 1.0:
        return dist
    values = np.floor(dist.support * pace + 1e-9).astype(np.int64)
    low = int(values.min())
    return Distribution(low, np.bincount(values - low, weights=dist.pmf))


def thin(dist: Distribution, stage: Stage, budget: Budget | None = None) -> Distribution:
    """Distribution of the next stage's count, given the previous stage's distribution."""
    if stage.rate is not None and stage.rate == 1:
        return dist
    top = dist.offset + len(dist.pmf) - 1
    first, last = 0, top
    if stage.rate is not None:
        # Bernstein's inequality: a binomial lies more than 12 sd + 40 from its mean with
        # probability far below TAIL, so those columns need not be computed.
        rate = float(stage.rate)
        reach = 12 * np.sqrt(top * rate * (1 - rate)) + 40
        first = max(0, int(dist.offset * rate - reach))
        last = min(top, int(top * rate + reach) + 1)
    (budget or Budget()).spend(len(dist.pmf) * (last - first + 1), f"stage {stage.name}")
    columns = np.arange(first, last + 1)
    out = np.zeros(last + 1)
    rows_per_block = max(1, 2_000_000 // len(columns))
    for start in range(0, len(dist.pmf), rows_per_block):
        weights = dist.pmf[start : start + rows_per_block]
        n = np.arange(dist.offset + start, dist.offset + start + len(weights))[:, None]
        if stage.rate is not None:
            block = stats.binom.pmf(columns[None, :], n, float(stage.rate))
        else:
            a, b = stage.beta
            block = stats.betabinom.pmf(columns[None, :], n, a, b)
        out[first:] += weights @ block
    return _trim(0, out)


def outcome(
    model: str,
    history: np.ndarray,
    stages: list[Stage],
    days: int,
    pace: float = 1.0,
    budget: Budget | None = None,
) -> Distribution:
    """Exact distribution of the last stage's count for ``days`` working days of activity.

    Raises TooLargeForExact, before the work, when it would exceed ``budget``."""
    if model == "resample":
        dist = resample_total(history, days)
    elif model == "poisson":
        dist = poisson_gamma_total(history, days)
    else:
        raise ValueError(f"no exact distribution for the {model} model")
    budget = budget or Budget()
    # The activity itself: the FFT squarings or the negative binomial, about one entry per
    # support point and squaring, charged before the (possibly large) scaling below.
    budget.spend(len(dist.pmf), "the activity total")
    dist = scale(dist, pace)
    for stage in stages:
        dist = thin(dist, stage, budget)
    return dist
