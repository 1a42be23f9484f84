"""The cadence opens each period's health check and schedules its meetings by itself, once,
on the dates of the alliance's time zone, and tells the people concerned."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import time_machine

from detente.agreements.models import AgreementVersion
from detente.health.models import Cycle
from detente.jobs import schedule
from detente.meetings import cadence, tasks
from detente.meetings.models import Cadence, Meeting
from detente.notifications.models import Notification


def _cadence(cast: Any, time_zone: str) -> Cadence:
    return Cadence.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, visibility="joint", time_zone=time_zone
    )


def _health_meetings(cast: Any) -> list[Meeting]:
    return list(Meeting.objects.filter(alliance=cast.alliance, kind="health_check"))


def test_the_job_opens_the_next_cycle_and_meeting_exactly_once(cast: Any) -> None:
    _cadence(cast, "UTC")
    with time_machine.travel(datetime(2026, 10, 1, 0, 30, tzinfo=UTC), tick=False):
        tasks.run_cadence.enqueue()
        tasks.run_cadence.enqueue()
    cycles = list(Cycle.objects.filter(alliance=cast.alliance))
    assert [c.period for c in cycles] == ["2026Q4"]
    assert str(cycles[0].opens_on) == "2026-10-01"
    [meeting] = _health_meetings(cast)
    assert meeting.cycle == cycles[0] and meeting.visibility == "joint"
    assert meeting.starts_at == datetime(2026, 10, 15, 10, 0, tzinfo=UTC)
    operational = Meeting.objects.filter(
        alliance=cast.alliance, cadence_key="operational_review:2026-10"
    )
    assert operational.count() == 1
    # everyone concerned is told, once: the survey opening to all, each meeting to its
    # attendees (both sides' managers, whom the cadence invites)
    assert set(meeting.attendees.all()) == {cast.alice, cast.bob}
    for person, meetings in ((cast.alice, 2), (cast.bob, 2), (cast.bella, 0)):
        kinds = sorted(Notification.objects.filter(recipient=person).values_list("kind", flat=True))
        assert kinds.count("survey") == 1 and kinds.count("meeting") == meetings, (person, kinds)
    assert not Notification.objects.filter(recipient=cast.oscar, alliance=cast.alliance).exists()


def test_the_period_begins_on_the_alliances_own_date_across_time_zones(cast: Any) -> None:
    stored = _cadence(cast, "Asia/Tokyo")
    # 16:00 UTC on 30 September is already 1 October, 01:00, in Tokyo
    with time_machine.travel(datetime(2026, 9, 30, 16, 0, tzinfo=UTC), tick=False):
        tasks.run_cadence.enqueue()
    [meeting] = _health_meetings(cast)
    assert meeting.cadence_key == "health_check:2026Q4"
    assert meeting.starts_at == datetime(2026, 10, 15, 1, 0, tzinfo=UTC)  # 10:00 in Tokyo
    # ...but still 30 September, 12:00, in New York: no fourth quarter there yet
    Meeting.objects.filter(alliance=cast.alliance).delete()
    Cycle.objects.filter(alliance=cast.alliance).delete()
    stored.time_zone = "America/New_York"
    stored.save()
    with time_machine.travel(datetime(2026, 9, 30, 16, 0, tzinfo=UTC), tick=False):
        tasks.run_cadence.enqueue()
    assert _health_meetings(cast) == []
    assert not Cycle.objects.filter(alliance=cast.alliance).exists()
    with time_machine.travel(datetime(2026, 10, 1, 4, 30, tzinfo=UTC), tick=False):  # 00:30 NY
        tasks.run_cadence.enqueue()
    [meeting] = _health_meetings(cast)
    assert meeting.starts_at == datetime(2026, 10, 15, 14, 0, tzinfo=UTC)  # 10:00 EDT


def test_a_cycle_opened_by_hand_is_the_one_the_meeting_uses(cast: Any) -> None:
    _cadence(cast, "UTC")
    made = Cycle.objects.create(
        alliance=cast.alliance, owner_side=cast.side_b, period="2026Q4",
        opens_on="2026-10-01", closes_on="2026-10-20",
    )  # fmt: skip
    with time_machine.travel(datetime(2026, 10, 2, 9, 0, tzinfo=UTC), tick=False):
        tasks.run_cadence.enqueue()
    assert (
        Cycle.objects.filter(alliance=cast.alliance).count() == 1
        and _health_meetings(cast)[0].cycle == made
    )


def test_the_scheduler_runs_the_cadence_job_once_per_hour(cast: Any) -> None:
    _cadence(cast, "UTC")
    with time_machine.travel(datetime(2026, 10, 1, 0, 30, tzinfo=UTC), tick=False):
        assert "meeting_cadence" in schedule.enqueue_due()
        assert "meeting_cadence" not in schedule.enqueue_due()
    assert len(_health_meetings(cast)) == 1


def test_the_agreement_in_force_sets_the_cadence_where_it_says_so(cast: Any) -> None:
    assert cadence.parse_agreement(
        {"decisions": [{"topic": "A monthly health check", "rule": "joint"}],
         "stalemate": {"process": "Strategy review every 6 months by the sponsors"}}
    ) == {"health_check": 1, "strategy_review": 6}  # fmt: skip
    assert cadence.parse_agreement({"cadence": {"operational_review": 3}}) == {
        "operational_review": 3
    }
    assert cadence.parse_agreement({"scope": [{"item": "Rockets"}]}) == {}
    AgreementVersion.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, title="v1", status="in_force",
        number=1, content={"decisions": [{"topic": "Quarterly strategy review"}]},
    )  # fmt: skip
    found = {r.kind: (r.months, r.from_agreement) for r in cadence.rhythms(cast.alliance)}
    assert found == {
        "health_check": (3, False),
        "operational_review": (1, False),
        "strategy_review": (3, True),
    }


def test_managers_change_the_cadence_and_a_bad_time_zone_is_named(cast: Any, call: Any) -> None:
    url = f"/api/v1/alliances/{cast.alliance.pk}/meetings/cadence"
    assert call(cast.api("bella"), "PATCH", url, {"health_check_months": 1}).status_code == 403
    answer = call(
        cast.api("bob"), "PATCH", url, {"health_check_months": 1, "time_zone": "Europe/Paris"}
    )
    assert answer.status_code == 200
    assert answer.json()["rhythms"][0]["every_months"] == 1
    refused = call(cast.api("bob"), "PATCH", url, {"time_zone": "Mars/Olympus"})
    assert refused.status_code == 422 and "time_zone" in refused.content.decode()
    page = cast.client("alice").post(
        f"/alliances/{cast.alliance.pk}/meetings/cadence/edit/",
        {"health_check_months": 3, "operational_months": 1, "strategy_months": 12,
         "time_zone": "Nowhere", "meeting_day": 15, "meeting_time": "10:00"},
    )  # fmt: skip
    assert page.status_code == 422 and "is not a time zone" in page.content.decode()


def test_the_cadences_audit_rows_say_the_cadence_did_it(cast: Any) -> None:
    from detente.audit.models import AuditEntry

    _cadence(cast, "UTC")
    with time_machine.travel(datetime(2026, 10, 1, 0, 30, tzinfo=UTC), tick=False):
        tasks.run_cadence.enqueue()
    rows = AuditEntry.objects.filter(model__in=["meetings.meeting", "meetings.agendaitem"])
    assert rows.exists()
    assert all(r.actor is None and "meeting cadence" in r.after["done_by"] for r in rows)


def test_a_scheduled_meeting_tells_its_attendees_not_every_member(cast: Any) -> None:
    url = f"/alliances/{cast.alliance.pk}/meetings/new/"
    form = {
        "owner_side": cast.side_a.pk, "visibility": "joint", "kind": "dialogue",
        "title": "Pricing talk", "starts_at": "2026-12-01T10:00", "duration_minutes": 60,
        "attendees": [cast.alice.pk, cast.bella.pk],
    }  # fmt: skip
    assert cast.client("alice").post(url, form).status_code == 302
    told = set(Notification.objects.filter(kind="meeting").values_list("recipient", flat=True))
    assert told == {cast.bella.pk}  # alice organised it; bob and rita are not attending
