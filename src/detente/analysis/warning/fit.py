"""The noise model of a stable alliance, learned from the portfolio instead of assumed.

Per measure the engine fits three numbers: the **swing** (the standard deviation of one
side's value around the alliance's level), the **carry-over** rho (lag-1 autocorrelation of
that noise from one period to the next: AR(1)) and the **sides' correlation** c (how much
the two sides' noise moves together). Every contrast the rules compute then gets its
variance from this model (see ``engine._window_contrasts``).

Everything is estimated from **first differences** of each side's series between
consecutive periods. A real change of level (the thing the engine exists to find) is one
large difference among many ordinary ones, so robust estimators of the differences see
through it, where estimators of the levels would not. For an AR(1) noise e with variance
s^2, a difference d_t = e_t - e_{t-1} has

    Var(d) = 2 s^2 (1 - rho),   corr(d_t, d_{t-1}) = -(1 - rho) / 2,
    corr(d_A, d_B) = c  (the same difference on the two sides).

The scale is the median absolute difference / 0.6745 (consistent for normal noise, and
unmoved by up to half the differences being anything at all); the correlations are
Gnanadesikan-Kettenring's, built from the same robust scale of sums and differences.
All are pooled over the portfolio per measure.

Per alliance, the swing is then shrunk by empirical Bayes on the log scale: the
alliance's own log-variance (from its own differences, when it has at least
``MIN_OWN_DIFFERENCES``) is pulled towards the portfolio's by the share tau^2 / (tau^2 + v)
where v is its sampling variance and tau^2 the portfolio's spread of true log-variances
beyond sampling (method of moments, both estimated robustly; the sampling variance per
difference is measured by splitting each alliance's differences into an earlier and
a later half). A homogeneous portfolio has tau = 0 and every alliance gets the pooled swing.
The posterior variance of the log-variance gives the swing's effective degrees of freedom
(2 / variance, as for a chi-square), and the rules read their statistics on Student's t
with those degrees of freedom instead of the normal: a swing learned from few quarters is
held to wider tails, so the false-alarm budget holds for short pools too. Carry-over and
the sides' correlation are pooled per measure only: from one alliance's 20 quarters a
lag-1 correlation has a standard error near 0.25, larger than any spread between
alliances it could reveal, so shrinkage would return the pooled value anyway.

Fewer than ``MIN_DIFFERENCES`` differences for a measure: its documented default swing,
no carry-over, no correlation, and the evidence says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MIN_DIFFERENCES = 30  # per measure, to learn anything at all
MIN_PAIRS = 30  # per measure, to learn the carry-over or the sides' correlation
MIN_OWN_DIFFERENCES = 8  # per alliance and measure, to move its swing off the pool's
MIN_RHO, MAX_RHO = -0.5, 0.9
MIN_CORRELATION, MAX_CORRELATION = -0.5, 0.9
_NORMAL_MAD = 0.6744897501960817  # median of |Z| for a standard normal Z


@dataclass(frozen=True)
class MeasureNoise:
    """The fitted noise of one measure. ``source`` is ``learned`` (from the data),
    ``default`` (too little history: the documented swing, no carry-over, no correlation)
    or ``team`` (the swing was set by the team; carry-over and correlation still learned)."""

    measure: str
    swing: float
    rho: float = 0.0
    side_correlation: float = 0.0
    source: str = "default"
    differences: int = 0  # side-periods of differences the swing was learned from
    alliance_periods: int = 0  # alliance-periods those differences end in
    alliances: int = 0
    spread: float = 0.0  # between-alliance SD of the log-variance (tau)
    df: float = np.inf  # effective degrees of freedom of the pooled swing
    # alliance -> (its shrunk swing, its effective degrees of freedom)
    per_alliance: dict[str, tuple[float, float]] = field(default_factory=dict)
    # (swing, degrees of freedom) of an alliance with too little history of its own when
    # alliances differ (tau > 0): the portfolio's prior predictive, wider than the pool's.
    newcomer: tuple[float, float] | None = None

    def for_alliance(self, alliance: str) -> tuple[float, float]:
        found = self.per_alliance.get(alliance)
        if found is not None:
            return found
        return self.newcomer or (self.swing, self.df)


@dataclass(frozen=True)
class NoiseModel:
    """The fitted noise of every measure of a portfolio, by measure name."""

    measures: dict[str, MeasureNoise]
    period_kind: str = "quarter"

    def get(self, measure: str) -> MeasureNoise | None:
        return self.measures.get(measure)


def robust_scale(x: np.ndarray) -> float:
    """Standard deviation of zero-centred normal values from their median absolute size."""
    if x.size == 0:
        return float("nan")
    return float(np.median(np.abs(x))) / _NORMAL_MAD


def robust_correlation(u: np.ndarray, v: np.ndarray) -> float:
    """Gnanadesikan-Kettenring: (S(u'+v')^2 - S(u'-v')^2) / (S(u'+v')^2 + S(u'-v')^2)
    with u', v' scaled by the robust scale S; exact for a bivariate normal."""
    su, sv = robust_scale(u), robust_scale(v)
    if not (su > 0 and sv > 0):
        return 0.0
    plus = robust_scale(u / su + v / sv) ** 2
    minus = robust_scale(u / su - v / sv) ** 2
    if plus + minus == 0:
        return 0.0
    return (plus - minus) / (plus + minus)


@dataclass
class Differences:
    """First differences of each side's series between consecutive periods, as columns."""

    alliance: np.ndarray  # alliance index of each difference
    measure: np.ndarray
    ordinal: np.ndarray  # the later period
    side: np.ndarray  # 0 or 1 (the alliance's first or second named side)
    d: np.ndarray
    lagged: tuple[np.ndarray, np.ndarray, np.ndarray]  # (measure, d_t, d_{t-1}) pairs
    paired: tuple[np.ndarray, np.ndarray, np.ndarray]  # (measure, d side 0, d side 1)


def differences(
    cell_a: np.ndarray, cell_m: np.ndarray, cell_p: np.ndarray, side_value: np.ndarray
) -> Differences:
    """From cells sorted by (alliance, measure, period) and each side's value in a cell
    (NaN where that side did not answer), the differences the fit reads."""
    same = (cell_a[1:] == cell_a[:-1]) & (cell_m[1:] == cell_m[:-1])
    next_period = same & (cell_p[1:] - cell_p[:-1] == 1)
    step = side_value[1:] - side_value[:-1]  # (cells - 1, 2), NaN where a side is missing
    step[~next_period] = np.nan
    ok = np.isfinite(step)
    # Carry-over pairs: this difference and the previous one, on the same side.
    prev_ok = np.zeros_like(ok)
    prev_ok[1:] = ok[:-1] & ok[1:] & next_period[:-1, None] & next_period[1:, None]
    # Positions in the flattened (cells - 1, 2) arrays: cell i = at // 2, side = at % 2, and
    # the same side one cell earlier at at - 2 (np.nonzero's pairs, in its order).
    flat = step.ravel()
    at = np.flatnonzero(prev_ok)
    lagged = (cell_m[1:][at >> 1], flat[at], flat[at - 2])
    both = ok.all(axis=1)
    paired = (cell_m[1:][both], step[both, 0], step[both, 1])
    at = np.flatnonzero(ok)
    i = at >> 1
    return Differences(
        alliance=cell_a[1:][i],
        measure=cell_m[1:][i],
        ordinal=cell_p[1:][i],
        side=at & 1,
        d=flat[at],
        lagged=lagged,
        paired=paired,
    )


def in_order(*keys: np.ndarray) -> bool:
    """Whether rows are sorted by the keys, first key first: a stable sort (np.lexsort,
    np.argsort(kind="stable")) would leave them as they are."""
    ahead = np.zeros(max(keys[0].size - 1, 0), dtype=bool)  # an earlier key orders the pair
    for key in keys:
        if (~ahead & (key[1:] < key[:-1])).any():
            return False
        ahead |= key[1:] > key[:-1]
    return True


def group_medians(x: np.ndarray, group: np.ndarray, groups: int) -> np.ndarray:
    """Median of the non-NaN values of each group (x sorted by group), all groups at once:
    one padded row per group, sorted, the middle picked (NaN for an empty group)."""
    starts = np.searchsorted(group, np.arange(groups))
    rank = np.arange(x.size) - starts[group]
    width = int(rank.max(initial=-1)) + 1
    table = np.full((groups, max(width, 1)), np.inf)
    table[group, rank] = np.where(np.isnan(x), np.inf, x)
    table.sort(axis=1)
    count = np.isfinite(table).sum(axis=1)
    rows = np.arange(groups)
    low = table[rows, np.maximum((count - 1) // 2, 0)]
    high = table[rows, np.maximum(count // 2, 0)]
    return np.where(count > 0, (low + high) / 2, np.nan)


def _count_distinct(alliance: np.ndarray, ordinal: np.ndarray, alliances: int) -> int:
    """How many distinct (alliance, ordinal) pairs: by counting when the pairs are few enough
    to tabulate (a portfolio file's millions of differences), else by sorting."""
    if ordinal.size == 0:
        return 0
    low = int(ordinal.min())
    span = int(ordinal.max()) - low + 1
    key = alliance.astype(np.int64) * span + (ordinal - low)
    if alliances * span <= max(4 * key.size, 1 << 16):
        return int(np.count_nonzero(np.bincount(key, minlength=alliances * span)))
    return int(np.unique(key).size)


def fit_measure(
    name: str,
    default_swing: float,
    diffs: Differences,
    j: int,
    alliance_names: list[str],
) -> MeasureNoise:
    mine = diffs.measure == j
    d = diffs.d[mine]
    periods = _count_distinct(diffs.alliance[mine], diffs.ordinal[mine], len(alliance_names))
    if d.size < MIN_DIFFERENCES:
        return MeasureNoise(name, default_swing, differences=int(d.size), alliance_periods=periods)
    lag_m, now, before = diffs.lagged
    at = lag_m == j
    rho = 0.0
    if at.sum() >= MIN_PAIRS:
        r = robust_correlation(now[at], before[at])
        rho = float(np.clip(1 + 2 * r, MIN_RHO, MAX_RHO))
    pair_m, first, second = diffs.paired
    at = pair_m == j
    c = 0.0
    if at.sum() >= MIN_PAIRS:
        c = float(
            np.clip(robust_correlation(first[at], second[at]), MIN_CORRELATION, MAX_CORRELATION)
        )
    scale = 2 * (1 - rho)  # Var(d) = 2 s^2 (1 - rho)
    pooled_var = robust_scale(d) ** 2 / scale
    alliance = diffs.alliance[mine]
    if not pooled_var > 0:  # every difference zero: nothing moves, keep the default
        return MeasureNoise(name, default_swing, differences=int(d.size), alliance_periods=periods)
    per_alliance, spread, df = _shrink(
        d, alliance, diffs.ordinal[mine], scale, pooled_var, alliance_names
    )
    newcomer = None
    if spread > 0:
        wide = spread**2 + 2 / df
        newcomer = (float(np.sqrt(pooled_var * np.exp(wide / 2))), 2 / wide)
    return MeasureNoise(
        name,
        float(np.sqrt(pooled_var)),
        rho,
        c,
        "learned",
        int(d.size),
        int(periods),
        int(np.count_nonzero(np.bincount(alliance, minlength=len(alliance_names)))),
        spread,
        df,
        per_alliance,
        newcomer,
    )


def _shrink(
    d: np.ndarray,
    alliance: np.ndarray,
    ordinal: np.ndarray,
    scale: float,
    pooled_var: float,
    alliance_names: list[str],
) -> tuple[dict[str, tuple[float, float]], float, float]:
    """Empirical-Bayes swings per alliance (see the module's docstring)."""
    # Differences come from cells in (alliance, measure, period) order: the sorts below
    # then leave them where they are and are skipped.
    if in_order(alliance):
        d = np.abs(d)
    else:
        order = np.argsort(alliance, kind="stable")
        alliance, d, ordinal = alliance[order], np.abs(d[order]), ordinal[order]
    starts = np.flatnonzero(np.r_[True, alliance[1:] != alliance[:-1]])
    n = np.diff(np.r_[starts, alliance.size])
    group = np.repeat(np.arange(starts.size), n)
    # Each alliance's differences in time order, cut into an earlier and a later half:
    # contiguous halves keep the differences' own dependence (a difference correlates
    # with the next one), so their disagreement measures the sampling variance honestly.
    rank = np.arange(d.size) - np.repeat(starts, n)
    if not in_order(alliance, ordinal):
        order = np.lexsort((ordinal, alliance))
        d, ordinal = d[order], ordinal[order]
    early = rank < np.repeat(n // 2, n)
    own = group_medians(d, group, starts.size)
    n_early = np.bincount(group, weights=early, minlength=starts.size)
    n_late = n - n_early
    with np.errstate(divide="ignore", invalid="ignore"):
        m_early = group_medians(np.where(early, d, np.nan), group, starts.size)
        m_late = group_medians(np.where(early, np.nan, d), group, starts.size)
        log_own = np.log((own / _NORMAL_MAD) ** 2 / scale)
        split = 2 * np.log(m_early / m_late) / np.sqrt(1 / n_early + 1 / n_late)
    # Sampling variance of a log-variance from m differences: kappa / m, kappa measured
    # from the two halves (Var(log early - log late) = kappa (1/m_early + 1/m_late)).
    usable = (n >= MIN_OWN_DIFFERENCES) & np.isfinite(split) & np.isfinite(log_own)
    kappa = robust_scale(split[usable]) ** 2 if usable.sum() >= 10 else 6.0
    kappa = max(kappa, 2.0)  # never more confident than the normal-variance chi-square
    pooled_v = kappa / d.size
    df = 2 / pooled_v
    if usable.sum() < 10:
        return {}, 0.0, df
    centre = np.log(pooled_var)
    v = kappa / n[usable]
    # Between-alliance spread beyond sampling, kept only when it stands 3 of its own
    # standard errors clear of zero (a MAD-based variance from k alliances has a relative
    # standard error near sqrt(5.44 / k)): a homogeneous portfolio gets the pooled swing.
    total = robust_scale(log_own[usable] - np.median(log_own[usable])) ** 2
    margin = 3 * total * np.sqrt(5.44 / usable.sum())
    tau2 = max(0.0, total - float(np.median(v)) - margin)
    if tau2 == 0.0:
        return {}, 0.0, df
    w = tau2 / (tau2 + v)
    post_mean = w * log_own[usable] + (1 - w) * centre
    post_var = w * v + (1 - w) ** 2 * pooled_v
    # The posterior mean of the variance (not of its log): the conservative side of a
    # log-normal's spread.
    swing = np.sqrt(np.exp(post_mean + post_var / 2))
    names = alliance[starts][usable]
    per_alliance = {
        alliance_names[a]: (float(s), float(2 / pv))
        for a, s, pv in zip(names.tolist(), swing.tolist(), post_var.tolist(), strict=True)
    }
    return per_alliance, float(np.sqrt(tau2)), df
