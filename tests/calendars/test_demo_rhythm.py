"""The flagship demo alliance has last month's progress digest, and a demo person's calendar
link opens their calendar with the demo's meetings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from icalendar import Calendar  # type: ignore[import-untyped]

from detente.calendars import feeds


@pytest.mark.django_db
def test_the_flagship_demo_shows_a_digest_and_its_people_have_a_working_calendar(
    settings: Any,
) -> None:
    from detente.demo.build import build_demo
    from detente.meetings.models import ProgressDigest

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(datetime(2026, 5, 13, 9, 30, tzinfo=UTC), tick=False):
        ws = build_demo()
        with_digest = ProgressDigest.objects.values_list("alliance", flat=True)
        [flagship] = [a for a in ws.alliances.values() if a.pk in set(with_digest)]
        [sent] = ProgressDigest.objects.filter(alliance=flagship)
        assert sent.period == "2026-04"
        manager = next(u for u in ws.users.values() if u.email.startswith("maya"))
        client = Client()
        client.force_login(manager)
        page = client.get(f"/alliances/{flagship.pk}/meetings/digest/").content.decode()
        assert "Health-check meeting, last quarter" in page
        assert "Keep the production API quota where it is" in page
        body = Client().get(f"/calendar/{feeds.token_for(manager)}/detente.ics")
        assert body.status_code == 200
        summaries = [str(e.get("SUMMARY")) for e in Calendar.from_ical(body.content).walk("VEVENT")]
        assert any("Health-check meeting, this quarter" in s for s in summaries)
