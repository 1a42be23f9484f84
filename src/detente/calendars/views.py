"""The calendar feeds, opened through their secret link without signing in, and the reset."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from detente.accounts.http import AuthedRequest
from detente.calendars import feeds
from detente.records.visibility import get_alliance_access


def _calendar(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Everything the link's person may see, over all their alliances."""
    user = feeds.user_for(token)
    if user is None:
        raise Http404("No such calendar: the link was reset or mistyped.")
    return _calendar(feeds.person_feed(user), "detente.ics")


def calendar_alliance_feed(request: HttpRequest, token: str, alliance_id: int) -> HttpResponse:
    """One alliance's events, as the link's person sees them (404 outside the alliance)."""
    user = feeds.user_for(token)
    if user is None:
        raise Http404("No such calendar: the link was reset or mistyped.")
    access = get_alliance_access(user, alliance_id)
    return _calendar(feeds.alliance_feed(user, access.alliance), f"alliance-{alliance_id}.ics")


@login_required
@require_POST
def calendar_reset(request: AuthedRequest) -> HttpResponse:
    feeds.reset(request.user)
    messages.success(
        request, "Your calendar link is new. The old one stops working; subscribe again with this."
    )
    return redirect("account_settings")
