"""A person's calendar feed: opened through a secret link without signing in, valid
iCalendar (RFC 5545), stopped by a reset, and holding only what that person may see."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar  # type: ignore[import-untyped]

from detente.calendars import feeds


def tag(prefix: str, visibility: str) -> str:
    return f"{prefix.upper()}-PRIVATE-CAL" if visibility == "private" else f"{prefix.upper()}-JOINT"


@pytest.fixture
def dated(cast: Any) -> dict[str, Any]:
    """Per side, joint and private: a meeting, a commitment, a health check, a conflict on a
    ladder rung with a deadline and a difference with a review date."""
    from detente.commitments.models import Commitment
    from detente.conflicts.models import Conflict, LadderStep
    from detente.differences.models import Difference
    from detente.health.models import Cycle
    from detente.meetings.models import Meeting

    today = timezone.localdate()
    now = timezone.now()
    made: dict[str, Any] = {}
    n = 0
    for prefix, side in (("a", cast.side_a), ("b", cast.side_b)):
        for visibility in ("joint", "private"):
            n += 1
            t = tag(prefix, visibility)
            common = {"alliance": cast.alliance, "owner_side": side, "visibility": visibility}
            made[f"{prefix}_{visibility}_meeting"] = Meeting.objects.create(
                **common, kind="preparation" if visibility == "private" else "dialogue",
                title=f"Meeting {t}", starts_at=now + timedelta(days=n), purpose=f"Why {t}",
            )  # fmt: skip
            Commitment.objects.create(
                **common, owed_by=side, title=f"Commitment {t}", due_date=today + timedelta(days=n)
            )
            Cycle.objects.create(
                **common, period=f"2027Q{n}", opens_on=today + timedelta(days=10 * n),
                closes_on=today + timedelta(days=10 * n + 5), notes=f"Cycle {t}",
            )  # fmt: skip
            conflict = Conflict.objects.create(
                **common, title=f"Conflict {t}", source="market_change", kind="evolving"
            )
            LadderStep.objects.create(
                conflict=conflict, number=1, name=f"Rung {t}", started_at=now,
                due_at=now + timedelta(days=14),
            )  # fmt: skip
            Difference.objects.create(
                **common, category="culture", title=f"Difference {t}", likelihood=3, impact=3,
                review_date=today + timedelta(days=30),
            )  # fmt: skip
    return made


def feed_of(who: Any, url: str | None = None) -> tuple[int, bytes]:
    response = Client().get(url or reverse("calendar_feed", args=[feeds.token_for(who)]))
    return response.status_code, response.content


def structurally_valid(text: str) -> None:
    """What RFC 5545 asks of the text itself: CRLF lines of at most 75 octets, one
    VCALENDAR with VERSION and PRODID, balanced components, each VEVENT with UID, DTSTAMP
    and DTSTART exactly once."""
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    lines = text.split("\r\n")[:-1]
    assert all("\n" not in line and len(line.encode()) <= 75 for line in lines)
    unfolded = re.sub(r"\r\n[ \t]", "", text).split("\r\n")[:-1]
    assert "VERSION:2.0" in unfolded and any(line.startswith("PRODID:") for line in unfolded)
    stack: list[str] = []
    event: list[str] = []
    for line in unfolded:
        if line.startswith("BEGIN:"):
            stack.append(line[6:])
            event = []
        elif line.startswith("END:"):
            assert stack.pop() == line[4:]
            if line == "END:VEVENT":
                names = [entry.split(":")[0].split(";")[0] for entry in event]
                for required in ("UID", "DTSTAMP", "DTSTART"):
                    assert names.count(required) == 1, f"{required} in {event}"
        else:
            event.append(line)
    assert stack == []


def test_the_feed_opens_without_signing_in_and_parses_back_as_a_valid_calendar(
    cast: Any, dated: dict[str, Any]
) -> None:
    status, body = feed_of(cast.alice)
    assert status == 200
    structurally_valid(body.decode())
    calendar = Calendar.from_ical(body)
    found = list(calendar.walk("VEVENT"))
    assert found, "the feed holds events"
    for event in found:
        assert event.get("UID") and event.get("DTSTAMP") and event.get("DTSTART")
        assert str(event.get("URL")).startswith("http")
    kinds = {str(c) for e in found for c in e.get("CATEGORIES").cats}
    assert kinds >= {"meeting", "commitment", "health_check", "ladder", "difference"}


def test_each_event_links_back_to_its_page_which_opens_for_the_person(
    cast: Any, dated: dict[str, Any]
) -> None:
    _, body = feed_of(cast.bob)
    client = cast.client("bob")
    for event in Calendar.from_ical(body).walk("VEVENT"):
        path = str(event.get("URL")).split("://", 1)[1].split("/", 1)[1].split("#")[0]
        assert client.get("/" + path).status_code == 200, path


@pytest.mark.parametrize("who, mine, theirs", [("alice", "A", "B"), ("bella", "B", "A")])
def test_a_feed_holds_only_what_its_person_may_see(
    cast: Any, dated: dict[str, Any], who: str, mine: str, theirs: str
) -> None:
    _, body = feed_of(getattr(cast, who))
    text = re.sub(r"\r\n[ \t]", "", body.decode())
    assert f"Meeting {mine}-PRIVATE-CAL" in text and "Meeting A-JOINT" in text
    assert f"{theirs}-PRIVATE-CAL" not in text
    for key, record in cast.records.items():
        if key.startswith(f"{theirs.lower()}_private"):
            assert str(record) not in text


def test_an_outsiders_feed_holds_nothing_of_the_alliance(cast: Any, dated: dict[str, Any]) -> None:
    status, body = feed_of(cast.oscar)
    assert status == 200
    assert "JOINT" not in body.decode() and "PRIVATE" not in body.decode()


def test_a_reset_stops_the_old_link_and_the_new_one_works(cast: Any, dated: dict[str, Any]) -> None:
    old = reverse("calendar_feed", args=[feeds.token_for(cast.alice)])
    old_alliance = reverse(
        "calendar_alliance_feed", args=[feeds.token_for(cast.alice), cast.alliance.pk]
    )
    assert Client().get(old).status_code == 200
    response = cast.client("alice").post(reverse("calendar_reset"))
    assert response.status_code == 302
    assert Client().get(old).status_code == 404
    assert Client().get(old_alliance).status_code == 404
    assert feed_of(cast.alice)[0] == 200


def test_a_reset_writes_one_audit_row_and_resets_only_its_own_person(cast: Any) -> None:
    from detente.audit.models import AuditEntry

    bobs = reverse("calendar_feed", args=[feeds.token_for(cast.bob)])
    before = AuditEntry.objects.count()
    cast.client("alice").post(reverse("calendar_reset"))
    assert AuditEntry.objects.count() == before + 1
    assert Client().get(bobs).status_code == 200


@pytest.mark.parametrize("token", ["nothing", "1-", "abc-def", "999999-0123456789abcdef"])
def test_a_made_up_link_opens_no_calendar(cast: Any, token: str) -> None:
    assert Client().get(reverse("calendar_feed", args=[token])).status_code == 404


def test_a_link_of_another_person_with_a_changed_id_opens_nothing(cast: Any) -> None:
    token = feeds.token_for(cast.alice)
    forged = f"{cast.bob.pk}-{token.split('-', 1)[1]}"
    assert Client().get(reverse("calendar_feed", args=[forged])).status_code == 404


def test_a_deactivated_persons_link_stops_working(cast: Any) -> None:
    url = reverse("calendar_feed", args=[feeds.token_for(cast.bella)])
    cast.bella.is_active = False
    cast.bella.save()
    assert Client().get(url).status_code == 404


def test_the_alliance_feed_holds_one_alliance_as_the_person_sees_it(
    cast: Any, dated: dict[str, Any]
) -> None:
    url = reverse("calendar_alliance_feed", args=[feeds.token_for(cast.bob), cast.alliance.pk])
    status, body = feed_of(cast.bob, url)
    assert status == 200
    structurally_valid(body.decode())
    text = re.sub(r"\r\n[ \t]", "", body.decode())
    assert "Meeting B-PRIVATE-CAL" in text and "A-PRIVATE-CAL" not in text
    outsider = reverse(
        "calendar_alliance_feed", args=[feeds.token_for(cast.oscar), cast.alliance.pk]
    )
    assert Client().get(outsider).status_code == 404


def test_the_settings_page_shows_the_link_and_the_meetings_page_the_alliance_link(
    cast: Any,
) -> None:
    page = cast.client("rita").get(reverse("account_settings")).content.decode()
    assert "Your calendar" in page and feeds.token_for(cast.rita) in page
    meetings = cast.client("rita").get(reverse("meetings_home", args=[cast.alliance.pk]))
    assert feeds.alliance_url(cast.rita, cast.alliance.pk) in meetings.content.decode()
