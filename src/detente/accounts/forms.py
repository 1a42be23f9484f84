from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from detente.accounts.models import ROLE_RANK, Role, User


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )


class SiteLinkPasswordResetForm(PasswordResetForm):
    """Django builds the reset link from the request's Host header; a forged Host (where a
    proxy passes it on) would mail the victim a link to the attacker's site. Here the link
    comes from DETENTE_SITE_URL only."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        kwargs["domain_override"] = settings.SITE_URL.split("://", 1)[-1]
        kwargs["use_https"] = settings.SITE_URL.startswith("https://")
        kwargs["extra_email_context"] = {
            **(kwargs.get("extra_email_context") or {}),
            "site_url": settings.SITE_URL,
        }
        super().save(*args, **kwargs)


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(max_length=150, label="Your name")
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="Password again", widget=forms.PasswordInput, strip=False)

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password2(self) -> str:
        p1 = self.cleaned_data.get("password1")
        p2: str = self.cleaned_data["password2"]  # required: this runs only when it is given
        if p1 and p2 and p1 != p2:
            raise forms.ValidationError("The two passwords differ.")
        password_validation.validate_password(
            p2, User(email=self.email, full_name=self.cleaned_data.get("full_name", ""))
        )
        return p2


class InvitationForm(forms.Form):
    name = forms.CharField(max_length=150, required=False, label="Their name")
    email = forms.EmailField()
    side = forms.ChoiceField(help_text="The invitee joins this side's organisation.")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)
    note = forms.CharField(
        max_length=2000,
        required=False,
        label="A note (optional)",
        help_text="Put in the invitation email, under your name.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, access: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.access = access
        side, role = self.fields["side"], self.fields["role"]
        assert isinstance(side, forms.ChoiceField) and isinstance(role, forms.ChoiceField)
        side.choices = [(s.id, str(s)) for s in access.sides]
        side.initial = self.default_side().id
        # Nobody hands out more rights than they hold.
        top = max(ROLE_RANK[Role(r)] for r in access.roles.values())
        role.choices = [(r.value, r.label) for r in Role if ROLE_RANK[r] <= top]

    def default_side(self) -> Any:
        """The side one most often invites to: a partner's side still without its own people
        (the counterparts a new alliance waits for), else any partner's side a manager here
        may invite to, else the user's own."""
        partners = [s for s in self.access.sides if s.id not in self.access.roles]
        for side in partners:
            if not side.organisation.memberships.exists():
                return side
        for side in partners:
            if self.access.can_manage_on(side.id):
                return side
        return self.access.default_side

    def clean_side(self) -> Any:
        side_id = int(self.cleaned_data["side"])
        side = next(s for s in self.access.sides if s.id == side_id)
        # A manager brings in the first people of a partner organisation; once it has its
        # own people, they invite their colleagues. Otherwise a manager on one side could
        # make anyone a member of the partner organisation, with access to its private
        # records in every alliance it belongs to.
        if not self.access.can_manage_on(side.id) and side.organisation.memberships.exists():
            raise forms.ValidationError(
                f"{side.organisation} already has its own people in detente: "
                "ask one of its managers to invite their colleague."
            )
        return side

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        email, side = data.get("email"), data.get("side")
        if (
            email
            and side
            and User.objects.filter(
                email__iexact=email, memberships__organisation_id=side.organisation_id
            ).exists()
        ):
            self.add_error("email", f"{email} is already a member of {side.organisation}.")
        return data


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What the token is for, e.g. 'reporting script'."
    )
