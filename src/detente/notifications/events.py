"""``publish(event)``: tell the event's people (each through their preferences) and the
webhooks of the sides that may see it. The one place notifications are made.

Every recipient is checked against the visibility rule of the record behind the event, here
and not only by the caller: a person who may not see the record is never told, whatever
list of people the caller passed. A webhook's side is checked the same way. Nothing is sent
here; emails and webhook calls are outbox rows that jobs send.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from detente.jobs import delivery
from detente.jobs.mail import queue_email
from detente.notifications.models import (
    DEFAULT_EMAIL,
    EMAILED_ELSEWHERE,
    EmailMode,
    Kind,
    Notification,
    Preference,
    Webhook,
    WebhookDelivery,
)
from detente.records.models import Alliance, Side
from detente.records.visibility import JOINT

log = logging.getLogger(__name__)


@dataclass
class Event:
    kind: str
    key: str  # the same key is the same event: told once, emailed once, delivered once
    text: str
    url: str = ""
    alliance_id: int | None = None
    visibility: str = JOINT  # of the record behind the event
    owner_side_id: int | None = None
    actor_id: int | None = None
    user_ids: Iterable[int] = field(default_factory=tuple)


def sides_of(user_id: int, alliance_id: int) -> set[int]:
    return set(
        Side.objects.filter(
            alliance_id=alliance_id, organisation__memberships__user_id=user_id
        ).values_list("id", flat=True)
    )


def side_sees(side_id: int, event: Event) -> bool:
    return event.visibility == JOINT or event.owner_side_id == side_id


def user_sees(user_id: int, event: Event) -> bool:
    if event.alliance_id is None:
        return True
    return sees(sides_of(user_id, event.alliance_id), event)


def sees(mine: set[int], event: Event) -> bool:
    """May a person of these sides of the event's alliance be told of it?"""
    return bool(mine) and (event.visibility == JOINT or event.owner_side_id in mine)


def preference(user: Any, kind: str) -> tuple[bool, str]:
    return _choice(Preference.objects.filter(user=user, kind=kind).first(), kind)


def _choice(pref: Preference | None, kind: str) -> tuple[bool, str]:
    """In the inbox or not, and how emailed: the person's choice, else the kind's default."""
    email = pref.email if pref else DEFAULT_EMAIL[Kind(kind)]
    if kind in EMAILED_ELSEWHERE:
        email = EmailMode.OFF
    return (pref.in_app if pref else True), email


def absolute(url: str) -> str:
    return settings.SITE_URL + url if url.startswith("/") else url


def _sides_by_person(people: list[int], alliance_id: int) -> dict[int, set[int]]:
    """Each person's sides in the alliance, in one query (``sides_of`` for many)."""
    out: dict[int, set[int]] = {pk: set() for pk in people}
    rows = Side.objects.filter(
        alliance_id=alliance_id, organisation__memberships__user_id__in=people
    ).values_list("organisation__memberships__user_id", "id")
    for user_id, side_id in rows:
        out[user_id].add(side_id)
    return out


def _notify(people: list[Any], event: Event, choices: dict[int, Preference]) -> list[Notification]:
    """One notification each, inserted together. Should another process have told one of
    them meanwhile (the unique key), each is made on its own and the existing one kept."""
    notes = []
    for person in people:
        in_app, email = _choice(choices.get(person.pk), event.kind)
        notes.append(
            Notification(
                recipient=person,
                key=event.key[:200],
                kind=event.kind,
                alliance_id=event.alliance_id,
                owner_side_id=event.owner_side_id,
                visibility=event.visibility,
                text=event.text,
                url=event.url,
                actor_id=event.actor_id,
                in_app=in_app,
                email=email,
            )
        )
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(notes)
    except IntegrityError:
        made = []
        for note in notes:
            fields = {f.attname: getattr(note, f.attname) for f in Notification._meta.fields}
            fields.pop("id")
            recipient, key = fields.pop("recipient_id"), fields.pop("key")
            kept, created = Notification.objects.get_or_create(
                recipient_id=recipient, key=key, defaults=fields
            )
            if created:
                made.append(kept)
        return made


@transaction.atomic
def publish(event: Event) -> list[Notification]:
    User = get_user_model()
    people = User.objects.filter(pk__in=set(event.user_ids), is_active=True)
    if event.actor_id is not None:
        people = people.exclude(pk=event.actor_id)
    persons = list(people.order_by("pk"))
    ids = [p.pk for p in persons]
    # Three reads for all the people at once: their sides, their choices, and who was told.
    sides = _sides_by_person(ids, event.alliance_id) if event.alliance_id is not None else {}
    choices = {p.user_id: p for p in Preference.objects.filter(user_id__in=ids, kind=event.kind)}
    told = set(
        Notification.objects.filter(recipient_id__in=ids, key=event.key[:200]).values_list(
            "recipient_id", flat=True
        )
    )
    fresh = [
        person
        for person in persons
        # the rule, checked for every person whatever the caller passed
        if (event.alliance_id is None or sees(sides[person.pk], event)) and person.pk not in told
    ]
    made = _notify(fresh, event, choices)
    emails = {person.pk: person.email for person in fresh}
    for note in made:
        if note.email == EmailMode.IMMEDIATE and emails[note.recipient_id]:
            queue_email(
                f"notification:{note.pk}",
                emails[note.recipient_id],
                subject(note),
                email_body(note),
            )
    if event.alliance_id is not None:
        _to_webhooks(event)
    return made


def subject(note: Notification) -> str:
    where = f"{note.alliance}: " if note.alliance_id else ""
    return f"[detente] {where}{note.get_kind_display()}"


def email_body(note: Notification) -> str:
    lines = [note.text, ""]
    if note.url:
        lines.append(f"Open it: {absolute(note.url)}")
    lines.append(f"Your notifications: {absolute('/notifications/')}")
    lines.append(f"Choose what you are told, and how: {absolute('/notifications/preferences/')}")
    return "\n".join(lines) + "\n"


def payload(event: Event, alliance: Alliance | None) -> dict[str, Any]:
    """Slack-compatible JSON (``text`` is what Slack shows) with the event's fields. Only
    what the webhook's side may see: the event's own text, about a record that side sees."""
    link = absolute(event.url) if event.url else ""
    text = event.text + (f" <{link}|Open in detente>" if link else "")
    return {
        "text": text,
        "event": event.kind,
        "event_label": Kind(event.kind).label,
        "id": event.key,
        "alliance": alliance.name if alliance else None,
        "alliance_id": event.alliance_id,
        "url": link,
        "occurred_at": timezone.now().isoformat(),
    }


def _to_webhooks(event: Event) -> None:
    if event.alliance_id is None:
        return  # every webhook belongs to an alliance
    hooks = [
        hook
        for hook in Webhook.objects.filter(alliance_id=event.alliance_id, active=True)
        if hook.wants(event.kind) and side_sees(hook.owner_side_id, event)
    ]
    if not hooks:
        return
    body = payload(event, Alliance.objects.get(pk=event.alliance_id))
    for hook in hooks:
        row, created = WebhookDelivery.objects.get_or_create(
            webhook=hook, key=event.key[:200], defaults={"kind": event.kind, "payload": body}
        )
        if created:
            delivery.enqueue("notifications.WebhookDelivery", row.pk)
