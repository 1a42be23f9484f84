"""Amounts (KPI target and tolerance, measured values, guardrail bounds) are refused beyond
what every database reads back exactly. Found by the API fuzzer: a tolerance of
99,999,999,999,999.99 was stored on SQLite as 10**14, and every later read of the KPI, its
objective list, the goal-conflict map and the exit signals was a 500."""

from __future__ import annotations

import json
from typing import Any

from detente.objectives.forms import LARGEST_AMOUNT
from detente.objectives.models import KPI


def patch_kpi(cast: Any, kpi: KPI, **fields: Any) -> Any:
    return cast.api("alice").patch(
        f"/api/v1/alliances/{cast.alliance.pk}/kpis/{kpi.pk}",
        json.dumps(fields),
        content_type="application/json",
    )


def test_a_tolerance_wider_than_the_database_keeps_is_refused_naming_the_field(
    cast: Any, kpis: dict[str, Any]
) -> None:
    response = patch_kpi(cast, kpis["roi"], tolerance=99999999999999.99)
    assert response.status_code == 422
    assert [e["field"] for e in json.loads(response.content)["errors"]] == ["tolerance"]
    # The KPI is unchanged and still reads.
    assert cast.api("alice").get(f"/api/v1/alliances/{cast.alliance.pk}/kpis").status_code == 200
    assert KPI.objects.get(pk=kpis["roi"].pk).tolerance == 1


def test_the_largest_amount_is_stored_and_read_back_exactly(
    cast: Any, kpis: dict[str, Any]
) -> None:
    response = patch_kpi(cast, kpis["roi"], target=str(LARGEST_AMOUNT))
    assert response.status_code == 200, response.content
    assert KPI.objects.get(pk=kpis["roi"].pk).target == LARGEST_AMOUNT
    listing = cast.api("alice").get(f"/api/v1/alliances/{cast.alliance.pk}/kpis")
    assert listing.status_code == 200


def test_a_measured_value_out_of_range_is_refused_on_the_api(
    cast: Any, kpis: dict[str, Any]
) -> None:
    response = cast.api("alice").post(
        f"/api/v1/alliances/{cast.alliance.pk}/measurements",
        json.dumps({"kpi_id": kpis["roi"].pk, "period": "2026Q1", "value": -1e14}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "value" in [e["field"] for e in json.loads(response.content)["errors"]]


def test_the_schema_states_the_range(cast: Any) -> None:
    from detente.api.v1 import api

    target = api.get_openapi_schema()["components"]["schemas"]["KPIIn"]["properties"]["target"]
    number = next(b for b in target.get("anyOf", [target]) if b.get("type") == "number")
    assert str(number["maximum"]) == str(LARGEST_AMOUNT)
