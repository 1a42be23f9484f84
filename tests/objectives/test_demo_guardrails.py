"""The demo shows a guardrail band with a breach on a KPI chart and a goal-conflict matrix
that is not all "too little data"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from detente.accounts.models import User
from detente.demo.build import build_demo
from detente.objectives.guardrails import goal_conflict, kpi_guardrails
from detente.objectives.models import KPI
from detente.records.models import Alliance
from detente.records.visibility import get_alliance_access


@pytest.mark.django_db
def test_the_demo_has_a_guardrail_band_and_a_goal_conflict_matrix(client):
    build_demo()
    alliance = Alliance.objects.get(name__startswith="Northstar pricing change")
    ana = User.objects.get(email="ana@northstar.example")
    access = get_alliance_access(ana, alliance.pk)
    bookings = KPI.objects.get(objective__alliance=alliance, name="New bookings")
    (g,) = kpi_guardrails(access, bookings)["guarded_by"]
    assert g["bound"] == "at least 4"
    assert [b["value"] for b in g["sides"][0]["breaches"]] == [3.9, 3.8]
    data = goal_conflict(access)
    maps = [m for s in data["sections"] for m in s["conflict_maps"]]
    relations = {c["relation"] for m in maps for c in m["cells"]}
    assert {"together", "against"} <= relations
    client.force_login(ana)
    page = client.get(reverse("goal_conflict", args=[alliance.pk])).content.decode()
    assert "move together" in page and "move against each other" in page
    page = client.get(reverse("kpi_detail", args=[alliance.pk, bookings.pk])).content.decode()
    assert "guardrail-chart-0" in page and "broke its guardrail" in page
