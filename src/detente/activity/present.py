"""What the activity feed shows: one function for the page and its JSON twin.

The entries are the audit log's, through ``records.audit_reading.visible_to`` (an entry is
private when its record ever was), and each says only who did what to which record: the
before and after values stay on the audit page, which blanks references for the reader.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.apps import apps
from django.utils import timezone

from detente.activity.models import FeedMark
from detente.records import audit_reading

PAGE = 100
# Bookkeeping that is not activity: notices to one person, outgoing hooks, tokens.
HIDDEN_MODELS = {"conflicts.notification", "notifications.webhook", "accounts.apitoken"}
VERBS = {"create": "added", "update": "changed", "delete": "deleted"}


def scope(alliance_id: int | None) -> str:
    return f"alliance:{alliance_id}" if alliance_id else "all"


def last_seen(user: Any, alliance_id: int | None) -> datetime | None:
    mark = FeedMark.objects.filter(user=user, scope=scope(alliance_id)).first()
    return mark.seen_at if mark else None


def mark_seen(user: Any, alliance_id: int | None) -> None:
    FeedMark.objects.update_or_create(
        user=user, scope=scope(alliance_id), defaults={"seen_at": timezone.now()}
    )


def _kind(model_label: str) -> str:
    try:
        return str(apps.get_model(model_label)._meta.verbose_name)
    except (LookupError, ValueError):
        return model_label.split(".")[-1]


def feed(user: Any, alliance: Any = None) -> dict[str, Any]:
    entries = audit_reading.visible_to(user).filter(alliance__isnull=False)
    if alliance is not None:
        entries = entries.filter(alliance=alliance)
    entries = entries.exclude(model__in=HIDDEN_MODELS).select_related("actor", "alliance")
    seen = last_seen(user, alliance.pk if alliance is not None else None)
    items = []
    for e in entries[:PAGE]:
        if e.alliance is None:  # the filter above leaves none; this tells the type checker
            continue
        who = (e.actor.get_full_name() or e.actor.email) if e.actor else "detente"
        items.append(
            {
                "id": e.pk,
                "at": e.at.isoformat(),
                "when": timezone.localtime(e.at).strftime("%d %b %Y %H:%M"),
                "actor": who,
                "action": e.action,
                "text": f"{who} {VERBS.get(e.action, e.action)} {_kind(e.model)} '{e.object_repr}'",
                "kind": _kind(e.model),
                "record": e.object_repr,
                "alliance_id": e.alliance_id,
                "alliance": e.alliance.name,
                "private": e.visibility != "joint",
                "unread": seen is None or e.at > seen,
                "mine": e.actor_id == user.pk,
            }
        )
    for item in items:
        if item["mine"]:
            item["unread"] = False  # what you did yourself is not news to you
    return {
        "last_seen": seen.isoformat() if seen else None,
        "unread": sum(item["unread"] for item in items),
        "items": items,
    }
