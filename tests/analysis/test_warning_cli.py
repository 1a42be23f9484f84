"""`detente warn FILE [--json]`: the example runs, bad files get a clear message and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "warning" / "portfolio.csv"
HEADER = "alliance,period,side,measure,value\n"


def test_it_prints_the_seed_alliance_alerts_from_the_example(capsys):
    assert main(["warn", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "4.5 → 4.0 → 3.2" in out and "Next step:" in out
    assert "Northwind" not in out  # the healthy alliance raises nothing


def test_its_json_lists_alerts_with_the_documented_fields(capsys):
    assert main(["warn", str(EXAMPLE), "--json", "--min-severity", "warning"]) == 0
    alerts = json.loads(capsys.readouterr().out)
    assert alerts
    for alert in alerts:
        assert {"alliance", "period", "measure", "severity", "rule", "evidence"} <= set(alert)
        assert alert["severity"] in ("warning", "alert")


def test_latest_shows_only_each_alliances_last_period(capsys):
    assert main(["warn", str(EXAMPLE), "--json", "--latest"]) == 0
    assert {a["period"] for a in json.loads(capsys.readouterr().out)} == {"2026Q3"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "X,2026Q1,A,alignment,4\nX,2026Q2,A,alignment,high\n",
            "row 3, value: 'high' is not a number",
        ),
        ("X,2026Q1,A,alignment,4\nX,2026-Q5,A,alignment,4\n", "row 3, period: '2026-Q5'"),
        ("X,2026Q1,A,alignment,7\n", "row 2, value: 7 is outside 1 to 5 for alignment"),
        (
            "X,2026Q1,A,alignment,4\nX,2026Q1,A,alignment,3\n",
            "row 3: repeats the alliance, period, side and measure of row 2",
        ),
        (",2026Q1,A,alignment,4\n", "row 2, alliance: is empty"),
        (
            "X,2026Q1,A,overdue_commitments,4\nX,2026Q1,A,messaging_shifts,1.5\n",
            "row 3, value: 1.5 is not a count",
        ),
    ],
)
def test_a_bad_row_is_named_with_its_column_and_exits_2(tmp_path, capsys, body, message):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    assert main(["warn", str(path)]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert "Traceback" not in captured.err and captured.out == ""


def test_a_missing_column_is_named(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("alliance,period,side,value\nX,2026Q1,A,4\n", encoding="utf-8")
    assert main(["warn", str(path)]) == 2
    assert "header: missing column measure" in capsys.readouterr().err


def test_a_missing_file_is_named(tmp_path, capsys):
    assert main(["warn", str(tmp_path / "nope.csv")]) == 2
    assert "file not found" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("body", "message"),
    [
        # Blank lines and a quoted line break shift the line numbers: rows are lines.
        ("X,2026Q1,A,alignment,4\n\nX,2026Q2,A,alignment,9\n", "row 4, value: 9 is outside"),
        ('"X\nY",2026Q1,A,alignment,4\nX,2026Q2,A,alignment,9\n', "row 4, value: 9 is outside"),
        ("X,2026Q1,A,alignment,4\r\nX,2026Q2,A,alignment,9\r\n", "row 3, value: 9 is outside"),
        ("X,2026Q1,A,alignment,4\nX,2026Q2,A\n", "row 3: has 3 cells, expected at least 5"),
    ],
)
def test_rows_are_numbered_by_line_whichever_way_the_file_is_read(tmp_path, capsys, body, message):
    path = tmp_path / "bad.csv"
    path.write_bytes((HEADER + body).encode("utf-8"))
    assert main(["warn", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_a_regular_file_and_an_irregular_one_read_the_same(tmp_path):
    from detente.analysis.warning.csvfile import read_portfolio

    rows = ["X,2026Q1,A,alignment,4", "X,2026Q2,A,alignment,3.5", "Y,2026Q1,both,roi,7"]
    regular, irregular = tmp_path / "regular.csv", tmp_path / "irregular.csv"
    regular.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    irregular.write_text(HEADER + "\n\n".join(rows) + "\n", encoding="utf-8")
    a, b = read_portfolio(regular), read_portfolio(irregular)
    for column in ("alliance", "period", "side", "measure", "value"):
        assert getattr(a, column).tolist() == getattr(b, column).tolist()
    assert a.rows.tolist() == [2, 3, 4] and b.rows.tolist() == [2, 4, 6]


def test_a_kpi_discrepancy_row_is_a_recorded_signal(tmp_path, capsys):
    path = tmp_path / "kpi.csv"
    path.write_text(HEADER + "X,2026Q1,joint,kpi_discrepancies,2\n", encoding="utf-8")
    assert main(["warn", str(path), "--json"]) == 0
    (alert,) = json.loads(capsys.readouterr().out)
    assert (alert["rule"], alert["measure"], alert["severity"]) == (
        "signal",
        "kpi_discrepancies",
        "warning",
    )
    assert "2 KPI discrepancies between the sides" in alert["evidence"]


def test_the_csv_format_documents_every_signal_kind():
    from detente.analysis.warning import ALL_SIGNAL_KINDS  # noqa: PLC0415

    doc = (EXAMPLE.parents[2] / "docs" / "engines" / "warning.md").read_text(encoding="utf-8")
    csv_format = doc.split("## CSV format")[1].split("\n## ")[0]
    for kind in ALL_SIGNAL_KINDS:
        assert f"`{kind}`" in csv_format, kind
