"""Importing measurements from CSV and XLSX: all or nothing, problems as row, column, reason."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from detente.alliances.models import Signal
from detente.audit.models import AuditEntry
from detente.objectives import importer
from detente.objectives.models import Measurement
from tests.conftest import body
from tests.objectives.conftest import measure


def csv_file(text: str, name: str = "values.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_file(rows: list[list], name: str = "values.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def api_import(cast, who, upload, dry_run=False):
    url = f"/api/v1/alliances/{cast.alliance.pk}/measurements/import"
    if dry_run:
        url += "?dry_run=true"
    return cast.api(who).post(url, {"file": upload})


def page_import(cast, who, upload, action="import"):
    url = reverse("measurement_import", args=[cast.alliance.pk])
    return cast.client(who).post(url, {"file": upload, "action": action})


GOOD_CSV = (
    "kpi,period,value,notes\nJoint project ROI,2026Q1,12,first\nJoint project ROI,2026Q2,10,\n"
)


def test_it_imports_a_good_csv_through_the_api(cast, kpis):
    response = api_import(cast, "alice", csv_file(GOOD_CSV))
    assert response.status_code == 200, response.content
    data = body(response)
    assert (data["created"], data["updated"]) == (2, 0)
    values = list(
        Measurement.objects.order_by("period").values_list("period", "value", "owner_side")
    )
    assert [(p, float(v), s) for p, v, s in values] == [
        ("2026Q1", 12.0, cast.side_a.pk),
        ("2026Q2", 10.0, cast.side_a.pk),
    ]
    assert AuditEntry.objects.filter(model="objectives.measurement", action="create").count() == 2


def test_it_imports_a_good_xlsx_through_the_page(cast, kpis):
    rows = [
        ["KPI", "Period", "Value", "Visibility"],
        [kpis["roi"].pk, "2026Q1", 12.5, "joint"],
        [None, None, None, None],  # a blank row is skipped
        ["Joint project ROI", "2026q2", 10, "private"],
    ]
    response = page_import(cast, "alice", xlsx_file(rows))
    assert response.status_code == 200
    assert "Imported: 2 new, 0 updated" in response.content.decode()
    q2 = Measurement.objects.get(period="2026Q2")
    assert float(q2.value) == 10 and q2.visibility == "private"
    assert float(Measurement.objects.get(period="2026Q1").value) == 12.5


def test_a_second_import_updates_the_same_period(cast, kpis):
    measure(kpis["roi"], cast.side_a, "2026Q1", 11)
    data = body(
        api_import(cast, "alice", csv_file("kpi,period,value\nJoint project ROI,2026Q1,12\n"))
    )
    assert (data["created"], data["updated"]) == (0, 1)
    assert float(Measurement.objects.get().value) == 12


def test_the_preview_writes_nothing_and_the_confirmation_writes_it(cast, kpis, nothing_changes):
    with nothing_changes():
        response = page_import(cast, "alice", csv_file(GOOD_CSV), action="preview")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview: 2 rows, all valid" in page
    token = response.context["token"]
    url = reverse("measurement_import", args=[cast.alliance.pk])
    confirm = cast.client("alice").post(url, {"token": token, "action": "import"})
    assert "Imported: 2 new" in confirm.content.decode()
    assert Measurement.objects.count() == 2
    # A preview of one alliance cannot be replayed into another.
    forged = cast.client("alice").post(url, {"token": token + "x", "action": "import"})
    assert forged.status_code == 422


def test_one_bad_row_writes_nothing_and_names_row_column_and_reason(cast, kpis, nothing_changes):
    text = (
        "kpi,period,value\n"
        "Joint project ROI,2026Q1,12\n"
        "Joint project ROI,2026Q7,10\n"  # row 3: no such quarter
        "Joint project ROI,2026Q3,ten\n"  # row 4: not a number
        "No such KPI,2026Q3,1\n"  # row 5
        "Joint project ROI,2026Q1,13\n"  # row 6: repeats row 2
    )
    with nothing_changes():
        response = api_import(cast, "alice", csv_file(text))
    assert response.status_code == 422
    errors = {(e["row"], e["column"]): e["message"] for e in body(response)["errors"]}
    assert set(errors) == {(3, "period"), (4, "value"), (5, "kpi"), (6, "period")}
    assert "2026Q7" in errors[(3, "period")]
    assert "number" in errors[(4, "value")].lower()
    assert "Row 2" in errors[(6, "period")]


def test_the_page_lists_each_problem_and_writes_nothing(cast, kpis, nothing_changes):
    rows = [
        ["kpi", "period", "value"],
        ["Joint project ROI", "2026Q1", 12],
        ["Joint project ROI", "2026-01", 3],
    ]
    with nothing_changes():
        response = page_import(cast, "alice", xlsx_file(rows))
    assert response.status_code == 422
    problems = response.context["problems"]
    assert [(p.row, p.column) for p in problems] == [(3, "period")]
    assert "Nothing was imported" in response.content.decode()


@pytest.mark.parametrize(
    "text,expected",
    [
        ("kpi,when,value\nJoint project ROI,2026Q1,1\n", "Unknown column 'when'"),
        ("kpi,period\nJoint project ROI,2026Q1\n", "The column 'value' is missing"),
        ("kpi,period,value,value\nx,2026Q1,1,1\n", "appears twice"),
        ("", "The file is empty"),
        ("\n\n", "The file is empty"),
        ("kpi,period,value\n", "no data rows"),
    ],
)
def test_wrong_columns_and_empty_files_get_a_clear_error(
    cast, kpis, nothing_changes, text, expected
):
    with nothing_changes():
        response = api_import(cast, "alice", csv_file(text))
    assert response.status_code == 422
    assert any(expected in e["message"] for e in body(response)["errors"]), body(response)


def test_a_file_over_the_size_limit_is_refused_unread(cast, kpis, nothing_changes):
    big = "kpi,period,value\n" + "Joint project ROI,2026Q1,1\n" * (importer.MAX_BYTES // 25)
    with nothing_changes():
        response = api_import(cast, "alice", csv_file(big))
    assert response.status_code == 422
    assert "MiB" in body(response)["errors"][0]["message"]


def test_a_file_over_the_row_limit_is_refused(cast, kpis, nothing_changes, monkeypatch):
    monkeypatch.setattr(importer, "MAX_ROWS", 50)
    rows = [["kpi", "period", "value"]] + [
        ["Joint project ROI", f"20{10 + i // 4}Q{i % 4 + 1}", i] for i in range(51)
    ]
    with nothing_changes():
        response = api_import(cast, "alice", xlsx_file(rows))
    assert response.status_code == 422
    assert "more than 50 data rows" in body(response)["errors"][0]["message"]


def test_a_file_that_is_neither_csv_nor_xlsx_is_refused(cast, kpis):
    response = api_import(cast, "alice", SimpleUploadedFile("values.xls", b"\xd0\xcf\x11\xe0junk"))
    assert response.status_code == 422
    assert ".csv or an .xlsx" in body(response)["errors"][0]["message"]
    broken = api_import(cast, "alice", SimpleUploadedFile("values.xlsx", b"PK\x03\x04broken"))
    assert broken.status_code == 422 and "xlsx" in body(broken)["errors"][0]["message"]


def test_an_import_raises_discrepancies_and_reports_only_visible_ones(cast, kpis):
    measure(kpis["roi"], cast.side_a, "2026Q1", 12)
    measure(kpis["roi"], cast.side_a, "2026Q2", "23.75", visibility="private")
    text = "kpi,period,value\nJoint project ROI,2026Q1,7\nJoint project ROI,2026Q2,7\n"
    data = body(api_import(cast, "bob", csv_file(text)))
    # Q1: both joint -> a joint signal that bob sees. Q2: A's value is private -> a signal
    # private to A, which bob's answer must not mention.
    assert [s["visibility"] for s in data["signals"]] == ["joint"]
    assert Signal.objects.filter(kind="kpi_discrepancy").count() == 2
    assert "23.75" not in str(data)


def test_it_refuses_kpis_and_sides_the_importer_may_not_use(cast, kpis, nothing_changes):
    text = (
        "kpi,period,value,side\n"
        f"{kpis['secret_kpi'].pk},2026Q1,1,\n"  # side A's private KPI, by id
        "KPI A-PRIVATE,2026Q1,1,\n"  # ... and by name
        f"{kpis['foreign_kpi'].pk},2026Q1,1,\n"  # another alliance's KPI
        "Joint project ROI,2026Q1,1,Acme\n"  # the other side
        "Joint project ROI,2026Q1,1,Nowhere\n"
    )
    with nothing_changes():
        response = api_import(cast, "bob", csv_file(text))
    errors = body(response)["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [
        (2, "kpi"),
        (3, "kpi"),
        (4, "kpi"),
        (5, "side"),
        (6, "side"),
    ]
    # The refusal does not reveal that a private KPI exists.
    assert errors[0]["message"] == errors[2]["message"].replace(
        str(kpis["foreign_kpi"].pk), str(kpis["secret_kpi"].pk)
    )


@pytest.mark.parametrize("who,status", [("rita", 403), ("oscar", 404), (None, 401)])
def test_only_writers_of_the_alliance_may_import(cast, kpis, nothing_changes, who, status):
    with nothing_changes():
        response = api_import(cast, who, csv_file(GOOD_CSV))
    assert response.status_code == status
