"""Actions that change an alliance. Each runs in one transaction and writes its audit entry."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.forms import ModelForm

from detente import audit
from detente.accounts.models import Membership, Organisation, Role
from detente.alliances.models import Alliance, AllianceRecord, Side, StatusChange
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
) -> Alliance:
    """Create an alliance with the user's side and one side per partner organisation.

    A partner organisation that does not exist yet is created (its people join it later
    through invitations).
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
    before = audit.snapshot(record)
    pk = record.pk
    record.delete()
    record.pk = pk  # keep the id in the audit entry
    audit.log(access.user, "delete", record, before=before, alliance=access.alliance)


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
