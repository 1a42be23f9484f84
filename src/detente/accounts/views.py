from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from detente import audit
from detente.accounts import invitations
from detente.accounts.forms import AcceptInvitationForm, ApiTokenForm
from detente.accounts.http import AuthedRequest
from detente.accounts.models import ApiToken, User


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitations.open_invitation(token)
    except invitations.InvitationError as exc:
        return render(request, "accounts/invitation_invalid.html", {"reason": str(exc)}, status=410)

    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing is not None:
        # The invitee has an account: they accept by signing in as that account.
        if request.user.is_authenticated and request.user.pk == existing.pk:
            if request.method == "POST":
                invitations.accept(invitation, request.user)
                messages.success(request, f"You joined {invitation.organisation}.")
                return redirect("portfolio")
            return render(request, "accounts/invitation_confirm.html", {"invitation": invitation})
        return render(request, "accounts/invitation_signin.html", {"invitation": invitation})

    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = User.objects.create_user(
                invitation.email,
                form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
            )
            audit.log(user, "create", user, after=audit.snapshot(user))
            invitations.accept(invitation, user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to detente. You joined {invitation.organisation}.")
        if invitation.alliance_id:
            return redirect("alliance_overview", invitation.alliance_id)
        return redirect("portfolio")
    return render(
        request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form}
    )


@login_required
def account_settings(request: AuthedRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            token, new_key = ApiToken.issue(request.user, form.cleaned_data["name"])
            audit.log(request.user, "create", token, after=audit.snapshot(token))
        form = ApiTokenForm()
    context = {
        "form": form,
        "new_key": new_key,
        "tokens": request.user.api_tokens.all(),
        "memberships": request.user.memberships.select_related("organisation"),
    }
    return render(request, "accounts/settings.html", context)


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    with transaction.atomic():
        before = audit.snapshot(token)
        token.delete()
        token.pk = token_id
        audit.log(request.user, "delete", token, before=before)
    messages.success(request, f"Token '{token.name}' revoked.")
    return redirect("account_settings")


@login_required
def change_password(request: AuthedRequest) -> HttpResponse:
    """Change the password knowing the current one; every other session is signed out."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            # The new hash ends every other session (Django checks it on each request); this
            # one is kept by giving it the new hash.
            update_session_auth_hash(request, user)
            audit.log(user, "update", user, after={"password": "changed"})
        messages.success(
            request, "Your password is changed. Every other browser signed in as you is signed out."
        )
        return redirect("account_settings")
    return render(request, "accounts/password_change.html", {"form": form})
