"""A party whose weights are private shows its preferences, never its weights, nor anything
from which they follow: with two options its score is the weight share of the
considerations favouring its choice, and each threshold is an equation in its shares. If it
discloses its conditions, they are shown, still without its scores, margins or shares.
"""

from __future__ import annotations

import json
from pathlib import Path

from detente.analysis.conditions import analyse, problem_from_dict
from detente.analysis.files import load_document

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "conditions"


def _result():
    return analyse(problem_from_dict(load_document(EXAMPLE / "revenue_vs_satisfaction.yaml")))


def test_it_leaves_a_hidden_partys_scores_and_margins_out_of_the_json() -> None:
    result = _result()
    shown = result.as_json(["sales"])
    assert shown["rankings"]["sales"] == {
        "options": [{"option": o.option} for o in result.rankings[0].options]
    }
    for flip in shown["flips"]:
        if flip["party"] == "sales":
            assert flip == {"party": "sales", "a": flip["a"], "b": flip["b"],
                            "prefers": flip["prefers"], "conditions_hidden": True}  # fmt: skip
    for flip in result.as_json(["sales"], ["sales"])["flips"]:
        if flip["party"] == "sales":
            assert "margin" not in flip and "margin_range" not in flip
            assert all("share_now" not in w for w in flip["weights"])
    # The other party is shown in full.
    assert "margin" in shown["rankings"]["product"]


def test_it_never_prints_a_figure_of_the_hidden_weights_in_the_statements() -> None:
    statements = _result().statements(["sales"])
    assert any("sales prefers A to B" in s for s in statements)
    for sentence in statements:
        for clause in sentence.split(";"):
            if "sales" in clause:
                assert "score" not in clause, clause
                assert "(now" not in clause, clause
                assert "margin" not in clause, clause
    # ... while the shown party keeps its scores and current weights.
    text = " ".join(statements)
    assert "product prefers B to A (score" in text
    assert "(now" in text


def test_the_json_of_a_hidden_party_carries_its_thresholds_only_once_disclosed() -> None:
    hidden = json.loads(json.dumps(_result().as_json(["sales"])))
    assert all("weights" not in f for f in hidden["flips"] if f["party"] == "sales")
    shown = json.loads(json.dumps(_result().as_json(["sales"], ["sales"])))
    sales_flips = [f for f in shown["flips"] if f["party"] == "sales"]
    assert sales_flips and all(f["weights"] for f in sales_flips)
