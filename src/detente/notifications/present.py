"""What the inbox shows: one function for the page and its JSON twin."""

from __future__ import annotations

from typing import Any

from detente.notifications.models import Notification

PAGE = 200


def item(note: Notification) -> dict[str, Any]:
    return {
        "id": note.pk,
        "kind": note.kind,
        "kind_label": note.get_kind_display(),
        "text": note.text,
        "url": note.url,
        "alliance_id": note.alliance_id,
        "alliance": note.alliance.name if note.alliance is not None else None,
        "created_at": note.created_at.isoformat(),
        "read": note.read_at is not None,
    }


def inbox(user: Any, *, unread_only: bool = False) -> dict[str, Any]:
    notes = Notification.objects.for_user(user).select_related("alliance")
    unread = notes.filter(read_at__isnull=True)
    shown = unread if unread_only else notes
    return {
        "unread": unread.count(),
        "notifications": [item(n) for n in shown[:PAGE]],
    }
