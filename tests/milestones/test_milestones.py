"""Milestones: proposed by one side, agreed by the other; tracked against the KPI's values
with the realism engine; at risk or missed, they reach the early warning and the agenda."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from scipy import stats

from detente.analysis.realism import analyse
from detente.analysis.realism import tracking as engine
from detente.analysis.realism.calendar import WorkCalendar
from detente.audit.models import AuditEntry
from detente.goals.models import RealismCheck
from detente.goals.services import run
from detente.health import warning
from detente.meetings.agenda import Reader, generate
from detente.milestones.models import Milestone, MilestoneReading
from detente.objectives.models import KPI
from tests.conftest import call
from tests.milestones.conftest import DUE, START

pytestmark = pytest.mark.django_db


def pages(cast: Any, suffix: str = "") -> str:
    return f"/alliances/{cast.alliance.pk}/goals/milestones/{suffix}"


def api(cast: Any, suffix: str = "") -> str:
    return f"/api/v1/alliances/{cast.alliance.pk}/goals/milestones{suffix}"


def form(cast: Any, track: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "owner_side": cast.side_a.pk,
        "visibility": "joint",
        "title": "5,000 drivers in Vietnam",
        "kpi": track.kpi.pk,
        "target": 5000,
        "start": START.isoformat(),
        "due": DUE.isoformat(),
        "measured_by": cast.side_a.pk,
        "confidence": 80,
        "notes": "",
    }
    data.update(changes)
    return data


def history(cast: Any, track: Any) -> None:
    """About 75 drivers a working day before the start, a little less after it."""
    for period, value in [("2025-10", 1500), ("2025-11", 1600), ("2025-12", 1700)]:
        track.value(cast, period, value)
    track.value(cast, "2026-01", 1600)
    track.value(cast, "2026-02", 1500)


# Proposed by one side, agreed by the other ----------------------------------------------


def test_it_agrees_a_joint_milestone_only_when_the_other_side_accepts_it(
    cast: Any, track: Any
) -> None:
    answer = cast.client("alice").post(pages(cast, "new/"), form(cast, track))
    assert answer.status_code == 302, answer.content.decode()[-1500:]
    milestone = Milestone.objects.get()
    assert milestone.state == Milestone.State.PROPOSED

    # The side that proposed it cannot accept it, nor can a read-only member.
    assert cast.client("alice").post(pages(cast, f"{milestone.pk}/accept/")).status_code == 403
    assert cast.client("rita").post(pages(cast, f"{milestone.pk}/accept/")).status_code == 403
    assert call(cast.api("alice"), "POST", api(cast, f"/{milestone.pk}/accept")).status_code == 403
    milestone.refresh_from_db()
    assert milestone.state == Milestone.State.PROPOSED

    accepted = call(cast.api("bella"), "POST", api(cast, f"/{milestone.pk}/accept"))
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["state"] == "agreed"
    milestone.refresh_from_db()
    assert milestone.accepted_by == cast.bella
    audit = AuditEntry.objects.filter(model="milestones.milestone", object_id=str(milestone.pk))
    assert [e.action for e in audit.order_by("id")] == ["create", "update"]

    # Once agreed it is not answered again.
    again = call(cast.api("bob"), "POST", api(cast, f"/{milestone.pk}/decline"))
    assert again.status_code == 409


def test_it_asks_the_other_side_again_when_an_agreed_milestones_terms_change(
    cast: Any, track: Any
) -> None:
    milestone = track.milestone(cast, accepted_by=cast.bob)
    notes = call(cast.api("alice"), "PATCH", api(cast, f"/{milestone.pk}"), {"notes": "Hubs ready"})
    assert notes.json()["state"] == "agreed"
    moved = call(cast.api("alice"), "PATCH", api(cast, f"/{milestone.pk}"), {"target": 6000})
    assert moved.status_code == 200, moved.content
    assert moved.json()["state"] == "proposed"
    milestone.refresh_from_db()
    assert milestone.accepted_by is None
    assert (
        call(cast.api("bob"), "POST", api(cast, f"/{milestone.pk}/decline")).json()["state"]
        == "declined"
    )


def test_it_keeps_a_private_milestone_as_a_draft_the_other_side_never_sees(
    cast: Any, track: Any
) -> None:
    created = call(
        cast.api("alice"),
        "POST",
        api(cast),
        form(cast, track, visibility="private", title="Board number SECRET-M"),
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["state"] == "draft"
    for who in ("bob", "bella"):
        assert "SECRET-M" not in cast.api(who).get(api(cast)).content.decode()
        assert cast.api(who).get(api(cast, f"/{pk}")).status_code == 404
        assert cast.client(who).get(pages(cast, f"{pk}/")).status_code == 404
        assert "SECRET-M" not in cast.client(who).get(pages(cast)).content.decode()
        assert call(cast.api(who), "POST", api(cast, f"/{pk}/accept")).status_code == 404
    assert "SECRET-M" in cast.client("rita").get(pages(cast)).content.decode()


def test_it_refuses_a_bad_milestone_naming_the_field_and_writes_nothing(
    cast: Any, track: Any, nothing_changes: Any
) -> None:
    level = KPI.objects.create(
        objective=track.objective, name="Cities live", metric="cities", unit="cities",
        kind="level", target=2, deadline=DUE,
    )  # fmt: skip
    cases = [
        ({"due": "2025-12-01"}, "due", "Must come after the start"),
        ({"kpi": level.pk}, "kpi", "a milestone tracks a count"),
        ({"kpi": track.private_kpi.pk}, "visibility", "must be private too"),
        ({"confidence": 100}, "confidence", ""),
    ]
    client = cast.api("alice")
    client.get(api(cast))  # the token is issued before the state is taken
    with nothing_changes():
        for change, field, words in cases:
            answer = call(client, "POST", api(cast), form(cast, track, **change))
            assert answer.status_code == 422, (change, answer.content)
            assert field in answer.content.decode()
            assert words in answer.content.decode()


# Tracked with the realism engine --------------------------------------------------------


def test_each_reading_is_the_realism_engine_on_the_same_inputs(cast: Any, track: Any) -> None:
    history(cast, track)
    milestone = track.recompute(track.milestone(cast))
    readings = list(MilestoneReading.objects.filter(milestone=milestone))
    assert [r.as_of for r in readings] == [
        dt.date(2025, 12, 31),
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
    ]
    assert [r.achieved for r in readings] == [0, 1600, 3100]
    weekdays = WorkCalendar()
    for r, through in zip(readings, [3, 4, 5], strict=True):
        # The input, worked out independently: what is left, from the next day to the due
        # date, and each month's value spread over its working days.
        assert r.inputs["target"] == 5000 - r.achieved
        assert r.inputs["start"] == (r.as_of + dt.timedelta(days=1)).isoformat()
        assert r.inputs["deadline"] == DUE.isoformat()
        months = [(2025, 10), (2025, 11), (2025, 12), (2026, 1), (2026, 2)][:through]
        days = sum(
            weekdays.count(
                dt.date(y, m, 1), (dt.date(y + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1))
            )
            for y, m in months
        )
        assert len(r.inputs["history"]) == days
        assert sum(r.inputs["history"]) == sum([1500, 1600, 1700, 1600, 1500][:through])
        assert r.probability == analyse(r.inputs)["probability"]
    assert milestone.probability == readings[-1].probability
    # The twin returns the same numbers as the page draws.
    twin = cast.api("bob").get(api(cast, f"/{milestone.pk}")).json()
    assert [x["probability"] for x in twin["readings"]] == [r.probability for r in readings]
    page = cast.client("bob").get(pages(cast, f"{milestone.pk}/"))
    assert page.status_code == 200
    assert "milestone-chart" in page.content.decode()


def test_a_simple_milestone_matches_the_negative_binomial_closed_form() -> None:
    # One stage, Poisson days whose rate has a Gamma(1/2 + sum, n) posterior: the total over
    # m working days is negative binomial with shape 1/2 + sum and p = n / (n + m).
    as_of, due = dt.date(2026, 3, 6), dt.date(2026, 3, 27)  # a Friday; 15 working days left
    counts = [3, 4, 2, 5, 3, 4, 3, 2, 4, 3]
    reading = engine.track(
        target=100, achieved=40, as_of=as_of, due=due, history=counts, funnel=[{"name": "units"}]
    )
    m = WorkCalendar().count(as_of + dt.timedelta(days=1), due)
    assert m == 15
    expected = stats.nbinom.sf(60 - 1, sum(counts) + 0.5, len(counts) / (len(counts) + m))
    assert reading.probability == pytest.approx(expected, abs=1e-9)
    assert reading.status == (engine.ON_TRACK if expected >= 0.8 else engine.AT_RISK)


def test_it_moves_from_waiting_to_on_track_to_at_risk_and_then_to_met_or_missed(
    cast: Any, track: Any
) -> None:
    milestone = track.milestone(cast)
    assert track.recompute(milestone).status == Milestone.Status.WAITING
    for period, value in [("2025-10", 1900), ("2025-11", 2000), ("2025-12", 2100)]:
        track.value(cast, period, value)
    assert track.recompute(milestone).status == Milestone.Status.ON_TRACK
    track.value(cast, "2026-01", 1000)
    track.value(cast, "2026-02", 1000)
    assert track.recompute(milestone).status == Milestone.Status.AT_RISK
    march = track.value(cast, "2026-03", 3000)
    assert track.recompute(milestone).status == Milestone.Status.MET
    assert milestone.probability == 1.0
    march.value = Decimal(1000)
    march.save()
    assert track.recompute(milestone).status == Milestone.Status.MISSED
    assert milestone.achieved == 3000
    assert milestone.probability == 0.0


def test_a_joint_milestone_reads_only_joint_values(cast: Any, track: Any) -> None:
    history(cast, track)
    track.value(cast, "2026-03", 4000, visibility="private")
    joint = track.recompute(track.milestone(cast))
    assert joint.achieved == 3100
    own = track.recompute(track.milestone(cast, visibility="private", state="draft"))
    assert own.achieved == 7100
    assert own.status == Milestone.Status.MET


def test_it_makes_a_milestone_from_a_phase_of_a_realism_check_in_one_click(
    cast: Any, track: Any
) -> None:
    document = {
        "target": 6000, "start": "2026-01-01", "deadline": "2026-06-30",
        "funnel": [{"name": "drivers"}], "history": [70, 80, 75, 72, 78] * 8, "activity": "poisson",
        "phases": [{"name": "Vietnam", "share": 0.4, "end": "2026-03-31"}, {"name": "Cambodia", "share": 0.6}],
    }  # fmt: skip
    result = run(document, 0)
    check = RealismCheck.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, kpi=track.kpi, inputs=document, result=result,
        target=6000, deadline=dt.date(2026, 6, 30), probability=result["probability"], probability_stderr=0,
    )  # fmt: skip
    url = f"/alliances/{cast.alliance.pk}/goals/checks/{check.pk}/phases/0/milestone/"
    assert cast.client("alice").post(url).status_code == 302
    made = Milestone.objects.get()
    phase = result["phases"]["proposed"]["milestones"][0]
    assert (made.target, made.due.isoformat(), made.start) == (
        phase["cumulative_target"], phase["end"], START,
    )  # fmt: skip
    assert (made.state, made.source_check, made.source_phase) == ("proposed", check, "Vietnam")
    # The other side may propose the next phase through the API.
    second = call(
        cast.api("bob"),
        "POST",
        f"/api/v1/alliances/{cast.alliance.pk}/goals/checks/{check.pk}/phases/1/milestone",
    )
    assert second.status_code == 201, second.content
    assert second.json()["side_id"] == cast.side_b.pk
    assert (
        call(
            cast.api("bob"),
            "POST",
            f"/api/v1/alliances/{cast.alliance.pk}/goals/checks/{check.pk}/phases/5/milestone",
        ).status_code
        == 404
    )


# Early warning and the agenda -----------------------------------------------------------


def _at_risk(cast: Any, track: Any) -> tuple[Milestone, Milestone]:
    history(cast, track)
    joint = track.recompute(track.milestone(cast, title="Joint JOINT-RISK", target=9000))
    own = track.recompute(
        track.milestone(
            cast, title="Draft PRIVATE-RISK", target=9000, visibility="private", state="draft"
        )
    )
    assert joint.status == own.status == Milestone.Status.AT_RISK
    return joint, own


def test_a_milestone_at_risk_is_an_early_warning_signal_seen_by_whoever_sees_it(
    cast: Any, track: Any
) -> None:
    _at_risk(cast, track)

    def notes(side_id: int | None) -> list[str]:
        found = warning.inputs(cast.alliance, side_id).signals
        return [s.note for s in found if s.kind == "milestones_off_track"]

    assert [n.split(":")[0] for n in notes(None)] == ["Joint JOINT-RISK"]
    assert [n.split(":")[0] for n in notes(cast.side_b.pk)] == ["Joint JOINT-RISK"]
    assert sorted(n.split(":")[0] for n in notes(cast.side_a.pk)) == [
        "Draft PRIVATE-RISK",
        "Joint JOINT-RISK",
    ]
    alerts = warning.run_engine(cast.alliance, None)
    assert any(a.measure == "milestones_off_track" for a in alerts)


def test_a_joint_meeting_lists_joint_milestones_at_risk_and_a_sides_preparation_its_own(
    cast: Any, track: Any
) -> None:
    _at_risk(cast, track)
    on = dt.date(2026, 3, 10)

    def titles(side_id: int | None) -> list[str]:
        return [
            i.title for i in generate(Reader(cast.alliance, side_id, on)) if i.source == "milestone"
        ]

    assert titles(None) == ["Milestone at risk: Joint JOINT-RISK (due 31 Mar 2026)"]
    assert titles(cast.side_b.pk) == titles(None)
    assert len(titles(cast.side_a.pk)) == 2


def test_it_recomputes_a_milestone_once_when_a_value_of_its_kpi_is_committed(
    cast: Any, track: Any, django_capture_on_commit_callbacks: Any
) -> None:
    milestone = track.milestone(cast)
    with django_capture_on_commit_callbacks(execute=True):
        for period, value in [("2025-10", 1900), ("2025-11", 2000), ("2025-12", 2100)]:
            track.value(cast, period, value)
    milestone.refresh_from_db()
    assert milestone.status != Milestone.Status.WAITING
    assert milestone.readings.count() >= 1


def test_a_milestone_shared_from_a_private_check_carries_nothing_of_that_check(
    cast: Any, track: Any
) -> None:
    document = {
        "target": 6000, "start": "2026-01-01", "deadline": "2026-06-30",
        "funnel": [{"name": "drivers"}], "history": [70, 80, 75, 72, 78] * 8, "activity": "poisson",
        "calendar": {"weekdays": ["mon", "tue", "wed", "thu"], "holidays": ["2026-02-17"]},
        "phases": [{"name": "Vietnam", "share": 0.4, "end": "2026-03-31"}, {"name": "Cambodia", "share": 0.6}],
    }  # fmt: skip
    result = run(document, 0)
    check = RealismCheck.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, visibility="private", kpi=track.kpi,
        inputs=document, result=result, target=6000, deadline=dt.date(2026, 6, 30),
        probability=result["probability"], probability_stderr=0,
    )  # fmt: skip
    url = f"/alliances/{cast.alliance.pk}/goals/checks/{check.pk}/phases/0/milestone/"
    assert cast.client("alice").post(url).status_code == 302
    made = Milestone.objects.get()
    assert (made.visibility, made.source_check) == ("private", check)
    history(cast, track)
    # Side A shares its draft with side B; the check it came from stays private.
    shared = call(cast.api("alice"), "PATCH", api(cast, f"/{made.pk}"), {"visibility": "joint"})
    assert shared.status_code == 200, shared.content
    seen = call(cast.api("bob"), "GET", api(cast, f"/{made.pk}")).json()
    assert seen["source_check_id"] is None
    assert all("2026-02-17" not in str(r["inputs"]) for r in seen["readings"])
    page = cast.client("bob").get(pages(cast, f"{made.pk}/")).content.decode()
    assert f"/goals/checks/{check.pk}/" not in page
