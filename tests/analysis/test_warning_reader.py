"""`detente warn` reads a file by columns (pyarrow) and gives exactly what the row reader
(the csv module, record by record) gives: the same table, the same alerts, the same message
naming the row and the column of a bad file. The row reader is the reference."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.analysis.files import InputError
from detente.analysis.warning import Settings
from detente.analysis.warning.csvfile import read_columns, read_portfolio, read_rows
from detente.analysis.warning.engine import scan_panel
from detente.analysis.warning.measures import CATALOGUE, SIGNAL_KINDS
from detente.analysis.warning.panel import build_panel
from detente.cli import main

HEADER = "alliance,period,side,measure,value"
LEVELS = {"alignment": 3.9, "adherence": 92.0, "roi": 6.0, "overdue": 1.0, "trust": 4.0}


def outcome(reader, path) -> list[dict] | str:
    """Every alert (all fields) of the file, or the message of its first problem."""
    try:
        table = reader(path)
        for calibrate in (False, True):
            chosen = Settings(calibrate=calibrate)
            alerts = scan_panel(build_panel(table, (), None, chosen), chosen)
        return [a.as_dict() for a in alerts]
    except InputError as exc:
        return f"error: {exc}"


def same_table(a, b) -> None:
    for column in ("alliance", "period", "side", "measure"):
        assert getattr(a, column).tolist() == getattr(b, column).tolist(), column
    assert np.array_equal(a.value, b.value) and a.value.dtype == b.value.dtype
    assert np.array_equal(np.signbit(a.value), np.signbit(b.value))  # -0 stays -0
    assert a.rows.tolist() == b.rows.tolist()


def portfolio_lines(seed: int, monthly: bool = False) -> list[list[str]]:
    """Records of a mixed portfolio: two-sided, one-sided and joint alliances, skipped
    periods, a drop, recorded signals, survey dimensions, counts."""
    rng = np.random.default_rng(seed)
    records = []
    for i in range(40):
        name = f"Alliance {i}, Ltd" if i % 7 == 0 else f"a-{i:02d}"  # a comma: quoted
        sides = ("joint",) if i % 10 == 0 else ("Acme",) if i % 10 == 1 else ("Acme", "Beta")
        for t in range(12):
            period = (
                f"{2021 + t // 12}-{t % 12 + 1:02d}" if monthly else f"{2021 + t // 4}Q{t % 4 + 1}"
            )
            for measure, level in LEVELS.items():
                spec = CATALOGUE.get(measure, CATALOGUE["alignment"])
                for side in sides:
                    if rng.random() < 0.1:
                        continue  # a skipped answer
                    value = level + spec.swing * rng.standard_normal()
                    if i % 3 == 0 and t >= 8:
                        value -= 3 * spec.swing if spec.higher_is_better else -3 * spec.swing
                    low = spec.low if spec.low is not None else -np.inf
                    high = spec.high if spec.high is not None else np.inf
                    value = float(np.clip(value, low, high))
                    text = f"{round(value)}" if measure == "overdue" else f"{value:.{i % 4 + 1}f}"
                    records.append([name, period, side, measure, text])
            if rng.random() < 0.15:
                kind = sorted(SIGNAL_KINDS)[int(rng.integers(0, 3))]
                records.append([name, period, "Beta", kind, str(int(rng.integers(1, 3)))])
    order = rng.permutation(len(records))
    return [records[k] for k in order]


def quote(cell: str, always: bool) -> str:
    if always or "," in cell or '"' in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


def write(path, header: str, records, *, newline="\n", bom=False, quote_all=False, tail=""):
    lines = [header] + [",".join(quote(c, quote_all) for c in r) for r in records]
    text = newline.join(lines) + newline + tail
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"newline": "\r\n"},
        {"bom": True},
        {"quote_all": True},
        {"bom": True, "newline": "\r\n", "quote_all": True},
        {"tail": "\n\n"},  # blank lines after the last record number nothing
        {"monthly": True},
    ],
    ids=repr,
)
def test_a_well_formed_file_is_read_by_columns_into_the_row_readers_table(tmp_path, form):
    form = dict(form)
    records = portfolio_lines(2026, monthly=form.pop("monthly", False))
    path = tmp_path / "portfolio.csv"
    write(path, HEADER, records, **form)
    columns = read_columns(path)
    assert columns is not None  # the columnar reader took it
    same_table(columns, read_rows(path))
    assert outcome(read_portfolio, path) == outcome(read_rows, path)


def test_columns_in_any_order_with_extra_ones_and_a_loose_header_read_the_same(tmp_path):
    records = portfolio_lines(7)
    path = tmp_path / "portfolio.csv"
    header = " Value ,note,MEASURE,Side,period,Alliance"
    rows = [[r[4], "n/a", r[3], r[2], r[1], r[0]] for r in records]
    write(path, header, rows)
    columns = read_columns(path)
    assert columns is not None
    same_table(columns, read_rows(path))
    assert outcome(read_portfolio, path) == outcome(read_rows, path)


@pytest.mark.parametrize("seed", range(4))
def test_random_files_give_the_row_readers_alerts(tmp_path, seed):
    rng = np.random.default_rng(seed)
    records = portfolio_lines(100 + seed, monthly=bool(seed % 2))
    # Padding and odd spellings the engine cleans: spaces around names, a measure's case.
    for r in records[:: int(rng.integers(5, 20))]:
        r[0], r[3] = f" {r[0]} ", r[3].upper()
    path = tmp_path / "random.csv"
    write(path, HEADER, records, newline=("\n", "\r\n")[seed % 2], quote_all=seed == 3)
    assert read_columns(path) is not None
    alerts = outcome(read_portfolio, path)
    assert alerts == outcome(read_rows, path)
    assert isinstance(alerts, list) and alerts


# Files the columnar reader hands to the row reader (it would not number the rows, or read
# a value, the same way) and files with a problem: the outcome is the row reader's.
H = (HEADER + "\n").encode()
ODD_FILES = {
    "empty": b"",
    "only a BOM": b"\xef\xbb\xbf",
    "BOM and header": b"\xef\xbb\xbf" + H + b"X,2026Q1,A,alignment,4\n",
    "header only": HEADER.encode() + b"\n",
    "header without a newline": HEADER.encode(),
    "wrong header": b"name,quarter,side,measure,value\nX,2026Q1,A,alignment,4\n",
    "blank line between records": H + b"X,2026Q1,A,alignment,4\n\nX,2026Q2,A,alignment,9\n",
    "line of empty cells": H + b"X,2026Q1,A,alignment,4\n,,,,\nX,2026Q2,A,alignment,3\n",
    "line of spaces": H + b"X,2026Q1,A,alignment,4\n   \nX,2026Q2,A,alignment,3\n",
    "quoted line break": H + b'"X\nY",2026Q1,A,alignment,4\nX,2026Q2,A,alignment,9\n',
    "lone carriage returns": H + b"X,2026Q1,A,alignment,4\rX,2026Q2,A,alignment,9\r",
    "ragged record": H + b"X,2026Q1,A,alignment,4\nX,2026Q2,A\n",
    "long record": H + b"X,2026Q1,A,alignment,4,extra\nX,2026Q2,A,alignment,3\n",
    "not UTF-8 in a name": H + b"X\xff,2026Q1,A,alignment,4\n",
    "not UTF-8 in an extra column": b"alliance,period,side,measure,value,note\n"
    b"X,2026Q1,A,alignment,4,\xe9t\xe9\n",
    "UTF-8 in an extra column": b"alliance,period,side,measure,value,note\n"
    b"X,2026Q1,A,alignment,4,\xc3\xa9t\xc3\xa9\n",
    "Latin-1 file": H + "Café,2026Q1,A,alignment,4\n".encode("latin-1"),
    "percent value": H + b"X,2026Q1,A,adherence,95%\nX,2026Q2,A,adherence,90 %\n",
    "word as value": H + b"X,2026Q1,A,alignment,4\nX,2026Q2,A,alignment,high\n",
    "empty value": H + b"X,2026Q1,A,alignment,4\nX,2026Q2,A,alignment,\n",
    "NA value": H + b"X,2026Q1,A,alignment,NA\n",
    "nan value": H + b"X,2026Q1,A,roi,nan\n",
    "inf value": H + b"X,2026Q1,A,roi,inf\n",
    "-Infinity value": H + b"X,2026Q1,A,roi,-Infinity\n",
    "huge value": H + b"X,2026Q1,A,roi,1e400\n",
    "huge but finite": H + b"X,2026Q1,A,roi,1.7e308\nX,2026Q2,A,roi,-1.7e308\n",
    "tiny value": H + b"X,2026Q1,A,roi,1e-400\nX,2026Q2,A,roi,-0\n",
    "underscored number": H + b"X,2026Q1,A,roi,1_000\n",
    "padded number": H + b"X,2026Q1,A,roi, 4 \nX,2026Q2,A,roi,+5\n",
    "hex number": H + b"X,2026Q1,A,roi,0x10\n",
    "quoted number": H + b'X,2026Q1,A,roi,"4"\n',
    "empty alliance": H + b",2026Q1,A,alignment,4\n",
    "NA alliance": H + b"NA,2026Q1,A,alignment,4\nNA,2026Q2,A,alignment,3\n",
    "bad period": H + b"X,2026Q1,A,alignment,4\nX,2026-Q5,A,alignment,4\n",
    "months and quarters": H + b"X,2026Q1,A,alignment,4\nX,2026-02,A,alignment,4\n",
    "out of range": H + b"X,2026Q1,A,alignment,7\n",
    "repeated record": H + b"X,2026Q1,A,alignment,4\nX,2026Q1,A,alignment,3\n",
    "fractional signal": H + b"X,2026Q1,A,overdue,4\nX,2026Q1,A,messaging_shifts,1.5\n",
    "only signals": H + b"X,2026Q1,A,messaging_shifts,2\n",
    "quote inside a name": H + b'ab"c,2026Q1,A,alignment,4\n"a""b",2026Q2,A,alignment,3\n',
    "quote after a quoted part": H + b'"a"b,2026Q1,A,alignment,4\n',
    "unclosed quote": H + b'"X,2026Q1,A,alignment,4\nX,2026Q2,A,alignment,3\n',
}


@pytest.mark.parametrize("body", ODD_FILES.values(), ids=ODD_FILES.keys())
def test_an_odd_or_bad_file_gets_the_row_readers_outcome(tmp_path, body):
    path = tmp_path / "odd.csv"
    path.write_bytes(body)
    assert outcome(read_portfolio, path) == outcome(read_rows, path)


@pytest.mark.parametrize("body", ODD_FILES.values(), ids=ODD_FILES.keys())
def test_no_file_makes_detente_warn_print_a_traceback(tmp_path, capsys, body):
    path = tmp_path / "odd.csv"
    path.write_bytes(body)
    assert main(["warn", str(path)]) in (0, 2)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err


def test_a_bad_value_deep_in_a_large_file_is_named_by_its_line(tmp_path):
    records = portfolio_lines(3)
    records[len(records) // 2][4] = "n/a"
    path = tmp_path / "bad.csv"
    write(path, HEADER, records)
    message = outcome(read_portfolio, path)
    assert message == f"error: row {len(records) // 2 + 2}, value: 'n/a' is not a number"


RECORDS = st.tuples(
    st.sampled_from(["X", "Y", " X", "x,y", 'q"q', "", "é", "NA"]),
    st.sampled_from(["2026Q1", "2026Q2", "2026 Q3", "2026-03", "2026Q5", ""]),
    st.sampled_from(["A", "B", "both", "JOINT", ""]),
    st.sampled_from(["alignment", "roi", "ADHERENCE", " trust", "messaging_shifts", ""]),
    st.sampled_from(["4", "3.5", "-0", "1e0", "0.1", "2.000000000000001", "1.5", "7", "3"])
    | st.sampled_from(["95%", "nan", "inf", "NA", "", "\t2", "1_0", "x"]),
).map(list)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    records=st.lists(RECORDS, min_size=1, max_size=8),
    newline=st.sampled_from(["\n", "\r\n"]),
    quote_all=st.booleans(),
    bom=st.booleans(),
)
def test_any_small_file_gets_the_same_outcome_from_both_readers(
    tmp_path, records, newline, quote_all, bom
):
    path = tmp_path / "any.csv"
    write(path, HEADER, records, newline=newline, quote_all=quote_all, bom=bom)
    assert outcome(read_portfolio, path) == outcome(read_rows, path)


@pytest.mark.parametrize("periods", [8, 400], ids=["dense keys", "sparse keys"])
def test_cells_are_numpys_unique_keys_whether_counted_or_sorted(periods):
    from detente.analysis.warning.panel import Table, _cells  # noqa: PLC0415

    rng = np.random.default_rng(periods)
    n = 3000
    key = rng.choice(40 * 5 * periods * 2, size=n, replace=False)  # no repeats
    a, m, p, s = key // (5 * periods * 2), key // (periods * 2) % 5, key // 2 % periods, key % 2
    p = p + 8000
    table = Table(*(np.zeros(n, dtype=object),) * 4, value=np.zeros(n), rows=np.arange(2, n + 2))
    cells, cell, p_min, span = _cells(table, np.arange(n), a, m, p, s, 5, 2)
    want_cells, want_cell = np.unique((a * 5 + m) * span + (p - p_min), return_inverse=True)
    assert np.array_equal(cells, want_cells) and np.array_equal(cell, want_cell)


@pytest.mark.parametrize("periods", [8, 400], ids=["dense keys", "sparse keys"])
def test_a_repeat_names_the_pair_the_lexsort_puts_first(periods):
    from detente.analysis.warning.panel import Table, _cells  # noqa: PLC0415

    rng = np.random.default_rng(periods)
    n = 2000
    a, m = rng.integers(0, 40, n), rng.integers(0, 5, n)
    p, s = rng.integers(0, periods, n), rng.integers(0, 2, n)
    order = np.lexsort((s, p, m, a))
    same = np.flatnonzero(
        (a[order][1:] == a[order][:-1])
        & (m[order][1:] == m[order][:-1])
        & (p[order][1:] == p[order][:-1])
        & (s[order][1:] == s[order][:-1])
    )
    assert same.size  # the draw has repeats
    first, second = sorted(order[same[0] : same[0] + 2] + 2)
    table = Table(*(np.zeros(n, dtype=object),) * 4, value=np.zeros(n), rows=np.arange(2, n + 2))
    with pytest.raises(InputError) as raised:
        _cells(table, np.arange(n), a, m, p, s, 5, 2)
    assert str(raised.value) == (
        f"row {second}: repeats the alliance, period, side and measure of row {first}"
    )
