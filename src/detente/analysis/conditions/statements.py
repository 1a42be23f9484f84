"""Plain-language "what needs to be true" statements, with the numbers in them.

Each statement is written from one party's side: what would have to be true for that party
to prefer the option it currently ranks lower. The list is kept short on purpose (the few
closest conditions of each kind); the JSON carries every threshold.

A party whose weights are hidden gets its preference stated and nothing else: each
threshold is an equation in its weight shares (see ``output.py``). Only if it has disclosed
its conditions are they written, still without its current shares ("now ...").
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import TYPE_CHECKING

from detente.analysis.conditions.model import Estimate

if TYPE_CHECKING:
    from detente.analysis.conditions.engine import (
        ConditionsResult,
        PairConditions,
        RatioFlip,
        Settler,
        ValueFlip,
    )

MAX_WEIGHT_CONDITIONS = 2
MAX_RATIO_CONDITIONS = 2
MAX_VALUE_CONDITIONS = 2
MAX_SETTLERS = 2


def num(x: float) -> str:
    """Three significant figures, without exponents for everyday magnitudes."""
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    digits = max(0, 2 - int(math.floor(math.log10(abs(x)))))
    text = f"{x:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def pct(share: float) -> str:
    value = 100 * share
    return f"{value:.1f}%" if 0 < abs(value) < 10 else f"{value:.0f}%"


def estimate(e: Estimate) -> str:
    return f"{num(e.low)}–{num(e.high)}" if e.is_range else num(e.low)


def _join_or(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", or ".join(parts[:-1]) + ", or " + parts[-1]


def _conditions_for(pc: PairConditions, target: str, hide: bool, scale_span: dict) -> list[str]:
    """Conditions under which `target` (a or b of the pair) wins for this party, closest first."""
    toward_a = target == pc.a
    parts = []
    # A flip at a share within a point of 0% or 100% is exact but not a useful condition.
    weights = [w for w in pc.weights if 0.01 <= w.threshold_share <= 0.99]
    weights.sort(key=lambda w: abs(w.threshold_share - w.share_now))
    for w in weights[:MAX_WEIGHT_CONDITIONS]:
        at_least = (w.a_wins_when == "above") == toward_a
        now = "" if hide else f" (now {pct(w.share_now)})"
        bound = "at least" if at_least else "at most"
        parts.append(
            f"{w.consideration} carried {bound} {pct(w.threshold_share)} of the weight{now}"
        )

    def ratio_distance(r: RatioFlip) -> float:
        if r.ratio_now is None or r.ratio_now == 0:
            return math.inf
        return abs(math.log(r.threshold_ratio / r.ratio_now))

    for r in sorted(pc.ratios, key=ratio_distance)[:MAX_RATIO_CONDITIONS]:
        # a wins when first/second >= r*; the target b wins when second/first >= 1/r*.
        big, small, ratio = (
            (r.first, r.second, r.threshold_ratio)
            if toward_a
            else (r.second, r.first, 1 / r.threshold_ratio)
        )
        now = ""
        if not hide and r.ratio_now is not None and r.ratio_now > 0:
            current = r.ratio_now if toward_a else 1 / r.ratio_now
            now = f" (now {num(current)} times)"
        parts.append(f"{big} mattered at least {num(ratio)} times as much as {small}{now}")

    values = [v for v in pc.values if _plausible(v.threshold, scale_span[v.consideration])]
    values.sort(key=lambda v: abs(v.threshold - v.estimate.central) / _span(scale_span, v))
    for v in values[:MAX_VALUE_CONDITIONS]:
        at_least = (v.a_wins_when == "at_least") == toward_a
        bound = "at least" if at_least else "at most"
        parts.append(
            f"{v.option}'s {v.consideration} were {bound} {num(v.threshold)} "
            f"(estimate {estimate(v.estimate)})"
        )
    return parts


def _span(scale_span: dict[str, tuple[float, float]], v: ValueFlip) -> float:
    lo, hi = scale_span[v.consideration]
    return (hi - lo) or 1.0


def _plausible(value: float, scale: tuple[float, float]) -> bool:
    """Within the scale widened by half its span on each side: far-off thresholds are exact
    but say nothing useful in a sentence (the JSON still has them)."""
    lo, hi = scale
    return lo - (hi - lo) / 2 <= value <= hi + (hi - lo) / 2


def _settler_sentence(s: Settler, scale: tuple[float, float], bounds_hidden: bool) -> str | None:
    if bounds_hidden:  # the bound may be a hidden party's value threshold: say only whether
        if not s.within_range:  # the stated range reaches one
            return None
        return (
            f"Learning {s.option}'s {s.consideration} (estimate {estimate(s.estimate)}) could "
            f"settle {s.a} versus {s.b}: somewhere in the stated range every party would prefer "
            "the same option."
        )
    sides = []
    for bound, option in ((s.all_prefer_a, s.a), (s.all_prefer_b, s.b)):
        if bound is not None and _plausible(bound.value, scale):
            where = "or above" if bound.op == "at_least" else "or below"
            sides.append(f"at {where} {num(bound.value)} every party prefers {option}")
    if not sides:
        return None
    if s.within_range:
        reach = "the stated range reaches this, so measuring it could settle the question"
    elif s.estimate.is_range:
        reach = "beyond the stated range"
    else:
        reach = "a change from the current estimate"
    return (
        f"Learning {s.option}'s {s.consideration} (estimate {estimate(s.estimate)}) would settle "
        f"{s.a} versus {s.b}: {'; '.join(sides)} ({reach})."
    )


def write_statements(
    result: ConditionsResult,
    hide_weights_of: Collection[str] = (),
    disclosed_conditions_of: Collection[str] = (),
) -> list[str]:
    from detente.analysis.conditions.output import conditions_hidden, ordered_settlers

    withheld = conditions_hidden(result, hide_weights_of, disclosed_conditions_of)
    out: list[str] = []
    by_pair: dict[tuple[str, str], list[PairConditions]] = {}
    for pc in result.flips:
        by_pair.setdefault((pc.a, pc.b), []).append(pc)
    for (a, b), conditions in by_pair.items():
        views = []
        score = {r.party: {o.option: o.score for o in r.options} for r in result.rankings}
        for pc in conditions:
            if pc.prefers is None:
                views.append(f"{pc.party} scores {a} and {b} the same")
                continue
            other = pc.b if pc.prefers == pc.a else pc.a
            if pc.party in hide_weights_of:  # a hidden party's scores would give its weights away
                views.append(f"{pc.party} prefers {pc.prefers} to {other}")
                continue
            mine = score[pc.party]
            views.append(
                f"{pc.party} prefers {pc.prefers} to {other} "
                f"(score {num(mine[pc.prefers])} against {num(mine[other])})"
            )
        out.append(f"{a} versus {b}: " + "; ".join(views) + ".")
        for pc in conditions:
            if pc.prefers is None:
                continue
            straddles = pc.margin_low > 0 > pc.margin_high or pc.margin_low < 0 < pc.margin_high
            if straddles and pc.party in hide_weights_of:
                out.append(
                    f"Within the estimate ranges {pc.party}'s preference could go either way."
                )
            elif straddles:
                out.append(
                    f"Within the estimate ranges {pc.party}'s preference could go either way "
                    f"(margin of {a} over {b} from {num(pc.margin_low)} to "
                    f"{num(pc.margin_high)})."
                )
            target = pc.b if pc.prefers == pc.a else pc.a
            if pc.party in withheld:
                out.append(
                    f"{pc.party} keeps the conditions under which it would prefer {target} "
                    "private (they would give its weights away)."
                )
                continue
            parts = _conditions_for(pc, target, pc.party in hide_weights_of, result.scale)
            if parts:
                out.append(
                    f"{pc.party} would prefer {target} to {pc.prefers} if {_join_or(parts)}."
                )
            else:
                out.append(
                    f"No single weight or estimate change would make {pc.party} prefer "
                    f"{target} to {pc.prefers}."
                )
        settlers = ordered_settlers(result, bool(withheld))
        pair_settlers = [s for s in settlers if (s.a, s.b) == (a, b)]
        sentences = [
            _settler_sentence(s, result.scale[s.consideration], bool(withheld))
            for s in pair_settlers
        ]
        out.extend([t for t in sentences if t][:MAX_SETTLERS])
    for r in result.robustness:
        ranked = sorted(r.shares.items(), key=lambda kv: -kv[1])
        shown = [f"{o} {pct(s)}" for o, s in ranked[:5] if s > 0]
        how = (
            "exact"
            if r.method == "exact"
            else f"sampled, {r.samples:,} weightings, standard error up to "
            f"{pct(max(r.standard_errors.values()))}"
        )
        scope = (
            "all possible weightings"
            if r.scope == "all weightings"
            else (f"the weightings within {r.scope}'s bounds")
        )
        out.append(f"Share of {scope} under which each option wins: {', '.join(shown)} ({how}).")
    out.extend(result.notes)
    return out
