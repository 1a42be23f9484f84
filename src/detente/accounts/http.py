"""The request a login-required view receives, typed for the checker."""

from __future__ import annotations

from django.http import HttpRequest

from detente.accounts.models import User


class AuthedRequest(HttpRequest):
    """An ``HttpRequest`` behind ``login_required``: its ``user`` is a signed-in ``User``,
    never ``AnonymousUser``. Only for annotations; Django builds the request as usual."""

    user: User
