"""The inbox in the API: the same data as the page (``present.inbox``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from detente.notifications import present
from detente.notifications.models import Notification

router = Router(tags=["notifications"])


@router.get("/notifications", response=dict, summary="Your notifications (the bell)")
def list_my_notifications(request: HttpRequest, unread: bool = False) -> dict[str, Any]:
    return present.inbox(request.user, unread_only=unread)


@router.post("/notifications/read", response=dict, summary="Mark all your notifications read")
def read_my_notifications(request: HttpRequest) -> dict[str, Any]:
    marked = (
        Notification.objects.for_user(request.user)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )
    return {"marked": marked}
