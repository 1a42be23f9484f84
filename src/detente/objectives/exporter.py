"""Export measurements as CSV, in the columns the importer reads, so an export re-imports.

Only what the reader may see goes in (``visible_measurements``): a side's private values and
the values of its private objectives' KPIs never reach the other side's file. The ``kpi``
column holds the KPI's name, which another alliance with the same KPIs resolves too; a name
shared by two KPIs the reader sees is written as the KPI's id instead, as the importer asks.
``?side=<id>`` limits a file to one side's values, which that side's writers may import.
"""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

from django.utils.text import slugify

from detente.objectives.charts import visible_measurements
from detente.objectives.forms import visible_kpis
from detente.objectives.importer import COLUMNS
from detente.objectives.models import KPI, number_text
from detente.records.visibility import PRIVATE, AllianceAccess
from detente.spreadsheets import SafeDictWriter


def export_rows(
    access: AllianceAccess, *, kpi: KPI | None = None, side_id: int | None = None
) -> list[dict[str, str]]:
    names = Counter(k.name.strip().lower() for k in visible_kpis(access))
    measurements = visible_measurements(access).select_related(
        "kpi__objective", "owner_side__organisation"
    )
    if kpi is not None:
        measurements = measurements.filter(kpi=kpi)
    if side_id is not None:
        measurements = measurements.filter(owner_side_id=side_id)
    rows = []
    for m in measurements.order_by("kpi__name", "kpi_id", "period_start", "owner_side_id"):
        unique = names[m.kpi.name.strip().lower()] == 1
        rows.append(
            {
                "kpi": m.kpi.name.strip() if unique else str(m.kpi_id),
                "period": m.period,
                "value": number_text(m.value),
                "side": str(m.owner_side),
                # A value of a private objective's KPI is private whatever it says, as the
                # importer (through the form) requires.
                "visibility": PRIVATE if m.kpi.objective.is_private else m.visibility,
                "notes": m.notes,
            }
        )
    return rows


def export_csv(
    access: AllianceAccess, *, kpi: KPI | None = None, side_id: int | None = None
) -> str:
    buffer = io.StringIO(newline="")
    writer = SafeDictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(export_rows(access, kpi=kpi, side_id=side_id))
    return buffer.getvalue()


def filename(access: AllianceAccess, kpi: KPI | None = None) -> str:
    what = slugify(kpi.name) if kpi is not None else "measurements"
    return f"{slugify(access.alliance.name) or 'alliance'}-{what or 'kpi'}.csv"


def parse_side(access: AllianceAccess, text: Any) -> int | None:
    """``?side=<id>`` limits the file to one side's values; an id not of this alliance is
    ignored rather than trusted."""
    try:
        side_id = int(text)
    except (TypeError, ValueError):
        return None
    return side_id if any(s.pk == side_id for s in access.sides) else None
