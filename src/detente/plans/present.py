"""What the plan's pages and their JSON twins show, built once for both from what the reader
may see.

``plan`` is the plan page and ``GET .../plan``; ``version`` is a version's page and
``GET .../plan/versions/{pk}``; ``compare`` is the diff page and ``GET .../plan/diff``.

Numbers: each list is numbered among the items the reader sees in it, joint items among
joint items and a side's internal items among that side's, so the other side's private
items leave no gap, add to no count and shape no check.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from detente.analysis.plans import Measure, Obstacle, PlanInput, Priority, check_plan, pair
from detente.commitments.models import Commitment
from detente.objectives.forms import visible_kpis
from detente.objectives.guardrails import goal_conflict, visible_guardrails
from detente.objectives.models import KPI, Objective
from detente.plans import document
from detente.plans.models import (
    MEASURE_SECTIONS,
    PRIORITY_SECTIONS,
    SECTIONS,
    SHORT,
    SINGULAR,
    Plan,
    PlanItem,
    PlanVersion,
    Section,
)
from detente.plans.probability import kpi_probability
from detente.records.visibility import JOINT, AllianceAccess


def _num(value: Any) -> str | None:
    return document._num(value)


def _person(user: Any) -> str | None:
    return (user.get_full_name() or user.email) if user else None


def against_pairs(access: AllianceAccess) -> frozenset[frozenset[str]]:
    """KPI pairs (ids as text) the goal-conflict map, read as this reader, finds moving
    against each other."""
    out = set()
    for section in goal_conflict(access)["sections"]:
        ids = {(o["side"], o["name"]): o["kpi_id"] for o in section["objectives"]}
        for m in section["conflict_maps"]:
            first, second = m["sides"]
            for cell in m["cells"]:
                if cell["relation"] == "against":
                    a, b = ids.get((first, cell["row"])), ids.get((second, cell["column"]))
                    if a is not None and b is not None:
                        out.add(pair(str(a), str(b)))
    return frozenset(out)


def _versions(plan: Plan, access: AllianceAccess) -> list[dict[str, Any]]:
    out = []
    for v in access.records(PlanVersion).filter(plan=plan).prefetch_related("signatures__side"):
        out.append(version_row(v, access))
    return out


def version_row(v: PlanVersion, access: AllianceAccess) -> dict[str, Any]:
    signed = {s.side_id: s for s in v.signatures.all()}
    return {
        "id": v.pk,
        "number": v.number,
        "label": v.label,
        "status": v.status,
        "status_label": v.get_status_display(),
        "summary": v.summary,
        "proposed_at": v.created_at,
        "proposed_by": _person(v.proposed_by),
        "signatures": [
            {
                "side_id": side.pk,
                "side": str(side),
                "signed": side.pk in signed,
                "signed_at": signed[side.pk].signed_at if side.pk in signed else None,
                "can_sign": v.status == PlanVersion.Status.PROPOSED
                and side.pk not in signed
                and access.can_write_on(side.pk),
            }
            for side in access.sides
        ],
    }


def plan(access: AllianceAccess) -> dict[str, Any]:
    """The plan page: each list numbered as the reader sees it, each item's links (only those
    the reader sees), the consistency checks, the key results' probabilities and the
    versions."""
    found = access.records(Plan).first()
    if found is None:
        return {
            "plan": None,
            "sections": [],
            "checks": [],
            "versions": [],
            "can_write": access.can_write,
        }
    kpis_seen = set(visible_kpis(access).values_list("pk", flat=True))
    objectives_seen = set(access.records(Objective).values_list("pk", flat=True))
    commitments_seen = set(access.records(Commitment).values_list("pk", flat=True))
    items = list(
        access.records(PlanItem)
        .filter(plan=found)
        .select_related("owner", "owner_side__organisation")
        .prefetch_related("objectives", "kpis__objective", "commitments")
        .order_by("section", "position", "id")
    )
    seen_ids = {i.pk for i in items}
    label: dict[int, str] = {}
    lists: list[tuple[Section, str, int | None, list[PlanItem]]] = []
    for section in SECTIONS[Plan.Format(found.format)]:
        rows = [i for i in items if i.section == section]
        joint = [i for i in rows if i.visibility == JOINT]
        lists.append((section, "joint", None, joint))
        for n, i in enumerate(joint, start=1):
            label[i.pk] = f"{SHORT[section]}{n}"
        for side in access.my_sides:
            own = [i for i in rows if i.visibility != JOINT and i.owner_side_id == side.pk]
            lists.append((section, "internal", side.pk, own))
            for n, i in enumerate(own, start=1):
                label[i.pk] = f"{side.organisation.name} {SHORT[section]}{n}"
    probabilities: dict[int, dict[str, Any]] = {}
    kpi_by_id: dict[int, KPI] = {}
    for i in items:
        for k in i.kpis.all():
            if k.pk in kpis_seen:
                kpi_by_id[k.pk] = k
    for i in items:
        if i.section in MEASURE_SECTIONS:
            for k in i.kpis.all():
                if k.pk in kpis_seen and k.pk not in probabilities:
                    probabilities[k.pk] = kpi_probability(access, k)

    def row(i: PlanItem, number: int) -> dict[str, Any]:
        kpis = [k for k in i.kpis.all() if k.pk in kpis_seen]
        return {
            "id": i.pk,
            "number": number,
            "label": label[i.pk],
            "section": i.section,
            "title": i.title,
            "description": i.description,
            "side_id": i.owner_side_id,
            "side": str(i.owner_side),
            "visibility": i.visibility,
            "owner": _person(i.owner),
            "target": _num(i.target),
            "due_date": i.due_date,
            "parent": label.get(i.parent_id) if i.parent_id in seen_ids else None,
            "feeds": label.get(i.feeds_id) if i.feeds_id in seen_ids else None,
            "fed_by": [label[f.pk] for f in items if f.feeds_id == i.pk],
            "objectives": [
                {"id": o.pk, "title": o.title}
                for o in i.objectives.all()
                if o.pk in objectives_seen
            ],
            "kpis": [
                {
                    "id": k.pk,
                    "name": k.name,
                    "target": _num(k.target),
                    "unit": k.unit,
                    "deadline": k.deadline,
                    "realism": probabilities.get(k.pk),
                }
                for k in kpis
            ],
            "commitments": [
                {"id": c.pk, "title": c.title, "due_date": c.due_date}
                for c in i.commitments.all()
                if c.pk in commitments_seen
            ],
            "can_edit": access.can_write_on(i.owner_side_id),
            "can_move": access.can_write
            if i.visibility == JOINT
            else access.can_write_on(i.owner_side_id),
        }

    sections = []
    for section, scope, side_id, rows in lists:
        sections.append(
            {
                "section": section.value,
                "label": section.label,
                "singular": SINGULAR[section],
                "scope": scope,
                "side_id": side_id,
                "side": next((str(s) for s in access.sides if s.pk == side_id), None),
                "items": [row(i, n) for n, i in enumerate(rows, start=1)],
            }
        )
    findings = checks(access, items, label, kpi_by_id)
    return {
        "plan": {
            "id": found.pk,
            "title": found.title,
            "format": found.format,
            "format_label": found.get_format_display(),
        },  # fmt: skip
        "sections": sections,
        "checks": findings,
        "open_checks": sum(1 for f in findings if f["needs_action"]),
        "versions": _versions(found, access),
        "can_write": access.can_write,
    }


def checks(
    access: AllianceAccess, items: list[PlanItem], label: dict[int, str], kpis: dict[int, KPI]
) -> list[dict[str, Any]]:
    """The consistency checks of the items the reader sees (``detente.analysis.plans``)."""
    children: dict[int, list[PlanItem]] = {}
    for i in items:
        if i.parent_id is not None:
            children.setdefault(i.parent_id, []).append(i)

    def named(i: PlanItem) -> str:
        return f"{SINGULAR[Section(i.section)]} {label[i.pk]} '{i.title}'"

    priorities = [
        Priority(
            key=str(i.pk),
            label=named(i),
            # Only the joint plan's priorities are the sides' priorities to weigh against each
            # other; an internal item is its side's preparation (side None: never paired).
            side=str(i.owner_side) if i.visibility == JOINT else None,
            owner=_person(i.owner),
            measures=tuple(
                str(c.pk) for c in children.get(i.pk, []) if c.section in MEASURE_SECTIONS
            ),
            # A priority pulls with its own KPIs and those of its measures (key results).
            kpis=tuple(str(k) for k in kpis if k in _kpis_of(i, children.get(i.pk, []))),
        )
        for i in items
        if i.section in PRIORITY_SECTIONS
    ]
    measures = []
    for i in items:
        if i.section not in MEASURE_SECTIONS:
            continue
        linked = [kpis[k.pk] for k in i.kpis.all() if k.pk in kpis]
        target = i.target if i.target is not None else (linked[0].target if linked else None)
        due = i.due_date or (linked[0].deadline if linked else None)
        measures.append(
            Measure(str(i.pk), named(i), None if target is None else float(target), due)
        )
    obstacles = [
        Obstacle(str(i.pk), named(i), (str(i.parent_id),) if i.parent_id in label else ())
        for i in items
        if i.section == Section.OBSTACLE
    ]
    guarded = frozenset(
        pair(str(a), str(b))
        for a, b in visible_guardrails(access).values_list("kpi_id", "counter_kpi_id")
    )
    has_two_sides = len({p.side for p in priorities}) > 1
    against = against_pairs(access) if has_two_sides and kpis else frozenset()
    found = check_plan(PlanInput(priorities, measures, obstacles, against, guarded))
    names = {str(k): v.name for k, v in kpis.items()}
    return [
        {
            "code": f.code,
            "item_id": int(f.item),
            "item": label[int(f.item)],
            "other_id": int(f.other) if f.other else None,
            "other": label[int(f.other)] if f.other else None,
            "kpis": [names.get(k, k) for k in f.kpis],
            "message": f.message,
            "needs_action": f.needs_action,
        }
        for f in found
    ]


def _kpis_of(item: PlanItem, children: list[PlanItem]) -> set[int]:
    out = {k.pk for k in item.kpis.all()}
    for child in children:
        if child.section in MEASURE_SECTIONS:
            out |= {k.pk for k in child.kpis.all()}
    return out


def version(access: AllianceAccess, pk: Any) -> dict[str, Any]:
    """A version's page: its frozen content, signatures and what it changed from the one
    before."""
    try:
        v = access.records(PlanVersion).get(pk=pk)
    except (PlanVersion.DoesNotExist, ValueError, TypeError):
        raise Http404("No such plan version.") from None
    previous = access.records(PlanVersion).filter(plan=v.plan, number__lt=v.number).first()
    return {
        **version_row(v, access),
        "content": v.content,
        "previous": previous.number if previous else None,
        "changes": document.diff(previous.content if previous else {}, v.content),
    }


def compare(access: AllianceAccess, a: Any, b: Any) -> dict[str, Any]:
    """The diff of two versions of the plan (by number): ``b`` against ``a``."""
    try:
        wanted = [int(a), int(b)]
    except (ValueError, TypeError):
        raise Http404("No such plan version.") from None
    if not all(0 < n < 2**31 for n in wanted):  # no version has such a number
        raise Http404("No such plan version.")
    versions = {v.number: v for v in access.records(PlanVersion).filter(number__in=wanted)}
    try:
        old, new = versions[wanted[0]], versions[wanted[1]]
    except KeyError:
        raise Http404("No such plan version.") from None
    return {
        "a": old.number,
        "b": new.number,
        "versions": [v.number for v in access.records(PlanVersion)],
        "changes": document.diff(old.content, new.content),
    }
