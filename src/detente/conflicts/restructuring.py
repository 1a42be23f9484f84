"""A restructuring comparison read through the visibility rule and valued by the engine.

Only the estimates and weights the reader may see go into the result: if side B keeps its
numbers private, side A's page shows side A's values only, and "what needs to be true" is
stated only when both sides' numbers are visible to the reader.
"""

from __future__ import annotations

from typing import Any

from detente.alliances.visibility import AllianceAccess
from detente.analysis.files import InputError
from detente.analysis.restructuring import (
    OPTIONS,
    Assessment,
    CashFlows,
    SideView,
    compare,
    preferred,
)
from detente.conflicts.models import Comparison, OptionEstimate, SideWeights

FACTORS = {
    "relationship": "Relationship",
    "reputation": "Reputation",
    "strategic_option": "Strategic option value",
}


def parse_flows(text: str) -> list[float]:
    """'-200, 50, 120' (commas, semicolons or spaces) -> [-200.0, 50.0, 120.0]."""
    parts = [p for p in text.replace(";", ",").replace("\n", ",").replace(" ", ",").split(",") if p]
    values = []
    for i, part in enumerate(parts):
        try:
            values.append(float(part))
        except ValueError:
            raise ValueError(f"value {i + 1} ('{part[:20]}') is not a number") from None
    return values


def flows_text(values: list[float]) -> str:
    return ", ".join(f"{v:g}" for v in values)


def _view(w: SideWeights) -> SideView:
    return SideView(
        side=str(w.owner_side_id),
        weights={f: float(getattr(w, f)) for f in FACTORS},
        per_point=float(w.per_point),
    )


def _assessment(e: OptionEstimate) -> Assessment:
    return Assessment(
        side=str(e.owner_side_id),
        option=e.option,
        flows=CashFlows(tuple(e.flows_low), tuple(e.flows_likely), tuple(e.flows_high)),
        scores={f: float(getattr(e, f)) for f in FACTORS},
    )


def result(access: AllianceAccess, comparison: Comparison) -> dict[str, Any]:
    """Values per option and side (visible inputs only), the chart's points, each side's
    preferred option and, where both sides' inputs are visible, what needs to be true."""
    weights = list(access.records(SideWeights).filter(comparison=comparison))
    estimates = list(access.records(OptionEstimate).filter(comparison=comparison))
    views = {str(w.owner_side_id): _view(w) for w in weights}
    # A side that has not given weights yet is valued on cash alone.
    for e in estimates:
        views.setdefault(
            str(e.owner_side_id), SideView(str(e.owner_side_id), {f: 1.0 for f in FACTORS}, 0.0)
        )
    rate = float(comparison.discount_rate) / 100
    values = compare([_assessment(e) for e in estimates], views, rate)
    sides = access.sides
    by_option: dict[str, dict[str, Any]] = {}
    for v in values:
        by_option.setdefault(v.option, {})[v.side] = v.as_json()
    rows = []
    for key, label in OPTIONS.items():
        if key not in by_option:
            continue
        rows.append(
            {
                "option": key,
                "label": label,
                "values": [by_option[key].get(str(s.pk)) for s in sides],
            }
        )
    points = []
    if len(sides) >= 2:
        a, b = str(sides[0].pk), str(sides[1].pk)
        for row in rows:
            va, vb = by_option[row["option"]].get(a), by_option[row["option"]].get(b)
            if va and vb:
                points.append(
                    {
                        "option": row["option"],
                        "label": row["label"],
                        "x": round(va["value_likely"], 2),
                        "y": round(vb["value_likely"], 2),
                        "x_range": [round(va["value_low"], 2), round(va["value_high"], 2)],
                        "y_range": [round(vb["value_low"], 2), round(vb["value_high"], 2)],
                        "chosen": row["option"] == comparison.chosen_option,
                    }
                )
    prefs = []
    for side in sides:
        best = preferred(values, str(side.pk))
        if best is not None:
            prefs.append(
                {
                    "side_id": side.pk,
                    "side": str(side),
                    "option": best.option,
                    "label": OPTIONS[best.option],
                    "value_likely": round(best.value_likely, 2),
                }
            )
    return {
        "comparison_id": comparison.pk,
        "discount_rate_percent": float(comparison.discount_rate),
        "periods": comparison.periods,
        "period_label": comparison.period_label,
        "currency": comparison.currency,
        "sides": [{"side_id": s.pk, "side": str(s)} for s in sides],
        "axis_x": str(sides[0]) if sides else "",
        "axis_y": str(sides[1]) if len(sides) > 1 else "",
        "options": rows,
        "points": points,
        "preferred": prefs,
        "chosen_option": comparison.chosen_option,
        "conditions": conditions(sides, estimates, weights, rate, prefs),
    }


def conditions(sides, estimates, weights, rate: float, prefs: list[dict]) -> list[str]:
    """What needs to be true for each side's preferred option to win over the other's, from
    the conditions engine (detente.analysis.conditions). Both sides' inputs must be visible:
    the engine is only given what the reader may see."""
    if len(sides) < 2 or len(prefs) < 2 or prefs[0]["option"] == prefs[1]["option"]:
        return []
    from detente.analysis import conditions as cond

    a, b = sides[0], sides[1]
    mine = {(e.owner_side_id, e.option): e for e in estimates}
    options = [o for o in OPTIONS if (a.pk, o) in mine and (b.pk, o) in mine]
    if prefs[0]["option"] not in options or prefs[1]["option"] not in options:
        return []
    w = {x.owner_side_id: x for x in weights}
    from detente.analysis.restructuring import npv

    def cash(side, o):
        return npv(mine[(side.pk, o)].flows_likely, rate)

    names = [f"Cash value to {a} (NPV)", f"Cash value to {b} (NPV)"] + [
        f"{label} (mean of both sides' scores)" for label in FACTORS.values()
    ]
    cons = [
        cond.Consideration(
            names[0], "higher", {OPTIONS[o]: cond.Estimate(cash(a, o), cash(a, o)) for o in options}
        ),
        cond.Consideration(
            names[1], "higher", {OPTIONS[o]: cond.Estimate(cash(b, o), cash(b, o)) for o in options}
        ),
    ]
    for i, f in enumerate(FACTORS):
        vals = {o: (getattr(mine[(a.pk, o)], f) + getattr(mine[(b.pk, o)], f)) / 2 for o in options}
        cons.append(
            cond.Consideration(
                names[2 + i],
                "higher",
                {OPTIONS[o]: cond.Estimate(v, v) for o, v in vals.items()},
                scale=(-2, 2),
            )
        )

    def party(side, own, other):
        sw = w.get(side.pk)
        factor_w = [float(getattr(sw, f)) if sw else 1.0 for f in FACTORS]
        total = sum(factor_w) or 1.0
        # Half the weight on the side's own cash, half on the intangibles it weighs.
        weights_ = {names[own]: 50.0, names[other]: 0.0}
        for i, fw in enumerate(factor_w):
            weights_[names[2 + i]] = 50.0 * fw / total
        return cond.Party(str(side), weights_)

    problem = cond.Problem(
        options=[OPTIONS[o] for o in options],
        considerations=cons,
        parties=[party(a, 0, 1), party(b, 1, 0)],
    )
    try:
        res = cond.analyse(problem, pairs=[(prefs[0]["label"], prefs[1]["label"])])
    except (InputError, ValueError):
        return []
    return [s for s in res.statements()][:6]
