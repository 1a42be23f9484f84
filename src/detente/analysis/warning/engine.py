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
from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from . import evidence
from .measures import DIALOGUE, ESCALATION, SIGNAL_KINDS, SIGNAL_NEXT_STEP
from .model import SEVERITIES, Alert, Observation, Settings, Severity, Signal
from .panel import Panel, SeriesGroup, Table, build_panel
from .periods import period_label, period_ordinal
from .stats import (
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
STATISTICAL_RULES = ("shift", "decline", "gap", "broad")


@dataclass
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


def scan_table(
    table: Table,
    signals: Sequence[Signal] = (),
    settings: Settings | None = None,
    progress: bool = False,
) -> list[Alert]:
    settings = settings or Settings()
    panel = build_panel(table, signals, settings.measures)
    return scan_panel(panel, settings, progress)


def scan_panel(panel: Panel, settings: Settings, progress: bool = False) -> list[Alert]:
    findings: list[_Finding] = []
    broad_parts: list[tuple[np.ndarray, ...]] = []
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
    alerts = [_to_alert(panel, settings, f) for f in findings]
    alerts += _signal_alerts(panel)
    alerts.sort(
        key=lambda a: (
            a.alliance,
            period_ordinal(a.period)[1],
            -_RANK[a.severity],
            a.measure,
            a.rule,
        )
    )
    return alerts


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
    of its own null standard error, so it is exactly standard normal on a stable series.
    Early on the window shrinks (k_eff = min(k, t)) so that at least one point stays in
    the history.
    """
    n, length = group.y.shape
    cy = np.zeros((n, length + 1))
    cy[:, 1:] = np.cumsum(group.y, axis=1)
    cv = np.zeros((n, length + 1))
    cv[:, 1:] = np.cumsum(group.var, axis=1)
    t = np.arange(1, length)
    out = []
    for k in windows:
        k_eff = np.minimum(k, t)
        end, mid = t + 1, t + 1 - k_eff
        recent = (cy[:, end] - cy[:, mid]) / k_eff
        history = cy[:, mid] / mid
        var = (cv[:, end] - cv[:, mid]) / k_eff**2 + cv[:, mid] / mid**2
        out.append((k_eff, recent, history, (recent - history) / np.sqrt(var)))
    return out


def _distinct_windows(windows: Sequence[int], length: int) -> np.ndarray:
    return np.array([len({min(k, t) for k in windows}) for t in range(1, length)])


def _alpha(panel: Panel, settings: Settings, rule: str, per_alliance: np.ndarray | None):
    share = settings.false_alarm_rate * settings.budget_shares.get(rule, 0.0)
    if per_alliance is None:
        return share
    return share / np.maximum(per_alliance, 1)


def _shift_findings(panel, group, settings, broad_parts) -> list[_Finding]:
    length = group.y.shape[1]
    if length < 2:
        return []
    contrasts = _window_contrasts(group, settings.shift_windows)
    z = np.stack([c[3] for c in contrasts])  # (windows, n, L-1)
    best = np.argmin(z, axis=0)
    z_min = np.take_along_axis(z, best[None], axis=0)[0]
    windows = _distinct_windows(settings.shift_windows, length)
    p = np.minimum(1.0, windows * normal_lower_tail(z_min))
    alpha = _alpha(panel, settings, "shift", panel.measures_per_alliance)[group.alliance]
    level = _severity(p / alpha[:, None], settings)

    # Keep the one-period move (window 1) of every point for the broad rule.
    k1 = [c for c in contrasts if c[0][-1] == 1]
    one = k1[0][3] if k1 else _window_contrasts(group, (1,))[0][3]
    rows, cols = np.indices(one.shape)
    broad_parts.append(
        (
            group.alliance[rows].ravel(),
            group.ordinal[:, 1:].ravel(),
            group.measure[rows].ravel(),
            one.ravel(),
            group.raw[:, :-1].ravel(),
            group.raw[:, 1:].ravel(),
        )
    )

    out = []
    for r, c in zip(*np.nonzero(level), strict=True):
        k_eff, recent, history, _ = contrasts[best[r, c]]
        t = c + 1
        out.append(
            _Finding(
                "shift",
                int(group.alliance[r]),
                int(group.measure[r]),
                int(group.ordinal[r, t]),
                float(p[r, c]),
                SEVERITIES[level[r, c] - 1],
                {
                    "group": group,
                    "row": r,
                    "t": t,
                    "window": int(k_eff[c]),
                    "recent": float(recent[r, c]),
                    "history": float(history[r, c]),
                    "z": float(z_min[r, c]),
                },
            )
        )
    return out


def _decline_findings(panel, group, settings) -> list[_Finding]:
    length = group.y.shape[1]
    if length < settings.trend_min_points:
        return []
    s, ties = rolling_mann_kendall_s(group.y, settings.trend_window)
    alpha = _alpha(panel, settings, "decline", panel.measures_per_alliance)[group.alliance]
    out = []
    for t in range(settings.trend_min_points - 1, length):
        n = min(t + 1, settings.trend_window)
        p = mann_kendall_p_lower(s[:, t], n, ties[:, t])
        level = _severity(p / alpha, settings)
        for r in np.flatnonzero(level):
            out.append(
                _Finding(
                    "decline",
                    int(group.alliance[r]),
                    int(group.measure[r]),
                    int(group.ordinal[r, t]),
                    float(p[r]),
                    SEVERITIES[level[r] - 1],
                    {"group": group, "row": r, "t": t, "n": n, "s": int(s[r, t])},
                )
            )
    return out


def _gap_findings(panel, group, settings) -> list[_Finding]:
    length = group.y.shape[1]
    if length < 2:
        return []
    contrasts = _window_contrasts(group, settings.shift_windows)
    # Two-sided, but only a gap that grew away from its usual value counts.
    score = np.stack([np.where(np.abs(c[1]) > np.abs(c[2]), np.abs(c[3]), 0.0) for c in contrasts])
    best = np.argmax(score, axis=0)
    top = np.take_along_axis(score, best[None], axis=0)[0]
    windows = _distinct_windows(settings.shift_windows, length)
    p = np.minimum(1.0, 2 * windows * normal_lower_tail(-top))
    alpha = _alpha(panel, settings, "gap", panel.gap_measures_per_alliance)[group.alliance]
    level = _severity(p / alpha[:, None], settings)
    out = []
    for r, c in zip(*np.nonzero(level), strict=True):
        k_eff, recent, history, _ = contrasts[best[r, c]]
        t = c + 1
        out.append(
            _Finding(
                "gap",
                int(group.alliance[r]),
                int(group.measure[r]),
                int(group.ordinal[r, t]),
                float(p[r, c]),
                SEVERITIES[level[r, c] - 1],
                {
                    "group": group,
                    "row": r,
                    "t": t,
                    "window": int(k_eff[c]),
                    "recent": float(recent[r, c]),
                    "history": float(history[r, c]),
                },
            )
        )
    return out


def _broad_findings(panel, settings, broad_parts) -> list[_Finding]:
    """Stouffer's combination of every measure's one-period move, per alliance-period."""
    if not broad_parts:
        return []
    a, o, m, z, before, after = (np.concatenate(x) for x in zip(*broad_parts, strict=True))
    span = int(o.max() - o.min() + 1)
    key = a.astype(np.int64) * span + (o - o.min())
    # Dense counting when the alliance x period grid is small (the usual case): a
    # bincount is far cheaper than sorting millions of keys.
    if len(panel.alliances) * span <= 50_000_000:
        count_all = np.bincount(key, minlength=len(panel.alliances) * span)
        keys = np.flatnonzero(count_all)
        position = np.zeros(count_all.size, dtype=np.int64)
        position[keys] = np.arange(keys.size)
        inverse = position[key]
    else:
        keys, inverse = np.unique(key, return_inverse=True)
    count = np.bincount(inverse)
    combined = np.bincount(inverse, weights=z) / np.sqrt(count)
    p = normal_lower_tail(combined)
    level = np.where(count >= 2, _severity(p / _alpha(panel, settings, "broad", None), settings), 0)
    out = []
    hits = np.flatnonzero(level)
    is_hit = np.zeros(keys.size, dtype=bool)
    is_hit[hits] = True
    chosen = np.flatnonzero(is_hit[inverse])
    members_of: dict[int, list[int]] = defaultdict(list)
    for i in chosen:
        members_of[int(inverse[i])].append(int(i))
    for j in hits:
        members = members_of[int(j)]
        moves = [(int(m[i]), float(before[i]), float(after[i])) for i in members]
        out.append(
            _Finding(
                "broad",
                int(keys[j] // span),
                -1,
                int(keys[j] % span + o.min()),
                float(p[j]),
                SEVERITIES[level[j] - 1],
                {"moves": sorted(moves), "z": float(combined[j])},
            )
        )
    return out


def _level_findings(panel, group) -> list[_Finding]:
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


def _to_alert(panel: Panel, settings: Settings, f: _Finding) -> Alert:
    kind = panel.period_kind
    unit = kind
    label = period_label(kind, f.ordinal)
    alliance = panel.alliances[f.alliance]
    d = f.detail
    side = ""
    if f.rule == "broad":
        moves = [(panel.specs[m], a, b) for m, a, b in d["moves"]]
        text = evidence.broad(moves, label, d["z"], f.p)
        measure = "all"
        next_step = DIALOGUE
        values: tuple = tuple((panel.measures[m], b) for m, _, b in d["moves"])
    else:
        spec = panel.specs[f.measure]
        measure = spec.name
        group, r, t = d["group"], d["row"], d["t"]
        first = max(0, t + 1 - max(evidence.TRAIL, settings.trend_window))
        periods = [period_label(kind, o) for o in group.ordinal[r, first : t + 1]]
        raw = [float(v) for v in group.raw[r, first : t + 1]]
        values = tuple(zip(periods, raw, strict=True))
        next_step = spec.next_step
        if f.rule == "shift":
            text = evidence.shift(
                spec,
                periods,
                raw,
                list(group.y[r, first : t + 1]),
                d["window"],
                d["recent"] * (1 if spec.higher_is_better else -1),
                d["history"] * (1 if spec.higher_is_better else -1),
                d["z"],
                f.p,
                unit,
                settings.shift_windows,
            )
        elif f.rule == "decline":
            n = d["n"]
            window = group.raw[r, t + 1 - n : t + 1]
            text = evidence.decline(
                spec, periods[-n:], list(window), d["s"], f.p, sen_slope(window), unit
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
                f.p,
                unit,
            )
            next_step = _GAP_NEXT_STEP
        else:
            text = evidence.level(spec, label, d["value"], d["line"], f.severity)
            values = values[-1:]
    if f.severity == "alert":
        next_step += ESCALATION
    return Alert(alliance, label, measure, f.severity, f.rule, text, next_step, side, f.p, values)


def _signal_alerts(panel: Panel) -> list[Alert]:
    by_period: dict[tuple[str, int], list[Signal]] = defaultdict(list)
    kind_of_periods = panel.period_kind
    for sig in panel.signals:
        if sig.kind not in SIGNAL_KINDS:
            raise ValueError(f"unknown signal kind {sig.kind!r}; known: {sorted(SIGNAL_KINDS)}")
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
            text = evidence.signal(SIGNAL_KINDS[kind], label, len(same), recent, notes)
            alerts.append(
                Alert(
                    alliance,
                    label,
                    kind,
                    severity,
                    "signal",
                    text,
                    SIGNAL_NEXT_STEP,
                    "",
                    None,
                    ((label, float(len(same))),),
                )
            )
    return alerts
