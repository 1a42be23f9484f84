"""How long a browser stays signed in: at most ``SESSION_LIFETIME`` after signing in.

Django's session age alone is renewed whenever the session is written; the moment of signing
in is kept in the session instead, and a session older than the limit is signed out on its
next request (OWASP ASVS 3.3.2: re-authentication at most 12 hours after sign-in).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

SIGNED_IN_AT = "detente_signed_in_at"


def remember_sign_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: the session's lifetime starts now."""
    request.session[SIGNED_IN_AT] = timezone.now().timestamp()


class SessionLifetimeMiddleware:
    """Sign out a browser session that has outlived ``SESSION_LIFETIME``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and hasattr(request, "session"):
            signed_in_at = request.session.get(SIGNED_IN_AT)
            now = timezone.now()
            if signed_in_at is None:  # a session from before this rule: its clock starts now
                request.session[SIGNED_IN_AT] = now.timestamp()
            elif now.timestamp() - signed_in_at > lifetime().total_seconds():
                return self.sign_out(request)
        return self.get_response(request)

    def sign_out(self, request: HttpRequest) -> HttpResponse:
        logout(request)
        if request.path.startswith("/api/"):  # the API answers 401 to a signed-out caller
            return self.get_response(request)
        hours = settings.SESSION_LIFETIME_HOURS
        messages.info(
            request, f"You were signed out {hours} hours after signing in. Please sign in again."
        )
        to_login = redirect_to_login(request.get_full_path())
        if request.headers.get("HX-Request"):  # htmx swaps fragments: send the whole page away
            return HttpResponse(status=204, headers={"HX-Redirect": to_login["Location"]})
        return to_login


def lifetime() -> timedelta:
    return timedelta(hours=settings.SESSION_LIFETIME_HOURS)
