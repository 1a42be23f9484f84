"""The early-warning scan: rules over every alliance, measure and period at once.

False-alarm control. On a stable alliance every statistical test below has an exact
null distribution, and the team's budget ``Settings.false_alarm_rate`` (F) is split
between the tests run for one alliance in one period (Bonferroni, weighted by
``Settings.budget_shares``): the shift test of each of its M measures gets
F * share / M, and so on. Whatever the dependence between tests, the chance that a
stable alliance raises any warning or alert in a period is then at most F. "Watch"
findings (p up to 4x a test's share) lie outside the budget and are never notified.
Level lines and recorded signals are facts the team chose to act on, not noise, so they
are not part of the budget either.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import overload

import numpy as np
from scipy.special import ndtri, stdtr
from tqdm import tqdm

from . import evidence
from .fit import NoiseModel
from .measures import ALL_SIGNAL_KINDS, DIALOGUE, ESCALATION, SIGNAL_PLURALS, signal_next_step
from .model import SEVERITIES, Alert, Observation, Settings, Severity, Signal
from .panel import Panel, SeriesGroup, Table, build_panel
from .pause import gc_paused
from .periods import period_label, period_ordinal
from .stats import (
    mann_kendall_lower_tail_table,
    mann_kendall_p_lower,
    normal_lower_tail,
    rolling_mann_kendall_s,
    sen_slope,
)

_GAP_NEXT_STEP = (
    "Put both sides' scores side by side in a joint session and ask each side what it sees "
    "that the other does not, before anyone defends a number."
)
_RANK = {s: i for i, s in enumerate(SEVERITIES)}
_MARGIN = 0.5  # in z units: rounding in the tail functions is some 1e-15 of that
STATISTICAL_RULES = ("shift", "decline", "gap", "broad")


# A group of health series and the one-period z of each of its points after the first.
_BroadPart = tuple[SeriesGroup, np.ndarray]


@dataclass(slots=True)
class _Finding:
    rule: str
    alliance: int
    measure: int  # -1: not one measure
    ordinal: int
    p: float | None
    severity: Severity
    detail: dict


def scan(
    observations: Iterable[Observation] = (),
    signals: Sequence[Signal] = (),
    settings: Settings | None = None,
    progress: bool = False,
) -> list[Alert]:
    """All alerts for all periods of the given alliances, oldest period first."""
    return scan_table(Table.from_observations(observations), signals, settings, progress)


def fit(observations: Iterable[Observation], settings: Settings | None = None) -> NoiseModel:
    """The noise model the scan would learn from these observations (fit.py): to pool a
    portfolio once and scan its alliances one by one with ``Settings(noise=...)``."""
    settings = replace(settings or Settings(), calibrate=True, noise=None)
    panel = build_panel(Table.from_observations(observations), (), settings.measures, settings)
    assert panel.noise is not None
    return panel.noise


def scan_table(
    table: Table,
    signals: Sequence[Signal] = (),
    settings: Settings | None = None,
    progress: bool = False,
) -> list[Alert]:
    settings = settings or Settings()
    panel = build_panel(table, signals, settings.measures, settings)
    return scan_panel(panel, settings, progress)


def scan_panel(panel: Panel, settings: Settings, progress: bool = False) -> list[Alert]:
    with gc_paused():  # many small objects, no cycles: see pause.py
        return _scan_panel(panel, settings, progress)


def _scan_panel(panel: Panel, settings: Settings, progress: bool) -> list[Alert]:
    findings: list[_Finding] = []
    broad_parts: list[_BroadPart] = []
    steps = [("health", g) for g in panel.health] + [("gap", g) for g in panel.gaps]
    for kind, group in tqdm(steps, desc="scanning", unit="group", disable=not progress):
        if kind == "health":
            findings += _shift_findings(panel, group, settings, broad_parts)
            findings += _decline_findings(panel, group, settings)
            findings += _level_findings(panel, group)
        else:
            findings += _gap_findings(panel, group, settings)
    findings += _broad_findings(panel, settings, broad_parts)
    _corroborate(findings)
    labels = _Labels(panel.period_kind)
    alerts = [_to_alert(panel, settings, f, labels) for f in findings]
    alerts += _signal_alerts(panel)
    ordinals = _Ordinals()
    alerts.sort(
        key=lambda a: (
            a.alliance,
            ordinals[a.period],
            -_RANK[a.severity],
            a.measure,
            a.rule,
        )
    )
    return alerts


class _Labels(dict):
    """Ordinal -> period label, each label built once."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def __missing__(self, ordinal: int) -> str:
        label = self[ordinal] = period_label(self.kind, ordinal)
        return label


class _Ordinals(dict):
    """Period label -> ordinal, each label parsed once."""

    def __missing__(self, label: str) -> int:
        ordinal = self[label] = period_ordinal(label)[1]
        return ordinal


# --- statistics -----------------------------------------------------------------------


def _severity(ratio: np.ndarray, settings: Settings) -> np.ndarray:
    """0 none, 1 watch, 2 warning, 3 alert, from p / (the test's share of the budget)."""
    return np.select(
        [ratio <= settings.alert_factor, ratio <= 1.0, ratio <= settings.watch_factor],
        [3, 2, 1],
        0,
    )


def _window_contrasts(group: SeriesGroup, windows: Sequence[int]) -> list[tuple]:
    """For each window k: (k_eff, recent mean, history mean, z) at every position t >= 1.

    z compares the mean of the last k points with the mean of all earlier points, in units
    of its own null standard error, so it is exactly standard normal on a stable series
    (given the noise model; see _ar1_variances when the noise carries over). Early on the
    window shrinks (k_eff = min(k, t)) so that at least one point stays in the history.
    The arrays are (series, position) views of arrays computed with positions on the
    first axis, where picking positions copies whole rows.
    """
    n, length = group.y.shape
    cy, cv = _running_total(group.y), _running_total(group.var)
    t = np.arange(1, length)
    y_end, v_end = cy[2:], cv[2:]  # end = t + 1
    carry = group.rho is not None and bool(np.any(group.rho))
    state = _ar1_state(group) if carry else None
    out = []
    for k in windows:
        k_eff = np.minimum(k, t)
        mid = t + 1 - k_eff
        ke, mi = k_eff[:, None], mid[:, None]
        y_mid, v_mid = cy[mid], cv[mid]
        recent = (y_end - y_mid) / ke
        history = y_mid / mi
        if carry:
            var = _ar1_variances(group, k_eff, mid, state)
        else:
            var = (v_end - v_mid) / ke**2 + v_mid / mi**2
        z = _calibrated((recent - history) / np.sqrt(var), group.df)
        out.append((k_eff, recent.T, history.T, z.T))
    return out


def _ar1_variances(
    group: SeriesGroup, k_eff: np.ndarray, mid: np.ndarray, state: tuple | None = None
) -> np.ndarray:
    """Var(recent mean - history mean) at every position (positions first) when the noise
    is AR(1): Cov(e_i, e_j) = s_i s_j rho^|o_i - o_j| with o the periods (a skipped
    period counts: two points two periods apart correlate rho^2).

    With R_j = sum_{i <= j} s_i rho^(o_j - o_i) (R_j = s_j + rho^(o_j - o_{j-1}) R_{j-1})
    the quadratic form of the first m points is P_m = P_{m-1} + 2 s R - s^2 at the m-th
    point, and the history's covariance with a later point j is s_j rho^(o_j - o_last) R_last.
    Then Var = Q_recent / k^2 + P_mid / mid^2 - 2 C / (k mid), with C the cross term and
    Q_recent = P_end - P_mid - 2 C. O(length x window) vector steps over all series;
    ``state`` (from _ar1_state) is shared by the windows of one group.
    """
    s, o, table, regular, R, P = state or _ar1_state(group)
    length, n = s.shape
    end = np.arange(2, length + 1)
    cross = np.zeros((end.size, n))
    last = R[mid - 1]
    for step in range(int(k_eff.max(initial=0))):
        inside = step < k_eff  # a point of the recent window
        jj = np.where(inside, mid + step, mid)
        if regular:
            factor = table[step + 1][None, :]
        else:
            factor = np.take_along_axis(table, o[jj] - o[mid - 1], axis=0)
        term = s[jj] * factor * last
        cross += term if inside.all() else np.where(inside[:, None], term, 0.0)
    ke, mi = k_eff[:, None].astype(float), mid[:, None].astype(float)
    q_recent = P[end] - P[mid] - 2 * cross
    var = q_recent / ke**2 + P[mid] / mi**2 - 2 * cross / (ke * mi)
    return np.maximum(var, 1e-300)


def _ar1_state(group: SeriesGroup) -> tuple:
    """(s, o, rho^g table, regular, R, P) of a group, positions first and contiguous."""
    if group.rho is None:
        raise ValueError("an AR(1) state needs the carry-over rho of the group")
    s = np.ascontiguousarray(np.sqrt(group.var.T))  # (length, n)
    o = np.ascontiguousarray(group.ordinal.T)
    length, n = s.shape
    # rho^g for every whole g the series need, looked up rather than raised to a power
    # (numpy's pow of a negative base costs ~100 ns an element).
    span = int((o[-1] - o[0]).max(initial=0))
    table = group.rho[None, :] ** np.arange(span + 1)[:, None]  # (span + 1, n)
    gaps = np.diff(o, axis=0)
    regular = bool((gaps == 1).all())  # no skipped period: rho^g needs no lookup
    steps = table[1][None, :] if regular else np.take_along_axis(table, gaps, axis=0)
    R = np.empty((length, n))
    P = np.zeros((length + 1, n))
    R[0] = s[0]
    P[1] = s[0] ** 2
    for j in range(1, length):
        R[j] = s[j] + steps[0 if regular else j - 1] * R[j - 1]
        P[j + 1] = P[j] + 2 * s[j] * R[j] - s[j] ** 2
    return s, o, table, regular, R, P


def _calibrated(z: np.ndarray, df: np.ndarray | None) -> np.ndarray:
    """z read on Student's t with the series' degrees of freedom, returned as the normal
    score of the same tail: the rules then treat it as exactly normal. Series whose swing
    rests on many differences (df >= 10^4) are left as they are (the two tails differ by
    well under 1 % there)."""
    if df is None:
        return z
    few = df < 1e4
    if not few.any():
        return z
    out = z.copy()
    cols = np.flatnonzero(few)
    out[:, cols] = ndtri(stdtr(df[cols][None, :], z[:, cols]))
    return out


def _running_total(x: np.ndarray) -> np.ndarray:
    """Running totals of each row of x, as columns: out[t] = x[:, :t].sum(axis=1) added
    left to right (so the same numbers as np.cumsum), one vector step per position."""
    n, length = x.shape
    out = np.zeros((length + 1, n))
    out[1] = x[:, 0]  # not 0.0 + x: that would turn a -0.0 into 0.0
    for t in range(1, length):
        np.add(out[t], x[:, t], out=out[t + 1])
    return out


def _candidates(stat: Sequence[np.ndarray], cutoff: float, below: bool) -> tuple:
    """(rows, cols) where any of ``stat`` is at or beyond ``cutoff``: the only points a
    rule can flag. The cutoff is generous, so every other point would get level 0 from
    the exact computation, which then runs on the candidates alone. An infinite cutoff
    (a budget so large that p = 1 is within it) makes every point a candidate."""
    if np.isinf(cutoff) and (cutoff > 0) == below:
        return np.nonzero(np.ones(stat[0].shape, dtype=bool))
    hit = np.zeros(stat[0].shape, dtype=bool)
    for x in stat:
        hit |= x <= cutoff if below else x >= cutoff
    return np.nonzero(hit)


def _z_cutoff(ratio: float) -> float:
    """A z above which a normal lower tail always exceeds ``ratio`` (with a wide margin);
    infinite when ``ratio`` reaches 1."""
    if ratio >= 1:
        return np.inf
    return float(ndtri(max(ratio, 0.0))) + _MARGIN


def _distinct_windows(windows: Sequence[int], length: int) -> np.ndarray:
    return np.array([len({min(k, t) for k in windows}) for t in range(1, length)])


@overload
def _alpha(panel: Panel, settings: Settings, rule: str, per_alliance: None) -> float: ...
@overload
def _alpha(panel: Panel, settings: Settings, rule: str, per_alliance: np.ndarray) -> np.ndarray: ...
def _alpha(
    panel: Panel, settings: Settings, rule: str, per_alliance: np.ndarray | None
) -> float | np.ndarray:
    share = settings.false_alarm_rate * settings.budget_shares.get(rule, 0.0)
    if per_alliance is None:
        return share
    return share / np.maximum(per_alliance, 1)


def _shift_findings(
    panel: Panel, group: SeriesGroup, settings: Settings, broad_parts: list[_BroadPart]
) -> list[_Finding]:
    length = group.y.shape[1]
    if length < 2:
        return []
    contrasts = _window_contrasts(group, settings.shift_windows)
    windows = _distinct_windows(settings.shift_windows, length)
    alpha = _alpha(panel, settings, "shift", panel.measures_per_alliance)[group.alliance]
    # p = windows * tail(z) can reach watch_factor * alpha only below this z.
    budget = settings.watch_factor * alpha.max(initial=0.0)
    cutoff = _z_cutoff(budget / windows.min() if budget < 1 else 1.0)
    rows, cols = _candidates([c[3] for c in contrasts], cutoff, below=True)
    z = np.stack([c[3][rows, cols] for c in contrasts])  # (windows, candidates)
    best = np.argmin(z, axis=0)
    z_min = np.take_along_axis(z, best[None], axis=0)[0]
    p = np.minimum(1.0, windows[cols] * normal_lower_tail(z_min))
    level = _severity(p / alpha[rows], settings)

    # Keep the one-period move (window 1) of every point for the broad rule.
    k1 = [c for c in contrasts if c[0][-1] == 1]
    one = k1[0][3] if k1 else _window_contrasts(group, (1,))[0][3]
    broad_parts.append((group, one))
    return _contrast_findings("shift", group, contrasts, rows, cols, best, level, p, z_min)


def _contrast_findings(
    rule: str,
    group: SeriesGroup,
    contrasts: list[tuple],
    rows: np.ndarray,
    cols: np.ndarray,
    best: np.ndarray,
    level: np.ndarray,
    p: np.ndarray,
    z: np.ndarray | None = None,
) -> list[_Finding]:
    """The findings of a window-contrast rule: candidate points whose level is not 0."""
    keep = np.flatnonzero(level)
    if keep.size == 0:
        return []
    rows, cols, chosen, level, p = rows[keep], cols[keep], best[keep], level[keep], p[keep]
    z = z[keep] if z is not None else None
    k_eff = np.empty(rows.size, dtype=np.int64)
    recent = np.empty(rows.size)
    history = np.empty(rows.size)
    for b, (k, rec, hist, _) in enumerate(contrasts):
        mask = chosen == b
        k_eff[mask] = k[cols[mask]]
        recent[mask] = rec[rows[mask], cols[mask]]
        history[mask] = hist[rows[mask], cols[mask]]
    t = cols + 1
    columns = [
        group.alliance[rows].tolist(),
        group.measure[rows].tolist(),
        group.ordinal[rows, t].tolist(),
        p.tolist(),
        (level - 1).tolist(),
        rows.tolist(),
        t.tolist(),
        k_eff.tolist(),
        recent.tolist(),
        history.tolist(),
        z.tolist() if z is not None else [None] * rows.size,
    ]
    out = []
    for alliance, measure, ordinal, pv, sev, r, tt, k, rec, hist, zz in zip(*columns, strict=True):
        detail = {"group": group, "row": r, "t": tt, "window": k, "recent": rec, "history": hist}
        if zz is not None:
            detail["z"] = zz
        out.append(_Finding(rule, alliance, measure, ordinal, pv, SEVERITIES[sev], detail))
    return out


def _decline_findings(panel: Panel, group: SeriesGroup, settings: Settings) -> list[_Finding]:
    length = group.y.shape[1]
    if length < settings.trend_min_points:
        return []
    s, ties = rolling_mann_kendall_s(_prewhitened(group), settings.trend_window)
    alpha = _alpha(panel, settings, "decline", panel.measures_per_alliance)[group.alliance]
    first = settings.trend_min_points - 1
    n_of = np.minimum(np.arange(first, length) + 1, settings.trend_window)
    # p grows with S + ties, so a point can be flagged only if S + ties is at most the
    # largest value whose p is within watch_factor * alpha: find the candidates in
    # integers, then take the exact p-values of those alone.
    budget = settings.watch_factor * alpha.max(initial=0.0)
    bound = np.empty(n_of.size, dtype=np.int64)
    for n in np.unique(n_of):
        table = mann_kendall_lower_tail_table(int(n))
        total_pairs = int(n) * (int(n) - 1) // 2
        within = np.flatnonzero(table <= budget)
        bound[n_of == n] = within[-1] - total_pairs if within.size else -total_pairs - 1
        if budget >= 1:
            bound[n_of == n] = np.iinfo(np.int64).max
    tail = s[:, first:] + ties[:, first:]
    rows, cols = np.nonzero(tail <= bound)
    t = cols + first
    p = np.empty(rows.size)
    for n in np.unique(n_of[cols]):
        mine = n_of[cols] == n
        p[mine] = mann_kendall_p_lower(s[rows[mine], t[mine]], int(n), ties[rows[mine], t[mine]])
    level = _severity(p / alpha[rows], settings)
    keep = np.flatnonzero(level)
    rows, cols, t, p, level = rows[keep], cols[keep], t[keep], p[keep], level[keep]
    columns = [
        group.alliance[rows].tolist(),
        group.measure[rows].tolist(),
        group.ordinal[rows, t].tolist(),
        p.tolist(),
        (level - 1).tolist(),
        rows.tolist(),
        t.tolist(),
        n_of[cols].tolist(),
        s[rows, t].tolist(),
    ]
    return [
        _Finding(
            "decline",
            alliance,
            measure,
            ordinal,
            pv,
            SEVERITIES[sev],
            {"group": group, "row": r, "t": tt, "n": n, "s": ss},
        )
        for alliance, measure, ordinal, pv, sev, r, tt, n, ss in zip(*columns, strict=True)
    ]


def _prewhitened(group: SeriesGroup) -> np.ndarray:
    """The series with the noise's carry-over removed, for Mann-Kendall (whose exact null
    needs independent points): x_t = (y_t - rho^g y_{t-1}) (1 - rho) / (1 - rho^g) for a
    step of g periods, x_0 = (1 - rho) y_0. Every point then has mean (1 - rho) x level and
    independent noise, so a stable series orders itself at random again (exactly when no
    period is skipped; with skips the points' spreads differ a little). Independent noise
    (rho = 0) leaves y as it is."""
    if group.rho is None or not np.any(group.rho):
        return group.y
    rho = group.rho[:, None]
    step = np.diff(group.ordinal, axis=1)
    powers = rho ** np.arange(int(step.max(initial=1)) + 1)[None, :]  # looked up, see above
    decay = np.take_along_axis(powers, step, axis=1)
    x = np.empty_like(group.y)
    x[:, 0] = (1 - rho[:, 0]) * group.y[:, 0]
    x[:, 1:] = (group.y[:, 1:] - decay * group.y[:, :-1]) * (1 - rho) / (1 - decay)
    return x


def _gap_findings(panel: Panel, group: SeriesGroup, settings: Settings) -> list[_Finding]:
    length = group.y.shape[1]
    if length < 2:
        return []
    contrasts = _window_contrasts(group, settings.shift_windows)
    windows = _distinct_windows(settings.shift_windows, length)
    alpha = _alpha(panel, settings, "gap", panel.gap_measures_per_alliance)[group.alliance]
    # p = 2 * windows * tail(-|z|) can reach watch_factor * alpha only above this |z|.
    budget = settings.watch_factor * alpha.max(initial=0.0)
    cutoff = -_z_cutoff(budget / (2 * windows.min()) if budget < 1 else 1.0)
    rows, cols = _candidates([np.abs(c[3]) for c in contrasts], cutoff, below=False)
    # Two-sided, but only a gap that grew away from its usual value counts.
    score = np.stack(
        [
            np.where(
                np.abs(c[1][rows, cols]) > np.abs(c[2][rows, cols]), np.abs(c[3][rows, cols]), 0.0
            )
            for c in contrasts
        ]
    )
    best = np.argmax(score, axis=0)
    top = np.take_along_axis(score, best[None], axis=0)[0]
    p = np.minimum(1.0, 2 * windows[cols] * normal_lower_tail(-top))
    level = _severity(p / alpha[rows], settings)
    return _contrast_findings("gap", group, contrasts, rows, cols, best, level, p)


def _broad_findings(
    panel: Panel, settings: Settings, broad_parts: list[_BroadPart]
) -> list[_Finding]:
    """Stouffer's combination of every measure's one-period move, per alliance-period.

    ``broad_parts`` holds (group, one-period z of every point after the first) per group
    of health series; the moves are read back from the groups only for the hits.
    """
    if not broad_parts:
        return []
    a = np.concatenate([np.repeat(g.alliance, g.y.shape[1] - 1) for g, _ in broad_parts])
    o = np.concatenate([g.ordinal[:, 1:].ravel() for g, _ in broad_parts])
    z = np.concatenate([one.ravel() for _, one in broad_parts])
    o_min = int(o.min())
    span = int(o.max()) - o_min + 1
    key = a.astype(np.int64) * span + (o - o_min)
    # Dense counting when the alliance x period grid is small (the usual case): a
    # bincount is far cheaper than sorting millions of keys.
    if len(panel.alliances) * span <= 50_000_000:
        count_all = np.bincount(key, minlength=len(panel.alliances) * span)
        keys = np.flatnonzero(count_all)
        position = np.zeros(count_all.size, dtype=np.int64)
        position[keys] = np.arange(keys.size)
        inverse = position[key]
    else:
        unique = np.unique(key, return_inverse=True)
        keys, inverse = unique[0], unique[1]
    count = np.bincount(inverse)
    combined = np.bincount(inverse, weights=z) / np.sqrt(count)
    p = normal_lower_tail(combined)
    level = np.where(count >= 2, _severity(p / _alpha(panel, settings, "broad", None), settings), 0)
    hits = np.flatnonzero(level)
    if hits.size == 0:
        return []
    is_hit = np.zeros(keys.size, dtype=bool)
    is_hit[hits] = True
    chosen = np.flatnonzero(is_hit[inverse])
    # Each chosen point back to its group, series and position.
    sizes = [g.y.shape[0] * (g.y.shape[1] - 1) for g, _ in broad_parts]
    offsets = np.cumsum([0, *sizes])
    part = np.searchsorted(offsets, chosen, side="right") - 1
    moves_of: dict[int, list[tuple[int, float, float]]] = defaultdict(list)
    for j, (g, _) in enumerate(broad_parts):
        mine = chosen[part == j]
        if mine.size == 0:
            continue
        r, c = np.divmod(mine - offsets[j], g.y.shape[1] - 1)
        for hit, measure, before, after in zip(
            inverse[mine].tolist(),
            g.measure[r].tolist(),
            g.raw[r, c].tolist(),
            g.raw[r, c + 1].tolist(),
            strict=True,
        ):
            moves_of[hit].append((measure, before, after))
    return [
        _Finding(
            "broad",
            key_j // span,
            -1,
            key_j % span + o_min,
            pv,
            SEVERITIES[sev - 1],
            {"moves": sorted(moves_of[j]), "z": zj},
        )
        for j, key_j, pv, sev, zj in zip(
            hits.tolist(),
            keys[hits].tolist(),
            p[hits].tolist(),
            level[hits].tolist(),
            combined[hits].tolist(),
            strict=True,
        )
    ]


def _level_findings(panel: Panel, group: SeriesGroup) -> list[_Finding]:
    out = []
    for j in np.unique(group.measure):
        spec = panel.specs[j]
        if spec.lines is None:
            continue
        rows = np.flatnonzero(group.measure == j)
        raw = group.raw[rows]
        crossed = [(raw < line) if spec.higher_is_better else (raw > line) for line in spec.lines]
        level = np.select(crossed[::-1], [3, 2, 1], 0)
        for r, t in zip(*np.nonzero(level), strict=True):
            sev = int(level[r, t])
            out.append(
                _Finding(
                    "level",
                    int(group.alliance[rows[r]]),
                    int(j),
                    int(group.ordinal[rows[r], t]),
                    None,
                    SEVERITIES[sev - 1],
                    {
                        "value": float(raw[r, t]),
                        "line": spec.lines[sev - 1],
                        "group": group,
                        "row": rows[r],
                        "t": t,
                    },
                )
            )
    return out


def _corroborate(findings: list[_Finding]) -> None:
    """A warning becomes an alert when a second measure agrees in the same period, or
    when the same measure has also crossed its warning line. Both only upgrade findings
    that are already inside the budget, so the false-alarm rate is unchanged."""
    warned: dict[tuple[int, int], set[int]] = defaultdict(set)
    low: set[tuple[int, int, int]] = set()
    for f in findings:
        if f.rule in ("shift", "decline", "gap") and f.severity != "watch":
            warned[(f.alliance, f.ordinal)].add(f.measure)
        if f.rule == "level" and f.severity != "watch":
            low.add((f.alliance, f.ordinal, f.measure))
    for f in findings:
        if (
            f.rule in STATISTICAL_RULES
            and f.severity == "warning"
            and (
                len(warned[(f.alliance, f.ordinal)]) >= 2
                or (f.alliance, f.ordinal, f.measure) in low
            )
        ):
            f.severity = "alert"


# --- alerts ---------------------------------------------------------------------------


def _p(f: _Finding) -> float:
    """The p-value of a statistical finding (the signal rule's findings have none)."""
    if f.p is None:
        raise ValueError(f"a {f.rule} finding carries no p-value")
    return f.p


def _to_alert(panel: Panel, settings: Settings, f: _Finding, labels: _Labels) -> Alert:
    unit = panel.period_kind
    label = labels[f.ordinal]
    alliance = panel.alliances[f.alliance]
    d = f.detail
    side = ""
    if f.rule == "broad":
        moves = [(panel.specs[m], a, b) for m, a, b in d["moves"]]
        text = evidence.broad(moves, label, d["z"], _p(f))
        measure = "all"
        next_step = DIALOGUE
        values: tuple = tuple((panel.measures[m], b) for m, _, b in d["moves"])
    else:
        spec = panel.specs[f.measure]
        measure = spec.name
        group, r, t = d["group"], d["row"], d["t"]
        first = max(0, t + 1 - max(evidence.TRAIL, settings.trend_window))
        periods = [labels[o] for o in group.ordinal[r, first : t + 1].tolist()]
        raw = group.raw[r, first : t + 1].tolist()
        values = tuple(zip(periods, raw, strict=True))
        next_step = spec.next_step
        if f.rule == "shift":
            text = evidence.shift(
                spec,
                periods,
                raw,
                group.y[r, first : t + 1].tolist(),
                d["window"],
                d["recent"] * (1 if spec.higher_is_better else -1),
                d["history"] * (1 if spec.higher_is_better else -1),
                d["z"],
                _p(f),
                unit,
                settings.shift_windows,
            )
        elif f.rule == "decline":
            n = d["n"]
            window = raw[-n:]
            text = evidence.decline(
                spec, periods[-n:], window, d["s"], _p(f), sen_slope(window), unit
            )
            values = values[-n:]
        elif f.rule == "gap":
            side = " vs ".join(panel.gap_sides[f.alliance])
            text = evidence.gap(
                spec,
                panel.gap_sides[f.alliance],
                periods,
                raw,
                d["window"],
                d["recent"],
                d["history"],
                _p(f),
                unit,
            )
            next_step = _GAP_NEXT_STEP
        else:
            text = evidence.level(spec, label, d["value"], d["line"], f.severity)
            values = values[-1:]
    if f.rule in ("shift", "decline", "gap") and panel.noise is not None:
        text += evidence.noise(panel.noise.get(measure), alliance, unit)
    if f.severity == "alert":
        next_step += ESCALATION
    return Alert(alliance, label, measure, f.severity, f.rule, text, next_step, side, f.p, values)


def _signal_alerts(panel: Panel) -> list[Alert]:
    """One alert per alliance, period and signal kind. Every kind, a KPI discrepancy as much
    as a messaging shift, is a fact someone recorded, so severity is by count and recency
    (never a p-value) and none of it is charged to the false-alarm budget."""
    by_period: dict[tuple[str, int], list[Signal]] = defaultdict(list)
    kind_of_periods = panel.period_kind
    for sig in panel.signals:
        if sig.kind not in ALL_SIGNAL_KINDS:
            raise ValueError(f"unknown signal kind {sig.kind!r}; known: {sorted(ALL_SIGNAL_KINDS)}")
        kind, ordinal = period_ordinal(sig.period)
        kind_of_periods = kind
        by_period[(sig.alliance, ordinal)].append(sig)
    alerts = []
    for (alliance, ordinal), sigs in by_period.items():
        recent = len(sigs) + len(by_period.get((alliance, ordinal - 1), []))
        severity: Severity = "warning" if recent >= 2 else "watch"
        label = period_label(kind_of_periods, ordinal)
        kinds: dict[str, list[Signal]] = defaultdict(list)
        for sig in sigs:
            kinds[sig.kind].append(sig)
        for kind, same in sorted(kinds.items()):
            notes = [f"{s.side}: {s.note}" if s.side else s.note for s in same if s.note]
            text = evidence.signal(
                ALL_SIGNAL_KINDS[kind], label, len(same), recent, notes, SIGNAL_PLURALS.get(kind)
            )
            alerts.append(
                Alert(
                    alliance,
                    label,
                    kind,
                    severity,
                    "signal",
                    text,
                    signal_next_step(kind),
                    "",
                    None,
                    ((label, float(len(same))),),
                )
            )
    return alerts
