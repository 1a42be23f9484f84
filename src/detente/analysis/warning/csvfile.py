"""The portfolio CSV: one row per alliance, period, side and measure (a public contract,
documented in docs/engines/warning.md)."""

from __future__ import annotations

import csv
from itertools import islice
from pathlib import Path

import numpy as np

from ..files import InputError
from .panel import Table
from .pause import gc_paused

COLUMNS = ("alliance", "period", "side", "measure", "value")


def read_portfolio(path: str | Path) -> Table:
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
