"""Actions on the agreement. Each runs in one transaction and writes its audit entries."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from detente import audit
from detente.agreements import completeness, document
from detente.agreements.forms import apply_part, validate_part
from detente.agreements.models import AgreementVersion, Signature, Waiver
from detente.approvals import gate
from detente.records.models import Side
from detente.records.visibility import JOINT, AllianceAccess


class Refused(ValidationError):
    """A step of the sign-off flow that cannot be taken now; the message says why."""


def require_draft(version: AgreementVersion) -> None:
    if version.is_frozen:
        raise PermissionDenied(
            f"{version.label} is {version.get_status_display().lower()}: a version that has been "
            "proposed or signed cannot be changed. Start a new draft from it instead."
        )


def open_gaps(version: AgreementVersion, sides: list[Side]) -> list[completeness.Gap]:
    """The gaps that are neither resolved nor waived."""
    waived = set(version.waivers.values_list("code", flat=True))
    return [g for g in completeness.gaps(version.content, sides) if g.code not in waived]


@transaction.atomic
def create_draft(
    access: AllianceAccess,
    *,
    owner_side: Side,
    title: str,
    summary: str = "",
    visibility: str = JOINT,
    based_on: AgreementVersion | None = None,
) -> AgreementVersion:
    content = document.copied(based_on.content) if based_on else document.empty()
    draft = AgreementVersion.objects.create(
        alliance=access.alliance,
        owner_side=owner_side,
        visibility=visibility,
        created_by=access.user,
        title=title,
        summary=summary,
        content=content,
        based_on=based_on,
    )
    audit.log(access.user, "create", draft, after=audit.snapshot(draft))
    return draft


@transaction.atomic
def update_draft(
    access: AllianceAccess, version: AgreementVersion, *, parts: dict[str, Any], **fields: Any
) -> AgreementVersion:
    """Change a draft's title, summary, visibility and any of its parts (each validated).

    Raises PartInvalid (nothing written) when a clause is bad, PermissionDenied when the
    version is no longer a draft.
    """
    version = AgreementVersion.objects.select_for_update().get(pk=version.pk)
    require_draft(version)
    before = audit.snapshot(version)
    doc = document.normalised(version.content)
    # Objectives first: the KPIs of the same request may refer to new objectives.
    for part in sorted(parts, key=lambda p: p != "objectives"):
        cleaned = validate_part(part, parts[part], sides=access.sides, doc=doc)
        doc = apply_part(doc, part, cleaned)
    version.content = doc
    for name, value in fields.items():
        setattr(version, name, value)
    version.save()
    audit.log(access.user, "update", version, before=before, after=audit.snapshot(version))
    return version


@transaction.atomic
def delete_draft(access: AllianceAccess, version: AgreementVersion) -> None:
    require_draft(version)
    before = audit.snapshot(version)
    pk = version.pk
    version.delete()
    version.pk = pk
    audit.log(access.user, "delete", version, before=before, alliance=access.alliance)


@transaction.atomic
def waive(access: AllianceAccess, version: AgreementVersion, code: str, reason: str) -> Waiver:
    require_draft(version)
    gaps = {g.code: g for g in completeness.gaps(version.content, access.sides)}
    if code not in gaps:
        raise Refused("This draft has no such open gap.")
    waiver, _ = Waiver.objects.update_or_create(
        version=version,
        code=code,
        defaults={"gap": gaps[code].message[:300], "reason": reason, "waived_by": access.user},
    )
    audit.log(access.user, "create", waiver, after=audit.snapshot(waiver), alliance=access.alliance)
    return waiver


@transaction.atomic
def propose(access: AllianceAccess, version: AgreementVersion) -> AgreementVersion:
    """Put a draft to every side for signature. Refused while a gap is open or another
    proposal is pending. A private draft becomes joint: every side must read what it signs."""
    version = AgreementVersion.objects.select_for_update().get(pk=version.pk)
    require_draft(version)
    gaps = open_gaps(version, access.sides)
    if gaps:
        raise Refused(
            "Resolve or waive these gaps before proposing: "
            + "; ".join(g.message for g in gaps)
            + "."
        )
    pending = AgreementVersion.objects.filter(
        alliance=access.alliance, status=AgreementVersion.Status.PROPOSED
    ).first()
    if pending is not None:
        raise Refused(f"{pending.label} is already proposed; it must be signed or withdrawn first.")
    # Internal consensus first: the proposing side's named colleagues must have approved it.
    blocked = gate.blocking(version, access.writable_side_ids)
    if blocked:
        raise Refused(blocked)
    before = audit.snapshot(version)
    last = AgreementVersion.objects.filter(alliance=access.alliance).aggregate(n=Max("number"))["n"]
    version.number = (last or 0) + 1
    version.visibility = JOINT
    version.status = AgreementVersion.Status.PROPOSED
    version.proposed_at = timezone.now()
    version.proposed_by = access.user
    version.save()
    audit.log(access.user, "update", version, before=before, after=audit.snapshot(version))
    return version


@transaction.atomic
def sign(access: AllianceAccess, version: AgreementVersion, side: Side) -> Signature:
    """One signature per side, by a writer of that side. The last signature puts the version
    in force and supersedes the version that was in force before."""
    if not access.can_write_on(side.id):
        raise PermissionDenied("Only a member or manager of a side may sign for it.")
    version = AgreementVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != AgreementVersion.Status.PROPOSED:
        raise Refused(
            f"{version.label} is {version.get_status_display().lower()}; only a proposed version can be signed."
        )
    if version.signatures.filter(side=side).exists():
        raise Refused(f"{side} has already signed {version.label}.")
    blocked = gate.blocking(version, [side.id])
    if blocked:
        raise Refused(blocked)
    signature = Signature.objects.create(version=version, side=side, signed_by=access.user)
    audit.log(
        access.user, "create", signature, after=audit.snapshot(signature), alliance=access.alliance
    )
    signed = set(version.signatures.values_list("side_id", flat=True))
    if signed >= {s.id for s in access.sides}:
        now = timezone.now()
        for previous in AgreementVersion.objects.select_for_update().filter(
            alliance=access.alliance, status=AgreementVersion.Status.IN_FORCE
        ):
            before = audit.snapshot(previous)
            previous.status = AgreementVersion.Status.SUPERSEDED
            previous.ended_at = now
            previous.save()
            audit.log(
                access.user, "update", previous, before=before, after=audit.snapshot(previous)
            )
        before = audit.snapshot(version)
        version.status = AgreementVersion.Status.IN_FORCE
        version.in_force_at = now
        version.save()
        audit.log(access.user, "update", version, before=before, after=audit.snapshot(version))
    return signature


@transaction.atomic
def withdraw(access: AllianceAccess, version: AgreementVersion) -> AgreementVersion:
    """Take a pending proposal off the table (any side may decline it). Its content and any
    signatures stay on record; a change continues as a new draft."""
    version = AgreementVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != AgreementVersion.Status.PROPOSED:
        raise Refused("Only a pending proposal can be withdrawn.")
    before = audit.snapshot(version)
    version.status = AgreementVersion.Status.WITHDRAWN
    version.ended_at = timezone.now()
    version.save()
    audit.log(access.user, "update", version, before=before, after=audit.snapshot(version))
    return version
