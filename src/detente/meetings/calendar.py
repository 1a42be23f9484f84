"""The meetings' source of calendar events: only the meetings the person may see."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from detente.meetings.models import Meeting
from detente.meetings.services import meeting_url
from detente.records.calendar import CalendarEvent, source


@source("meeting")
def meeting_events(user: Any, alliances: QuerySet[Any]) -> Iterable[CalendarEvent]:
    meetings = Meeting.objects.visible_to(user).filter(alliance__in=alliances)
    for m in meetings.order_by("starts_at", "id"):
        yield CalendarEvent(
            uid=f"meeting-{m.pk}@detente",
            kind="meeting",
            title=m.title,
            start=m.starts_at,
            end=m.ends_at,
            url=meeting_url(m),
            alliance_id=m.alliance_id,
            description=m.purpose,
            joint=not m.is_private,
        )
