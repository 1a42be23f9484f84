"""What a record's threads show: one function for the page (and its htmx fragments) and
the JSON twin."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from detente.records.visibility import AllianceAccess
from detente.threads import services
from detente.threads.models import Comment
from detente.threads.targets import target, title


def comment_item(access: AllianceAccess, comment: Comment) -> dict[str, Any]:
    author = comment.created_by
    return {
        "id": comment.pk,
        "thread": comment.thread,
        "author": (author.get_full_name() or author.email) if author else "someone",
        "author_id": comment.created_by_id,
        "side": str(comment.owner_side),
        "body": comment.body,
        "mentions": [p.email for p in comment.mentions.all()],
        "created_at": comment.created_at.isoformat(),
        "when": timezone.localtime(comment.created_at).strftime("%d %b %Y %H:%M"),
        "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
        "mine": comment.created_by_id == access.user.pk,
    }


def thread_data(access: AllianceAccess, kind: str, record: Any, thread: services.Thread) -> dict:
    label = "Joint thread" if thread.name == "joint" else f"Internal to {thread.side}"
    note = (
        "Every member of the alliance reads this thread."
        if thread.name == "joint"
        else f"Only {thread.side}'s people read this thread; the partner never sees it."
    )
    return {
        "name": thread.name,
        "label": label,
        "note": note,
        "comments": [
            comment_item(access, c) for c in services.comments(access, kind, record, thread)
        ],
    }


def threads(access: AllianceAccess, kind: str, record: Any) -> dict[str, Any]:
    t = target(kind)
    return {
        "record": {
            "kind": kind,
            "kind_label": t.label,
            "id": record.pk,
            "title": title(record),
            "url": t.url(access.alliance.pk, record.pk),
            "visibility": record.visibility,
        },
        "threads": [
            thread_data(access, kind, record, th) for th in services.threads_of(access, record)
        ],
    }
