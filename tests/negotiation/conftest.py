"""A negotiation round in the cast's alliance, with each side's private preferences.

Side A's and side B's numbers are chosen to be distinctive (``A_SECRETS``, ``B_SECRETS``)
so the leak tests can search every response body for them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.apps import apps

from detente.alliances.visibility import get_alliance_access
from detente.analysis.negotiation import problem_from_document
from detente.negotiation import services
from detente.negotiation.forms import PreferencesForm, RoundForm

EXAMPLE = Path(__file__).parents[2] / "examples/negotiation/innovatetech_globalconnect.yaml"


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def call(client: Any, method: str, url: str, body: Any = None) -> Any:
    if body is None:
        return client.generic(method, url)
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def database_state() -> dict[str, list[dict[str, Any]]]:
    state = {}
    for label in ("negotiation", "alliances", "audit"):
        for model in apps.get_app_config(label).get_models():
            state[model._meta.label] = list(model.objects.order_by("pk").values())
    return state


@pytest.fixture
def nothing_changes() -> Callable[[], Any]:
    @contextmanager
    def check() -> Iterator[None]:
        before = database_state()
        yield
        assert database_state() == before, "a refused request changed the database"

    return check


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


@pytest.fixture
def example_round(cast: Any) -> Any:
    """The InnovateTech × GlobalConnect worked example: side A = InnovateTech, B = GlobalConnect."""
    problem = example_problem()
    alice = get_alliance_access(cast.alice, cast.alliance.pk)
    bob = get_alliance_access(cast.bob, cast.alliance.pk)
    rnd = open_round(alice, {i.name: list(i.options) for i in problem.issues})
    for access, name in ((alice, "InnovateTech"), (bob, "GlobalConnect")):
        p = problem.preferences[name]
        enter(access, rnd, p.weights, p.scores, p.walk_away)
    return rnd


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


@pytest.fixture
def secret_round(cast: Any) -> Any:
    alice = get_alliance_access(cast.alice, cast.alliance.pk)
    bob = get_alliance_access(cast.bob, cast.alliance.pk)
    rnd = open_round(alice, {"share": ["30", "40", "50"], "term": ["1", "3", "5"]}, "Secret round")
    enter(alice, rnd, A_SECRETS["weights"], A_SCORES, A_SECRETS["walk_away"])
    enter(bob, rnd, B_SECRETS["weights"], B_SCORES, B_SECRETS["walk_away"])
    return rnd
