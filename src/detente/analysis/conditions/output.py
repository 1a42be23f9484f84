"""The JSON form of a conditions result: what ``detente conditions --json`` prints.

hide_weights_of lists parties whose weights are private to their side: their current weights,
raw weight units and current ratios are left out, and so are their scores and margins (with
two options a score is a weight share) and their statements' "now" figures. Their order of
preference and the thresholds stay, because those are the conditions the other side may see.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from detente.analysis.conditions.engine import ConditionsResult, PairConditions, Settler


def _flip_json(pc: PairConditions, hide: bool) -> dict[str, Any]:
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


def _settler_json(s: Settler) -> dict[str, Any]:
    item = asdict(s)
    item["estimate"] = s.estimate.as_json()
    return item


def result_json(result: ConditionsResult, hide_weights_of: Collection[str] = ()) -> dict[str, Any]:
    hidden = set(hide_weights_of)
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
        "flips": [_flip_json(pc, pc.party in hidden) for pc in result.flips],
        "settlers": [_settler_json(s) for s in result.settlers],
        "robustness": [r.as_json() for r in result.robustness],
        "statements": result.statements(hidden),
        "notes": list(result.notes),
    }
