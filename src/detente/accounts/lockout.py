"""The key django-axes counts failed sign-ins under (``AXES_USERNAME_CALLABLE``).

Emails are case-insensitive here (``User.objects.get_by_natural_key`` matches ``iexact``),
so the lockout must be too: otherwise ``Sofia@x`` gets fresh tries once ``sofia@x`` is
locked, and signing in as ``Sofia@x`` clears the count of ``sofia@x``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from detente.accounts.models import normalise_email


def normalised_email(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The email of a sign-in attempt as axes should count it."""
    if credentials and credentials.get("username") is not None:
        return normalise_email(credentials["username"])
    data = getattr(request, "POST", None) or {}
    return normalise_email(data.get("username"))
