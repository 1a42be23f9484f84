"""Bad input names the field and writes nothing; foreign ids are refused; accepting the same
package on both sides makes it the agreed package and an agreement draft."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from detente.negotiation.models import Acceptance, NegotiationRound
from detente.negotiation.ranking import (
    rank_order_centroid,
    scores_from_ranks,
    weights_from_comparisons,
)
from tests.conftest import call


def api(cast: Any, rnd: Any, suffix: str = "") -> str:
    return f"/api/v1/alliances/{cast.alliance.pk}/negotiation/rounds/{rnd.pk}{suffix}"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"weights": {"share": -1, "term": 1}}, "weights.share"),
        ({"weights": {"share": 0, "term": 0}}, "weights"),
        ({"scores": {"share": {"30": 1.5}}}, "scores.share.30"),
        ({"scores": {"share": {"99": 1}}}, "scores.share.99"),
        ({"weights": {"nope": 1}}, "weights.nope"),
        ({"walk_away": 2}, "walk_away"),
    ],
)
def test_it_names_the_bad_field_and_writes_nothing(
    cast: Any, secret_round: Any, nothing_changes: Any, body: dict, field: str
) -> None:
    good = {
        "weights": {"share": 1, "term": 1},
        "scores": {"share": {"30": 0, "40": 0.5, "50": 1}, "term": {"1": 0, "3": 1, "5": 0}},
        "walk_away": 0.1,
    }
    for key, value in body.items():
        good[key] = {**good[key], **value} if isinstance(value, dict) else value
    with nothing_changes():
        response = call(cast.api("bob"), "PUT", api(cast, secret_round, "/preferences"), good)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


def test_it_names_the_bad_line_of_issues(cast: Any, nothing_changes: Any) -> None:
    url = f"/alliances/{cast.alliance.pk}/negotiation/rounds/new/"
    with nothing_changes():
        response = cast.client("alice").post(
            url, {"owner_side": cast.side_a.pk, "title": "R", "issues": "share: 30, 40\nterm 5"}
        )
    assert response.status_code == 200
    assert "Line 2" in response.content.decode()


def test_it_refuses_foreign_ids(cast: Any, secret_round: Any, nothing_changes: Any) -> None:
    other = cast.other_alliance.pk
    with nothing_changes():
        assert (
            cast.client("oscar")
            .get(f"/alliances/{other}/negotiation/rounds/{secret_round.pk}/")
            .status_code
            == 404
        )
        assert (
            call(
                cast.api("alice"),
                "GET",
                f"/api/v1/alliances/{other}/negotiation/rounds/{secret_round.pk}",
            ).status_code
            == 404
        )
        response = call(
            cast.api("alice"),
            "POST",
            api(cast, secret_round, "/facilitators"),
            {"user_id": cast.oscar.pk},
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "user_id"


def test_it_accepts_only_a_proposed_package(
    cast: Any, secret_round: Any, nothing_changes: Any
) -> None:
    with nothing_changes():
        response = call(
            cast.api("alice"),
            "POST",
            api(cast, secret_round, "/accept"),
            {"package": {"share": "30", "term": "1"}},  # not on the frontier for these preferences
        )
    assert response.status_code in (200, 409)
    if response.status_code == 200:  # it happened to be proposed; then it is recorded
        assert Acceptance.objects.filter(round=secret_round).exists()


def test_it_agrees_a_package_when_both_sides_accept_it(cast: Any, example_round: Any) -> None:
    proposals = call(cast.api("alice"), "GET", api(cast, example_round, "/proposals")).json()
    nash = next(p for p in proposals["proposals"] if p["key"] == "nash")["package"]
    first = call(cast.api("alice"), "POST", api(cast, example_round, "/accept"), {"package": nash})
    assert first.status_code == 200 and first.json()["status"] == "open"
    second = call(cast.api("bella"), "POST", api(cast, example_round, "/accept"), {"package": nash})
    assert second.status_code == 200
    rnd = NegotiationRound.objects.get(pk=example_round.pk)
    assert rnd.status == "agreed" and rnd.agreed_package == nash
    try:
        from detente.agreements.models import AgreementVersion
    except ImportError:  # the agreements app is not in this build
        return
    draft = AgreementVersion.objects.get(pk=rnd.agreement_version_id)
    assert draft.status == "draft"
    items = [c["item"] for c in draft.content["scope"]]
    assert all(any(f"{k}: {v}" == item for item in items) for k, v in nash.items())


def test_it_estimates_scores_from_ranks() -> None:
    assert scores_from_ranks([1, 2, 3]) == [1, Fraction(1, 2), 0]
    assert scores_from_ranks([2, 1, 2]) == [0, 1, 0]
    assert scores_from_ranks([1, 1]) == [1, 1]


def test_it_estimates_weights_from_comparisons_as_rank_order_centroid() -> None:
    # Known answer (Barron and Barrett 1996): 3 ranked issues -> 11/18, 5/18, 2/18.
    assert rank_order_centroid(3) == [Fraction(11, 18), Fraction(5, 18), Fraction(2, 18)]
    # Issue 2 beats both others, issue 0 beats issue 1: order 2, 0, 1.
    answers = {(0, 1): "first", (0, 2): "second", (1, 2): "second"}
    assert weights_from_comparisons(3, answers) == [
        Fraction(5, 18),
        Fraction(2, 18),
        Fraction(11, 18),
    ]
    # Indifference everywhere: equal weights.
    equal = {(0, 1): "equal", (0, 2): "equal", (1, 2): "equal"}
    assert weights_from_comparisons(3, equal) == [Fraction(1, 3)] * 3


def test_it_saves_estimated_preferences_through_the_ranking_page(
    cast: Any, secret_round: Any
) -> None:
    url = f"/alliances/{cast.alliance.pk}/negotiation/rounds/{secret_round.pk}/ranking/"
    data = {
        "rank__share__0": 3,
        "rank__share__1": 2,
        "rank__share__2": 1,
        "rank__term__0": 1,
        "rank__term__1": 2,
        "rank__term__2": 3,
        "compare__share__term": "first",
        "walk_away": "0.2",
    }
    assert cast.client("bob").post(url, data).status_code == 302
    prefs = call(cast.api("bob"), "GET", api(cast, secret_round, "/preferences")).json()
    assert prefs["method"] == "ranking"
    assert prefs["weights"] == {"share": "0.75", "term": "0.25"}
    assert prefs["scores"]["share"] == {"30": "0", "40": "0.5", "50": "1"}
