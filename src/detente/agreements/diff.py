"""A readable diff between two versions of the agreement, clause by clause.

Clauses of list parts are matched by their stable key (kept when a version is copied), so a
clause whose text changed is reported as changed, not as removed and added. Single parts
(scope-change process, stalemate process, exit terms) are one clause each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from detente.agreements import document


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class ClauseChange:
    part: str
    kind: str  # "added", "removed" or "changed"
    label: str
    fields: list[FieldChange] = field(default_factory=list)  # changed: the changed fields
    values: list[tuple[str, str]] = field(default_factory=list)  # added/removed: the clause


@dataclass
class PartDiff:
    part: str
    title: str
    changes: list[ClauseChange]


def _values(part: str, clause: dict, doc: dict, sides: dict[int, str]) -> list[tuple[str, str]]:
    return [
        (label, document.display(part, name, clause.get(name), sides, doc))
        for name, label in document.PARTS[part][1]
        if clause.get(name) not in (None, "", [])
    ]


def _raw(value: Any) -> Any:
    if value in (None, ""):
        return ""
    return value if isinstance(value, list) else str(value)


def _field_changes(part: str, old: dict, new: dict, a: dict, b: dict, sides: dict[int, str]):
    changes = []
    for name, label in document.PARTS[part][1]:
        # Compare stored values (a KPI whose objective was renamed has not changed itself),
        # show them as a reader should see them.
        if _raw(old.get(name)) == _raw(new.get(name)):
            continue
        before = document.display(part, name, old.get(name), sides, a)
        after = document.display(part, name, new.get(name), sides, b)
        changes.append(FieldChange(label, before, after))
    return changes


def diff(
    a_content: dict[str, Any], b_content: dict[str, Any], sides: dict[int, str]
) -> list[PartDiff]:
    """What changed from document ``a`` to document ``b``, part by part, in display order."""
    a, b = document.normalised(a_content), document.normalised(b_content)
    out: list[PartDiff] = []
    for part in document.ORDER:
        changes: list[ClauseChange] = []
        if part in document.SINGLE_PARTS:
            fields = _field_changes(part, a[part], b[part], a, b, sides)
            if fields:
                was_empty = not _values(part, a[part], a, sides)
                now_empty = not _values(part, b[part], b, sides)
                label = document.PARTS[part][0]
                if was_empty:
                    changes.append(
                        ClauseChange(part, "added", label, values=_values(part, b[part], b, sides))
                    )
                elif now_empty:
                    changes.append(
                        ClauseChange(
                            part, "removed", label, values=_values(part, a[part], a, sides)
                        )
                    )
                else:
                    changes.append(ClauseChange(part, "changed", label, fields=fields))
        else:
            old = {c["key"]: c for c in a[part]}
            new = {c["key"]: c for c in b[part]}
            for key, clause in old.items():
                if key not in new:
                    changes.append(
                        ClauseChange(
                            part,
                            "removed",
                            document.clause_label(part, clause, a),
                            values=_values(part, clause, a, sides),
                        )
                    )
            for key, clause in new.items():
                if key not in old:
                    changes.append(
                        ClauseChange(
                            part,
                            "added",
                            document.clause_label(part, clause, b),
                            values=_values(part, clause, b, sides),
                        )
                    )
                else:
                    fields = _field_changes(part, old[key], clause, a, b, sides)
                    if fields:
                        label = document.clause_label(part, old[key], a)
                        new_label = document.clause_label(part, clause, b)
                        if new_label != label:
                            label = f"{label} → {new_label}"
                        changes.append(ClauseChange(part, "changed", label, fields=fields))
        if changes:
            out.append(PartDiff(part, document.PARTS[part][0], changes))
    return out


def as_json(parts: list[PartDiff]) -> list[dict[str, Any]]:
    return [
        {
            "part": p.part,
            "title": p.title,
            "changes": [
                {
                    "kind": c.kind,
                    "clause": c.label,
                    "fields": [
                        {"field": f.label, "before": f.before, "after": f.after} for f in c.fields
                    ],
                    "values": [{"field": k, "value": v} for k, v in c.values],
                }
                for c in p.changes
            ],
        }
        for p in parts
    ]
