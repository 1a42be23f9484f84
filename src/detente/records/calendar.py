"""Dated things for calendars: each capability registers a source of events, and the
calendar feeds (and anything else that wants "what is coming up") read them all.

A source is called with the person and the alliances to cover, and must answer only what
that person may see: it reads its records through the visibility rule
(``Model.objects.visible_to(user)``), like every page. Registering happens when the app
loads (its ``AppConfig.ready`` imports the module that calls :func:`source`), so the core
never imports a capability.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class CalendarEvent:
    uid: str  # stable and unique across the site, e.g. "meeting-12@detente"
    kind: str  # "meeting", "commitment", "health_check", "ladder", "difference", ...
    title: str
    start: dt.date | dt.datetime  # a date is an all-day event
    url: str  # the path of the event's page, e.g. "/alliances/3/meetings/12/"
    alliance_id: int
    end: dt.date | dt.datetime | None = None
    description: str = ""
    joint: bool = True  # False for a side's private record (a preparation meeting, ...)


Source = Callable[[Any, "QuerySet[Any]"], Iterable[CalendarEvent]]
SOURCES: dict[str, Source] = {}


def source(kind: str) -> Callable[[Source], Source]:
    """Register ``fn(user, alliances)`` as the source of one kind of event."""

    def register(fn: Source) -> Source:
        SOURCES[kind] = fn
        return fn

    return register


def events(user: Any, alliances: QuerySet[Any]) -> list[CalendarEvent]:
    """Every registered source's events for ``user`` over ``alliances``, by start."""
    found = [event for fn in SOURCES.values() for event in fn(user, alliances)]
    return sorted(found, key=lambda e: (_as_datetime(e.start), e.uid))


def _as_datetime(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime.combine(value, dt.time.min, tzinfo=dt.UTC)
