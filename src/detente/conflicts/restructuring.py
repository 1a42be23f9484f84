"""A restructuring comparison read through the visibility rule and valued by the engine.

Only the estimates and weights the reader may see go into the result: if side B keeps its
numbers private, side A's page shows side A's values only, and "what needs to be true" is
stated only when both sides' numbers are visible to the reader.
"""

from __future__ import annotations

from typing import Any

from detente.analysis import conditions as cond
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
from detente.records.visibility import AllianceAccess

# Short names for the sentences of "what needs to be true".
SHORT = {
    "continue": "continuing as is",
    "descope": "de-scoping",
    "phased": "phased projects",
    "modular": "the modular partnership",
    "licensing": "licensing",
    "spinoff": "a spin-off",
    "exit": "exit",
}

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
    rows: list[dict[str, Any]] = []
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
        "conditions": conditions(sides, by_option, prefs),
    }


def conditions(sides: list, values: dict[str, dict[str, Any]], prefs: list[dict]) -> list[str]:
    """What needs to be true for each side to accept the other's preferred option, from the
    conditions engine (detente.analysis.conditions).

    The considerations are the combined value of each option to each side, on one money
    scale; each side puts all its weight on its own value today. The engine then states how
    much weight a side would have to give the partner's value, or how an estimate would
    have to move, for its preference to flip. Only values the reader may see go in.
    """
    if len(sides) < 2 or len(prefs) < 2 or prefs[0]["option"] == prefs[1]["option"]:
        return []
    a, b = str(sides[0].pk), str(sides[1].pk)
    options = [o for o in OPTIONS if a in values.get(o, {}) and b in values.get(o, {})]
    if prefs[0]["option"] not in options or prefs[1]["option"] not in options:
        return []
    every = [values[o][s]["value_likely"] for o in options for s in (a, b)]
    scale = (min(every), max(every))
    if not scale[0] < scale[1]:
        return []
    names = [f"Value to {sides[0]}", f"Value to {sides[1]}"]
    cons = [
        cond.Consideration(
            names[i],
            "higher",
            {
                SHORT[o]: cond.Estimate(values[o][s]["value_likely"], values[o][s]["value_likely"])
                for o in options
            },
            scale=scale,
        )
        for i, s in enumerate((a, b))
    ]
    parties = [
        cond.Party(str(sides[0]), {names[0]: 1.0, names[1]: 0.0}),
        cond.Party(str(sides[1]), {names[0]: 0.0, names[1]: 1.0}),
    ]
    problem = cond.Problem(
        options=[SHORT[o] for o in options], considerations=cons, parties=parties
    )
    try:
        res = cond.analyse(problem, pairs=[(SHORT[prefs[0]["option"]], SHORT[prefs[1]["option"]])])
    except (InputError, ValueError):
        return []
    return list(res.statements())[:6]
