"""Import measurements from a CSV or XLSX file, all or nothing.

The file is read whole and every row is validated through ``MeasurementForm`` before
anything is written; one bad row refuses the file, and each problem is reported as row,
column and reason. Rows are numbered as a spreadsheet shows them: the header is row 1, the
first value is row 2. Entirely blank rows are skipped.

Columns (header names, any order, case-insensitive):

* ``kpi`` (required): the KPI's id or its exact name;
* ``period`` (required): a quarter ``2026Q1`` or a month ``2026-03``, as the KPI is measured;
* ``value`` (required): a number in the KPI's unit (``7`` for 7 %);
* ``side`` (optional): the reporting side's name; defaults to your side;
* ``visibility`` (optional): ``joint`` (default) or ``private``;
* ``notes`` (optional).

A row for a KPI, side and period that already has a value updates that value.

Limits: files up to ``MAX_BYTES`` and ``MAX_ROWS`` data rows; larger files are refused
whole (split them), which keeps an import to one short transaction. An XLSX is sized up
from its ZIP directory before any of it is parsed (``spreadsheets.check_xlsx``), a cell
holds at most ``MAX_CELL_CHARS`` characters, and an error repeats at most 100 characters of
a value (``spreadsheets.clip``).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction

from detente import audit
from detente.alliances.models import Signal
from detente.objectives import services
from detente.objectives.forms import MeasurementForm, visible_kpis
from detente.objectives.models import Measurement
from detente.records.models import Side
from detente.records.visibility import JOINT, AllianceAccess
from detente.spreadsheets import UnsafeUpload, check_xlsx, clip, restore

MAX_BYTES = 2 * 1024 * 1024  # 2 MiB
MAX_ROWS = 5000
MAX_CELL_CHARS = 10_000
# Cells read from an XLSX sheet, empty ones included: room for every row with 50 columns.
MAX_CELLS = (MAX_ROWS + 1) * 50
REQUIRED = ["kpi", "period", "value"]
OPTIONAL = ["side", "visibility", "notes"]
COLUMNS = REQUIRED + OPTIONAL
# Form field -> file column, for error messages.
FIELD_COLUMNS = {
    "kpi": "kpi",
    "period": "period",
    "value": "value",
    "notes": "notes",
    "visibility": "visibility",
    "owner_side": "side",
}


@dataclass
class Problem:
    row: int | None  # None: the file as a whole
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class ImportRefused(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass
class PlannedRow:
    row: int
    form: MeasurementForm
    before: dict | None

    @property
    def action(self) -> str:
        return "update" if self.before is not None else "create"


@dataclass
class ImportResult:
    rows: list[dict[str, Any]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    signals: list[Signal] = field(default_factory=list)
    dry_run: bool = False


# Reading ----------------------------------------------------------------------------------


def read_file(name: str, content: bytes) -> list[tuple[int, dict[str, str]]]:
    """The data rows of a CSV or XLSX file as (row number, {column: text}); checks the shape."""
    if len(content) == 0:
        raise ImportRefused([Problem(None, "", "The file is empty.")])
    if len(content) > MAX_BYTES:
        raise ImportRefused(
            [
                Problem(
                    None,
                    "",
                    f"The file is {len(content) / 1024 / 1024:.1f} MiB; the limit "
                    f"is {MAX_BYTES // 1024 // 1024} MiB. Split it into smaller files.",
                )
            ]
        )
    lower = (name or "").lower()
    if content[:4] == b"PK\x03\x04" or lower.endswith(".xlsx"):
        table = _xlsx_rows(content)
    elif lower.endswith((".csv", ".txt")) or not lower:
        table = _csv_rows(content)
    else:
        raise ImportRefused([Problem(None, "", "Upload a .csv or an .xlsx file.")])
    return _with_header(table)


def _csv_rows(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(
            [Problem(None, "", "The file is not UTF-8 text; save it as 'CSV UTF-8'.")]
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    if "\t" in first_line and first_line.count("\t") > first_line.count(delimiter):
        delimiter = "\t"
    rows = []
    try:
        for i, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)):
            if i > MAX_ROWS + 1:
                _too_many()
            rows.append(row)
    except csv.Error as exc:
        raise ImportRefused([Problem(None, "", f"The CSV cannot be read: {exc}.")]) from None
    return rows


def _xlsx_rows(content: bytes) -> list[list[str]]:
    import openpyxl

    try:
        check_xlsx(content)
    except UnsafeUpload as exc:
        raise ImportRefused([Problem(None, "", str(exc))]) from None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportRefused(
            [Problem(None, "", f"The file is not a readable .xlsx workbook ({clip(exc)}).")]
        ) from None
    try:
        sheet = workbook.worksheets[0]
        # The sheet's declared size is not trusted: "A1:XFD1048576" would pad every row to
        # 16,384 cells. Without it, rows hold the cells the file really has.
        sheet.reset_dimensions()
        rows = []
        cells = 0
        for i, row in enumerate(sheet.iter_rows(values_only=True)):
            if i > MAX_ROWS + 1:
                _too_many()
            cells += len(row)
            if cells > MAX_CELLS:
                raise ImportRefused(
                    [
                        Problem(
                            None,
                            "",
                            f"The sheet has more than {MAX_CELLS:,} cells; keep to the "
                            "columns the import reads, or save it as CSV.",
                        )
                    ]
                )
            rows.append([_cell_text(v) for v in row])
        return rows
    finally:
        workbook.close()


def _too_many() -> None:
    raise ImportRefused(
        [
            Problem(
                None,
                "",
                f"The file has more than {MAX_ROWS} data rows; split it into smaller files.",
            )
        ]
    )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        # 5000.0 -> "5000"; 0.1 stays "0.1" (repr is the shortest exact form).
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        # A month typed into Excel often becomes a date; read it back as the month.
        return f"{value.year}-{value.month:02d}"
    return str(value).strip()


def _with_header(table: list[list[str]]) -> list[tuple[int, dict[str, str]]]:
    # An export's formula guard (a leading apostrophe) is taken off again, so that a file
    # exported by detente re-imports exactly.
    numbered = [(i + 1, [restore(c.strip()) for c in row]) for i, row in enumerate(table)]
    numbered = [(n, row) for n, row in numbered if any(row)]
    if not numbered:
        raise ImportRefused([Problem(None, "", "The file is empty.")])
    header_row, header = numbered[0]
    names = [h.lower() for h in header]
    problems = []
    seen: set[str] = set()
    for name in names:
        if not name:
            continue
        if name not in COLUMNS:
            problems.append(
                Problem(
                    header_row,
                    clip(name),
                    f"Unknown column '{clip(name)}'. The columns are: " + ", ".join(COLUMNS) + ".",
                )
            )
        elif name in seen:
            problems.append(Problem(header_row, name, f"The column '{name}' appears twice."))
        seen.add(name)
    for name in REQUIRED:
        if name not in names:
            problems.append(Problem(header_row, name, f"The column '{name}' is missing."))
    if problems:
        raise ImportRefused(problems)
    data = numbered[1:]
    if not data:
        raise ImportRefused([Problem(None, "", "The file has a header but no data rows.")])
    if len(data) > MAX_ROWS:
        _too_many()
    rows = []
    for n, row in data:
        for i, cell in enumerate(row):
            if len(cell) > MAX_CELL_CHARS:
                column = names[i] if i < len(names) else ""
                problems.append(
                    Problem(
                        n,
                        column,
                        f"This cell holds {len(cell):,} characters; the limit is "
                        f"{MAX_CELL_CHARS:,}.",
                    )
                )
        values = {name: (row[i] if i < len(row) else "") for i, name in enumerate(names) if name}
        extra = [v for i, v in enumerate(row) if v and (i >= len(names) or not names[i])]
        if extra:
            raise ImportRefused(
                [Problem(n, "", "This row has more cells than the header has columns.")]
            )
        rows.append((n, values))
    if problems:
        raise ImportRefused(problems)
    return rows


# Validating -------------------------------------------------------------------------------


def plan(access: AllianceAccess, rows: list[tuple[int, dict[str, str]]]) -> list[PlannedRow]:
    """Validate every row; raise ImportRefused with all problems, or return what to write."""
    kpis = list(visible_kpis(access))
    by_id = {str(k.pk): k for k in kpis}
    by_name: dict[str, list] = {}
    for k in kpis:
        by_name.setdefault(k.name.strip().lower(), []).append(k)
    side_names: dict[str, Any] = {}
    for each in access.sides:
        side_names[str(each).lower()] = each
        side_names[each.organisation.name.lower()] = each
    default_side = access.default_side
    problems: list[Problem] = []
    planned: list[PlannedRow] = []
    seen: dict[tuple, int] = {}
    for n, values in rows:
        row_problems: list[Problem] = []
        kpi = _resolve_kpi(values.get("kpi", ""), by_id, by_name, n, row_problems)
        side: Side | None = default_side
        side_text = values.get("side", "")
        if side_text:
            side = side_names.get(side_text.lower())
            if side is None:
                row_problems.append(
                    Problem(n, "side", f"No side named '{clip(side_text)}' in this alliance.")
                )
            elif side.pk not in access.writable_side_ids:
                row_problems.append(Problem(n, "side", f"You cannot report values for {side}."))
        if row_problems or kpi is None or side is None:
            problems.extend(row_problems)
            continue
        data = {
            "kpi": kpi.pk,
            "period": values.get("period", ""),
            "value": values.get("value", ""),
            "notes": values.get("notes", ""),
            "visibility": (values.get("visibility") or JOINT).lower(),
            "owner_side": side.pk,
        }
        instance = _existing(kpi, side, data["period"])
        before = audit.snapshot(instance) if instance else None
        form = MeasurementForm(data=data, instance=instance, access=access)
        if not form.is_valid():
            for field_name, messages in form.errors.items():
                column = FIELD_COLUMNS.get(field_name, "")
                for message in messages:
                    problems.append(Problem(n, column, _clipped(str(message), values)))
            continue
        key = (kpi.pk, side.pk, form.cleaned_data["period"])
        if key in seen:
            problems.append(
                Problem(
                    n,
                    "period",
                    f"Row {seen[key]} already gives {kpi.name} for "
                    f"{form.cleaned_data['period']} and {side}.",
                )
            )
            continue
        seen[key] = n
        planned.append(PlannedRow(n, form, before))
    if problems:
        raise ImportRefused(problems)
    return planned


def _clipped(message: str, values: dict[str, str]) -> str:
    """A form's message with any long value of the row it repeats cut to 100 characters
    (Django's choice fields say "Select a valid choice. <value> is not one of ...")."""
    for value in sorted(values.values(), key=len, reverse=True):
        if len(value) > 100 and value in message:
            message = message.replace(value, clip(value))
    return message


def _resolve_kpi(text: str, by_id: dict, by_name: dict, n: int, problems: list[Problem]) -> Any:
    text = text.strip()
    if not text:
        problems.append(Problem(n, "kpi", "Give the KPI's id or name."))
        return None
    if text in by_id:
        return by_id[text]
    matches = by_name.get(text.lower(), [])
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        ids = ", ".join(str(k.pk) for k in matches)
        problems.append(
            Problem(n, "kpi", f"Several KPIs are named '{clip(text)}'; give its id ({ids}).")
        )
    else:
        problems.append(
            Problem(n, "kpi", f"No KPI '{clip(text)}' that you can see in this alliance.")
        )
    return None


def _existing(kpi: Any, side: Any, period_text: str) -> Measurement | None:
    from detente.objectives import periods

    try:
        period = periods.parse(period_text).label
    except periods.PeriodError:
        return None
    # The importer's own side's value: always one the importer may change.
    return Measurement.objects.filter(kpi=kpi, owner_side=side, period=period).first()


# Writing ----------------------------------------------------------------------------------


def import_file(
    access: AllianceAccess, name: str, content: bytes, *, dry_run: bool = False
) -> ImportResult:
    """Read, validate and (unless ``dry_run``) write a file of measurements, all or nothing."""
    return import_rows(access, read_file(name, content), dry_run=dry_run)


def import_rows(
    access: AllianceAccess, rows: list[tuple[int, dict[str, str]]], *, dry_run: bool = False
) -> ImportResult:
    planned = plan(access, rows)
    result = ImportResult(dry_run=dry_run)
    for p in planned:
        d = p.form.cleaned_data
        side = d.get("owner_side") or p.form.instance.owner_side
        result.rows.append(
            {
                "row": p.row,
                "kpi_id": d["kpi"].pk,
                "kpi": d["kpi"].name,
                "period": d["period"],
                "side_id": side.pk,
                "side": str(side),
                "value": d["value"],
                "visibility": d["visibility"],
                "action": p.action,
            }
        )
    if dry_run:
        return result
    signal_ids: list[int] = []
    with transaction.atomic():
        for p in planned:
            _, signals = services.save_measurement(access, p.form, before=p.before)
            signal_ids += [s.pk for s in signals]
            if p.before is None:
                result.created += 1
            else:
                result.updated += 1
    # Report only the signals the importer may see: a signal private to the other side
    # (its private value differs from ours) must not be hinted at.
    result.signals = list(access.records(Signal).filter(pk__in=signal_ids))
    return result
