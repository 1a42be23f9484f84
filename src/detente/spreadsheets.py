"""What every spreadsheet detente writes or reads goes through (docs/security.md).

Exports: a cell a spreadsheet would read as a formula (it starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) is written with a leading apostrophe, as OWASP advises
against CSV injection, so that a title one side typed cannot run as a formula on the other
side's machine. A plain number (``-12.5``) is left as it is: it cannot run, and a
spreadsheet must still read it as a number. Importers call ``restore`` on every cell, so an
export re-imports exactly.

Imports: ``check_xlsx`` refuses an XLSX whose ZIP members would inflate beyond a bound
before any XML is parsed, and ``clip`` keeps an echoed value short in error messages.

This module imports no product area: every export and importer may use it.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from typing import Any

# OWASP's list, with the full-width forms some spreadsheets read as the same operators.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
PREFIX = "'"
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _needs_prefix(text: str) -> bool:
    # Apostrophes already at the start count too, so that ``restore(neutralise(x)) == x``
    # also for a text such as "'=x" that a person typed.
    rest = text.lstrip(PREFIX)
    return rest.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(rest)


def neutralise(value: Any) -> Any:
    """The cell as an export writes it: text that would start a formula gets an apostrophe.
    Numbers, dates and other non-text values are returned unchanged."""
    if isinstance(value, str) and _needs_prefix(value):
        return PREFIX + value
    return value


def restore(text: str) -> str:
    """The inverse of ``neutralise``, for importers: drop the apostrophe it added."""
    if text.startswith(PREFIX) and _needs_prefix(text[len(PREFIX) :]):
        return text[len(PREFIX) :]
    return text


class SafeWriter:
    """``csv.writer`` whose every cell goes through ``neutralise``."""

    def __init__(self, stream: Any, **kwargs: Any) -> None:
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter(csv.DictWriter):
    """``csv.DictWriter`` whose every cell goes through ``neutralise``."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({k: neutralise(v) for k, v in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for row in rowdicts:
            self.writerow(row)


# Reading uploads ---------------------------------------------------------------------------

ECHO_CHARS = 100  # at most this much of a user's value is repeated in an error message
MAX_XLSX_MEMBERS = 200
MAX_XLSX_MEMBER_BYTES = 8 * 1024 * 1024
MAX_XLSX_TOTAL_BYTES = 16 * 1024 * 1024


class UnsafeUpload(ValueError):
    """The upload is refused before it is parsed; the message says why, in plain words."""


def clip(value: Any, limit: int = ECHO_CHARS) -> str:
    """A user's value as an error message may echo it: at most ``limit`` characters."""
    text = str(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


def check_xlsx(content: bytes) -> None:
    """Refuse an XLSX (a ZIP) whose members would inflate beyond the bounds, from the ZIP's
    directory alone. Python's zipfile stops a member at its declared size (and fails the
    CRC check if more was hidden), so the declared sizes bound what any later parse reads."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnsafeUpload("The file is not a readable .xlsx workbook.") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_XLSX_MEMBERS:
            raise UnsafeUpload(
                f"The workbook has {len(members):,} parts; a measurements workbook needs far "
                f"fewer (the limit is {MAX_XLSX_MEMBERS}). Save it again as a plain .xlsx."
            )
        total = 0
        for member in members:
            total += member.file_size
            if member.file_size > MAX_XLSX_MEMBER_BYTES or total > MAX_XLSX_TOTAL_BYTES:
                raise UnsafeUpload(
                    f"The workbook unpacks to more than a measurements file needs (its part "
                    f"{clip(member.filename, 60)} alone is {member.file_size / 1024 / 1024:.1f} "
                    f"MiB; the limits are {MAX_XLSX_MEMBER_BYTES // 1024 // 1024} MiB a part and "
                    f"{MAX_XLSX_TOTAL_BYTES // 1024 // 1024} MiB in all). It was refused unread: "
                    "split it into smaller files or save it as CSV."
                )
