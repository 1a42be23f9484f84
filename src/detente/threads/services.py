"""Posting, editing and deleting comments, and checking their @mentions.

Who may read a thread: the joint thread of a joint record, every member of the alliance;
a side's internal thread (and every thread of a record private to a side), that side's
people only. A mention names someone by the part of their email before the @ (``@bob``)
or by the whole email; it is refused, with the reason, unless the person may read the
thread. Someone outside the alliance is "no one here": a refusal never reveals that a
person exists elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from detente import audit
from detente.accounts.models import Membership
from detente.notifications.events import Event, publish
from detente.notifications.models import Kind
from detente.records.visibility import JOINT, PRIVATE, AllianceAccess
from detente.threads.models import Comment
from detente.threads.targets import target, title

MENTION = re.compile(r"(?<![\w.@])@([A-Za-z0-9._%+-]+(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?)")
THREADS = ("joint", "internal")
MAX_BODY = 5000


class Refused(Exception):
    """The comment cannot be posted; the message says why, in words for the author."""

    def __init__(self, message: str, field: str = "body") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Thread:
    """One thread of one record: joint, or the internal thread of ``side``."""

    name: str  # "joint" or "internal"
    side: Any  # the side whose internal thread it is (None for the joint thread)

    @property
    def visibility(self) -> str:
        return JOINT if self.name == "joint" else PRIVATE


def threads_of(access: AllianceAccess, record: Any) -> list[Thread]:
    """The threads the user reads on ``record``: the joint one (only if the record is
    joint) and the internal one of the user's side (of the record's side if private)."""
    if record.visibility != JOINT:
        side = next(s for s in access.sides if s.id == record.owner_side_id)
        return [Thread("internal", side)]
    return [Thread("joint", None), Thread("internal", access.my_side)]


def thread_named(access: AllianceAccess, record: Any, name: str) -> Thread:
    for thread in threads_of(access, record):
        if thread.name == name:
            return thread
    if name not in THREADS:
        raise Refused("Choose the joint thread or your side's internal thread.", "thread")
    raise Refused(
        "This record is private to your side, so it has only your side's internal thread.",
        "thread",
    )


def comments(access: AllianceAccess, kind: str, record: Any, thread: Thread) -> Any:
    qs = access.records(Comment).filter(target_kind=kind, target_id=record.pk)
    if thread.name == "joint":
        qs = qs.filter(visibility=JOINT)
    else:
        qs = qs.filter(visibility=PRIVATE, owner_side=thread.side)
    return qs.select_related("created_by", "owner_side__organisation").prefetch_related("mentions")


def _readers(access: AllianceAccess, thread: Thread) -> set[int]:
    """Organisations whose people read the thread."""
    sides = access.sides if thread.name == "joint" else [thread.side]
    return {s.organisation_id for s in sides}


def resolve_mentions(access: AllianceAccess, thread: Thread, body: str) -> list[Any]:
    handles = []
    for match in MENTION.finditer(body):
        handle = match.group(1).rstrip(".").lower()
        if handle not in handles:
            handles.append(handle)
    if not handles:
        return []
    User = get_user_model()
    alliance_orgs = {s.organisation_id for s in access.sides}
    people = list(
        User.objects.filter(
            memberships__organisation_id__in=alliance_orgs, is_active=True
        ).distinct()
    )
    orgs_of: dict[int, set[int]] = {}
    for m in Membership.objects.filter(user__in=people, organisation_id__in=alliance_orgs):
        orgs_of.setdefault(m.user_id, set()).add(m.organisation_id)
    readers = _readers(access, thread)
    side_of_org = {s.organisation_id: s for s in access.sides}
    found = []
    for handle in handles:
        if "@" in handle:
            matches = [p for p in people if p.email.lower() == handle]
        else:
            matches = [p for p in people if p.email.lower().split("@")[0] == handle]
        if not matches:
            raise Refused(f"No one in this alliance goes by @{handle}.")
        if len(matches) > 1:
            raise Refused(f"@{handle} could be more than one person here: write their whole email.")
        person = matches[0]
        if not orgs_of.get(person.pk, set()) & readers:
            theirs = ", ".join(str(side_of_org[o]) for o in sorted(orgs_of.get(person.pk, ())))
            raise Refused(
                f"You cannot mention @{handle} ({person.get_full_name() or person.email}, "
                f"{theirs}): this is {thread.side}'s internal thread, which only {thread.side}'s "
                "people can read. Mention them in the joint thread instead."
            )
        found.append(person)
    return found


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise Refused("Write something first.")
    if len(body) > MAX_BODY:
        raise Refused(f"A comment is at most {MAX_BODY} characters; this one is {len(body)}.")
    return body


def _tell_mentioned(
    access: AllianceAccess, comment: Comment, people: list[Any], kind: str, record: Any
) -> None:
    t = target(kind)
    where = (
        "the joint thread"
        if comment.thread == "joint"
        else f"{comment.owner_side}'s internal thread"
    )
    excerpt = comment.body if len(comment.body) <= 200 else comment.body[:199] + "…"
    for person in people:
        publish(
            Event(
                kind=Kind.MENTION,
                key=f"mention:{comment.pk}:{person.pk}",
                text=f"{access.user.get_full_name() or access.user.email} mentioned you in {where} "
                f"on the {t.label} '{title(record)}': {excerpt}",
                url=thread_url(access.alliance.pk, kind, record.pk) + f"#comment-{comment.pk}",
                alliance_id=access.alliance.pk,
                visibility=comment.visibility,
                owner_side_id=comment.owner_side_id,
                actor_id=access.user.pk,
                user_ids=[person.pk],
            )
        )


def thread_url(alliance_id: int, kind: str, pk: int) -> str:
    from django.urls import reverse

    return reverse("thread", args=[alliance_id, kind, pk])


@transaction.atomic
def post(access: AllianceAccess, kind: str, record: Any, thread_name: str, body: str) -> Comment:
    """Any member, read-only ones too, may comment on a record they see."""
    thread = thread_named(access, record, thread_name)
    body = _clean_body(body)
    mentioned = resolve_mentions(access, thread, body)
    side = thread.side if thread.name == "internal" else access.my_side
    comment = Comment.objects.create(
        alliance=access.alliance,
        owner_side=side,
        visibility=thread.visibility,
        created_by=access.user,
        target_kind=kind,
        target_id=record.pk,
        body=body,
    )
    comment.mentions.set(mentioned)
    audit.log(access.user, "create", comment, after=audit.snapshot(comment))
    _tell_mentioned(access, comment, mentioned, kind, record)
    return comment


def get_own(access: AllianceAccess, pk: Any) -> Comment:
    comment = access.get_record(Comment, pk)
    if comment.created_by_id != access.user.pk:
        raise PermissionDenied("Only the author of a comment may change or delete it.")
    return comment


@transaction.atomic
def edit(access: AllianceAccess, comment: Comment, record: Any, body: str) -> Comment:
    thread = thread_named(access, record, comment.thread)
    body = _clean_body(body)
    mentioned = resolve_mentions(access, thread, body)
    before = audit.snapshot(comment)
    comment.body = body
    comment.edited_at = timezone.now()
    comment.save()
    new = [p for p in mentioned if p.pk not in set(comment.mentions.values_list("pk", flat=True))]
    comment.mentions.set(mentioned)
    audit.log(access.user, "update", comment, before=before, after=audit.snapshot(comment))
    _tell_mentioned(access, comment, new, comment.target_kind, record)
    return comment


@transaction.atomic
def delete(access: AllianceAccess, comment: Comment) -> None:
    audit.log(access.user, "delete", comment, before=audit.snapshot(comment))
    comment.delete()
