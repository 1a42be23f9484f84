"""An upload is sized up before it is parsed: a small XLSX that would inflate to megabytes is
refused from its ZIP directory, cells have a length limit, and an error repeats at most 100
characters of what was sent (docs/security.md, "Uploads")."""

from __future__ import annotations

import io
import json
import re
import zipfile

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from detente import spreadsheets
from detente.objectives import importer
from detente.objectives.models import Measurement

HEADER = ["kpi", "period", "value", "notes"]


def workbook_bytes(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_part(content: bytes, name: str, replace: bytes) -> bytes:
    """The workbook with one ZIP part replaced (or added)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            if info.filename != name:
                dst.writestr(info.filename, src.read(info.filename))
        dst.writestr(name, replace)
    return out.getvalue()


def shared_strings_bomb(text_bytes: int = 20_000_000) -> bytes:
    """About 22 KiB on the wire; its shared strings (the header's first cell) hold 20 MB."""
    base = workbook_bytes([HEADER, ["Joint project ROI", "2026Q1", 1, "n"]])
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    # The first cell of the header points at shared string 0, the bomb.
    sheet = re.sub(rb'<c r="A1"[^>]*>.*?</c>', b'<c r="A1" t="s"><v>0</v></c>', sheet, count=1)
    strings = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        b'uniqueCount="1"><si><t>' + b"k" * text_bytes + b"</t></si></sst>"
    )
    bomb = with_part(
        with_part(base, "xl/worksheets/sheet1.xml", sheet), "xl/sharedStrings.xml", strings
    )
    with zipfile.ZipFile(io.BytesIO(bomb)) as z:
        if "xl/sharedStrings.xml" not in z.read("[Content_Types].xml").decode():
            types = z.read("[Content_Types].xml").replace(
                b"</Types>",
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
            )
            bomb = with_part(bomb, "[Content_Types].xml", types)
    return bomb


def api_import(cast, content: bytes, name: str):
    url = f"/api/v1/alliances/{cast.alliance.pk}/measurements/import?dry_run=true"
    return cast.api("alice").post(url, {"file": SimpleUploadedFile(name, content)})


def messages_of(response) -> list[str]:
    assert response.status_code == 422, response.content[:500]
    return [e["message"] for e in json.loads(response.content)["errors"]]


def test_the_bomb_is_small_on_the_wire_and_large_inflated() -> None:
    bomb = shared_strings_bomb()
    assert len(bomb) < 64 * 1024
    with zipfile.ZipFile(io.BytesIO(bomb)) as z:
        assert z.getinfo("xl/sharedStrings.xml").file_size > 20_000_000


def test_it_refuses_an_xlsx_that_inflates_beyond_the_limit_without_parsing_it(
    cast, kpis, monkeypatch
) -> None:
    def parse_attempted(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", parse_attempted)
    response = api_import(cast, shared_strings_bomb(), "bomb.xlsx")
    (message,) = messages_of(response)
    assert "refused unread" in message and "xl/sharedStrings.xml" in message
    assert len(response.content) < 2000
    assert not Measurement.objects.exists()


def test_the_page_refuses_the_same_xlsx_with_the_same_message(cast, kpis) -> None:
    upload = SimpleUploadedFile("bomb.xlsx", shared_strings_bomb())
    response = cast.client("alice").post(
        reverse("measurement_import", args=[cast.alliance.pk]), {"file": upload}
    )
    assert response.status_code == 422
    assert "refused unread" in response.content.decode()
    assert len(response.content) < 200_000


def test_it_refuses_a_workbook_of_too_many_parts(cast, kpis) -> None:
    content = workbook_bytes([HEADER, ["Joint project ROI", "2026Q1", 1, ""]])
    for i in range(spreadsheets.MAX_XLSX_MEMBERS):
        content = with_part(content, f"customXml/item{i}.xml", b"<a/>")
    (message,) = messages_of(api_import(cast, content, "parts.xlsx"))
    assert "parts" in message


def test_it_reads_a_workbook_that_claims_a_huge_sheet_as_its_real_cells(cast, kpis) -> None:
    content = workbook_bytes([HEADER, ["Joint project ROI", "2026Q1", 1, ""]])
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    sheet = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', sheet)
    content = with_part(content, "xl/worksheets/sheet1.xml", sheet)
    assert importer.read_file("wide.xlsx", content) == [
        (2, {"kpi": "Joint project ROI", "period": "2026Q1", "value": "1", "notes": ""})
    ]


def test_it_refuses_a_cell_over_the_length_limit_by_row_and_column(cast, kpis) -> None:
    long_note = "n" * (importer.MAX_CELL_CHARS + 1)
    for name, content in (
        ("long.csv", f"kpi,period,value,notes\nJoint project ROI,2026Q1,1,{long_note}\n".encode()),
        ("long.xlsx", workbook_bytes([HEADER, ["Joint project ROI", "2026Q1", 1, long_note]])),
    ):
        response = api_import(cast, content, name)
        errors = json.loads(response.content)["errors"]
        assert [(e["row"], e["column"]) for e in errors] == [(2, "notes")], name
        assert "n" * 101 not in errors[0]["message"]


def test_an_error_repeats_at_most_100_characters_of_a_value(cast, kpis) -> None:
    long = "q" * 5000
    files = {
        "header": f"kpi,period,value,{long}\nJoint project ROI,2026Q1,1,\n",
        "kpi": f"kpi,period,value\n{long},2026Q1,1\n",
        "side": f"kpi,period,value,side\nJoint project ROI,2026Q1,1,{long}\n",
        "period": f"kpi,period,value\nJoint project ROI,{long},1\n",
        "visibility": f"kpi,period,value,visibility\nJoint project ROI,2026Q1,1,{long}\n",
    }
    for what, text in files.items():
        response = api_import(cast, text.encode(), f"{what}.csv")
        for message in messages_of(response):
            assert "q" * 101 not in message, what
            assert len(message) < 400, what
