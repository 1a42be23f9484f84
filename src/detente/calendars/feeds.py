"""Calendar feeds: the secret link of a person and the iCalendar text behind it.

A link is ``/calendar/<token>/...`` with ``token = "<user id>-<mac>"``; the mac is an
HMAC-SHA256 (keyed with the site's secret key) of the user id and the person's stored
secret. The token opens the feed without signing in, and resetting the secret ends every
link made before. The feed holds the registered sources' events (``records.calendar``),
each read through the visibility rule as that person sees it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from detente import audit
from detente.calendars.models import CalendarKey
from detente.records.calendar import CalendarEvent, events
from detente.records.models import Alliance

SALT = "detente.calendars.feed"


def _secret(user: Any) -> str:
    key = CalendarKey.objects.filter(user=user).first()
    return key.secret if key else ""


def token_for(user: Any, secret: str | None = None) -> str:
    secret = _secret(user) if secret is None else secret
    mac = salted_hmac(SALT, f"{user.pk}:{secret}", algorithm="sha256").hexdigest()[:40]
    return f"{user.pk}-{mac}"


def user_for(token: str) -> Any | None:
    """The active person whose current link holds ``token``, or None."""
    head, _, mac = token.partition("-")
    if not head.isdigit() or not mac:
        return None
    user = get_user_model().objects.filter(pk=int(head), is_active=True).first()
    if user is None or not constant_time_compare(token, token_for(user)):
        return None
    return user


@transaction.atomic
def reset(user: Any) -> CalendarKey:
    """A new secret: the old links stop working at once. One audit row."""
    key, created = CalendarKey.objects.get_or_create(user=user, defaults={"secret": ""})
    key.secret = secrets.token_hex(32)
    key.save()
    audit.log(user, "update", key, after={"calendar_link": "reset"})
    return key


def person_url(user: Any) -> str:
    return settings.SITE_URL + reverse("calendar_feed", args=[token_for(user)])


def alliance_url(user: Any, alliance_id: int) -> str:
    return settings.SITE_URL + reverse(
        "calendar_alliance_feed", args=[token_for(user), alliance_id]
    )


def alliances_of(user: Any) -> Any:
    return Alliance.objects.filter(sides__organisation__memberships__user=user).distinct()


def ics(found: list[CalendarEvent], name: str) -> bytes:
    """RFC 5545 text: one VEVENT per event, each with UID, DTSTAMP, DTSTART and its link."""
    from icalendar import Calendar, Event  # type: ignore[import-untyped]

    names = dict(
        Alliance.objects.filter(pk__in={e.alliance_id for e in found}).values_list("pk", "name")
    )
    cal = Calendar()
    cal.add("prodid", "-//detente//calendars//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    stamp = timezone.now()
    for e in found:
        event = Event()
        event.add("uid", e.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", e.start)
        end = e.end
        if end is None and not isinstance(e.start, dt.datetime):
            end = e.start + dt.timedelta(days=1)  # an all-day event ends the next day
        if end is not None:
            event.add("dtend", end)
        alliance = names.get(e.alliance_id, "")
        event.add("summary", f"{e.title} · {alliance}" if alliance else e.title)
        link = settings.SITE_URL + e.url
        event.add("url", link)
        event.add("description", f"{e.description}\n\n{link}".strip())
        event.add("categories", [e.kind])
        if not e.joint:
            event.add("class", "PRIVATE")
        cal.add_component(event)
    return bytes(cal.to_ical())


def person_feed(user: Any) -> bytes:
    return ics(events(user, alliances_of(user)), "detente")


def alliance_feed(user: Any, alliance: Alliance) -> bytes:
    return ics(events(user, alliances_of(user).filter(pk=alliance.pk)), f"detente · {alliance}")
