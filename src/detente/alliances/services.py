"""Actions that change an alliance. Each runs in one transaction and writes its audit entry."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from detente import audit
from detente.accounts.models import ROLE_RANK, Membership, Organisation, Role
from detente.alliances.models import SideInvitation, StatusChange
from detente.records.models import Alliance, Side
from detente.records.visibility import AllianceAccess


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
def join_organisation(user: Any, organisation: Organisation, role: str = Role.MEMBER) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    if created:
        audit.log(
            user, "create", membership, after=audit.snapshot(membership), organisation=organisation
        )
    return membership
