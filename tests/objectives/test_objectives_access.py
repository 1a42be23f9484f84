"""Objectives, KPIs and measurements through the visibility rule, the forms and the audit log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from detente.audit.models import AuditEntry
from detente.objectives.models import KPI, Measurement, Objective
from tests.conftest import body, call
from tests.objectives.conftest import measure


@pytest.fixture
def values(cast, kpis):
    return {
        "a_joint": measure(kpis["roi"], cast.side_a, "2026Q1", 12),
        "a_private": measure(kpis["roi"], cast.side_a, "2026Q2", "41.25", visibility="private"),
        "b_joint": measure(kpis["roi"], cast.side_b, "2026Q1", 7),
        "a_secret": measure(kpis["secret_kpi"], cast.side_a, "2026Q1", 99, visibility="private"),
    }


SECRETS = ["A-PRIVATE", "41.25", "Secret metric"]


def pages(cast, kpis):
    a = cast.alliance.pk
    return [
        reverse("objectives_home", args=[a]),
        reverse("kpi_detail", args=[a, kpis["roi"].pk]),
        reverse("measurement_import", args=[a]),
        reverse("measurement_new", args=[a]),
        reverse("kpi_new", args=[a]),
        reverse("audit_log", args=[a]),
    ]


def api_urls(cast, kpis):
    a = f"/api/v1/alliances/{cast.alliance.pk}"
    return [
        f"{a}/objectives",
        f"{a}/kpis",
        f"{a}/kpis/{kpis['roi'].pk}/series",
        f"{a}/measurements",
        f"{a}/audit",
    ]


def test_side_b_never_sees_side_a_private_objectives_kpis_or_values(cast, kpis, values):
    # Make sure the private records have audit entries to (not) leak.
    for record in (kpis["secret"], values["a_private"], values["a_secret"]):
        from detente import audit

        audit.log(cast.alice, "create", record, after=audit.snapshot(record))
    for who in ("bob", "bella"):
        for url in pages(cast, kpis):
            page = cast.client(who).get(url).content.decode()
            for secret in SECRETS:
                assert secret not in page, (who, url, secret)
        for url in api_urls(cast, kpis):
            text = cast.api(who).get(url).content.decode()
            for secret in SECRETS:
                assert secret not in text, (who, url, secret)
    # ... while side A sees its own.
    assert "41.25" in cast.client("rita").get(pages(cast, kpis)[1]).content.decode()
    series = body(cast.api("alice").get(api_urls(cast, kpis)[2]))
    assert [s["side"] for s in series["series"]] == ["Acme", "Globex"]
    assert series["series"][0]["private"] == [False, True]


@pytest.mark.parametrize("who", ["bob", "oscar"])
def test_private_and_foreign_records_are_404(cast, kpis, values, who):
    a = cast.alliance.pk
    for url in [
        reverse("kpi_detail", args=[a, kpis["secret_kpi"].pk]),
        reverse("kpi_detail", args=[a, kpis["foreign_kpi"].pk]),
        reverse("objective_edit", args=[a, kpis["secret"].pk]),
        reverse("measurement_edit", args=[a, values["a_private"].pk]),
    ]:
        assert cast.client(who).get(url).status_code == 404
    api = f"/api/v1/alliances/{a}"
    for url in [
        f"{api}/kpis/{kpis['secret_kpi'].pk}",
        f"{api}/kpis/{kpis['secret_kpi'].pk}/series",
        f"{api}/objectives/{kpis['secret'].pk}",
        f"{api}/measurements/{values['a_private'].pk}",
        f"{api}/measurements/{values['a_secret'].pk}",
    ]:
        assert cast.api(who).get(url).status_code == 404


def test_the_other_side_may_read_but_not_change_a_joint_objective(
    cast, kpis, values, nothing_changes
):
    a = cast.alliance.pk
    with nothing_changes():
        assert (
            cast.client("bob")
            .post(reverse("objective_edit", args=[a, kpis["shared"].pk]))
            .status_code
            == 403
        )
        assert (
            cast.client("bob").post(reverse("kpi_delete", args=[a, kpis["roi"].pk])).status_code
            == 403
        )
        assert (
            cast.client("bob")
            .post(reverse("measurement_delete", args=[a, values["a_joint"].pk]))
            .status_code
            == 403
        )
        assert (
            call(
                cast.api("bob"),
                "PATCH",
                f"/api/v1/alliances/{a}/kpis/{kpis['roi'].pk}",
                {"target": 1},
            ).status_code
            == 403
        )
        assert (
            call(
                cast.api("rita"), "POST", f"/api/v1/alliances/{a}/objectives", {"title": "x"}
            ).status_code
            == 403
        )


def test_foreign_ids_are_refused_by_name(cast, kpis, nothing_changes):
    api = f"/api/v1/alliances/{cast.alliance.pk}"
    with nothing_changes():
        r = call(
            cast.api("bob"),
            "POST",
            f"{api}/measurements",
            {"kpi_id": kpis["secret_kpi"].pk, "period": "2026Q1", "value": 1},
        )
        assert r.status_code == 422 and body(r)["errors"][0]["field"] == "kpi"
        r = call(
            cast.api("alice"),
            "POST",
            f"{api}/measurements",
            {"kpi_id": kpis["foreign_kpi"].pk, "period": "2026Q1", "value": 1},
        )
        assert r.status_code == 422 and body(r)["errors"][0]["field"] == "kpi"
        r = call(
            cast.api("bob"),
            "POST",
            f"{api}/kpis",
            {
                "objective_id": kpis["shared"].pk,
                "name": "x",
                "metric": "m",
                "unit": "u",
                "target": 1,
                "deadline": "2026-12-31",
            },
        )
        assert r.status_code == 422 and body(r)["errors"][0]["field"] == "objective"
        r = call(
            cast.api("alice"),
            "POST",
            f"{api}/measurements",
            {"side_id": cast.side_b.pk, "kpi_id": kpis["roi"].pk, "period": "2026Q1", "value": 1},
        )
        assert r.status_code == 422 and body(r)["errors"][0]["field"] == "owner_side"


@pytest.mark.parametrize(
    "route,payload,field",
    [
        ("objectives", {"title": "", "scope": "shared"}, "title"),
        ("objectives", {"title": "x", "scope": "shared", "visibility": "private"}, "visibility"),
        (
            "kpis",
            {"name": "x", "metric": "m", "unit": "%", "target": "lots", "deadline": "2026-12-31"},
            "target",
        ),
        (
            "kpis",
            {
                "name": "x",
                "metric": "m",
                "unit": "%",
                "target": 1,
                "deadline": "2026-12-31",
                "tolerance": -1,
            },
            "tolerance",
        ),
        (
            "kpis",
            {
                "name": "x",
                "metric": "m",
                "unit": "%",
                "target": 1,
                "deadline": "2026-12-31",
                "direction": "sideways",
            },
            "direction",
        ),
        ("measurements", {"period": "2026Q9", "value": 1}, "period"),
        ("measurements", {"period": "2026-03", "value": 1}, "period"),
        ("measurements", {"period": "2026Q1", "value": "ten"}, "value"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    cast, kpis, nothing_changes, route, payload, field
):
    if route == "kpis":
        payload = {"objective_id": kpis["shared"].pk, **payload}
    if route == "measurements":
        payload = {"kpi_id": kpis["roi"].pk, **payload}
    with nothing_changes():
        r = call(
            cast.api("alice"), "POST", f"/api/v1/alliances/{cast.alliance.pk}/{route}", payload
        )
    assert r.status_code == 422
    assert field in [e["field"] for e in body(r)["errors"]], body(r)


def test_a_value_of_a_private_objective_stays_private(cast, kpis, nothing_changes):
    with nothing_changes():
        r = call(
            cast.api("alice"),
            "POST",
            f"/api/v1/alliances/{cast.alliance.pk}/measurements",
            {
                "kpi_id": kpis["secret_kpi"].pk,
                "period": "2026Q1",
                "value": 5,
                "visibility": "joint",
            },
        )
    assert r.status_code == 422 and body(r)["errors"][0]["field"] == "visibility"


def test_an_objective_another_side_reports_on_cannot_become_private(
    cast, kpis, values, nothing_changes
):
    kpis["shared"].scope = "side"
    kpis["shared"].save()
    with nothing_changes():
        r = call(
            cast.api("alice"),
            "PATCH",
            f"/api/v1/alliances/{cast.alliance.pk}/objectives/{kpis['shared'].pk}",
            {"visibility": "private"},
        )
    assert r.status_code == 422 and body(r)["errors"][0]["field"] == "visibility"


def test_the_api_creates_updates_and_deletes_with_audit(cast, kpis):
    api = f"/api/v1/alliances/{cast.alliance.pk}"
    client = cast.api("alice")
    r = call(
        client,
        "POST",
        f"{api}/objectives",
        {"title": "Market reach", "scope": "side", "visibility": "private"},
    )
    assert r.status_code == 201
    objective_id = body(r)["id"]
    r = call(
        client,
        "POST",
        f"{api}/kpis",
        {
            "objective_id": objective_id,
            "name": "Enterprise logos",
            "metric": "Signed logos",
            "unit": "logos",
            "target": 20,
            "deadline": "2026-12-31",
            "frequency": "month",
        },
    )
    assert r.status_code == 201, r.content
    kpi_id = body(r)["id"]
    r = call(
        client,
        "POST",
        f"{api}/measurements",
        {"kpi_id": kpi_id, "period": "2026-03", "value": 4, "visibility": "private"},
    )
    assert r.status_code == 201, r.content
    m_id = body(r)["id"]
    r = call(client, "PATCH", f"{api}/measurements/{m_id}", {"value": 5})
    assert r.status_code == 200 and body(r)["value"] == 5 and body(r)["period"] == "2026-03"
    assert call(client, "PATCH", f"{api}/kpis/{kpi_id}", {"target": 25}).json()["target"] == 25
    # The KPI's audit entries are private like its objective.
    kpi_entries = AuditEntry.objects.filter(model="objectives.kpi", object_id=str(kpi_id))
    assert {e.visibility for e in kpi_entries} == {"private"} and kpi_entries.count() == 2
    assert call(client, "DELETE", f"{api}/objectives/{objective_id}").json() == {"deleted": True}
    assert not Objective.objects.filter(pk=objective_id).exists()
    assert (
        not KPI.objects.filter(pk=kpi_id).exists()
        and not Measurement.objects.filter(pk=m_id).exists()
    )
    deleted = AuditEntry.objects.filter(action="delete").values_list("model", flat=True)
    assert sorted(deleted) == ["objectives.kpi", "objectives.measurement", "objectives.objective"]


def test_the_pages_create_a_kpi_and_report_a_value(cast, kpis):
    a = cast.alliance.pk
    client = cast.client("bob")
    r = client.post(
        reverse("objective_new", args=[a]),
        {
            "owner_side": cast.side_b.pk,
            "title": "Store traffic",
            "scope": "side",
            "visibility": "joint",
        },
    )
    assert r.status_code == 302
    objective = Objective.objects.get(title="Store traffic")
    r = client.post(
        reverse("kpi_new", args=[a]),
        {
            "objective": objective.pk,
            "name": "Visits",
            "metric": "Store visits",
            "unit": "visits",
            "direction": "higher",
            "target": "1000",
            "deadline": "2026-12-31",
            "frequency": "quarter",
            "tolerance": "0",
            "tolerance_kind": "absolute",
        },
    )
    assert r.status_code == 302, r.context["form"].errors
    kpi = KPI.objects.get(name="Visits")
    r = client.post(
        reverse("measurement_new", args=[a]),
        {
            "owner_side": cast.side_b.pk,
            "kpi": kpis["roi"].pk,
            "period": "2026Q1",
            "value": "7",
            "visibility": "joint",
        },
    )
    assert r.status_code == 302
    r = client.post(
        reverse("measurement_new", args=[a]),
        {
            "owner_side": cast.side_b.pk,
            "kpi": kpi.pk,
            "period": "bad",
            "value": "7",
            "visibility": "joint",
        },
    )
    assert r.status_code == 200 and "period" in r.context["form"].errors
    page = client.get(reverse("kpi_detail", args=[a, kpis["roi"].pk])).content.decode()
    assert 'id="kpi-data"' in page and "Globex" in page


def test_the_objectives_page_answers_in_a_bounded_number_of_queries(
    cast, kpis, values, django_assert_max_num_queries
):
    for i in range(5):
        KPI.objects.create(
            objective=kpis["shared"],
            name=f"K{i}",
            metric="m",
            unit="u",
            target=1,
            deadline="2026-12-31",
        )
    client = cast.client("alice")
    url = reverse("objectives_home", args=[cast.alliance.pk])
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
