"""The dispute ladder: escalation at the right time, once, to the right people, whatever the
time zone. Time is moved with time-machine, never slept."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail

from detente.alliances.models import Stakeholder
from detente.audit.models import AuditEntry
from detente.conflicts import escalate_command, ladder
from detente.conflicts.models import Conflict, Notification
from detente.records.visibility import get_alliance_access
from tests.conflicts.conftest import T0
from tests.conftest import body

DUE = T0 + timedelta(days=14)  # rung 1 of the default ladder: 14 days


def rung(conflict: Conflict) -> int:
    return Conflict.objects.get(pk=conflict.pk).current_step.number


def test_it_starts_on_the_first_rung_of_the_default_ladder(conflicts: dict) -> None:
    conflict = conflicts["joint"]
    assert conflict.ladder_source.startswith("the default ladder")
    assert [r["name"] for r in conflict.ladder] == [
        "Working team",
        "Alliance managers",
        "Executive sponsors",
        "Mediation",
        "Arbitration",
    ]
    step = conflict.current_step
    assert (step.number, step.started_at, step.due_at) == (1, T0, DUE)
    assert conflict.status == Conflict.Status.IN_DIALOGUE


def test_it_does_not_escalate_before_the_time_limit(conflicts: dict) -> None:
    with time_machine.travel(DUE - timedelta(seconds=1), tick=False):
        assert ladder.escalate_due() == []
    assert rung(conflicts["joint"]) == 1
    assert mail.outbox == []


def test_it_escalates_when_the_time_limit_passes(
    cast: Any, conflicts: dict, managers_as_stakeholders: None
) -> None:
    conflict = conflicts["joint"]
    with time_machine.travel(DUE + timedelta(seconds=1), tick=False):
        moves = ladder.escalate_due()
    assert [(m.from_rung, m.to_rung) for m in moves] == [(1, 2)]
    conflict.refresh_from_db()
    assert conflict.status == Conflict.Status.ESCALATED
    first, second = conflict.steps.order_by("number")
    assert first.ended_at == DUE + timedelta(seconds=1)
    assert "time limit of 14 days passed" in first.how_ended.lower()
    assert second.started_at == DUE + timedelta(seconds=1)
    assert second.due_at == second.started_at + timedelta(days=14)
    # The owners of rung 2, "Alliance managers", are Alice and Bob: told in the app and by email.
    assert sorted(moves[0].notified) == ["alice@acme.example", "bob@globex.example"]
    assert sorted(e.to[0] for e in mail.outbox) == ["alice@acme.example", "bob@globex.example"]
    assert "Alliance managers" in mail.outbox[0].subject
    assert sorted(Notification.objects.values_list("recipient__email", flat=True)) == [
        "alice@acme.example",
        "bob@globex.example",
    ]
    assert set(second.notified.values_list("email", flat=True)) == {
        "alice@acme.example",
        "bob@globex.example",
    }
    # The move is logged.
    assert AuditEntry.objects.filter(model="conflicts.ladderstep", action="create").count() == 2
    assert AuditEntry.objects.filter(model="conflicts.notification").count() == 2


def test_it_escalates_once(conflicts: dict, managers_as_stakeholders: None) -> None:
    conflict = conflicts["joint"]
    with time_machine.travel(DUE + timedelta(hours=1), tick=False):
        assert len(ladder.escalate_due()) == 1
        assert ladder.escalate_due() == []
    with time_machine.travel(DUE + timedelta(days=13), tick=False):
        assert ladder.escalate_due() == []
    assert conflict.steps.count() == 2
    assert len(mail.outbox) == 2
    assert Notification.objects.count() == 2


def test_a_late_run_climbs_one_rung_not_several(conflicts: dict) -> None:
    conflict = conflicts["joint"]
    late = DUE + timedelta(days=60)  # past rungs 1 and 2's combined limits
    with time_machine.travel(late, tick=False):
        assert len(ladder.escalate_due()) == 1
        assert ladder.escalate_due() == []
    # The new rung gets its full time from the moment it starts.
    assert conflict.current_step.number == 2
    assert conflict.current_step.due_at == late + timedelta(days=14)


@pytest.mark.parametrize(
    "zone", ["UTC", "America/New_York", "Europe/Berlin", "Pacific/Auckland", "Asia/Kolkata"]
)
def test_it_is_time_zone_safe(settings: Any, cast: Any, zone: str) -> None:
    """The limit is 14 × 24 hours from the start, across the US daylight-saving change of
    8 March 2026 and whatever the server's zone."""
    settings.TIME_ZONE = zone
    conflict = Conflict.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, title="TZ", source="other", kind="evolving"
    )
    access = get_alliance_access(cast.alice, cast.alliance.pk)
    start = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    ladder.raise_jointly(access, conflict, now=start)
    due = datetime(2026, 3, 16, 23, 30, tzinfo=UTC)
    with time_machine.travel(due - timedelta(seconds=1), tick=False):
        assert ladder.escalate_due() == []
    with time_machine.travel(due, tick=False):
        assert len(ladder.escalate_due()) == 1
    assert conflict.steps.get(number=1).ended_at == due


def test_it_marks_a_conflict_past_the_top_rung_once(cast: Any, conflicts: dict) -> None:
    conflict = conflicts["joint"]
    Conflict.objects.filter(pk=conflict.pk).update(ladder=conflict.ladder[:1])
    with time_machine.travel(DUE, tick=False):
        moves = ladder.escalate_due()
        assert ladder.escalate_due() == []
    assert [(m.from_rung, m.to_rung) for m in moves] == [(1, None)]
    conflict.refresh_from_db()
    assert conflict.status == Conflict.Status.UNRESOLVED
    assert conflict.past_top_at == DUE
    assert conflict.steps.count() == 1


def test_it_leaves_closed_and_private_conflicts_alone(cast: Any, conflicts: dict) -> None:
    access = get_alliance_access(cast.alice, cast.alliance.pk)
    ladder.close(access, conflicts["joint"], Conflict.Status.RESOLVED, now=T0 + timedelta(days=1))
    with time_machine.travel(DUE + timedelta(days=1), tick=False):
        assert ladder.escalate_due() == []
    assert mail.outbox == []


def test_it_tells_the_owners_the_rung_names(
    cast: Any, conflicts: dict, managers_as_stakeholders: None
) -> None:
    conflict = conflicts["joint"]
    emails = lambda owner: [u.email for u in ladder.recipients(conflict, owner)]  # noqa: E731
    assert emails("Executive sponsors") == ["rita@acme.example"]
    assert emails("Working team") == ["bella@globex.example"]
    assert emails("Bella and Alice") == ["alice@acme.example", "bella@globex.example"]
    # An owner no stakeholder matches: the managers of every side.
    assert emails("Arbitral tribunal") == ["alice@acme.example", "bob@globex.example"]


def test_it_never_tells_people_outside_the_sides_that_see_the_conflict(
    cast: Any, conflicts: dict, managers_as_stakeholders: None
) -> None:
    # An outsider linked to a stakeholder of this alliance is still not a member.
    Stakeholder.objects.create(
        alliance=cast.alliance,
        owner_side=cast.side_a,
        name="Oscar",
        role="sponsor",
        user=cast.oscar,
    )
    assert "oscar@initech.example" not in [
        u.email for u in ladder.recipients(conflicts["joint"], "Oscar and the executive sponsors")
    ]
    # A conflict private to side A is side A's alone.
    private = conflicts["a_private"]
    assert [u.email for u in ladder.recipients(private, "Alliance managers")] == [
        "alice@acme.example"
    ]
    assert [u.email for u in ladder.recipients(private, "Arbitrator")] == ["alice@acme.example"]


def test_a_notification_is_seen_only_by_its_recipient(
    cast: Any, conflicts: dict, managers_as_stakeholders: None
) -> None:
    with time_machine.travel(DUE, tick=False):
        ladder.escalate_due()
    page = f"/alliances/{cast.alliance.pk}/conflicts/notifications/"
    api = f"/api/v1/alliances/{cast.alliance.pk}/notifications"
    assert "moved up from Working team" in cast.client("bob").get(page).content.decode()
    assert "moved up from" not in cast.client("bella").get(page).content.decode()
    assert len(body(cast.api("alice").get(api))["items"]) == 1
    assert body(cast.api("bella").get(api))["items"] == []
    assert cast.api("oscar").get(api).status_code == 404


def test_the_escalate_command_runs_the_ladder(conflicts: dict, capsys: Any) -> None:
    with time_machine.travel(DUE, tick=False):
        assert escalate_command.run(argparse.Namespace(quiet=False)) == 0
        assert escalate_command.run(argparse.Namespace(quiet=True)) == 0
    out = capsys.readouterr().out
    assert "rung 1 -> to rung 2" in out
    assert out.count("conflict(s) escalated") == 1


def test_moving_up_by_hand_notifies_and_logs(cast: Any, conflicts: dict) -> None:
    conflict = conflicts["joint"]
    response = cast.client("bella").post(
        f"/alliances/{cast.alliance.pk}/conflicts/{conflict.pk}/escalate/",
        {"reason": "Stuck on the quota"},
    )
    assert response.status_code == 302
    assert conflict.current_step.number == 2
    assert "Stuck on the quota" in conflict.steps.get(number=1).how_ended
    assert mail.outbox
