"""The JSON form of a conditions result: what ``detente conditions --json`` prints.

hide_weights_of lists parties whose weights are private to their side. Hidden means not
inferable: such a party keeps its order of preference and nothing from which its weights or
scores follow. Every threshold is linear in the party's weight shares (a weight threshold
t* = R/(R - d) gives one equation, a ratio threshold another, a value threshold the margin
over one share), so m - 1 of them and "shares sum to one" solve all m shares; its flips
therefore carry no weights, ratios, values or margins, and the settling estimates (whose
bounds are the farthest party's value threshold) carry no bounds while any party is hidden.

disclosed_conditions_of lists hidden parties that chose to let the other side see their
conditions: their thresholds stay (current weights, scores and margins are still left out),
knowing that the weights can then be deduced from them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from detente.analysis.conditions.engine import ConditionsResult, PairConditions, Settler


def _flip_json(pc: PairConditions, hide: bool, disclosed: bool) -> dict[str, Any]:
    if hide and not disclosed:  # the preference only: any threshold is an equation in the weights
        return {"party": pc.party, "a": pc.a, "b": pc.b, "prefers": pc.prefers,
                "conditions_hidden": True}  # fmt: skip
    weights = []
    for w in pc.weights:
        item = asdict(w)
        if hide:
            for key in ("share_now", "weight_now", "threshold_weight"):
                item.pop(key)
        weights.append(item)
    ratios = []
    for r in pc.ratios:
        item = asdict(r)
        if hide:
            item.pop("ratio_now")
        ratios.append(item)
    values = [{**asdict(v), "estimate": v.estimate.as_json()} for v in pc.values]
    flip: dict[str, Any] = {
        "party": pc.party,
        "a": pc.a,
        "b": pc.b,
        "prefers": pc.prefers,
        "margin": pc.margin,
        "margin_range": [pc.margin_low, pc.margin_high],
        "weights": weights,
        "ratios": ratios,
        "values": values,
    }
    if hide:
        del flip["margin"], flip["margin_range"]
    return flip


def _ranking_json(ranking: Any, hide: bool) -> dict[str, Any]:
    if hide:  # the order of preference only
        return {"options": [{"option": o.option} for o in ranking.options]}
    return {
        "margin": ranking.margin,
        "options": [
            {"option": o.option, "score": o.score, "score_range": [o.score_low, o.score_high]}
            for o in ranking.options
        ],
    }


def _settler_json(s: Settler, bounds_hidden: bool) -> dict[str, Any]:
    item = asdict(s)
    item["estimate"] = s.estimate.as_json()
    if bounds_hidden:  # a bound is some party's value threshold, perhaps the hidden one's
        for key in ("all_prefer_a", "all_prefer_b", "distance"):
            item.pop(key)
    return item


def ordered_settlers(result: ConditionsResult, bounds_hidden: bool) -> list[Settler]:
    """The settlers, nearest first; with bounds hidden, in an order that does not depend on
    the weights (the distance to a settling value is a hidden party's threshold too)."""
    if not bounds_hidden:
        return list(result.settlers)
    pairs = {tuple(p): q for q, p in enumerate(result.pairs)}
    names = [c.name for c in result.problem.considerations]
    options = list(result.problem.options)
    return sorted(
        result.settlers,
        key=lambda s: (pairs[(s.a, s.b)], not s.within_range, names.index(s.consideration),
                       options.index(s.option)),
    )  # fmt: skip


def conditions_hidden(
    result: ConditionsResult,
    hide_weights_of: Collection[str],
    disclosed_conditions_of: Collection[str] = (),
) -> set[str]:
    """The parties of ``result`` whose conditions are withheld (hidden and not disclosed)."""
    parties = {r.party for r in result.rankings}
    return (set(hide_weights_of) - set(disclosed_conditions_of)) & parties


def result_json(
    result: ConditionsResult,
    hide_weights_of: Collection[str] = (),
    disclosed_conditions_of: Collection[str] = (),
) -> dict[str, Any]:
    hidden = set(hide_weights_of)
    disclosed = set(disclosed_conditions_of)
    withheld = conditions_hidden(result, hidden, disclosed)
    return {
        "conventions": {
            "normalisation": "min-max on a fixed scale per consideration: 0 worst, 1 best",
            "weights": "each party's weights renormalised to shares summing to 1",
            "one_weight_moving": "other shares scaled to keep their proportions",
            "ratio": "weight moved between two considerations, their sum and the rest fixed",
            "ranges": "scored at their midpoint; margins also given over the whole ranges",
        },
        "scale": {c: list(v) for c, v in result.scale.items()},
        "rankings": {r.party: _ranking_json(r, r.party in hidden) for r in result.rankings},
        "pairs": [list(p) for p in result.pairs],
        "flips": [_flip_json(pc, pc.party in hidden, pc.party in disclosed) for pc in result.flips],
        "settlers": [
            _settler_json(s, bool(withheld)) for s in ordered_settlers(result, bool(withheld))
        ],
        "robustness": [r.as_json() for r in result.robustness],
        "statements": result.statements(hidden, disclosed),
        "notes": list(result.notes),
    }
