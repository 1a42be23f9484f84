"""The structured agreement document: its parts, their clauses, and how to read them.

A document is a dict with one entry per part. List parts hold clauses, each with a stable
``key`` kept across versions (a diff matches clauses by key); single parts hold one clause.
Values are JSON-safe: decimals and dates as strings, sides as side ids ("" = shared).
"""

from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

# part -> (title, fields in display order with their labels)
LIST_PARTS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "objectives": (
        "Objectives",
        [("title", "Objective"), ("side", "Whose"), ("description", "Description")],
    ),
    "kpis": (
        "KPIs",
        [
            ("objective", "Objective"),
            ("metric", "Metric"),
            ("unit", "Unit"),
            ("direction", "Direction"),
            ("target", "Target"),
            ("deadline", "Deadline"),
            ("definition", "Agreed definition"),
        ],
    ),
    "scope": ("Scope", [("kind", "In or out"), ("item", "Item"), ("notes", "Notes")]),
    "decisions": (
        "Decision rights",
        [("topic", "Decision"), ("decider", "Decided by"), ("rule", "How")],
    ),
    "resources": (
        "Resource commitments",
        [
            ("side", "Side"),
            ("kind", "Kind"),
            ("description", "What"),
            ("amount", "Amount"),
            ("unit", "Unit"),
            ("per", "Per"),
            ("start", "From"),
            ("end", "Until"),
        ],
    ),
    "ladder": (
        "Dispute-resolution ladder",
        [("step", "Step"), ("name", "Rung"), ("owner", "Owner"), ("days", "Time limit (days)")],
    ),
}
SINGLE_PARTS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "scope_change": (
        "Scope-change process",
        [
            ("process", "How a change is requested"),
            ("approver", "Who approves"),
            ("days", "Answer within (days)"),
        ],
    ),
    "stalemate": (
        "Stalemate process",
        [("process", "How a stalemate is broken"), ("days", "Within (days)")],
    ),
    "exit": (
        "Exit terms",
        [
            ("notice_days", "Notice (days)"),
            ("triggers", "Triggers"),
            ("customers", "Shared customers"),
            ("assets", "Shared assets and IP"),
        ],
    ),
}
PARTS = {**LIST_PARTS, **SINGLE_PARTS}
# Display order, grouped as the six parts of a robust agreement.
SECTIONS: list[tuple[str, list[str]]] = [
    ("Objectives and KPIs", ["objectives", "kpis"]),
    ("Scope", ["scope", "scope_change"]),
    ("Decision rights", ["decisions", "stalemate"]),
    ("Resource commitments", ["resources"]),
    ("Dispute resolution", ["ladder"]),
    ("Exit", ["exit"]),
]
ORDER = [part for _, parts in SECTIONS for part in parts]

CHOICE_LABELS = {
    "direction": {"higher": "higher is better", "lower": "lower is better"},
    "kind": {
        "in": "in scope",
        "out": "out of scope",
        "money": "money",
        "people": "people",
        "technology": "technology",
        "other": "other",
    },
    "per": {"once": "once", "month": "per month", "quarter": "per quarter", "year": "per year"},
}


def empty() -> dict[str, Any]:
    doc: dict[str, Any] = {part: [] for part in LIST_PARTS}
    for part, (_, fields) in SINGLE_PARTS.items():
        doc[part] = {name: None if name.endswith("days") else "" for name, _ in fields}
    doc["exit"]["triggers"] = []
    return doc


def normalised(content: dict[str, Any] | None) -> dict[str, Any]:
    """A complete document: missing parts (from an older or partial version) filled empty."""
    doc = empty()
    for part in PARTS:
        if content and part in content:
            value = content[part]
            if part in SINGLE_PARTS:
                doc[part].update(value or {})
            else:
                doc[part] = list(value or [])
    return doc


def copied(content: dict[str, Any]) -> dict[str, Any]:
    """A deep copy for a new draft; clause keys are kept so the diff can follow them."""
    return copy.deepcopy(normalised(content))


def new_key() -> str:
    return secrets.token_hex(4)


def side_name(sides: dict[int, str], value: Any) -> str:
    if value in ("", None):
        return "Shared"
    try:
        return sides.get(int(value), f"side {value}")
    except (TypeError, ValueError):
        return str(value)


def display(
    part: str, field: str, value: Any, sides: dict[int, str], doc: dict | None = None
) -> str:
    """One value as a reader should see it (side names, objective titles, choice labels)."""
    if field == "side":
        return side_name(sides, value)
    if field == "objective" and doc is not None:
        for objective in doc.get("objectives", []):
            if objective.get("key") == value:
                return objective.get("title", "")
        return "(unknown objective)"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if value in (None, ""):
        return ""
    if field in ("target", "amount"):
        try:
            return f"{Decimal(str(value)):,}"
        except InvalidOperation:
            return str(value)
    if field in CHOICE_LABELS:
        return CHOICE_LABELS[field].get(str(value), str(value))
    return str(value)


def clause_label(part: str, clause: dict[str, Any], doc: dict | None = None) -> str:
    """How a clause is named in a diff or a completeness gap."""
    if part == "objectives":
        return f"Objective '{clause.get('title', '')}'"
    if part == "kpis":
        return f"KPI '{clause.get('metric', '')}'"
    if part == "scope":
        return (
            f"{'In' if clause.get('kind') == 'in' else 'Out of'} scope: '{clause.get('item', '')}'"
        )
    if part == "decisions":
        return f"Decision '{clause.get('topic', '')}'"
    if part == "resources":
        return f"Resource '{clause.get('description', '')}'"
    if part == "ladder":
        return f"Rung '{clause.get('name', '')}'"
    return PARTS[part][0]


@dataclass
class Row:
    clause: dict[str, Any]
    cells: list[str]


def rows(part: str, doc: dict[str, Any], sides: dict[int, str]) -> list[Row]:
    """The clauses of a list part as display rows."""
    fields = LIST_PARTS[part][1]
    return [
        Row(c, [display(part, name, c.get(name), sides, doc) for name, _ in fields])
        for c in doc.get(part, [])
    ]


def single(part: str, doc: dict[str, Any], sides: dict[int, str]) -> list[tuple[str, str]]:
    fields = SINGLE_PARTS[part][1]
    value = doc.get(part) or {}
    return [(label, display(part, name, value.get(name), sides, doc)) for name, label in fields]


def ladder(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted(doc.get("ladder", []), key=lambda r: r.get("step") or 0)
