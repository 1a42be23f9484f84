"""Constraints between issues and improving on a tentative deal, in the workspace: checked
against the engine's own result on the same inputs, and with no leak of the other side's
utilities."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from negotiation_helpers import EXAMPLE, enter, secrets_of

from detente.analysis.negotiation import problem_from_document, solve
from detente.analysis.negotiation.validate import violates
from detente.negotiation.models import FacilitatorGrant, NegotiationRound
from detente.records.visibility import get_alliance_access
from tests.conftest import call


def document() -> dict[str, Any]:
    return yaml.safe_load(EXAMPLE.read_text())


def rounds_url(cast: Any) -> str:
    return f"/api/v1/alliances/{cast.alliance.pk}/negotiation/rounds"


@pytest.fixture
def engine_result() -> Any:
    """The engine on the example file: constraints and tentative deal included."""
    return solve(problem_from_document(document()), max_ties=1)


@pytest.fixture
def constrained_round(cast: Any) -> Any:
    """The example as a workspace round, opened through the API with its constraints."""
    problem = problem_from_document(document())
    body = {
        "title": "Constrained",
        "issues": {i.name: list(i.options) for i in problem.issues},
        "constraints": document()["constraints"],
    }
    response = call(cast.api("alice"), "POST", rounds_url(cast), body)
    assert response.status_code == 201, response.content
    rnd = NegotiationRound.objects.get(pk=response.json()["id"])
    for who, name in (("alice", "InnovateTech"), ("bob", "GlobalConnect")):
        p = problem.preferences[name]
        enter(
            get_alliance_access(getattr(cast, who), cast.alliance.pk),
            rnd,
            p.weights,
            p.scores,
            p.walk_away,
        )
    return rnd


def test_it_passes_the_rounds_constraints_to_the_engine(
    cast: Any, constrained_round: Any, engine_result: Any
) -> None:
    assert len(constrained_round.constraints) == 2
    FacilitatorGrant.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, round=constrained_round, user=cast.rita
    )
    FacilitatorGrant.objects.create(
        alliance=cast.alliance, owner_side=cast.side_b, round=constrained_round, user=cast.rita
    )
    data = call(
        cast.api("rita"), "GET", f"{rounds_url(cast)}/{constrained_round.pk}/facilitator"
    ).json()
    a, b = str(cast.side_a.pk), str(cast.side_b.pk)
    got = [(f["utilities"][a], f["utilities"][b]) for f in data["frontier"]]
    expected = [
        (round(o.utilities["InnovateTech"], 4), round(o.utilities["GlobalConnect"], 4))
        for o in engine_result.frontier
    ]
    assert got == expected
    assert data["package_count"] == engine_result.package_count
    # No proposal breaks a constraint.
    problem = problem_from_document(document())
    for proposal in data["proposals"]:
        assert not any(violates(c, proposal["package"]) for c in problem.constraints)
    # ... and without the constraints the frontier differs (the test is not vacuous).
    doc = document()
    doc.pop("constraints")
    assert solve(problem_from_document(doc), max_ties=1).package_count != data["package_count"]


def test_it_improves_on_a_tentative_deal_as_the_engine_does(
    cast: Any, constrained_round: Any, engine_result: Any
) -> None:
    url = f"{rounds_url(cast)}/{constrained_round.pk}/improvements"
    tentative = document()["tentative"]
    tentative["growth_commitment"] = str(tentative["growth_commitment"])
    imp = engine_result.improvements
    assert imp.outcomes, "the example's tentative deal can be improved"
    for who, name in (("alice", "InnovateTech"), ("bob", "GlobalConnect")):
        data = call(cast.api(who), "POST", url, {"tentative": tentative}).json()
        assert [p["package"] for p in data["improvements"]] == [o.package for o in imp.outcomes]
        assert [p["my_utility"] for p in data["improvements"]] == [
            round(o.utilities[name], 4) for o in imp.outcomes
        ]
        assert data["fair"] == imp.fair.outcome.package
        assert [p["fair"] for p in data["improvements"]].count(True) == 1
        assert data["tentative_my_utility"] == round(imp.tentative.utilities[name], 4)
        assert all(set(p) == {"package", "my_utility", "fair"} for p in data["improvements"])
    # The page shows the same packages, the viewer's utility only.
    page = f"/alliances/{cast.alliance.pk}/negotiation/rounds/{constrained_round.pk}/improve/"
    query = {f"tentative__{k}": v for k, v in tentative.items()}
    html = cast.client("alice").get(page, query).content.decode()
    assert html.count('class="badge">Fair<') == 1
    for o in imp.outcomes:
        assert f"{o.utilities['InnovateTech']:.3f}" in html
    # The facilitator sees both utilities of the same improvements.
    for side in (cast.side_a, cast.side_b):
        FacilitatorGrant.objects.create(
            alliance=cast.alliance, owner_side=side, round=constrained_round, user=cast.rita
        )
    data = call(
        cast.api("rita"),
        "POST",
        f"{rounds_url(cast)}/{constrained_round.pk}/facilitator/improvements",
        {"tentative": tentative},
    ).json()
    a, b = str(cast.side_a.pk), str(cast.side_b.pk)
    assert [(p["utilities"][a], p["utilities"][b]) for p in data["improvements"]] == [
        (round(o.utilities["InnovateTech"], 4), round(o.utilities["GlobalConnect"], 4))
        for o in imp.outcomes
    ]
    html = cast.client("rita").get(page.replace("improve/", "facilitator/"), query).content.decode()
    assert html.count('class="badge">Fair<') == 1


def test_it_never_shows_a_side_the_other_sides_utilities_of_improvements(
    cast: Any, secret_round: Any
) -> None:
    url = f"{rounds_url(cast)}/{secret_round.pk}/improvements"
    tentative = {"share": "30", "term": "1"}
    alice = call(cast.api("alice"), "POST", url, {"tentative": tentative})
    bob = call(cast.api("bob"), "POST", url, {"tentative": tentative})
    assert alice.status_code == bob.status_code == 200
    a_utils = {p["my_utility"] for p in alice.json()["improvements"]}
    b_utils = {p["my_utility"] for p in bob.json()["improvements"]}
    assert a_utils and b_utils
    page = f"/alliances/{cast.alliance.pk}/negotiation/rounds/{secret_round.pk}/improve/"
    query = {f"tentative__{k}": v for k, v in tentative.items()}
    for who, text, others, other in (
        ("alice", alice.content.decode(), b_utils - a_utils, "b"),
        ("bob", bob.content.decode(), a_utils - b_utils, "a"),
    ):
        text += cast.client(who).get(page, query).content.decode()
        for value in others:
            assert str(value) not in text and f"{value:.3f}" not in text, (who, value)
        for secret in secrets_of(other):
            assert secret not in text, (who, secret)


def test_it_refuses_constraints_naming_unknown_issues_or_options(
    cast: Any, nothing_changes: Any
) -> None:
    with nothing_changes():
        for constraints, message in (
            ([{"if": {"nope": "x"}, "then_not": {"term": "1"}}], "not an issue"),
            ([{"if": {"share": "99"}, "then_not": {"term": "1"}}], "not an option of share"),
            ([{"if": {"share": "30"}}], "exactly one of"),
            (["if share = 30"], "constraints[0]"),
        ):
            body = {
                "title": "Bad",
                "issues": {"share": ["30", "50"], "term": ["1", "3"]},
                "constraints": constraints,
            }
            response = call(cast.api("alice"), "POST", rounds_url(cast), body)
            assert response.status_code == 422, constraints
            error = response.json()["errors"][0]
            assert error["field"].startswith("constraints")
            assert message in error["field"] + error["message"], error
        response = cast.client("alice").post(
            f"/alliances/{cast.alliance.pk}/negotiation/rounds/new/",
            {
                "owner_side": cast.side_a.pk,
                "title": "Bad",
                "issues": "share: 30, 50\nterm: 1, 3",
                "constraints": "if share = 30 then not length = 1",
            },
        )
        assert response.status_code == 200
        assert "Line 1: &#x27;length&#x27; is not an issue" in response.content.decode()


def test_it_reads_and_writes_constraints_in_words(cast: Any) -> None:
    response = cast.client("alice").post(
        f"/alliances/{cast.alliance.pk}/negotiation/rounds/new/",
        {
            "owner_side": cast.side_a.pk,
            "title": "Words",
            "issues": "share: 30, 40, 50\nterm: 1, 3\nscope: eu, world",
            "constraints": "if scope = world and term = 3 then share = 40, 50",
        },
    )
    assert response.status_code == 302
    rnd = NegotiationRound.objects.get(title="Words")
    assert rnd.constraints == [
        {"if": {"scope": ["world"], "term": ["3"]}, "then_not": {"share": ["30"]}}
    ]
    edit = cast.client("alice").get(
        f"/alliances/{cast.alliance.pk}/negotiation/rounds/{rnd.pk}/edit/"
    )
    # (PostgreSQL's jsonb keeps its own key order: the clauses may come back in another.)
    text = edit.content.decode()
    assert any(
        f"if {clauses} then not share = 30" in text
        for clauses in ("scope = world and term = 3", "term = 3 and scope = world")
    )


def test_it_refuses_a_tentative_deal_that_breaks_a_constraint(
    cast: Any, constrained_round: Any
) -> None:
    url = f"{rounds_url(cast)}/{constrained_round.pk}/improvements"
    tentative = {k: str(v) for k, v in document()["tentative"].items()}
    broken = {**tentative, "exclusivity": "global", "innovatetech_share": "30%"}
    response = call(cast.api("alice"), "POST", url, {"tentative": broken})
    assert response.status_code == 422
    assert "breaks constraint 1" in response.json()["errors"][0]["message"]
    response = call(cast.api("alice"), "POST", url, {"tentative": {**tentative, "x": "y"}})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "tentative.x"
    incomplete = dict(tentative)
    incomplete.pop("scope")
    response = call(cast.api("alice"), "POST", url, {"tentative": incomplete})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "tentative.scope"
