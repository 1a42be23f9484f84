"""Invitation links: signed, expiring and single-use."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from detente import audit
from detente.accounts.models import Invitation, Membership, Organisation, normalise_email
from detente.jobs.mail import queue_email

SALT = "detente.invitation"


class InvitationError(Exception):
    """The link cannot be used; the message says why in words the invitee understands."""


def make_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=SALT, compress=True)


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("accept_invitation", args=[make_token(invitation)])


@transaction.atomic
def invite(
    inviter: Any,
    *,
    email: str,
    organisation: Organisation,
    role: str,
    alliance: Any = None,
    name: str = "",
    note: str = "",
) -> Invitation:
    invitation = Invitation.objects.create(
        email=normalise_email(email),
        name=name,
        note=note,
        organisation=organisation,
        alliance=alliance,
        role=role,
        invited_by=inviter,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_MAX_AGE_DAYS),
    )
    audit.log(
        inviter,
        "create",
        invitation,
        after=audit.snapshot(invitation),
        organisation=organisation,
    )
    context = {"invitation": invitation, "url": invitation_url(invitation)}
    # The email names only what the invitee may see: the alliance (joint) and their organisation.
    # Sent by a job, not inside the request (docs/notifications.md).
    queue_email(
        f"invitation:{invitation.pk}",
        invitation.email,
        f"{inviter} invites you to {alliance or organisation} on detente",
        render_to_string("accounts/email/invitation.txt", context),
    )
    return invitation


def open_invitation(token: str) -> Invitation:
    """The invitation behind a link, or InvitationError if it is tampered, expired or used."""
    max_age = timedelta(days=settings.INVITATION_MAX_AGE_DAYS)
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise InvitationError("This invitation has expired. Ask for a new one.") from None
    except signing.BadSignature:
        raise InvitationError("This invitation link is not valid.") from None
    try:
        invitation = Invitation.objects.select_related("organisation", "alliance").get(
            pk=payload["i"], nonce=payload["n"]
        )
    except (Invitation.DoesNotExist, KeyError, TypeError):
        raise InvitationError("This invitation link is not valid.") from None
    if invitation.accepted_at is not None:
        raise InvitationError("This invitation has already been used.")
    if invitation.revoked_at is not None:
        raise InvitationError("This invitation was withdrawn. Ask for a new one.")
    if invitation.is_expired:
        raise InvitationError("This invitation has expired. Ask for a new one.")
    return invitation


@transaction.atomic
def accept(invitation: Invitation, user: Any) -> Membership:
    # Lock the row so two simultaneous clicks cannot both use the link.
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at is not None:
        raise InvitationError("This invitation has already been used.")
    if locked.revoked_at is not None:
        raise InvitationError("This invitation was withdrawn. Ask for a new one.")
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=locked.organisation, defaults={"role": locked.role}
    )
    before = audit.snapshot(locked)
    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    audit.log(
        user,
        "update",
        locked,
        before=before,
        after=audit.snapshot(locked),
        organisation=locked.organisation,
    )
    if created:
        audit.log(
            user,
            "create",
            membership,
            after=audit.snapshot(membership),
            organisation=locked.organisation,
        )
    return membership


def pending(queryset: Any) -> Any:
    """The invitations of ``queryset`` that can still be accepted: not used, not withdrawn,
    not expired."""
    return queryset.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


@transaction.atomic
def revoke(user: Any, invitation: Invitation) -> Invitation:
    """Withdraw a pending invitation: its link stops working at once."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at is not None or locked.revoked_at is not None:
        raise InvitationError("This invitation has already been used or withdrawn.")
    before = audit.snapshot(locked)
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    audit.log(
        user,
        "update",
        locked,
        before=before,
        after=audit.snapshot(locked),
        organisation=locked.organisation,
    )
    return locked
