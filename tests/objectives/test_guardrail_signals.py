"""A guardrail breach goes on the timeline when the breaching value is saved or imported:
in the same transaction, audited, once per guardrail and period, and only to a side that
may see everything it rests on."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from detente.alliances.models import Signal
from detente.audit.models import AuditEntry
from detente.objectives.models import KPI, Guardrail, Measurement, Objective

BREACHED = "Guardrail breached:"


@pytest.fixture
def guard(cast: Any, kpis: dict[str, Any]) -> dict[str, Any]:
    """ROI (shared, joint, side A) pursued while triage time stays at most 3 h (joint)."""
    triage = KPI.objects.create(
        objective=kpis["shared"], name="Triage time", metric="median hours", unit="h",
        target=Decimal("2"), deadline=date(2026, 12, 31), direction="lower",
    )  # fmt: skip
    g = Guardrail.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, kpi=kpis["roi"], counter_kpi=triage,
        upper=Decimal("3"),
    )  # fmt: skip
    return {**kpis, "triage": triage, "guardrail": g}


def report(cast, who, kpi, period, value, visibility="joint"):
    side = cast.side_b if who in ("bob", "bella") else cast.side_a
    url = reverse("measurement_new", args=[cast.alliance.pk])
    data = {"owner_side": side.pk, "kpi": kpi.pk, "period": period, "value": value,
            "visibility": visibility}  # fmt: skip
    return cast.client(who).post(url, data, follow=True)


def breaches(**filters) -> list[Signal]:
    return list(Signal.objects.filter(kind="other", title__startswith=BREACHED, **filters))


def seen_by(cast, who) -> str:
    """What ``who`` reads about the alliance's signals: timeline file and API, audit log."""
    a = cast.alliance.pk
    csv = cast.client(who).get(reverse("timeline_export", args=[a])).content.decode()
    api = cast.api(who)
    timeline = api.get(f"/api/v1/alliances/{a}/timeline").content.decode()
    audit = api.get(f"/api/v1/alliances/{a}/audit").content.decode()
    return csv + timeline + audit


def test_a_joint_breach_puts_one_joint_audited_signal_on_the_timeline(cast, guard):
    response = report(cast, "alice", guard["triage"], "2026Q3", "3.4")
    assert response.status_code == 200
    (signal,) = breaches()
    assert signal.title == "Guardrail breached: Triage time 3.4 h above the 3 h bound in 2026Q3"
    assert signal.visibility == "joint" and signal.owner_side == cast.side_a
    assert "while pursuing Joint project ROI" in signal.notes
    assert "Put on the timeline: Guardrail breached" in response.content.decode()
    assert AuditEntry.objects.filter(
        model="alliances.signal", object_id=str(signal.pk), action="create"
    ).exists()
    assert signal.title in seen_by(cast, "bella")


def test_values_inside_the_band_raise_nothing_and_a_strict_bound_counts_the_bound(cast, guard):
    report(cast, "alice", guard["triage"], "2026Q1", "3")  # at most 3: 3 holds
    report(cast, "alice", guard["triage"], "2026Q2", "2.1")
    report(cast, "alice", guard["roi"], "2026Q2", "99")  # the primary KPI is not checked
    assert breaches() == []
    Guardrail.objects.filter(pk=guard["guardrail"].pk).update(upper_strict=True)
    report(cast, "alice", guard["triage"], "2026Q3", "3")
    assert [s.title for s in breaches()] == [
        "Guardrail breached: Triage time 3 h above the 3 h bound in 2026Q3"
    ]


def test_a_lower_bound(cast, guard):
    Guardrail.objects.filter(pk=guard["guardrail"].pk).update(upper=None, lower=Decimal("2.5"))
    report(cast, "bob", guard["triage"], "2026Q1", "2")
    (signal,) = breaches()
    assert signal.title == "Guardrail breached: Triage time 2 h below the 2.5 h bound in 2026Q1"
    assert signal.owner_side == cast.side_b and signal.visibility == "joint"


def test_it_is_raised_once_per_guardrail_and_period(cast, guard):
    report(cast, "alice", guard["triage"], "2026Q3", "3.4")
    m = Measurement.objects.get(period="2026Q3")
    url = reverse("measurement_edit", args=[cast.alliance.pk, m.pk])
    cast.client("alice").post(url, {"kpi": guard["triage"].pk, "period": "2026Q3",
                                    "value": "3.9", "visibility": "joint"})  # fmt: skip
    report(cast, "bob", guard["triage"], "2026Q3", "4")  # the other side, same period
    assert len(breaches()) == 1
    report(cast, "alice", guard["triage"], "2026Q4", "3.5")
    assert len(breaches()) == 2


def test_an_import_raises_it_in_the_same_transaction(cast, guard):
    csv = "kpi,period,value\nTriage time,2026Q3,3.4\nTriage time,2026Q4,2\n"
    url = reverse("measurement_import", args=[cast.alliance.pk])
    for _ in range(2):  # importing the same file twice adds nothing the second time
        upload = SimpleUploadedFile("v.csv", csv.encode(), content_type="text/csv")
        response = cast.client("alice").post(url, {"file": upload, "action": "import"})
        assert response.status_code == 200
    assert [s.title for s in breaches()] == [
        "Guardrail breached: Triage time 3.4 h above the 3 h bound in 2026Q3"
    ]
    # All or nothing: a file refused by its second row writes no value and no signal.
    bad = "kpi,period,value\nTriage time,2027Q1,9\nTriage time,2027Q2,x\n"
    upload = SimpleUploadedFile("v.csv", bad.encode(), content_type="text/csv")
    assert cast.client("alice").post(url, {"file": upload, "action": "import"}).status_code == 422
    assert len(breaches()) == 1


def test_a_private_breaching_value_stays_with_its_side(cast, guard):
    report(cast, "bob", guard["triage"], "2026Q3", "7.77", visibility="private")
    (signal,) = breaches()
    assert signal.visibility == "private" and signal.owner_side == cast.side_b
    for who in ("alice", "rita"):
        text = seen_by(cast, who)
        assert "7.77" not in text and BREACHED not in text
    assert "7.77" in seen_by(cast, "bob")


def test_a_private_guardrail_breach_stays_with_the_guardrail_side(cast, guard):
    Guardrail.objects.filter(pk=guard["guardrail"].pk).update(visibility="private")
    report(cast, "bob", guard["triage"], "2026Q3", "4.25")  # a joint value of side B
    (signal,) = breaches()
    assert signal.visibility == "private" and signal.owner_side == cast.side_a
    assert BREACHED not in seen_by(cast, "bob")
    # A private guardrail of side A and a private value of side B: nobody sees both.
    report(cast, "bob", guard["triage"], "2026Q4", "5.5", visibility="private")
    assert len(breaches()) == 1


def test_a_guardrail_on_a_private_kpi_never_reaches_the_other_side(cast, guard):
    secret = Guardrail.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, kpi=guard["secret_kpi"],
        counter_kpi=guard["triage"], upper=Decimal("1"), visibility="joint",
    )  # fmt: skip
    report(cast, "bob", guard["triage"], "2026Q2", "2")  # breaches only the secret one
    (signal,) = breaches()
    assert signal.visibility == "private" and signal.owner_side == cast.side_a
    assert f"Guardrail {secret.pk}," in signal.notes
    assert "A-PRIVATE" not in seen_by(cast, "bob") and BREACHED not in seen_by(cast, "bella")


def test_the_guardrail_and_value_of_another_alliance_are_not_mixed_in(cast, guard):
    other = Objective.objects.create(
        alliance=cast.other_alliance, owner_side=cast.other_alliance.sides.first(), title="X"
    )
    assert not Guardrail.objects.filter(alliance=other.alliance).exists()
    report(cast, "alice", guard["roi"], "2026Q1", "5")
    assert breaches() == []


def test_the_api_raises_it_and_answers_with_the_signal_only_to_its_side(cast, guard):
    url = f"/api/v1/alliances/{cast.alliance.pk}/measurements"
    payload = {"kpi_id": guard["triage"].pk, "period": "2026Q3", "value": 6.5,
               "visibility": "private"}  # fmt: skip
    response = cast.api("bob").post(url, payload, content_type="application/json")
    assert response.status_code == 201, response.content
    (signal,) = breaches()
    assert signal.owner_side == cast.side_b and signal.visibility == "private"
    assert signal.pk in response.json()["discrepancy_signal_ids"]
