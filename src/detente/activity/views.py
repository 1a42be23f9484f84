from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from detente.activity import present
from detente.records.visibility import get_alliance_access


@login_required
def person_feed(request: HttpRequest) -> HttpResponse:
    """What changed across the person's alliances since they last looked."""
    data = present.feed(request.user)
    present.mark_seen(request.user, None)  # after reading: the marks show what was new
    return render(request, "activity/feed.html", {"data": data, "alliance": None})


@login_required
def alliance_feed(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    data = present.feed(request.user, access.alliance)
    present.mark_seen(request.user, alliance_id)
    return render(
        request,
        "activity/feed.html",
        {"data": data, "alliance": access.alliance, "access": access},
    )
