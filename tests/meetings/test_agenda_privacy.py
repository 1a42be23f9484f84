"""A joint meeting's agenda carries joint data only; a side's preparation only its own side's
private data, never the other side's: on the page, in the JSON, the PDF, Markdown and ICS."""

from __future__ import annotations

import io
from typing import Any

from icalendar import Calendar
from pypdf import PdfReader

from tests.meetings.conftest import PRIVATE_A, PRIVATE_B

WHEN = "2026-12-10T10:00:00Z"


def _schedule(cast: Any, call: Any, who: str, kind: str) -> dict[str, Any]:
    from tests.conftest import body

    visibility = "private" if kind == "preparation" else "joint"
    answer = call(
        cast.api(who),
        "POST",
        f"/api/v1/alliances/{cast.alliance.pk}/meetings",
        {"kind": kind, "title": f"Review {kind}", "starts_at": WHEN, "visibility": visibility},
    )
    assert answer.status_code == 201, answer.content
    return body(answer)


def _everything(cast: Any, who: str, pk: int) -> dict[str, str]:
    """The meeting as ``who`` meets it: page, JSON, PDF text, Markdown, ICS."""
    web, api = cast.client(who), cast.api(who)
    base = f"/alliances/{cast.alliance.pk}/meetings/{pk}/"
    pdf = web.get(base + "meeting.pdf")
    assert pdf.status_code == 200
    reader = PdfReader(io.BytesIO(pdf.content))
    ics = web.get(base + "invitation.ics").content
    Calendar.from_ical(ics)
    return {
        "page": web.get(base).content.decode(),
        "json": api.get(f"/api/v1/alliances/{cast.alliance.pk}/meetings/{pk}").content.decode(),
        "pdf": "\n".join(page.extract_text() for page in reader.pages),
        "markdown": web.get(base + "meeting.md").content.decode(),
        "ics": ics.decode(),
        "home": web.get(f"/alliances/{cast.alliance.pk}/meetings/").content.decode(),
    }


def test_a_joint_meetings_agenda_never_carries_either_sides_private_data(
    cast: Any, call: Any, agenda_data: Any
) -> None:
    meeting = _schedule(cast, call, "alice", "business_review")
    titles = [item["title"] for item in meeting["agenda"]]
    assert any("Commitment-A-JOINT" in t for t in titles)
    assert any("Conflict-B-JOINT" in t and "ladder step 1" in t for t in titles)
    assert any("Qualified leads JOINT" in t for t in titles)
    assert any(t == "Open questions for the dialogue" for t in titles)
    for who in ("alice", "bob"):
        for where, text in _everything(cast, who, meeting["id"]).items():
            for private in PRIVATE_A + PRIVATE_B:
                assert private not in text, f"{private} in {who}'s {where}"
    # the joint items are in every rendering
    assert "Commitment-A-JOINT" in _everything(cast, "bob", meeting["id"])["pdf"]


def test_an_internal_preparation_shows_only_its_own_sides_private_data(
    cast: Any, call: Any, agenda_data: Any
) -> None:
    meeting = _schedule(cast, call, "alice", "preparation")
    assert meeting["visibility"] == "private"
    seen = _everything(cast, "alice", meeting["id"])
    for where in ("page", "json", "pdf", "markdown"):
        assert "Commitment-A-PRIVATE-ZQX" in seen[where], where
        for private in PRIVATE_B:
            assert private not in seen[where], f"{private} in {where}"
    # the other side cannot find it at all
    assert (
        cast.client("bob")
        .get(f"/alliances/{cast.alliance.pk}/meetings/{meeting['id']}/")
        .status_code
        == 404
    )
    assert (
        "Review preparation"
        not in cast.client("bob").get(f"/alliances/{cast.alliance.pk}/meetings/").content.decode()
    )


def test_the_calendar_source_answers_only_the_meetings_a_person_may_see(
    cast: Any, call: Any
) -> None:
    from detente.records.calendar import events
    from detente.records.models import Alliance

    _schedule(cast, call, "alice", "preparation")
    _schedule(cast, call, "alice", "business_review")
    mine = [
        e for e in events(cast.alice, Alliance.objects.for_user(cast.alice)) if e.kind == "meeting"
    ]
    theirs = [
        e for e in events(cast.bob, Alliance.objects.for_user(cast.bob)) if e.kind == "meeting"
    ]
    assert sorted(e.joint for e in mine) == [False, True]
    assert [e.title for e in theirs] == ["Review business_review"]


def test_the_invitation_parses_back_with_the_fields_a_calendar_needs(cast: Any, call: Any) -> None:
    meeting = _schedule(cast, call, "alice", "health_check")
    ics = cast.client("bob").get(
        f"/alliances/{cast.alliance.pk}/meetings/{meeting['id']}/invitation.ics"
    )
    event = next(c for c in Calendar.from_ical(ics.content).walk("VEVENT"))
    for field in ("UID", "DTSTAMP", "DTSTART", "SUMMARY", "URL"):
        assert event.get(field), field
    assert str(event["SUMMARY"]) == "Review health_check"
    assert event.decoded("DTSTART").isoformat() == "2026-12-10T10:00:00+00:00"
