"""Actions on the joint plan. Each runs in one transaction and writes its audit entries.

The sign-off path is two functions, ``propose_version`` and ``sign_version``: every page,
API route and script that proposes or signs a plan version goes through them, so a step
(an internal approval before proposing) can be added in one place.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from detente import audit
from detente.approvals import gate
from detente.plans.document import joint_document
from detente.plans.forms import PlanItemForm
from detente.plans.models import (
    PRIORITY_SECTIONS,
    SECTIONS,
    Plan,
    PlanItem,
    PlanSignature,
    PlanVersion,
)
from detente.records import services
from detente.records.models import Side
from detente.records.visibility import JOINT, AllianceAccess


class Refused(ValidationError):
    """A step that cannot be taken now; the message says why."""


@transaction.atomic
def start_plan(access: AllianceAccess, *, format: str, title: str) -> Plan:
    if Plan.objects.filter(alliance=access.alliance).exists():
        raise Refused("This alliance already has a plan.")
    plan = Plan.objects.create(
        alliance=access.alliance,
        owner_side=access.default_side,
        visibility=JOINT,
        created_by=access.user,
        format=format,
        title=title or "Joint plan",
    )
    audit.log(access.user, "create", plan, after=audit.snapshot(plan))
    return plan


def _scope(item: PlanItem) -> Any:
    """The list an item is numbered in: the joint items of its section, or its side's
    internal items of that section."""
    same = PlanItem.objects.filter(plan_id=item.plan_id, section=item.section)
    if item.visibility == JOINT:
        return same.filter(visibility=JOINT)
    return same.exclude(visibility=JOINT).filter(owner_side_id=item.owner_side_id)


def save_item(access: AllianceAccess, form: PlanItemForm, *, before: dict | None = None) -> Any:
    """Save a plan item; a new one (or one that moved to another list) goes last."""
    with transaction.atomic():
        item = form.instance
        moved_list = before is not None and (
            before.get("section") != item.section or before.get("visibility") != item.visibility
        )
        if before is None or moved_list:
            last = _scope(item).exclude(pk=item.pk).aggregate(n=Max("position"))["n"]
            item.position = (last or 0) + 1
        return services.save_form(access, form, before=before)


@transaction.atomic
def add_priority(
    access: AllianceAccess, plan: Plan, *, title: str, description: str = ""
) -> tuple[PlanItem, int]:
    """Add a joint priority (a method of a V2MOM, an objective of OKRs) at the end of the
    joint list, kept by the user's side, with one audit entry. Returns the item and its
    number among the joint priorities."""
    access.require_write()
    side = access.default_side
    if not access.can_write_on(side.id):
        raise PermissionDenied("Only a member or manager of a side may add a priority.")
    section = next(s for s in SECTIONS[Plan.Format(plan.format)] if s in PRIORITY_SECTIONS)
    joint = PlanItem.objects.select_for_update().filter(
        plan=plan, section=section, visibility=JOINT
    )
    last = joint.aggregate(n=Max("position"))["n"]
    item = PlanItem.objects.create(
        alliance=access.alliance,
        owner_side=side,
        visibility=JOINT,
        created_by=access.user,
        plan=plan,
        section=section,
        position=(last or 0) + 1,
        title=title[:300],
        description=description,
    )
    audit.log(access.user, "create", item, after=audit.snapshot(item))
    return item, joint.count()


@transaction.atomic
def move_item(access: AllianceAccess, item: PlanItem, direction: str) -> None:
    """Swap the item with its neighbour in its list: the two exchange places, with one audit
    entry each. At the top (or bottom) of its list nothing changes."""
    rows = list(_scope(item).select_for_update().order_by("position", "id"))
    at = [r.pk for r in rows].index(item.pk)
    to = at - 1 if direction == "up" else at + 1
    if not 0 <= to < len(rows):
        return
    rows[at], rows[to] = rows[to], rows[at]
    if rows[at].position == rows[to].position:  # equal places (never made here): renumber
        wanted = {r.pk: n for n, r in enumerate(rows, start=1)}
    else:
        wanted = {rows[at].pk: rows[to].position, rows[to].pk: rows[at].position}
    for row in rows:
        if row.pk in wanted and row.position != wanted[row.pk]:
            before = audit.snapshot(row)
            row.position = wanted[row.pk]
            row.save(update_fields=["position", "updated_at"])
            audit.log(access.user, "update", row, before=before, after=audit.snapshot(row))


@transaction.atomic
def propose_version(
    access: AllianceAccess, plan: Plan, *, side: Side, summary: str = ""
) -> PlanVersion:
    """Freeze the joint plan as it stands and put it to every side for signature.

    THE way a plan version is proposed (pages, API, demo): an internal-approval gate goes
    here. Refused while another version is pending or when the plan has no joint item.
    """
    if not access.can_write_on(side.id):
        raise PermissionDenied("Only a member or manager of a side may propose for it.")
    pending = PlanVersion.objects.filter(plan=plan, status=PlanVersion.Status.PROPOSED).first()
    if pending is not None:
        raise Refused(f"{pending.label} is already proposed; it must be signed or withdrawn first.")
    content = joint_document(plan)
    if not any(s["items"] for s in content["sections"]):
        raise Refused("The plan has no joint item yet: add one before proposing a version.")
    # The proposing side's internal approval of the joint plan as it stands (private to it).
    blocked = gate.blocking(plan, [side.id])
    if blocked:
        raise Refused(blocked)
    last = PlanVersion.objects.filter(plan=plan).aggregate(n=Max("number"))["n"]
    version = PlanVersion.objects.create(
        alliance=access.alliance,
        owner_side=side,
        visibility=JOINT,
        created_by=access.user,
        plan=plan,
        number=(last or 0) + 1,
        summary=summary,
        content=content,
        proposed_by=access.user,
    )
    audit.log(access.user, "create", version, after=audit.snapshot(version))
    return version


@transaction.atomic
def sign_version(access: AllianceAccess, version: PlanVersion, side: Side) -> PlanSignature:
    """One signature per side, by a writer of that side. THE way a version is signed: the
    last signature puts it in force and supersedes the version in force before."""
    if not access.can_write_on(side.id):
        raise PermissionDenied("Only a member or manager of a side may sign for it.")
    version = PlanVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != PlanVersion.Status.PROPOSED:
        raise Refused(
            f"{version.label} is {version.get_status_display().lower()}; only a proposed "
            "version can be signed."
        )
    if version.signatures.filter(side=side).exists():
        raise Refused(f"{side} has already signed {version.label}.")
    # The signing side's internal approval of the version (private to it).
    blocked = gate.blocking(version, [side.id])
    if blocked:
        raise Refused(blocked)
    signature = PlanSignature.objects.create(version=version, side=side, signed_by=access.user)
    audit.log(
        access.user, "create", signature, after=audit.snapshot(signature), alliance=access.alliance
    )
    signed = set(version.signatures.values_list("side_id", flat=True))
    if signed >= {s.id for s in access.sides}:
        now = timezone.now()
        for previous in PlanVersion.objects.select_for_update().filter(
            plan_id=version.plan_id, status=PlanVersion.Status.IN_FORCE
        ):
            before = audit.snapshot(previous)
            previous.status = PlanVersion.Status.SUPERSEDED
            previous.ended_at = now
            previous.save()
            audit.log(
                access.user, "update", previous, before=before, after=audit.snapshot(previous)
            )
        before = audit.snapshot(version)
        version.status = PlanVersion.Status.IN_FORCE
        version.in_force_at = now
        version.save()
        audit.log(access.user, "update", version, before=before, after=audit.snapshot(version))
    return signature


@transaction.atomic
def withdraw_version(access: AllianceAccess, version: PlanVersion) -> PlanVersion:
    """Take a pending proposal off the table (any side may decline it)."""
    access.require_write()
    version = PlanVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != PlanVersion.Status.PROPOSED:
        raise Refused("Only a pending proposal can be withdrawn.")
    before = audit.snapshot(version)
    version.status = PlanVersion.Status.WITHDRAWN
    version.ended_at = timezone.now()
    version.save()
    audit.log(access.user, "update", version, before=before, after=audit.snapshot(version))
    return version
