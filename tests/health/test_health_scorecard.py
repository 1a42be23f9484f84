"""The scorecard: per side only from N answers up, the gap when a side has too few, the
seed's table, and private dimensions kept to their side."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone
from health_helpers import (
    answer,
    invite,
    link,
    new_cycle,
    run_quarters,
    seed_quarters,
    survey_data,
)

from detente.health import scorecard
from detente.health.models import Measure
from detente.records.visibility import get_alliance_access
from tests.conftest import call


def _summary(cast: Any, who: str, cycle: Any) -> dict:
    url = f"/api/v1/alliances/{cast.alliance.pk}/health/cycles/{cycle.pk}/summary"
    response = call(cast.api(who), "GET", url)
    assert response.status_code == 200
    return response.json()


def test_it_hides_a_side_with_fewer_than_n_answers_and_reveals_nothing_of_them(cast: Any) -> None:
    cycle = new_cycle(cast, "2026Q4")
    for i, inv in enumerate(invite(cast, cycle, "a", [f"a{i}@acme.example" for i in range(3)])):
        answer(inv, {"alignment": 3 + i}, comment=f"A comment {i}")
    for i, inv in enumerate(invite(cast, cycle, "b", ["b0@globex.example", "b1@globex.example"])):
        answer(inv, {"alignment": 1 + i}, comment=f"FEW-B secret {i}")
    summary = _summary(cast, "alice", cycle)
    alignment = next(m for m in summary["measures"] if m["measure"] == "alignment")
    a, b = alignment["sides"]
    assert (a["shown"], a["n"], a["mean"]) == (True, 3, 4.0)
    assert a["spread"] == 1.0
    assert b == {
        "side_id": cast.side_b.pk,
        "side": "Globex",
        "shown": False,
        "n": None,
        "mean": None,
        "spread": None,
        "source": "survey",
        "note": "not enough answers (fewer than 3)",
    }
    # The gap cannot be computed honestly: it says so, and the pooled mean is side A's only.
    assert alignment["gap"] is None
    assert alignment["gap_note"] == "not enough answers on both sides to compare"
    assert alignment["mean"] == 4.0
    page = cast.client("bob").get(f"/alliances/{cast.alliance.pk}/health/cycles/{cycle.pk}/")
    assert b"FEW-B secret" not in page.content
    assert b"A comment 1" in page.content
    assert b"not enough answers" in page.content
    scorecard_json = call(
        cast.api("bob"), "GET", f"/api/v1/alliances/{cast.alliance.pk}/health/scorecard"
    )
    assert "1.5" not in scorecard_json.content.decode()  # side B's mean of the two


def test_it_computes_the_gap_against_the_alliances_own_history(cast: Any) -> None:
    today = timezone.localdate()
    run_quarters(cast, seed_quarters(), today)
    access = get_alliance_access(cast.alice, cast.alliance.pk)
    card = scorecard.build(access)
    alignment = next(m for m in card.measures if m.key == "alignment")
    q3 = card.cycles[-1]
    gap = card.gap(q3, alignment)
    assert round(gap.value, 2) == -0.8  # side A 2.8, side B 3.6
    assert round(gap.usual, 2) == 0.1  # +0.2 in Q1, 0.0 in Q2
    assert gap.earlier == 2


def test_it_reproduces_the_seeds_scorecard(cast: Any) -> None:
    run_quarters(cast, seed_quarters(), timezone.localdate())
    response = call(
        cast.api("bob"), "GET", f"/api/v1/alliances/{cast.alliance.pk}/health/scorecard"
    )
    rows = {m["measure"]: [c["mean"] for c in m["cycles"]] for m in response.json()["measures"]}
    assert rows["alignment"] == [4.5, 4.0, 3.2]
    assert rows["adherence"] == [95.0, 90.0, 80.0]
    assert rows["roi"] == [12.0, 10.0, 7.0]
    assert rows["satisfaction"] == [4.2, 3.8, 3.0]
    page = cast.client("alice").get(f"/alliances/{cast.alliance.pk}/health/")
    assert page.status_code == 200
    assert b"4.5 \xe2\x86\x92 4 \xe2\x86\x92 3.2" in page.content  # 4.5 → 4 → 3.2


def test_it_keeps_a_private_dimension_and_its_answers_to_its_side(cast: Any) -> None:
    cycle = new_cycle(cast, "2026Q4")
    cast.client("alice").post(
        f"/alliances/{cast.alliance.pk}/health/measures/new/",
        {
            "owner_side": cast.side_a.pk,
            "label": "Walkaway readiness",
            "question": "How ready are we to walk away?",
            "visibility": "private",
        },
    )
    for inv in invite(cast, cycle, "a", [f"a{i}@acme.example" for i in range(3)]):
        data = survey_data(inv, {"walkaway_readiness": 5}) | {"c_walkaway_readiness": "PRIVATE-A"}
        assert Client().post(link(inv), data).status_code == 200
    assert Measure.objects.get(key="walkaway_readiness").visibility == "private"
    base = f"/alliances/{cast.alliance.pk}/health/"
    for path in ("", f"cycles/{cycle.pk}/"):
        mine = cast.client("alice").get(base + path).content
        assert b"Walkaway readiness" in mine
        for who in ("bob", "bella"):
            content = cast.client(who).get(base + path).content
            assert b"Walkaway" not in content and b"PRIVATE-A" not in content
    for url in (f"/api/v1/alliances/{cast.alliance.pk}/health/scorecard",
                f"/api/v1/alliances/{cast.alliance.pk}/health/cycles/{cycle.pk}/summary"):  # fmt: skip
        assert "walkaway" not in call(cast.api("bob"), "GET", url).content.decode()
        assert "walkaway" in call(cast.api("alice"), "GET", url).content.decode()
    assert b"PRIVATE-A" in cast.client("alice").get(base + f"cycles/{cycle.pk}/").content
    audit = cast.client("bob").get(f"/alliances/{cast.alliance.pk}/audit/").content
    assert b"Walkaway" not in audit


def test_it_refuses_a_bad_cycle_and_names_the_field(cast: Any, nothing_changes: Any) -> None:
    url = f"/api/v1/alliances/{cast.alliance.pk}/health/cycles"
    today = timezone.localdate()
    with nothing_changes():
        response = call(
            cast.api("alice"),
            "POST",
            url,
            {
                "period": "last spring",
                "opens_on": str(today),
                "closes_on": str(today - timedelta(days=1)),
            },
        )
        assert response.status_code == 422
        fields = {e["field"] for e in response.json()["errors"]}
        assert fields == {"period", "closes_on"}
    new_cycle(cast, "2026Q4")
    duplicate = call(cast.api("bob"), "POST", url, {"period": "2026q4", "opens_on": str(today),
                                                   "closes_on": str(today)})  # fmt: skip
    assert duplicate.status_code == 422
    assert duplicate.json()["errors"][0]["field"] == "period"


def test_it_refuses_a_foreign_cycle(cast: Any) -> None:
    cycle = new_cycle(cast, "2026Q4")
    other = cast.other_alliance.pk
    assert (
        cast.client("oscar").get(f"/alliances/{other}/health/cycles/{cycle.pk}/").status_code == 404
    )
    response = call(cast.api("oscar"), "GET", f"/api/v1/alliances/{other}/health/cycles/{cycle.pk}")
    assert response.status_code == 404
