"""Helpers of the negotiation tests, in a module of their own: every test folder has a
conftest, so ``from conftest import ...`` would pick whichever one was imported first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from detente.analysis.negotiation import problem_from_document
from detente.negotiation import services
from detente.negotiation.forms import PreferencesForm, RoundForm

EXAMPLE = Path(__file__).parents[2] / "examples/negotiation/innovatetech_globalconnect.yaml"


def example_problem() -> Any:
    doc = yaml.safe_load(EXAMPLE.read_text())
    doc.pop("constraints")  # the workspace round has no constraints
    doc.pop("tentative")
    return problem_from_document(doc)


def open_round(access: Any, issues: dict[str, list[str]], title: str = "Re-negotiation") -> Any:
    text = "\n".join(f"{k}: {', '.join(v)}" for k, v in issues.items())
    form = RoundForm(
        data={"title": title, "purpose": "", "issues": text, "owner_side": access.my_side.pk},
        access=access,
    )
    assert form.is_valid(), form.errors
    return services.save_round(access, form)


def enter(access: Any, rnd: Any, weights: dict, scores: dict, walk_away: Any) -> Any:
    issues = list(rnd.issues.all())
    data, errors = PreferencesForm.data_from_json(
        {"weights": weights, "scores": scores, "walk_away": walk_away}, issues
    )
    assert not errors
    form = PreferencesForm(data=data, issues=issues)
    assert form.is_valid(), form.errors
    return services.save_preferences(access, rnd, form)


# Distinctive numbers: none of them can appear in a utility shown to the other side.
A_SECRETS = {"weights": {"share": "7.1357", "term": "2.8642"}, "walk_away": "0.3917"}


B_SECRETS = {"weights": {"share": "1.2468", "term": "8.9753"}, "walk_away": "0.2791"}


A_SCORES = {
    "share": {"30": "0", "40": "0.6173", "50": "1"},
    "term": {"1": "1", "3": "0.5839", "5": "0"},
}


B_SCORES = {
    "share": {"30": "1", "40": "0.4719", "50": "0"},
    "term": {"1": "0", "3": "0.6257", "5": "1"},
}


def secrets_of(side: str) -> list[str]:
    s, scores = (A_SECRETS, A_SCORES) if side == "a" else (B_SECRETS, B_SCORES)
    values = [*s["weights"].values(), s["walk_away"]]
    values += [v for opts in scores.values() for v in opts.values() if v not in ("0", "1")]
    return values
