"""Pearson correlation with an exact confidence interval, honest for short series.

Quarterly KPI histories are short: four or five points is common. The usual Fisher z
interval is an approximation that is poor at such n. Here the interval is found by
inverting the exact sampling distribution of r under bivariate normality (Hotelling's
density, with the Gauss hypergeometric function):

    f(r; rho, n) = (n-2) G(n-1) (1-rho^2)^((n-1)/2) (1-r^2)^((n-4)/2)
                   / ( sqrt(2 pi) G(n-1/2) (1-rho r)^(n-3/2) )
                   * 2F1(1/2, 1/2; n-1/2; (1+rho r)/2)

The lower limit is the rho under which an r this high or higher has probability alpha/2,
and the upper limit the rho under which an r this low or lower has probability alpha/2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import integrate, optimize, special, stats

MIN_PAIRS = 4  # below this there is no interval worth showing
_EDGE = 1 - 1e-6  # the density is a spike at |rho| = 1; stay just inside


@dataclass(frozen=True)
class Correlation:
    r: float
    low: float  # confidence interval for the true correlation
    high: float
    n: int
    confidence: float
    p_value: float  # two-sided, for "no correlation" (exact t test)


def density(r: float | np.ndarray, rho: float, n: int) -> float | np.ndarray:
    r = np.asarray(r, dtype=float)
    log_const = (
        math.log(n - 2)
        + special.gammaln(n - 1)
        - 0.5 * math.log(2 * math.pi)
        - special.gammaln(n - 0.5)
        + 0.5 * (n - 1) * math.log1p(-rho * rho)
    )
    body = (1 - r * r) ** ((n - 4) / 2) / (1 - rho * r) ** (n - 1.5)
    return np.exp(log_const) * body * special.hyp2f1(0.5, 0.5, n - 0.5, (1 + rho * r) / 2)


def cdf(r: float, rho: float, n: int) -> float:
    """P(R <= r) for a sample of n pairs from a bivariate normal with correlation rho."""
    if r <= -1:
        return 0.0
    if r >= 1:
        return 1.0

    # Integrate in z = atanh(r): the density's spike near r = +-1 (when |rho| is near 1)
    # becomes a smooth bump that quad handles reliably.
    def in_z(z: float) -> float:
        t = math.tanh(z)
        return float(density(t, rho, n)) * (1 - t * t)

    z = math.atanh(r)
    centre = math.atanh(rho)
    if z <= centre:
        value, _ = integrate.quad(in_z, -np.inf, z, limit=200)
    else:
        upper, _ = integrate.quad(in_z, z, np.inf, limit=200)
        value = 1 - upper
    return min(1.0, max(0.0, value))


def _lower_limit(r: float, n: int, tail: float) -> float:
    """rho at which P(R >= r) = tail; that probability rises with rho."""
    upper_tail = lambda rho: 1 - cdf(r, rho, n) - tail  # noqa: E731
    if upper_tail(-_EDGE) >= 0:
        return -1.0
    if upper_tail(_EDGE) <= 0:
        return 1.0
    return float(optimize.brentq(upper_tail, -_EDGE, _EDGE, xtol=1e-10))


def _upper_limit(r: float, n: int, tail: float) -> float:
    """rho at which P(R <= r) = tail; that probability falls as rho rises."""
    lower_tail = lambda rho: cdf(r, rho, n) - tail  # noqa: E731
    if lower_tail(_EDGE) >= 0:
        return 1.0
    if lower_tail(-_EDGE) <= 0:
        return -1.0
    return float(optimize.brentq(lower_tail, -_EDGE, _EDGE, xtol=1e-10))


def correlate(x: list[float], y: list[float], confidence: float = 0.9) -> Correlation:
    """Pearson r of paired values with its exact interval. Needs MIN_PAIRS pairs and spread."""
    xs, ys = np.asarray(x, float), np.asarray(y, float)
    n = len(xs)
    if n < MIN_PAIRS:
        raise ValueError(f"need at least {MIN_PAIRS} paired values, got {n}")
    if np.ptp(xs) == 0 or np.ptp(ys) == 0:
        raise ValueError("one of the series does not vary, so it has no correlation")
    r = float(np.clip(np.corrcoef(xs, ys)[0, 1], -1.0, 1.0))
    alpha = 1 - confidence
    # At r = +-1 exactly the outer limit is +-1; keep r just inside so quad stays finite.
    r_in = float(np.clip(r, -1 + 1e-12, 1 - 1e-12))
    low = _lower_limit(r_in, n, alpha / 2)
    high = _upper_limit(r_in, n, alpha / 2)
    t = r * math.sqrt((n - 2) / max(1e-300, 1 - r * r))
    p = float(2 * stats.t.sf(abs(t), n - 2))
    return Correlation(r=r, low=low, high=high, n=n, confidence=confidence, p_value=p)
