"""Plain words for each alert: the data the rule looked at and the rule itself."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from .model import MeasureSpec

if TYPE_CHECKING:
    from .fit import MeasureNoise

TRAIL = 6  # values shown before the alert's period; more is a chart, not a sentence


def number(value: float, spec: MeasureSpec) -> str:
    """4.0 stays 4.0 on a score (a reader compares it with 4.5); 95.0% reads 95%."""
    if value:  # 0.0 and -0.0 are equal keys but print differently: never cached
        return _number(value, spec.unit)
    return _number.__wrapped__(value, spec.unit)


@lru_cache(maxsize=1 << 16)
def _number(value: float, unit: str) -> str:
    # Values repeat a lot across a portfolio (scores are entered to a few decimals).
    text = f"{value:.2f}".rstrip("0")
    if text.endswith("."):
        text = text[:-1] if unit == "%" else text + "0"
    return f"{text}{unit}"


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def trail(values: Sequence[float], spec: MeasureSpec) -> str:
    return " → ".join([number(v, spec) for v in values[-TRAIL:]])


def odds(p: float) -> str:
    """'about 1 time in 5,900': a p-value a sponsor can read."""
    if p >= 0.5:
        return "often"
    if p < 1e-6:
        return "less than 1 time in a million"
    return f"about 1 time in {_round(1 / p):,}"


def _round(x: float) -> int:
    digits = len(str(int(x))) - 2
    return int(round(x, -digits)) if digits > 0 else int(round(x))


def worse_word(spec: MeasureSpec) -> str:
    return "fell" if spec.higher_is_better else "rose"


def falls_in_a_row(y: Sequence[float]) -> int:
    """Consecutive moves the worse way ending at the last point (y: lower is worse)."""
    count = 0
    for i in range(len(y) - 1, 0, -1):
        if y[i] < y[i - 1]:
            count += 1
        else:
            break
    return count


_COUNT_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def count_word(n: int) -> str:
    return _COUNT_WORDS.get(n, str(n))


def shift(
    spec: MeasureSpec,
    periods: Sequence[str],
    values: Sequence[float],
    y: Sequence[float],
    window: int,
    recent_mean: float,
    history_mean: float,
    z: float,
    p: float,
    unit: str,
    windows: Sequence[int],
) -> str:
    falls = falls_in_a_row(y)
    run = (
        f"; {count_word(falls)} {'falls' if spec.higher_is_better else 'rises'} in a row"
        if (falls >= 2)
        else ""
    )
    recent = f"{periods[-1]}" if window == 1 else f"the last {window} {unit}s"
    before = len(values) - window
    looked = " and ".join(str(w) for w in windows)
    return (
        f"{sentence(spec.label)} {worse_word(spec)} {trail(values, spec)} "
        f"({periods[max(0, len(periods) - TRAIL)]} to {periods[-1]}){run}. "
        f"{recent[0].upper()}{recent[1:]} averaged {number(recent_mean, spec)} against "
        f"{number(history_mean, spec)} over the {before} {unit}{'s' if before > 1 else ''} "
        f"before: {abs(z):.1f} times the usual swing of such a difference. A stable alliance "
        f"moves this far {odds(p)} (p = {p:.2g}; rule: shift against the alliance's own "
        f"history, comparing the last {looked} {unit}s with everything earlier)."
    )


def decline(
    spec: MeasureSpec,
    periods: Sequence[str],
    values: Sequence[float],
    s: int,
    p: float,
    slope: float,
    unit: str,
) -> str:
    n = len(values)
    pairs = n * (n - 1) // 2
    worse_pairs = (pairs - s) // 2 if spec.higher_is_better else (pairs - s) // 2
    return (
        f"{sentence(spec.label)} over the last {n} {unit}s ({periods[0]} to {periods[-1]}): "
        f"{trail(values, spec) if n <= TRAIL else '… → ' + trail(values, spec)}. "
        f"A later {unit} was worse than an earlier one in {worse_pairs} of {pairs} pairs "
        f"(Mann-Kendall S = {s}); a stable alliance orders itself this badly {odds(p)} "
        f"(exact p = {p:.2g} for {n} points). Typical change: {number(slope, spec)} "
        f"a {unit} (Sen's slope; rule: sustained decline)."
    )


def gap(
    spec: MeasureSpec,
    sides: tuple[str, str],
    periods: Sequence[str],
    gaps: Sequence[float],
    window: int,
    recent_mean: float,
    history_mean: float,
    p: float,
    unit: str,
) -> str:
    first, second = sides
    shown = " → ".join(f"{g:+.2f}".rstrip("0").rstrip(".") for g in gaps[-TRAIL:])
    recent = f"in {periods[-1]}" if window == 1 else f"over the last {window} {unit}s"
    return (
        f"{first} minus {second} on {spec.label}: {shown} ({periods[max(0, len(periods) - TRAIL)]}"
        f" to {periods[-1]}). The gap averaged {recent_mean:+.2f} {recent} against "
        f"{history_mean:+.2f} before: the two sides' views are drifting apart, judged "
        f"against this alliance's usual gap rather than against zero. A stable alliance "
        f"shows a change this large {odds(p)} (p = {p:.2g}; rule: widening perception gap)."
    )


def broad(
    moves: Sequence[tuple[MeasureSpec, float, float]],
    period: str,
    z: float,
    p: float,
) -> str:
    worse = [(spec, a, b) for spec, a, b in moves if (b < a if spec.higher_is_better else b > a)]
    listed = "; ".join(
        f"{spec.label} {number(a, spec)} → {number(b, spec)}" for spec, a, b in moves
    )
    return (
        f"In {period}, {len(worse)} of {len(moves)} measures moved the worse way at once: "
        f"{listed}. Each move is small; together they sit {abs(z):.1f} standard errors "
        f"beyond the usual swing (Stouffer's combination), which a stable alliance shows "
        f"{odds(p)} (p = {p:.2g}; rule: broad decline across measures)."
    )


def level(spec: MeasureSpec, period: str, value: float, line: float, severity: str) -> str:
    side = "below" if spec.higher_is_better else "above"
    return (
        f"{sentence(spec.label)} is {number(value, spec)} in {period}, {side} the {severity} line of "
        f"{number(line, spec)} (rule: level; the lines are the team's thresholds)."
    )


def signal(
    kind_label: str,
    period: str,
    count: int,
    recent: int,
    notes: Sequence[str],
    kind_plural: str | None = None,
) -> str:
    said = f" Notes: {'; '.join(notes)}." if notes else ""
    many = f" {recent} signals recorded this period and the one before." if recent > 1 else ""
    if count > 1:
        kind_label = kind_plural or f"{kind_label}s"
    return (
        f"{count} {kind_label} recorded in {period}.{many}{said} (rule: recorded "
        f"signal; one is worth watching, two or more within two periods are a warning.)"
    )


def noise(model: MeasureNoise | None, alliance: str, unit: str) -> str:
    """Which swing the rule used and where it came from (a MeasureNoise, or None when the
    engine ran on the documented swings without calibration: nothing to add)."""
    if model is None:
        return ""
    from .fit import MIN_DIFFERENCES  # noqa: PLC0415 (fit imports nothing from here)

    swing = f"{model.swing:.3g}"
    many = f"{model.alliance_periods:,} alliance-{unit}s"
    if model.source == "team":
        return f" Usual swing {swing}, set by the team."
    if model.source == "default":
        return (
            f" Usual swing {swing}, the documented default: too little history to learn "
            f"from ({model.differences} side-{unit}s of change, {MIN_DIFFERENCES} needed)."
        )
    shape = []
    if model.rho >= 0.05:
        shape.append(f"carry-over {model.rho:.2f} from one {unit} to the next")
    if abs(model.side_correlation) >= 0.05:
        shape.append(f"the sides' answers correlate {model.side_correlation:.2f}")
    extra = f"; {', '.join(shape)}" if shape else ""
    own = model.per_alliance.get(alliance)
    if own is not None:
        return (
            f" Usual swing {own[0]:.3g} for this alliance (the portfolio's {swing}, learned "
            f"from {many}, moved towards this alliance's own history{extra})."
        )
    return f" Usual swing {swing}, learned from {many}{extra}."
