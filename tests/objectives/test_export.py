"""Exporting measurements as CSV: the importer's columns, the visibility rule, a clean round trip."""

from __future__ import annotations

import csv
import io
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from detente.alliances import services as alliance_services
from detente.objectives.importer import COLUMNS
from detente.objectives.models import KPI, Measurement, Objective
from detente.records.models import Alliance
from tests.objectives.conftest import measure


def rows_of(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == COLUMNS
    return list(reader)


def export(cast, who, kpi=None, alliance=None, side=None):
    alliance = alliance or cast.alliance
    if kpi is None:
        url = reverse("measurement_export", args=[alliance.pk])
    else:
        url = reverse("kpi_export", args=[alliance.pk, kpi.pk])
    if side is not None:
        url += f"?side={side}"
    return cast.client(who).get(url)


def seed(cast, kpis):
    a, b = cast.side_a, cast.side_b
    measure(kpis["roi"], a, "2026Q1", "12.5")
    measure(kpis["roi"], a, "2026Q2", "11", visibility="private")
    measure(kpis["roi"], b, "2026Q1", "9.25")
    measure(kpis["roi"], b, "2026Q2", "8", visibility="private")
    measure(kpis["secret_kpi"], a, "2026Q1", "777", visibility="private")


def test_side_b_export_never_holds_side_a_private_values(cast, kpis):
    seed(cast, kpis)
    for response in (export(cast, "bob"), export(cast, "bella"), export(cast, "bob", kpis["roi"])):
        text = response.content.decode()
        rows = rows_of(response)
        assert "A-PRIVATE" not in text and "777" not in text and "11" not in text
        assert {(r["side"], r["period"], r["value"], r["visibility"]) for r in rows} == {
            ("Acme", "2026Q1", "12.5", "joint"),
            ("Globex", "2026Q1", "9.25", "joint"),
            ("Globex", "2026Q2", "8", "private"),
        }
    # Side A sees its own private values and its private KPI, not side B's private value.
    rows = rows_of(export(cast, "rita"))
    assert {(r["kpi"], r["period"], r["value"]) for r in rows} == {
        ("Joint project ROI", "2026Q1", "12.5"),
        ("Joint project ROI", "2026Q2", "11"),
        ("Joint project ROI", "2026Q1", "9.25"),
        ("KPI A-PRIVATE", "2026Q1", "777"),
    }


def test_a_private_kpi_export_is_not_found_by_the_other_side_or_outsiders(cast, kpis):
    seed(cast, kpis)
    assert export(cast, "bob", kpis["secret_kpi"]).status_code == 404
    assert export(cast, "oscar", kpis["roi"]).status_code == 404
    assert export(cast, "oscar").status_code == 404
    assert export(cast, "alice", kpis["foreign_kpi"]).status_code == 404
    assert export(cast, "alice", side=cast.other_alliance.sides.first().pk).status_code == 404


def test_the_kpi_and_side_filters(cast, kpis):
    seed(cast, kpis)
    rows = rows_of(export(cast, "alice", kpis["roi"], side=cast.side_b.pk))
    assert [(r["side"], r["value"]) for r in rows] == [("Globex", "9.25")]


def test_a_name_shared_by_two_kpis_is_exported_as_the_id(cast, kpis):
    twin = KPI.objects.create(
        objective=kpis["shared"], name="Joint project ROI", metric="m", unit="%",
        target=1, deadline=date(2026, 12, 31),
    )  # fmt: skip
    measure(twin, cast.side_a, "2026Q1", "3")
    rows = rows_of(export(cast, "alice"))
    assert rows == [
        {"kpi": str(twin.pk), "period": "2026Q1", "value": "3", "side": "Acme",
         "visibility": "joint", "notes": ""},
    ]  # fmt: skip


def test_the_pages_link_the_exports(cast, kpis):
    home = cast.client("bella").get(reverse("objectives_home", args=[cast.alliance.pk]))
    assert reverse("measurement_export", args=[cast.alliance.pk]) in home.content.decode()
    detail = cast.client("bella").get(
        reverse("kpi_detail", args=[cast.alliance.pk, kpis["roi"].pk])
    )
    assert reverse("kpi_export", args=[cast.alliance.pk, kpis["roi"].pk]) in detail.content.decode()


def _fresh_alliance_like(cast, kpis) -> Alliance:
    fresh = alliance_services.create_alliance(
        cast.alice, name="Acme × Globex again", purpose="Again.", kind=Alliance.Kind.ALLIANCE,
        start_date=date(2026, 1, 5), my_organisation=cast.acme, partner_names=["Globex"],
    )  # fmt: skip
    side_a, side_b = list(fresh.sides.order_by("id"))
    # Globex's side is joined by Globex's own organisation so that bob may report for it.
    assert side_a.organisation == cast.acme
    side_b.organisation = cast.globex
    side_b.save()
    for old in (kpis["shared"], kpis["secret"]):
        new = Objective.objects.create(
            alliance=fresh, owner_side=side_a, title=old.title, scope=old.scope,
            visibility=old.visibility,
        )  # fmt: skip
        for k in old.kpis.all():
            KPI.objects.create(
                objective=new, name=k.name, metric=k.metric, unit=k.unit, target=k.target,
                deadline=k.deadline,
            )  # fmt: skip
    return fresh


def _values(alliance) -> set[tuple]:
    return {
        (m.kpi.name, m.period, m.value, str(m.owner_side), m.visibility, m.notes)
        for m in Measurement.objects.filter(alliance=alliance).select_related("kpi", "owner_side")
    }


def test_an_export_re_imports_into_a_fresh_alliance_with_the_same_values(cast, kpis):
    seed(cast, kpis)
    Measurement.objects.filter(period="2026Q1", owner_side=cast.side_a, kpi=kpis["roi"]).update(
        notes='First, "audited" quarter'
    )
    fresh = _fresh_alliance_like(cast, kpis)
    # Each side exports its own values and imports them where it may report.
    for who, side in (("alice", cast.side_a), ("bob", cast.side_b)):
        content = export(cast, who, side=side.pk).content
        url = reverse("measurement_import", args=[fresh.pk])
        upload = SimpleUploadedFile("export.csv", content, content_type="text/csv")
        response = cast.client(who).post(url, {"file": upload, "action": "import"})
        assert response.status_code == 200, response.context.get("problems")
    assert _values(fresh) == _values(cast.alliance)
    assert len(_values(fresh)) == 5
