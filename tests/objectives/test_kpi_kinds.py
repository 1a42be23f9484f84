"""A KPI's kind: given in the form or the API, inferred from its unit and name when left
out (a level when they do not say), and inferred for existing KPIs by the migration."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps

from detente.objectives.kinds import infer_kind
from detente.objectives.models import KPI
from tests.conftest import body, call

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("unit", "name", "metric", "kind"),
    [
        ("h", "Incident triage time", "Median hours from alarm to root cause", "duration"),
        ("minutes", "Triage", "Median minutes to triage", "duration"),
        ("%", "Joint project ROI", "(revenue − cost) / cost", "rate"),
        ("rides per month", "Rides", "Rides in the app", "rate"),
        ("drivers", "Drivers onboarded in Vietnam", "Drivers onboarded in the quarter", "count"),
        ("logos", "Enterprise logos", "New enterprise customers signed in the quarter", "count"),
        ("sites", "Sites on AI anomaly detection", "Sites with the model in production", "level"),
        ("FTE", "Engineers assigned", "People on the joint team", "level"),
        ("EUR", "Joint revenue", "Invoiced revenue", "level"),
    ],
)
def test_the_kind_is_inferred_only_where_the_unit_or_wording_says_so(
    unit: str, name: str, metric: str, kind: str
) -> None:
    assert infer_kind(unit, name, metric) == kind


def test_the_api_takes_a_kind_and_infers_one_when_it_is_left_out(cast: Any, kpis: Any) -> None:
    api = f"/api/v1/alliances/{cast.alliance.pk}/kpis"
    objective_id = kpis["roi"].objective_id
    fields = {"objective_id": objective_id, "target": 2, "deadline": "2026-12-31"}
    inferred = call(
        cast.api("alice"),
        "POST",
        api,
        {**fields, "name": "Triage time", "metric": "x", "unit": "h"},
    )
    assert inferred.status_code == 201 and body(inferred)["kind"] == "duration"
    given = call(
        cast.api("alice"),
        "POST",
        api,
        {**fields, "name": "Sites", "metric": "sites live", "unit": "sites", "kind": "count"},
    )
    assert body(given)["kind"] == "count"
    patched = call(cast.api("alice"), "PATCH", f"{api}/{body(given)['id']}", {"kind": "level"})
    assert body(patched)["kind"] == "level"
    refused = call(
        cast.api("alice"),
        "POST",
        api,
        {**fields, "name": "X", "metric": "x", "unit": "u", "kind": "sum"},
    )
    assert refused.status_code == 422 and "kind" in str(body(refused))


def test_the_migration_infers_the_kind_of_every_existing_kpi(cast: Any, kpis: Any) -> None:
    KPI.objects.update(kind="")
    before = KPI.objects.count()
    migration = importlib.import_module("detente.objectives.migrations.0003_kpi_kind")
    migration.infer_existing(apps, None)
    assert KPI.objects.count() == before
    kinds = dict(KPI.objects.values_list("name", "kind"))
    assert kinds["Joint project ROI"] == "rate"
    assert "" not in kinds.values()
