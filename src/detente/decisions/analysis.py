"""The data behind the decision page and its JSON twin: one function each, used by both.

Private weights and the other side
----------------------------------
A side's weights may be private. Hidden means not inferable: every flip threshold, ratio,
value threshold, margin, score and chart line of a party is linear in its weight shares, so
a few of them and "shares sum to one" give the weights exactly (issue 12). For a party
whose weights the reader may not see, the reader therefore gets its order of preference
and nothing else: the engine's hide-weights mode (``ConditionsResult.as_json``) leaves the
rest out, and the chart data below skips that party.

The side may choose to disclose its conditions (``PartyWeights.conditions_disclosed``,
audited like any change of the record, revocable): the reader then sees its thresholds and
flip charts, still without its current weights, scores or margins, and the page says that
the weights can be deduced from them. To compute a hidden party's preference the analysis
reads every side's weights of the decision; which sides are hidden is decided by the
visibility rule (``access.records``), not by hand.
"""

from __future__ import annotations

from typing import Any

from detente.analysis.conditions import Party, analyse
from detente.analysis.files import InputError
from detente.analysis.guardrails import GoalSet, Guardrail, Objective
from detente.analysis.guardrails import analyse as analyse_goals
from detente.decisions.forms import problem_of
from detente.decisions.models import Decision, GoalSeries, PartyWeights
from detente.records.visibility import AllianceAccess

# Thresholds this close to 0% or 100% are exact but are not useful conditions to chart.
EDGE = 0.01


def decision_json(decision: Decision) -> dict[str, Any]:
    """The joint part of a decision: options and considerations."""
    return {
        "id": decision.pk,
        "title": decision.title,
        "question": decision.question,
        "side_id": decision.owner_side_id,
        "visibility": decision.visibility,
        "options": list(decision.options),
        "considerations": [
            {
                "name": c["name"],
                "direction": c["direction"],
                "unit": c.get("unit", ""),
                "values": {
                    o: (
                        c["values"][o][0]
                        if c["values"][o][0] == c["values"][o][1]
                        else c["values"][o]
                    )
                    for o in decision.options
                },
            }
            for c in decision.considerations
        ],
        "periods": list(decision.periods),
    }


def _parties(
    access: AllianceAccess, decision: Decision
) -> tuple[list[Party], list[dict[str, Any]], set[str], set[str], list[str]]:
    visible = set(
        access.records(PartyWeights).filter(decision=decision).values_list("id", flat=True)
    )
    names = decision.consideration_names
    parties: list[Party] = []
    listing: list[dict[str, Any]] = []
    hidden: set[str] = set()
    disclosed: set[str] = set()
    notes: list[str] = []
    # Every side's weights of this decision (see the module docstring); the reader sees
    # the weights of the records in `visible` only.
    records = PartyWeights.objects.filter(
        alliance=access.alliance, decision=decision
    ).select_related("owner_side__organisation")
    for record in records:
        name = str(record.owner_side)
        shown = record.pk in visible
        weights = {n: float(record.weights.get(n, 0) or 0) for n in names}
        entry: dict[str, Any] = {
            "party": name,
            "side_id": record.owner_side_id,
            "weights_visible": shown,
            "conditions_disclosed": record.conditions_disclosed,
        }
        if shown:
            entry |= {"id": record.pk, "visibility": record.visibility, "weights": weights}
        listing.append(entry)
        if sum(weights.values()) <= 0:
            notes.append(f"{name} has not weighed the current considerations yet.")
            continue
        parties.append(Party(name, weights))
        if not shown:
            hidden.add(name)
            if record.conditions_disclosed:
                disclosed.add(name)
    return parties, listing, hidden, disclosed, notes


def _normalised(result: dict[str, Any], decision: Decision) -> dict[str, dict[str, float]]:
    """Each option's central value on each consideration on the engine's 0-1 scale."""
    out: dict[str, dict[str, float]] = {}
    for c in decision.considerations:
        lo, hi = result["scale"][c["name"]]
        span = hi - lo
        out[c["name"]] = {}
        for o in decision.options:
            v = sum(c["values"][o]) / 2
            if span <= 0:
                u = 0.0
            elif c["direction"] == "higher":
                u = (v - lo) / span
            else:
                u = (hi - v) / span
            out[c["name"]][o] = u
    return out


def _flip_charts(
    result: dict[str, Any], decision: Decision, hidden: set[str], withheld: set[str]
) -> list[dict]:
    """Per party and pair: the lead of a over b as one consideration's share moves 0 -> 1.

    With one weight moving and the others keeping their proportions the lead is a straight
    line from R (share 0) to d (share 1) and crosses zero at the threshold t* = R/(R - d).
    The line is drawn from t* and the joint values only (R = t*·d/(t* - 1)). R is linear in
    the party's shares, so a party whose conditions are withheld gets no chart at all; for a
    hidden party that disclosed its conditions the line shows nothing beyond the threshold
    the engine states, and the current share is marked only where the reader may see the
    weights.
    """
    u = _normalised(result, decision)
    charts = []
    for flip in result["flips"]:
        a, b, party = flip["a"], flip["b"], flip["party"]
        if party in withheld:
            continue
        lines = []
        for w in flip["weights"]:
            t = w["threshold_share"]
            if not EDGE <= t <= 1 - EDGE:
                continue
            d = u[w["consideration"]][a] - u[w["consideration"]][b]
            r = t * d / (t - 1)
            line = {
                "consideration": w["consideration"],
                "points": [{"x": 0.0, "y": r}, {"x": 1.0, "y": d}],
                "crossing": {"x": t, "y": 0.0},
                "a_wins_when": w["a_wins_when"],
            }
            if party not in hidden:
                s = w["share_now"]
                line["now"] = {"x": s, "y": r + (d - r) * s}
            lines.append(line)
        if lines:
            charts.append(
                {
                    "party": party,
                    "a": a,
                    "b": b,
                    "prefers": flip["prefers"],
                    "weights_hidden": party in hidden,
                    "lines": lines,
                }
            )
    return charts


def conditions(access: AllianceAccess, decision: Decision) -> dict[str, Any]:
    """Everything the decision page shows, as JSON: the page renders this and the API
    returns it unchanged."""
    parties, listing, hidden, disclosed, notes = _parties(access, decision)
    withheld = hidden - disclosed
    out: dict[str, Any] = {
        "decision": decision_json(decision),
        "parties": listing,
        "hidden_weights_of": sorted(hidden),
        "conditions_withheld_of": sorted(withheld),
        "conditions_disclosed_of": sorted(disclosed),
        "notes": notes,
        "ready": bool(parties),
    }
    if not parties:
        out["notes"].append("No side has entered weights yet, so there is nothing to compare.")
        return out
    problem = problem_of(decision.options, decision.considerations, parties)
    try:
        result = analyse(problem).as_json(hidden, disclosed)
    except InputError as exc:  # stored data is checked on save; this is a safety net
        out["ready"] = False
        out["notes"].append(f"The decision cannot be analysed: {exc}")
        return out
    for party in hidden:  # the engine leaves a hidden party's order of preference only
        result["rankings"][party]["scores_hidden"] = True
    out["conditions"] = result
    out["charts"] = {
        "scores": {
            "options": list(decision.options),
            "parties": [
                {
                    "party": party,
                    "scores": {o["option"]: o["score"] for o in ranking["options"]},
                }
                for party, ranking in result["rankings"].items()
                if party not in hidden
            ],
        },
        "flips": _flip_charts(result, decision, hidden, withheld),
    }
    return out


def guardrails(access: AllianceAccess, decision: Decision) -> dict[str, Any]:
    """Guardrail bands and the goal-conflict matrix from the series the reader may see."""
    series = list(
        access.records(GoalSeries)
        .filter(decision=decision)
        .select_related("owner_side__organisation")
    )
    out: dict[str, Any] = {"periods": list(decision.periods), "notes": []}
    goals = [s for s in series if s.guards_id is None]
    children: dict[int, list[GoalSeries]] = {}
    for s in series:
        if s.guards_id is not None:
            children.setdefault(s.guards_id, []).append(s)
    if not goals or not decision.periods:
        out["notes"].append("No goal series have been entered for this decision yet.")
        return out
    objectives = [
        Objective(
            name=g.name,
            side=str(g.owner_side),
            direction=g.direction,
            history=list(g.history),
            horizon=g.horizon or None,
            guardrails=[
                Guardrail(c.name, list(c.history), lower=c.at_least, upper=c.at_most)
                for c in children.get(g.pk, [])
            ],
        )
        for g in goals
    ]
    try:
        result = analyse_goals(GoalSet(list(decision.periods), objectives)).as_json()
    except InputError as exc:
        out["notes"].append(f"The series cannot be analysed: {exc}")
        return out
    out |= result
    # The engine reports each guardrail's checks; the chart also needs its readings and
    # those of the goal it guards (both visible to the reader, as they came from `series`).
    by_name = {(str(g.owner_side), g.name): g for g in goals}
    for entry in out["guardrails"]:
        goal = by_name[(entry["side"], entry["objective"])]
        guard = next(c for c in children[goal.pk] if c.name == entry["metric"])
        entry["history"] = list(guard.history)
        entry["objective_history"] = list(goal.history)
    for m in out["conflict_maps"]:
        m["grid"] = matrix_grid(m)
    if not result["conflict_maps"]:
        out["notes"].append("The goal-conflict matrix needs goals from two sides.")
    return out


def _colour(cell: dict[str, Any]) -> str:
    """Green when the goals move together, red when against; paler when the data cannot tell."""
    r = cell["r"]
    if r is None:
        return "#f2f2f2"
    alpha = abs(r) * (0.75 if cell["relation"] in ("together", "against") else 0.3)
    rgb = "26,127,75" if r > 0 else "200,66,59"
    return f"rgba({rgb},{alpha:.2f})"


def matrix_grid(m: dict[str, Any]) -> list[dict[str, Any]]:
    """The matrix's cells (row-major in the engine's JSON) as rows, each cell with its colour."""
    width = len(m["columns"])
    return [
        {
            "name": name,
            "cells": [
                {**cell, "colour": _colour(cell)}
                for cell in m["cells"][i * width : (i + 1) * width]
            ],
        }
        for i, name in enumerate(m["rows"])
    ]
