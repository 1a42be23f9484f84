"""The activity feed in the API: the same data as the pages (``present.feed``). Reading it
here does not move the "last looked" mark; the pages do."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from detente.activity import present
from detente.records.visibility import get_alliance_access

router = Router(tags=["activity"])


@router.get("/activity", response=dict, summary="What changed across your alliances")
def my_activity(request: HttpRequest) -> dict[str, Any]:
    return present.feed(request.user)


@router.get("/alliances/{alliance_id}/activity", response=dict, summary="What changed here")
def alliance_activity(request: HttpRequest, alliance_id: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return present.feed(request.user, access.alliance)
