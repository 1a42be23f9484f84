"""Withdrawing an invitation listed on the alliance overview (detente.workspace.onboarding)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from detente.accounts import invitations
from detente.records.visibility import get_alliance_access
from detente.workspace import onboarding


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, manage=True)
    invitation = onboarding.get_to_revoke(access, pk)
    invitations.revoke(request.user, invitation)
    messages.success(request, f"The invitation to {invitation.email} is withdrawn.")
    return redirect("alliance_overview", alliance_id)
