"""Who sees and answers a side invitation (docs/visibility.md, "Adding a side").

The invited organisation's managers are not in the alliance yet, so access to an
invitation goes through the organisation rather than ``get_alliance_access``: to anyone
outside the organisation it does not exist (404), and a member there who is not a manager
or admin may see that it exists but not answer it (403). The portfolio page, its answer
form and the API routes all read through these functions.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from detente.alliances.forms import managed_organisations
from detente.alliances.models import SideInvitation
from detente.records.visibility import AllianceAccess


def pending_for(user: Any) -> QuerySet[SideInvitation]:
    """Pending invitations to the organisations the user manages (those they may answer)."""
    return SideInvitation.objects.filter(
        status=SideInvitation.Status.PENDING,
        organisation__in=managed_organisations(user),
    ).select_related("alliance", "organisation", "invited_by")


def get_to_answer(user: Any, pk: Any) -> SideInvitation:
    """A pending invitation the user may answer: 404 outside the invited organisation (or
    once answered), 403 for a member there who is not a manager or admin."""
    try:
        invitation = (
            SideInvitation.objects.filter(
                status=SideInvitation.Status.PENDING,
                organisation__memberships__user=user,
            )
            .select_related("alliance", "organisation")
            .get(pk=pk)
        )
    except (SideInvitation.DoesNotExist, ValueError, TypeError):
        raise Http404("No such invitation.") from None
    if not managed_organisations(user).filter(pk=invitation.organisation_id).exists():
        raise PermissionDenied(
            f"Only a manager or admin of {invitation.organisation} may answer this invitation."
        )
    return invitation


def pending_in(access: AllianceAccess) -> QuerySet[SideInvitation]:
    """The alliance's pending invitations, for its members (who asked whom, and when)."""
    return access.alliance.side_invitations.filter(
        status=SideInvitation.Status.PENDING
    ).select_related("organisation", "invited_by")
