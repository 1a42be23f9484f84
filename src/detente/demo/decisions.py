"""Demo data for the decisions capability: seed 002's Sales-against-Product conflict.

Sales wants the pricing change for revenue; Product fears it costs customer satisfaction
and raises attrition. Sales keeps its weights private; Product shares its own.
"""

from __future__ import annotations

from typing import Any

from detente import audit
from detente.decisions.models import Decision, GoalSeries, PartyWeights

ALLIANCE = "Northstar pricing change: Sales × Product"

OPTIONS = ["Reprice now", "Onboarding first"]
A, B = OPTIONS
CONSIDERATIONS = [
    {"name": "revenue growth", "direction": "higher", "unit": "% a year",
     "values": {A: [12, 12], B: [8, 8]}},
    {"name": "customer satisfaction", "direction": "higher", "unit": "CSAT 1-5",
     "values": {A: [3.1, 3.1], B: [4.0, 4.0]}},
    {"name": "attrition", "direction": "lower", "unit": "% of customers a year",
     "values": {A: [10, 10], B: [6, 9]}},
    {"name": "spend from existing customers", "direction": "higher", "unit": "% a year",
     "values": {A: [2, 2], B: [3, 6]}},
]  # fmt: skip
SALES_WEIGHTS = {
    "revenue growth": 50,
    "customer satisfaction": 15,
    "attrition": 15,
    "spend from existing customers": 20,
}
PRODUCT_WEIGHTS = {
    "revenue growth": 20,
    "customer satisfaction": 40,
    "attrition": 25,
    "spend from existing customers": 15,
}
PERIODS = ["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4"]


def _add(actor: Any, model: type, **values: Any) -> Any:
    record = model.objects.create(created_by=actor, **values)
    audit.log(actor, "create", record, after=audit.snapshot(record))
    return record


def build(ws: Any) -> None:
    """Add this capability's demo records to the workspace ``ws`` (see demo.build)."""
    alliance = ws.alliances.get(ALLIANCE)
    if alliance is None:
        return
    sides = {s.organisation.name: s for s in alliance.sides.select_related("organisation")}
    sales, product = sides["Northstar Sales"], sides["Northstar Product"]
    ana, ben = ws.users["ana@northstar.example"], ws.users["ben@northstar.example"]
    decision = _add(
        ana,
        Decision,
        alliance=alliance,
        owner_side=sales,
        visibility="joint",
        title="Move to usage-based pricing this year?",
        question="Sales wants usage-based pricing now for revenue; Product wants to fix "
        "onboarding first to protect satisfaction and attrition. What would have to be true "
        "for each option to be the better one?",
        options=OPTIONS,
        considerations=CONSIDERATIONS,
        periods=PERIODS,
    )
    common = {"alliance": alliance, "decision": decision}
    _add(ana, PartyWeights, owner_side=sales, visibility="private", weights=SALES_WEIGHTS, **common)
    _add(
        ben, PartyWeights, owner_side=product, visibility="joint", weights=PRODUCT_WEIGHTS, **common
    )

    revenue = _add(
        ana, GoalSeries, owner_side=sales, visibility="joint", name="new revenue ($M)",
        direction="higher", horizon="year",
        history=[1.2, 1.3, 1.5, 1.6, 1.7, 1.9, 2.1, 2.3], **common,
    )  # fmt: skip
    _add(
        ana, GoalSeries, owner_side=sales, visibility="joint", name="deals closed",
        direction="higher", horizon="quarter",
        history=[14, 15, 17, 16, 19, 21, 22, 25], **common,
    )  # fmt: skip
    _add(
        ben, GoalSeries, owner_side=product, visibility="joint", name="customer satisfaction",
        direction="higher", horizon="quarter",
        history=[4.1, 4.0, 3.9, 3.8, 3.8, 3.6, 3.4, 3.3], **common,
    )  # fmt: skip
    _add(
        ben, GoalSeries, owner_side=product, visibility="joint", name="attrition (%)",
        direction="lower", horizon="year",
        history=[6.0, 6.2, 6.9, 7.1, 7.4, 8.2, 8.9, 9.6], **common,
    )  # fmt: skip
    _add(
        ben, GoalSeries, owner_side=product, visibility="joint", name="weekly active teams (k)",
        direction="higher", horizon="multi-year",
        history=[8.1, 8.4, 8.3, 8.9, 9.0, 9.4, 9.3, 9.8], **common,
    )  # fmt: skip
    # Grow revenue while satisfaction stays at or above 3.5 and tickets at most 200 a month.
    _add(
        ben, GoalSeries, owner_side=product, visibility="joint",
        name="customer satisfaction (guardrail)", direction="higher", guards=revenue,
        at_least=3.5, history=[4.1, 4.0, 3.9, 3.8, 3.8, 3.6, 3.4, 3.3], **common,
    )  # fmt: skip
    _add(
        ben, GoalSeries, owner_side=product, visibility="joint",
        name="support tickets a month", direction="lower", guards=revenue,
        at_most=200, history=[150, 158, 171, 166, 182, 190, 204, 212], **common,
    )  # fmt: skip
