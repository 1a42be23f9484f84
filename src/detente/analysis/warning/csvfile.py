"""The portfolio CSV: one row per alliance, period, side and measure (a public contract,
documented in docs/engines/warning.md).

Two readers give the same table. :func:`read_columns` reads a well-formed file with
pyarrow's multi-threaded CSV reader straight into numpy columns, each text column as its
distinct values and one small integer per row (:class:`~.panel.Coded`), so no Python object
is made per row. Anything it is not sure to read exactly as the row reader would (a bad
value, a ragged or blank line, a quoted line break, a lone carriage return, text that is not
UTF-8, an empty file) sends the file to :func:`read_rows`, the csv-module reader that names
the row and the column of a problem.
"""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

from ..files import InputError
from .panel import Coded, Table
from .pause import gc_paused

COLUMNS = ("alliance", "period", "side", "measure", "value")
_BLOCK = 1 << 24  # bytes per read when checking a file's lines


def read_portfolio(path: str | Path) -> Table:
    """The file's rows as columns: by columns when the file is well-formed, else by rows."""
    path = Path(path)
    table = read_columns(path)
    return table if table is not None else read_rows(path)


@dataclass(frozen=True)
class _Shape:
    lines: int  # up to the last one with text; "\n" and "\r\n" end a line
    quoted: bool  # a quote character somewhere: a value may hold a line break


def _shape(path: Path) -> _Shape | None:
    """Lines and quotes of a UTF-8 file whose lines end in "\n" or "\r\n"; None for an
    empty file, a lone "\r" (a line end to the csv module, read differently in quotes by
    pyarrow) or bytes that are not UTF-8. Blank lines at the end number no record, so
    they do not count."""
    newlines = 0
    quoted = returns = False
    decoder = None  # an incremental UTF-8 decoder from the first non-ASCII block on
    block = last = b""
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            newlines += block.count(b"\n")
            returns = returns or b"\r" in block
            quoted = quoted or b'"' in block
            if decoder is None and not block.isascii():
                decoder = codecs.getincrementaldecoder("utf-8")()
            if decoder is not None:
                decoder.decode(block)  # raises UnicodeDecodeError
            last = block
    if decoder is not None:
        decoder.decode(b"", final=True)
    text = last.rstrip(b"\r\n")
    if not text:
        return None  # empty, or its end spans blocks: the row reader copes
    if returns and _lone_return(path):
        return None
    return _Shape(newlines - last[len(text) :].count(b"\n") + 1, quoted)


def _lone_return(path: Path) -> bool:
    """Whether a "\r" in the file is not followed by "\n"."""
    previous = b""
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            block = previous + block
            if block.count(b"\r") != block.count(b"\r\n") + block.endswith(b"\r"):
                return True
            previous = block[-1:] if block.endswith(b"\r") else b""
    return bool(previous)


def read_columns(path: Path) -> Table | None:
    """The table of a well-formed file read by columns, or None (see the module's doc).

    Well-formed: UTF-8, a one-line header naming the columns, then one line per record,
    each with the header's width and a number as its value; no blank line. Record i is
    then line i + 2, as the row reader numbers it.
    """
    try:
        shape = _shape(path)
        if shape is None:
            return None
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None or reader.line_num != 1:
                return None
    except (OSError, UnicodeDecodeError, csv.Error):
        return None  # the row reader says what is wrong
    names = [h.strip().lower() for h in header]
    if any(c not in names for c in COLUMNS):
        return None
    where = [names.index(c) for c in COLUMNS]
    fields = [f"c{i}" for i in range(len(header))]  # pyarrow's names: unique, unlike a header's
    text = pa.dictionary(pa.int32(), pa.string())
    types = {fields[i]: text for i in where[:4]} | {fields[where[4]]: pa.float64()}
    try:
        arrow = pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(skip_rows=1, column_names=fields),
            parse_options=pa_csv.ParseOptions(newlines_in_values=shape.quoted),
            convert_options=pa_csv.ConvertOptions(
                column_types=types,
                include_columns=[fields[i] for i in where],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, OSError, ValueError):
        return None  # a bad value or a ragged line: the row reader names it
    count = arrow.num_rows
    if count == 0 or shape.lines != count + 1:
        return None  # blank lines, or line breaks inside quotes: rows are not lines
    columns = [arrow.column(fields[i]) for i in where]
    if any(column.null_count for column in columns):
        return None  # "", "NA", "nan" as a value (pyarrow's missing values)
    value = np.empty(count)
    at = 0
    for chunk in columns[4].chunks:
        value[at : at + len(chunk)] = _numbers_of(chunk, np.float64)
        at += len(chunk)
    alliance, period, side, measure = (_coded(column, count) for column in columns[:4])
    del arrow, columns
    return Table(
        alliance=alliance,
        period=period,
        side=side,
        measure=measure,
        value=value,
        rows=np.arange(2, count + 2),
    )


def _numbers_of(array: pa.Array, dtype: type) -> np.ndarray:
    """A null-free numeric arrow array's values as a numpy view (no pandas round trip)."""
    data = array.buffers()[1]
    assert data is not None
    return np.frombuffer(data, dtype=dtype, count=array.offset + len(array))[array.offset :]


def _coded(column: pa.ChunkedArray, count: int) -> Coded:
    """One dictionary-encoded column as Coded: each chunk has its own dictionary, mapped
    onto the values in the order first seen."""
    position: dict[str, int] = {}
    codes = np.empty(count, dtype=np.int32)
    at = 0
    for chunk in column.chunks:
        local = chunk.dictionary.to_pylist()
        remap = np.array([position.setdefault(x, len(position)) for x in local], dtype=np.int32)
        codes[at : at + len(chunk)] = remap[_numbers_of(chunk.indices, np.int32)]
        at += len(chunk)
    values = list(position)
    used = np.bincount(codes, minlength=len(values)) > 0
    if not used.all():  # a chunk's dictionary may hold a value no row of it uses
        values = [v for v, u in zip(values, used.tolist(), strict=True) if u]
        codes = (np.cumsum(used) - 1).astype(np.int32)[codes]
    return Coded(values, codes)


def read_rows(path: str | Path) -> Table:
    """The table of any file, read record by record with the csv module; raises
    InputError naming the row and the column of the first problem."""
    path = Path(path)
    try:
        regular = _read_regular(path)
        if regular is not None:
            return regular
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            where, width = _columns(next(reader, None), path)
            columns: list[list[str]] = [[] for _ in COLUMNS]
            rows: list[int] = []
            for record in reader:
                if not any(cell.strip() for cell in record):
                    continue  # blank lines are harmless
                if len(record) < width:
                    raise InputError(
                        f"row {reader.line_num}",
                        f"has {len(record)} cells, expected at least {width}",
                    )
                for column, index in zip(columns, where, strict=True):
                    column.append(record[index])
                rows.append(reader.line_num)
    except FileNotFoundError:
        raise InputError("", f"file not found: {path}") from None
    except UnicodeDecodeError:
        raise InputError("", f"{path} is not UTF-8 text") from None
    except csv.Error as exc:
        raise InputError("", f"{path} is not a readable CSV file ({exc})") from None
    if not rows:
        raise InputError("", f"{path} has a header but no rows")
    return Table(
        alliance=np.array(columns[0], dtype=object),
        period=np.array(columns[1], dtype=object),
        side=np.array(columns[2], dtype=object),
        measure=np.array(columns[3], dtype=object),
        value=_numbers(columns[4], rows),
        rows=np.array(rows),
    )


def _columns(header: list[str] | None, path: Path) -> tuple[list[int], int]:
    """Where each column is in a record, and how many cells a record needs."""
    if header is None:
        raise InputError("", f"{path} is empty; expected a header {', '.join(COLUMNS)}")
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise InputError(
            "header",
            f"missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (expected {', '.join(COLUMNS)})",
        )
    where = [names.index(c) for c in COLUMNS]
    return where, max(where) + 1


def _read_regular(path: Path) -> Table | None:
    """The table of a regular file, read in blocks of records, or None.

    Regular: every record is one line, has the header's width and a plain number as its
    value. Record i is then line i + 2. Anything else (blank lines, ragged rows, a quoted
    line break, "95%", an empty or bad cell) returns None, and the row-by-row reader
    names the problem or applies its rules.
    """
    try:
        with gc_paused():  # millions of short lists and tuples: see pause.py
            return _read_blocks(path)
    except (UnicodeDecodeError, csv.Error):
        return None  # the row-by-row reader says where, after any earlier bad row


def _read_blocks(path: Path) -> Table | None:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            return None
        names = [h.strip().lower() for h in header]
        if any(c not in names for c in COLUMNS):
            return None
        where = [names.index(c) for c in COLUMNS]
        columns: list[list[str]] = [[] for _ in COLUMNS]
        count = 0
        while block := list(islice(reader, 1 << 12)):
            if {len(record) for record in block} != {len(header)}:
                return None
            cells = list(zip(*block, strict=True))
            for column, index in zip(columns, where, strict=True):
                column.extend(cells[index])
            count += len(block)
        if count == 0 or reader.line_num != count + 1:
            return None
    try:
        value = np.array(columns[4], dtype=float)
    except ValueError:
        return None
    return Table(
        alliance=np.array(columns[0], dtype=object),
        period=np.array(columns[1], dtype=object),
        side=np.array(columns[2], dtype=object),
        measure=np.array(columns[3], dtype=object),
        value=value,
        rows=np.arange(2, count + 2),
    )


def _numbers(texts: list[str], rows: list[int]) -> np.ndarray:
    try:
        # Fast path for a clean file: one numpy conversion instead of a Python loop.
        return np.array(texts, dtype=float)
    except ValueError:
        pass
    values = np.empty(len(texts))
    for i, text in enumerate(texts):
        cleaned = text.strip().removesuffix("%").strip()  # "95%" is a friendly 95
        try:
            values[i] = float(cleaned)
        except ValueError:
            problem = "is empty" if not cleaned else f"{text!r} is not a number"
            raise InputError(f"row {rows[i]}, value", problem) from None
    return values
