"""Guardrails on KPIs (bands, breaches) and the alliance's goal-conflict matrix, from the
KPIs' measurement series: hand-computed cases, page = API, and privacy between the sides."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from django.urls import reverse

from detente.audit.models import AuditEntry
from detente.objectives.forms import GuardrailForm
from detente.objectives.guardrails import goal_conflict, kpi_guardrails
from detente.objectives.models import KPI, Guardrail, Measurement, Objective
from detente.records import services as record_services
from detente.records.visibility import get_alliance_access
from tests.conftest import body
from tests.objectives.conftest import measure

Q = ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]


def _kpi(objective: Objective, name: str, **f: Any) -> KPI:
    return KPI.objects.create(
        objective=objective,
        name=name,
        metric=name,
        unit=f.pop("unit", "h"),
        target=Decimal("1"),
        deadline=f.pop("deadline", date(2026, 12, 31)),
        **f,
    )


@pytest.fixture
def guarded(cast: Any, kpis: dict[str, Any]) -> dict[str, Any]:
    """ROI (shared, side A) guarded by triage time at most 3 h; both sides report triage."""
    triage = _kpi(kpis["shared"], "Triage time", direction="lower")
    for period, value in zip(Q, [10, 11, 12, 13], strict=True):
        measure(kpis["roi"], cast.side_a, period, value)
    for period, value in zip(Q, [2.5, 3.0, 3.4, 2.9], strict=True):
        measure(triage, cast.side_a, period, value)
    for period, value in zip(Q, [3.1, 2.0, 2.0, 3.2], strict=True):
        measure(triage, cast.side_b, period, value)
    g = Guardrail.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, kpi=kpis["roi"], counter_kpi=triage,
        upper=Decimal("3"),
    )  # fmt: skip
    return {**kpis, "triage": triage, "guardrail": g}


def _data(cast: Any, who: str, kpi: KPI) -> dict[str, Any]:
    return kpi_guardrails(get_alliance_access(getattr(cast, who), cast.alliance.pk), kpi)


def test_it_finds_the_breaches_of_an_inclusive_upper_bound(cast, guarded):
    (g,) = _data(cast, "bob", guarded["roi"])["guarded_by"]
    assert g["band"] == {"lower": None, "upper": 3.0} and g["bound"] == "at most 3"
    assert g["labels"] == Q
    a, b = g["sides"]
    assert a["values"] == [2.5, 3.0, 3.4, 2.9]
    assert [(x["period"], x["value"]) for x in a["breaches"]] == [("2026Q3", 3.4)]
    assert a["breaches"][0]["by"] == pytest.approx(0.4)
    assert a["holds_now"] is True
    assert [(x["period"], round(x["by"], 6)) for x in b["breaches"]] == [
        ("2026Q1", 0.1),
        ("2026Q4", 0.2),
    ]
    assert b["holds_now"] is False
    assert "Joint project ROI rose 10 → 13 from 2026Q1 to 2026Q4" in a["statement"]


def test_a_strict_bound_counts_the_bound_itself_as_a_breach(cast, guarded):
    g = guarded["guardrail"]
    g.upper_strict, g.lower, g.lower_strict = True, Decimal("2"), False
    g.save()
    (data,) = _data(cast, "alice", guarded["roi"])["guarded_by"]
    assert data["bound"] == "at least 2 and below 3"
    a, b = data["sides"]
    assert [x["period"] for x in a["breaches"]] == ["2026Q2", "2026Q3"]  # 3.0 is not below 3
    assert [x["period"] for x in b["breaches"]] == ["2026Q1", "2026Q4"]  # 2.0 is at least 2
    g.lower_strict = True
    g.save()
    (data,) = _data(cast, "alice", guarded["roi"])["guarded_by"]
    assert [x["period"] for x in data["sides"][1]["breaches"]] == Q  # 2.0 is not above 2


def test_the_counter_kpi_page_draws_the_band_and_the_page_equals_the_api(cast, guarded):
    a = cast.alliance.pk
    for kpi in ("roi", "triage"):
        pk = guarded[kpi].pk
        page = cast.client("bella").get(reverse("kpi_detail", args=[a, pk]))
        api = cast.api("bella").get(f"/api/v1/alliances/{a}/kpis/{pk}/guardrails")
        assert api.status_code == 200
        assert json.loads(json.dumps(page.context["guardrails"])) == body(api)
    page = cast.client("bella").get(reverse("kpi_detail", args=[a, guarded["triage"].pk]))
    assert page.context["guardrails"]["guards"][0]["id"] == guarded["guardrail"].pk
    assert "Guardrail bands on this KPI" in page.content.decode()


def test_side_b_sees_the_band_as_if_side_a_private_values_did_not_exist(cast, guarded):
    measure(guarded["triage"], cast.side_a, "2027Q1", 9, visibility="private")
    alice = _data(cast, "alice", guarded["roi"])["guarded_by"][0]
    assert alice["labels"][-1] == "2027Q1" and alice["sides"][0]["breaches"][-1]["value"] == 9
    bob = _data(cast, "bob", guarded["roi"])
    Measurement.objects.filter(visibility="private", owner_side=cast.side_a).delete()
    assert bob == _data(cast, "bob", guarded["roi"])
    assert "2027Q1" not in json.dumps(bob)


def test_a_guardrail_is_never_more_visible_than_its_kpis(cast, guarded):
    access = get_alliance_access(cast.alice, cast.alliance.pk)
    data = {"owner_side": cast.side_a.pk, "kpi": guarded["roi"].pk,
            "counter_kpi": guarded["secret_kpi"].pk, "upper": "5", "visibility": "joint"}  # fmt: skip
    form = GuardrailForm(data=data, access=access)
    assert not form.is_valid() and "visibility" in form.errors
    form = GuardrailForm(data=data | {"visibility": "private"}, access=access)
    assert form.is_valid(), form.errors
    secret = record_services.save_form(access, form)
    bob = get_alliance_access(cast.bob, cast.alliance.pk)
    form = GuardrailForm(data=data | {"owner_side": cast.side_b.pk}, access=bob)
    assert not form.is_valid() and "counter_kpi" in form.errors  # B cannot even pick it
    assert _data(cast, "bob", guarded["roi"])["guarded_by"][0]["id"] == guarded["guardrail"].pk
    assert len(_data(cast, "bob", guarded["roi"])["guarded_by"]) == 1
    assert len(_data(cast, "alice", guarded["roi"])["guarded_by"]) == 2
    r = cast.api("bob").get(f"/api/v1/alliances/{cast.alliance.pk}/guardrails")
    assert [g["id"] for g in body(r)["items"]] == [guarded["guardrail"].pk]
    assert "KPI A-PRIVATE" not in r.content.decode()
    url = reverse("guardrail_delete", args=[cast.alliance.pk, secret.pk])
    assert cast.client("bob").post(url).status_code == 404
    # A joint guardrail whose KPI's objective turns private afterwards disappears for side B.
    guarded["shared"].visibility = "private"
    guarded["shared"].save()
    assert _data(cast, "alice", guarded["roi"])["guarded_by"]
    r = cast.api("bob").get(f"/api/v1/alliances/{cast.alliance.pk}/guardrails")
    assert body(r)["items"] == []


def test_the_form_and_the_api_refuse_bad_guardrails(cast, guarded):
    a = cast.alliance.pk
    url = f"/api/v1/alliances/{a}/guardrails"
    monthly = _kpi(guarded["shared"], "Monthly thing", frequency="month")
    cases = [
        ({"kpi_id": guarded["roi"].pk, "counter_kpi_id": guarded["triage"].pk}, "lower"),
        ({"kpi_id": guarded["roi"].pk, "counter_kpi_id": guarded["roi"].pk, "upper": 1},
         "counter_kpi_id"),
        ({"kpi_id": guarded["roi"].pk, "counter_kpi_id": monthly.pk, "upper": 1},
         "counter_kpi_id"),
        ({"kpi_id": guarded["roi"].pk, "counter_kpi_id": guarded["triage"].pk, "lower": 3,
          "upper": 2}, "upper"),
        ({"kpi_id": guarded["foreign_kpi"].pk, "counter_kpi_id": guarded["triage"].pk,
          "upper": 1}, "kpi_id"),
    ]  # fmt: skip
    for payload, field in cases:
        r = cast.api("alice").post(url, payload, content_type="application/json")
        assert r.status_code == 422, payload
        assert field in [e["field"] for e in body(r)["errors"]], (payload, body(r))
    r = cast.api("bob").post(
        url,
        {"kpi_id": guarded["roi"].pk, "counter_kpi_id": guarded["triage"].pk, "lower": 1.5},
        content_type="application/json",
    )
    assert r.status_code == 201 and body(r)["bound"] == "at least 1.5"
    assert body(r)["side_id"] == cast.side_b.pk
    entry = AuditEntry.objects.filter(action="create").order_by("-id").first()
    assert entry.owner_side_id == cast.side_b.pk


# The goal-conflict matrix ---------------------------------------------------------------

SIX = ["2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4"]
REVENUE = [10, 12, 13, 15, 14, 18]
CHURN = [3.0, 2.9, 3.1, 2.6, 2.9, 2.2]  # lower is better
SAT = [4.0, 4.1, 3.9, 4.2, 4.0, 4.4]


@pytest.fixture
def six_quarters_of_goals(cast: Any, kpis: dict[str, Any]) -> dict[str, Any]:
    """Side B's churn and satisfaction against side A's KPIs, measured over six quarters."""
    b_obj = Objective.objects.create(
        alliance=cast.alliance, owner_side=cast.side_b, title="Keep customers", scope="side"
    )
    churn = _kpi(b_obj, "Churn", direction="lower", unit="%", deadline=date(2030, 1, 1))
    sat = _kpi(b_obj, "Satisfaction", unit="1-5")
    for i, p in enumerate(SIX):
        measure(kpis["roi"], cast.side_a, p, REVENUE[i])
        measure(churn, cast.side_b, p, CHURN[i])
        measure(sat, cast.side_b, p, SAT[i])
        measure(kpis["secret_kpi"], cast.side_a, p, [1, 5, 2, 8, 3, 9][i], visibility="private")
    # Side B's own value of side A's KPI, and a value private to side B of its own KPI.
    measure(kpis["roi"], cast.side_b, "2026Q4", 99)
    Measurement.objects.filter(kpi=churn, period="2026Q4").update(visibility="private")
    return {**kpis, "churn": churn, "sat": sat}


def _cell(m: dict, row: str, column: str) -> dict:
    return m["cells"][m["rows"].index(row) * len(m["columns"]) + m["columns"].index(column)]


def test_the_matrix_matches_a_hand_computed_correlation_of_changes(cast, six_quarters_of_goals):
    data = goal_conflict(get_alliance_access(cast.alice, cast.alliance.pk), date(2026, 11, 1))
    (section,) = data["sections"]
    assert section["periods"] == SIX
    (m,) = section["conflict_maps"]
    assert m["sides"] == [str(cast.side_a), str(cast.side_b)]
    assert m["rows"] == ["Joint project ROI", "KPI A-PRIVATE"]
    assert m["columns"] == ["Churn", "Satisfaction"]
    cell = _cell(m, "Joint project ROI", "Satisfaction")
    expected = np.corrcoef(np.diff(REVENUE), np.diff(SAT))[0, 1]
    assert cell["r"] == pytest.approx(expected) and cell["pairs"] == 5
    # Churn counts lower as better: the correlation is flipped so + means progress together.
    # Side A cannot see side B's private 2026Q4 churn, so one change fewer is paired.
    cell = _cell(m, "Joint project ROI", "Churn")
    expected = -np.corrcoef(np.diff(REVENUE[:5]), np.diff(CHURN[:5]))[0, 1]
    assert cell["r"] == pytest.approx(expected) and cell["pairs"] == 4
    assert cell["horizons"] == ["quarter", "multi-year"] and cell["horizon_mismatch"]


def test_side_b_matrix_is_computed_as_if_side_a_private_records_did_not_exist(
    cast, six_quarters_of_goals
):
    bob = get_alliance_access(cast.bob, cast.alliance.pk)
    seen = goal_conflict(bob, date(2026, 11, 1))
    text = json.dumps(seen)
    assert "KPI A-PRIVATE" not in text
    (m,) = seen["sections"][0]["conflict_maps"]
    assert m["rows"] == ["Joint project ROI"]
    # Side A's ROI for 2026Q4 is joint (18); side B's own 99 is not used for side A's KPI.
    roi = next(o for o in seen["sections"][0]["objectives"] if o["name"] == "Joint project ROI")
    assert roi["history"] == [float(v) for v in REVENUE]
    Measurement.objects.filter(visibility="private", owner_side=cast.side_a).delete()
    Objective.objects.filter(visibility="private", owner_side=cast.side_a).delete()
    assert goal_conflict(bob, date(2026, 11, 1)) == seen


def test_a_kpi_falls_back_on_the_other_side_values_the_reader_may_see(cast, six_quarters_of_goals):
    Measurement.objects.filter(
        kpi=six_quarters_of_goals["roi"], owner_side=cast.side_a, period="2026Q4"
    ).update(visibility="private")
    bob = goal_conflict(get_alliance_access(cast.bob, cast.alliance.pk), date(2026, 11, 1))
    roi = next(o for o in bob["sections"][0]["objectives"] if o["name"] == "Joint project ROI")
    assert roi["history"][-1] == 99.0
    alice = goal_conflict(get_alliance_access(cast.alice, cast.alliance.pk), date(2026, 11, 1))
    roi = next(o for o in alice["sections"][0]["objectives"] if o["name"] == "Joint project ROI")
    assert roi["history"][-1] == 18.0


def test_the_matrix_page_equals_its_api_twin(cast, six_quarters_of_goals):
    a = cast.alliance.pk
    for who in ("alice", "bob"):
        page = cast.client(who).get(reverse("goal_conflict", args=[a]))
        api = cast.api(who).get(f"/api/v1/alliances/{a}/goal-conflict")
        assert page.status_code == api.status_code == 200
        assert json.loads(json.dumps(page.context["data"])) == body(api)
        assert "Goal-conflict matrix" in page.content.decode()
    assert (
        "KPI A-PRIVATE"
        not in cast.client("bob").get(reverse("goal_conflict", args=[a])).content.decode()
    )


def test_too_few_changes_are_called_too_little_data(cast, kpis):
    b_obj = Objective.objects.create(
        alliance=cast.alliance, owner_side=cast.side_b, title="B goal", scope="side"
    )
    sat = _kpi(b_obj, "Satisfaction")
    for p, v in zip(Q, [1, 2, 3, 5], strict=True):
        measure(kpis["roi"], cast.side_a, p, v)
        measure(sat, cast.side_b, p, v)
    data = goal_conflict(get_alliance_access(cast.bob, cast.alliance.pk))
    (cell,) = data["sections"][0]["conflict_maps"][0]["cells"]
    assert cell["relation"] == "too little data" and cell["r"] is None
