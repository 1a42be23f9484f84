"""An organisation's reference class: its completed milestones and its imported past
projects, judged as ``detente realism`` judges a reference class (achieved / planned).

Completed milestones are the met or missed milestones, in the alliances the reader may
open, that the organisation's side sees (joint ones, and its side's own private drafts).
Past projects belong to the organisation and are imported from a CSV file, all or nothing.
The class is private to the organisation: a page shows the class of the reader's own side,
and the realism check may use it only when the check is private
(``detente.goals.forms.RealismCheckForm``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from detente import audit
from detente.accounts.models import Organisation
from detente.analysis.realism.inputs import PastGoal
from detente.analysis.realism.reference import reference_class
from detente.milestones.models import Milestone, PastProject
from detente.records.models import Alliance, Side
from detente.records.visibility import AllianceAccess
from detente.spreadsheets import clip

MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000
COLUMNS = ["name", "planned", "achieved", "notes"]
REQUIRED = ["name", "planned", "achieved"]


def completed_milestones(access: AllianceAccess, organisation: Organisation) -> list[Milestone]:
    """Met or missed milestones that a side of ``organisation`` sees, in the reader's alliances."""
    sides = Side.objects.filter(
        organisation=organisation, alliance__in=Alliance.objects.for_user(access.user)
    )
    found: list[Milestone] = []
    for side in sides:
        found += list(
            Milestone.objects.visible_to_side(side.pk)
            .filter(alliance_id=side.alliance_id)
            .filter(status__in=[Milestone.Status.MET, Milestone.Status.MISSED])
            .order_by("due", "id")
        )
    return found


def past_goals(access: AllianceAccess, side: Side) -> list[dict[str, Any]]:
    """The reference class of ``side``'s organisation, in the realism engine's format."""
    organisation = side.organisation
    goals = [
        {"name": m.title, "planned": m.target, "achieved": m.achieved}
        for m in completed_milestones(access, organisation)
    ]
    goals += [
        {"name": p.name, "planned": float(p.planned), "achieved": float(p.achieved)}
        for p in PastProject.objects.filter(organisation=organisation)
    ]
    return goals


@dataclass
class ReferencePage:
    organisation: Organisation
    milestones: list[Milestone]
    projects: list[PastProject]
    p50: dict[str, Any] | None
    p80: dict[str, Any] | None

    @property
    def data(self) -> dict[str, Any]:
        return {
            "organisation": str(self.organisation),
            "milestones": [
                {
                    "id": m.pk,
                    "alliance_id": m.alliance_id,
                    "name": m.title,
                    "planned": m.target,
                    "achieved": m.achieved,
                    "status": m.status,
                }
                for m in self.milestones
            ],  # fmt: skip
            "projects": [
                {
                    "id": p.pk,
                    "name": p.name,
                    "planned": float(p.planned),
                    "achieved": float(p.achieved),
                    "notes": p.notes,
                }
                for p in self.projects
            ],  # fmt: skip
            "p50": self.p50,
            "p80": self.p80,
        }


def reference(access: AllianceAccess) -> ReferencePage:
    """The page of the reader's own organisation's reference class, with the engine's
    adjustment at 50% and at 80% confidence (what `detente realism` reports for a class)."""
    side = access.my_side
    organisation = side.organisation
    milestones = completed_milestones(access, organisation)
    projects = list(PastProject.objects.filter(organisation=organisation))
    goals = tuple(
        PastGoal(float(g["planned"]), float(g["achieved"])) for g in past_goals(access, side)
    )
    p50 = reference_class(goals, "value", 0.5) if goals else None
    p80 = reference_class(goals, "value", 0.8) if goals else None
    return ReferencePage(organisation, milestones, projects, p50, p80)


class ImportRefused(ValueError):
    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__(
            "; ".join(f"row {p['row']}, {p['column']}: {p['problem']}" for p in problems)
        )
        self.problems = problems


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def parse(content: bytes) -> list[dict[str, Any]]:
    """The rows of a past-projects CSV, or ImportRefused naming each bad row and column.
    Rows are numbered as a spreadsheet shows them (the header is row 1)."""
    if len(content) > MAX_BYTES:
        raise ImportRefused(
            [{"row": 0, "column": "file", "problem": "is larger than 1 MiB; split it"}]
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(
            [{"row": 0, "column": "file", "problem": "is not UTF-8 text"}]
        ) from None
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [h for h in header if h and h not in COLUMNS]
    problems: list[dict[str, Any]] = []
    for c in missing:
        problems.append({"row": 1, "column": c, "problem": "is a required column"})
    for h in unknown:
        problems.append(
            {"row": 1, "column": clip(h), "problem": f"is not a column; use {', '.join(COLUMNS)}"}
        )
    if problems:
        raise ImportRefused(problems)
    rows: list[dict[str, Any]] = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportRefused(
                [
                    {
                        "row": number,
                        "column": "file",
                        "problem": f"has more than {MAX_ROWS} rows; split it",
                    }
                ]
            )
        row = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}
        if not row.get("name"):
            problems.append({"row": number, "column": "name", "problem": "is empty"})
        elif len(row["name"]) > 200:
            problems.append(
                {"row": number, "column": "name", "problem": "is longer than 200 characters"}
            )
        values: dict[str, Decimal] = {}
        for column in ("planned", "achieved"):
            value = _number(row.get(column, ""))
            if value is None:
                problems.append(
                    {
                        "row": number,
                        "column": column,
                        "problem": f"{clip(row.get(column, ''))!r} is not a number",
                    }
                )
            elif column == "planned" and value <= 0:
                problems.append(
                    {"row": number, "column": column, "problem": "must be greater than 0"}
                )
            elif value < 0:
                problems.append(
                    {"row": number, "column": column, "problem": "must not be negative"}
                )
            else:
                values[column] = value
        rows.append({"name": row.get("name", ""), "notes": row.get("notes", ""), **values})
    if problems:
        raise ImportRefused(problems)
    if not rows:
        raise ImportRefused(
            [{"row": 2, "column": "file", "problem": "has no project below its header"}]
        )
    return rows


@transaction.atomic
def import_projects(access: AllianceAccess, content: bytes) -> list[PastProject]:
    """Add the file's past projects to the reader's organisation: every row or none, one
    audit entry per project (kept at the organisation, outside every alliance)."""
    access.require_write()
    rows = parse(content)
    organisation = access.default_side.organisation
    made = []
    for row in rows:
        project = PastProject.objects.create(
            organisation=organisation, created_by=access.user, **row
        )
        audit.log(
            access.user, "create", project, after=audit.snapshot(project), organisation=organisation
        )
        made.append(project)
    return made
