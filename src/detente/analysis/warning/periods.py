"""Period labels: quarters ("2026Q1") by default, months ("2026-01") for teams that check
monthly. The engine only needs their order, so each label becomes an ordinal number."""

from __future__ import annotations

import re

_QUARTER = re.compile(r"^(\d{4})\s*-?\s*[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def period_ordinal(label: str) -> tuple[str, int]:
    """(kind, ordinal) of a period label; raises ValueError with the reason."""
    text = label.strip()
    if m := _QUARTER.match(text):
        return "quarter", int(m.group(1)) * 4 + int(m.group(2)) - 1
    if m := _MONTH.match(text):
        return "month", int(m.group(1)) * 12 + int(m.group(2)) - 1
    raise ValueError(f"{label!r} is not a period like 2026Q1 (or 2026-01 for months)")


def period_label(kind: str, ordinal: int) -> str:
    if kind == "quarter":
        return f"{ordinal // 4}Q{ordinal % 4 + 1}"
    return f"{ordinal // 12}-{ordinal % 12 + 1:02d}"
