"""The joint plan as a document: what a version freezes and what a diff compares.

Only joint items go in, numbered among joint items, with links to joint records only, so a
version reads the same for both sides and carries nothing private of either.
"""

from __future__ import annotations

from typing import Any

from detente.plans.models import SECTIONS, SHORT, Plan, PlanItem, Section
from detente.records.visibility import JOINT


def _num(value: Any) -> str | None:
    if value is None:
        return None
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def joint_document(plan: Plan) -> dict[str, Any]:
    items = list(
        PlanItem.objects.filter(plan=plan, visibility=JOINT)
        .select_related("owner", "parent", "owner_side__organisation")
        .prefetch_related("objectives", "kpis__objective", "commitments")
        .order_by("section", "position", "id")
    )
    labels: dict[int, str] = {}
    sections = []
    for section in SECTIONS[Plan.Format(plan.format)]:
        rows = [i for i in items if i.section == section]
        for n, item in enumerate(rows, start=1):
            labels[item.pk] = f"{SHORT[section]}{n}"
        sections.append((section, rows))
    out = []
    for section, rows in sections:
        out.append(
            {
                "section": section.value,
                "label": Section(section).label,
                "items": [
                    {
                        "id": item.pk,
                        "number": n,
                        "label": labels[item.pk],
                        "title": item.title,
                        "description": item.description,
                        "side": str(item.owner_side),
                        "owner": item.owner.get_full_name() or item.owner.email
                        if item.owner
                        else None,
                        "target": _num(item.target),
                        "due_date": item.due_date.isoformat() if item.due_date else None,
                        "parent": labels.get(item.parent_id) if item.parent_id else None,
                        "objectives": sorted(
                            o.title for o in item.objectives.all() if o.visibility == JOINT
                        ),
                        "kpis": sorted(
                            k.name for k in item.kpis.all() if k.objective.visibility == JOINT
                        ),
                        "commitments": sorted(
                            c.title for c in item.commitments.all() if c.visibility == JOINT
                        ),
                    }
                    for n, item in enumerate(rows, start=1)
                ],
            }
        )
    return {"format": plan.format, "title": plan.title, "sections": out}


FIELDS = ("title", "description", "owner", "target", "due_date", "parent", "objectives", "kpis",
          "commitments")  # fmt: skip


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Per section, the items added, removed, moved (a new number) and changed (field by
    field), matched by the item they snapshot."""
    out = []
    old_sections = {s["section"]: s for s in old.get("sections", [])}
    for section in new.get("sections", []):
        before = {i["id"]: i for i in old_sections.get(section["section"], {}).get("items", [])}
        after = {i["id"]: i for i in section["items"]}
        changes: list[dict[str, Any]] = []
        for item in section["items"]:
            was = before.get(item["id"])
            if was is None:
                changes.append({"kind": "added", "label": item["label"], "title": item["title"]})
                continue
            fields = [
                {"field": f, "before": was.get(f), "after": item.get(f)}
                for f in FIELDS
                if was.get(f) != item.get(f)
            ]
            if was["number"] != item["number"]:
                changes.append(
                    {"kind": "moved", "label": item["label"], "title": item["title"],
                     "before": was["label"], "after": item["label"]}
                )  # fmt: skip
            if fields:
                changes.append(
                    {"kind": "changed", "label": item["label"], "title": item["title"],
                     "fields": fields}
                )  # fmt: skip
        for item in before.values():
            if item["id"] not in after:
                changes.append({"kind": "removed", "label": item["label"], "title": item["title"]})
        out.append({"section": section["section"], "label": section["label"], "changes": changes})
    return out
