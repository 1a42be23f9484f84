"""Actions that change an alliance. Each runs in one transaction and writes its audit entry."""

from __future__ import annotations

from typing import Any

from django.db import router, transaction
from django.db.models.deletion import Collector
from django.forms import ModelForm
from django.utils import timezone

from detente import audit
from detente.accounts.models import ROLE_RANK, Membership, Organisation, Role
from detente.alliances.models import (
    Alliance,
    AllianceRecord,
    Side,
    SideInvitation,
    StatusChange,
)
from detente.alliances.visibility import AllianceAccess


@transaction.atomic
def create_alliance(
    user: Any,
    *,
    name: str,
    purpose: str,
    kind: str,
    start_date: Any,
    my_organisation: Organisation,
    partner_names: list[str],
    status: str = Alliance.Status.FORMING,
    ask_consent: bool = False,
) -> Alliance:
    """Create an alliance with the user's side and one side per partner organisation.

    A partner organisation that does not exist yet is created (its people join it later
    through invitations). With ``ask_consent`` (pages and API), a partner that already has
    members is asked to join instead (``add_or_invite_side``); without it (the demo,
    operators' scripts) it is added directly.
    """
    alliance = Alliance.objects.create(
        name=name, purpose=purpose, kind=kind, start_date=start_date, status=status
    )
    audit.log(user, "create", alliance, after=audit.snapshot(alliance))
    add_side(user, alliance, my_organisation)
    for partner_name in partner_names:
        organisation, created = Organisation.objects.get_or_create(
            name=partner_name,
            defaults={"kind": my_organisation.kind},
        )
        if created:
            audit.log(user, "create", organisation, after=audit.snapshot(organisation))
        if ask_consent:
            add_or_invite_side(user, alliance, organisation)
        else:
            add_side(user, alliance, organisation)
    change = StatusChange.objects.create(
        alliance=alliance,
        from_status="",
        to_status=status,
        reason="Alliance created",
        changed_by=user,
    )
    audit.log(user, "create", change, after=audit.snapshot(change))
    return alliance


def add_side(user: Any, alliance: Alliance, organisation: Organisation, label: str = "") -> Side:
    with transaction.atomic():
        side = Side.objects.create(alliance=alliance, organisation=organisation, label=label)
        audit.log(user, "create", side, after=audit.snapshot(side))
    return side


def needs_consent(user: Any, organisation: Organisation) -> bool:
    """An organisation with members joins an alliance only if one of its managers agrees;
    a user who manages it agrees by asking. A new, empty organisation has no one to ask."""
    members = Membership.objects.filter(organisation=organisation)
    if not members.exists():
        return False
    managers = [r for r, rank in ROLE_RANK.items() if rank >= ROLE_RANK[Role.MANAGER]]
    return not members.filter(user=user, role__in=managers).exists()


@transaction.atomic
def add_or_invite_side(
    user: Any, alliance: Alliance, organisation: Organisation, label: str = ""
) -> Side | SideInvitation:
    """Add the organisation as a side, or, if it needs to consent, ask its managers."""
    if not needs_consent(user, organisation):
        return add_side(user, alliance, organisation, label)
    invitation, created = SideInvitation.objects.get_or_create(
        alliance=alliance,
        organisation=organisation,
        status=SideInvitation.Status.PENDING,
        defaults={"label": label, "invited_by": user},
    )
    if created:
        audit.log(user, "create", invitation, after=audit.snapshot(invitation), alliance=alliance)
    return invitation


@transaction.atomic
def answer_side_invitation(user: Any, invitation: SideInvitation, accept: bool) -> Side | None:
    """A manager of the invited organisation accepts (the side is created) or declines."""
    invitation = SideInvitation.objects.select_for_update().get(pk=invitation.pk)
    before = audit.snapshot(invitation)
    invitation.status = SideInvitation.Status.ACCEPTED if accept else SideInvitation.Status.DECLINED
    invitation.answered_by = user
    invitation.answered_at = timezone.now()
    invitation.save()
    audit.log(
        user,
        "update",
        invitation,
        before=before,
        after=audit.snapshot(invitation),
        alliance=invitation.alliance,
    )
    if not accept:
        return None
    existing = invitation.alliance.sides.filter(organisation=invitation.organisation).first()
    if existing is not None:  # added meanwhile by one of its own managers
        return existing
    return add_side(user, invitation.alliance, invitation.organisation, invitation.label)


@transaction.atomic
def change_status(access: AllianceAccess, to_status: str, reason: str) -> StatusChange:
    alliance = Alliance.objects.select_for_update().get(pk=access.alliance.pk)
    before = audit.snapshot(alliance)
    change = StatusChange.objects.create(
        alliance=alliance,
        from_status=alliance.status,
        to_status=to_status,
        reason=reason,
        changed_by=access.user,
    )
    alliance.status = to_status
    alliance.save(update_fields=["status", "updated_at"])
    access.alliance.status = to_status
    audit.log(access.user, "update", alliance, before=before, after=audit.snapshot(alliance))
    audit.log(access.user, "create", change, after=audit.snapshot(change))
    return change


@transaction.atomic
def save_form(access: AllianceAccess, form: ModelForm, *, before: dict | None = None) -> Any:
    """Save a validated form of an alliance object and audit it; ``before`` marks an update.

    Take ``before`` with ``audit.snapshot`` before binding the form: validation writes the
    new values onto the instance.
    """
    is_new = before is None
    instance = form.save(commit=False)
    if is_new and isinstance(instance, AllianceRecord):
        instance.alliance = access.alliance
        instance.created_by = access.user
    instance.save()
    form.save_m2m()
    audit.log(
        access.user,
        "create" if is_new else "update",
        instance,
        before=before,
        after=audit.snapshot(instance),
    )
    return instance


@transaction.atomic
def delete_record(access: AllianceAccess, record: AllianceRecord) -> None:
    """Delete ``record`` and audit it and every record its deletion cascades to (a
    conflict's ladder steps, a decision's weights): nothing disappears unrecorded. A child
    without a visibility of its own is audited with its parent's, so the audit of a private
    record's children stays private too."""
    with transaction.atomic():
        # The children are audited first, while they (and their parent) can still be read.
        for obj in _cascade(record):
            if not hasattr(obj, "visibility"):
                obj.visibility = record.visibility
            if not hasattr(obj, "owner_side_id"):
                obj.owner_side_id = record.owner_side_id
            audit.log(
                access.user, "delete", obj, before=audit.snapshot(obj), alliance=access.alliance
            )
        before = audit.snapshot(record)
        pk = record.pk
        record.delete()
        record.pk = pk  # keep the id in the audit entry
        audit.log(access.user, "delete", record, before=before, alliance=access.alliance)


def _cascade(record: Any) -> list[Any]:
    """The records (not many-to-many rows) deleting ``record`` deletes with it."""
    collector = Collector(using=router.db_for_write(type(record)))
    collector.collect([record])
    found = [
        obj
        for model, instances in collector.data.items()
        if not model._meta.auto_created
        for obj in instances
        if not (type(obj) is type(record) and obj.pk == record.pk)
    ]
    for queryset in collector.fast_deletes:
        if not queryset.model._meta.auto_created:
            found += list(queryset)
    return found


@transaction.atomic
def join_organisation(user: Any, organisation: Organisation, role: str = Role.MEMBER) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    if created:
        audit.log(
            user, "create", membership, after=audit.snapshot(membership), organisation=organisation
        )
    return membership
