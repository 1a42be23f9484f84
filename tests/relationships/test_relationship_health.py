"""Relationship health per counterpart pair: computed from what the reader may see, a
target cadence per pair, and a private watch when a check-in is overdue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from detente import audit
from detente.alliances.models import Interaction, Stakeholder
from detente.audit.models import AuditEntry
from detente.notifications.models import Notification
from detente.relationships.models import CheckInWatch, ContactCadence
from detente.relationships.tasks import check_ins_overdue
from tests.conftest import call


def health_api(cast: Any, suffix: str = "") -> str:
    return f"/api/v1/alliances/{cast.alliance.pk}/relationships{suffix}"


def pair_up(a: Stakeholder, b: Stakeholder) -> None:
    Stakeholder.objects.filter(pk=a.pk).update(counterpart=b)
    Stakeholder.objects.filter(pk=b.pk).update(counterpart=a)


def met(cast: Any, days_ago: int, *people: Stakeholder, visibility: str = "joint", side: Any = None,
        answered_in_hours: float | None = None) -> Interaction:  # fmt: skip
    when = timezone.now() - timedelta(days=days_ago)
    interaction = Interaction.objects.create(
        alliance=cast.alliance, owner_side=side or cast.side_a, visibility=visibility,
        date=timezone.localdate() - timedelta(days=days_ago), kind="call", subject="Catch-up",
        response_requested_at=when if answered_in_hours is not None else None,
        responded_at=when + timedelta(hours=answered_in_hours) if answered_in_hours is not None else None,
    )  # fmt: skip
    interaction.participants.set(people)
    return interaction


def joint_pair(cast: Any) -> tuple[Stakeholder, Stakeholder]:
    a, b = cast.records["a_joint_stakeholder"], cast.records["b_joint_stakeholder"]
    pair_up(a, b)
    return a, b


def pair_row(cast: Any, who: str) -> dict[str, Any]:
    rows = call(cast.api(who), "GET", health_api(cast)).json()["pairs"]
    assert len(rows) == 1, rows
    return rows[0]


def test_it_shows_last_contact_and_response_times_from_the_interactions_log(cast: Any) -> None:
    a, b = joint_pair(cast)
    met(cast, 20, a, b, answered_in_hours=30)
    met(cast, 5, a, b, answered_in_hours=6)
    met(cast, 2, a)  # only one of them: not a contact of the pair
    row = pair_row(cast, "alice")
    assert row["last_contact"] == str(timezone.localdate() - timedelta(days=5))
    assert row["interactions"] == 2
    assert row["response_hours"] == [30.0, 6.0] and row["median_response_hours"] == 18.0
    assert row["cadence_set"] is False and row["overdue_days"] == 0 and row["next_due"] is None


def test_a_side_sets_a_target_and_an_overdue_pair_shows_it(cast: Any, nothing_changes: Any) -> None:
    a, b = joint_pair(cast)
    met(cast, 40, a, b)
    with nothing_changes():
        bad = call(
            cast.api("alice"), "PUT", health_api(cast, f"/{a.pk}/{b.pk}/cadence"), {"days": 0}
        )
        assert bad.status_code == 422 and "days" in bad.content.decode()
    ok = call(cast.api("alice"), "PUT", health_api(cast, f"/{a.pk}/{b.pk}/cadence"), {"days": 14})
    assert ok.status_code == 200 and ok.json()["cadence_days"] == 14
    assert ok.json()["overdue_days"] == 26
    cadence = ContactCadence.objects.get()
    assert (cadence.visibility, cadence.owner_side_id) == ("joint", cast.side_a.pk)
    # The other side reads the same target, but only side A (which keeps it) changes it.
    assert pair_row(cast, "bob")["cadence_days"] == 14
    refused = call(cast.api("bob"), "PUT", health_api(cast, f"/{a.pk}/{b.pk}/cadence"), {"days": 7})
    assert refused.status_code == 403
    page = cast.client("alice").get(f"/alliances/{cast.alliance.pk}/stakeholders/relationships/")
    assert "26 days overdue" in page.content.decode()


def test_the_other_sides_private_interactions_do_not_move_its_partners_dates(cast: Any) -> None:
    a, b = joint_pair(cast)
    met(cast, 30, a, b)
    met(cast, 3, a, b, visibility="private", side=cast.side_a, answered_in_hours=2)
    assert pair_row(cast, "alice")["last_contact"] == str(timezone.localdate() - timedelta(days=3))
    bobs = pair_row(cast, "bob")
    assert bobs["last_contact"] == str(timezone.localdate() - timedelta(days=30))
    assert bobs["interactions"] == 1 and bobs["response_hours"] == []


def test_a_pair_with_a_private_stakeholder_is_that_sides_alone(cast: Any) -> None:
    secret, theirs = cast.records["a_private_stakeholder"], cast.records["b_joint_stakeholder"]
    Stakeholder.objects.filter(pk=secret.pk).update(counterpart=theirs)
    assert pair_row(cast, "alice")["private"] is True
    assert call(cast.api("bob"), "GET", health_api(cast)).json()["pairs"] == []
    page = cast.client("bob").get(f"/alliances/{cast.alliance.pk}/stakeholders/relationships/")
    assert (
        secret.name not in page.content.decode()
        and "No counterpart pairs yet" in page.content.decode()
    )
    assert (
        call(
            cast.api("bob"),
            "PUT",
            health_api(cast, f"/{secret.pk}/{theirs.pk}/cadence"),
            {"days": 7},
        ).status_code
        == 404
    )
    call(
        cast.api("alice"), "PUT", health_api(cast, f"/{secret.pk}/{theirs.pk}/cadence"), {"days": 7}
    )
    assert ContactCadence.objects.get().visibility == "private"


def test_an_overdue_check_in_raises_a_private_watch_for_each_side_once(cast: Any) -> None:
    a, b = joint_pair(cast)
    met(cast, 40, a, b)
    met(cast, 2, a, b, visibility="private", side=cast.side_b)  # side B met them recently
    call(cast.api("alice"), "PUT", health_api(cast, f"/{a.pk}/{b.pk}/cadence"), {"days": 14})
    raised = check_ins_overdue()
    # Side A sees no contact for 40 days; side B's own private call keeps it on time.
    assert [(w.owner_side_id, w.visibility) for w in raised] == [(cast.side_a.pk, "private")]
    assert check_ins_overdue() == []  # the same due day raises nothing twice
    told = Notification.objects.filter(kind="check_in")
    assert set(told.values_list("recipient__email", flat=True)) == {cast.alice.email}
    assert "overdue" in told.get().text
    entry = AuditEntry.objects.get(model="relationships.checkinwatch")
    assert (entry.visibility, entry.owner_side_id) == ("private", cast.side_a.pk)
    assert CheckInWatch.objects.count() == 1


def test_a_stance_over_time_comes_from_the_audited_changes(cast: Any) -> None:
    a, b = joint_pair(cast)
    a.refresh_from_db()
    for stance in ("supporter", "champion"):
        before = audit.snapshot(a)
        a.stance = stance
        a.save()
        audit.log(cast.alice, "update", a, before=before, after=audit.snapshot(a))
    steps = pair_row(cast, "bob")["stance"]["stakeholder"]
    assert [s["stance"] for s in steps] == ["supporter", "champion"]


def test_the_page_and_its_json_come_from_one_present_call(cast: Any, monkeypatch: Any) -> None:
    from detente.relationships import present

    joint_pair(cast)
    calls: list[int] = []
    real = present.health

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(present, "health", counted)
    page = cast.client("bob").get(f"/alliances/{cast.alliance.pk}/stakeholders/relationships/")
    assert page.status_code == 200 and len(calls) == 1
    assert cast.api("bob").get(health_api(cast)).status_code == 200 and len(calls) == 2


def test_the_cadence_page_names_the_bad_value(cast: Any) -> None:
    a, b = joint_pair(cast)
    url = f"/alliances/{cast.alliance.pk}/stakeholders/relationships/{a.pk}/{b.pk}/cadence/"
    assert cast.client("alice").get(url).status_code == 200
    bad = cast.client("alice").post(url, {"days": 400})
    assert bad.status_code == 422 and "365" in bad.content.decode()
    assert cast.client("alice").post(url, {"days": 21}).status_code == 302
    assert ContactCadence.objects.get().days == 21


def test_a_cadence_the_other_side_set_while_the_pair_was_private_never_shows_itself(
    cast: Any,
) -> None:
    secret, theirs = cast.records["a_private_stakeholder"], cast.records["b_joint_stakeholder"]
    Stakeholder.objects.filter(pk=secret.pk).update(counterpart=theirs)
    url = health_api(cast, f"/{secret.pk}/{theirs.pk}/cadence")
    assert call(cast.api("alice"), "PUT", url, {"days": 7}).status_code == 200
    # Side A shares the person; its cadence, set while the pair was its own, stays private.
    Stakeholder.objects.filter(pk=secret.pk).update(visibility="joint")
    row = pair_row(cast, "bob")
    assert row["cadence_set"] is False and row["cadence_days"] == 30
    # Bob sets the pair's target as for any pair without one: no error gives side A away.
    answer = call(cast.api("bob"), "PUT", url, {"days": 21})
    assert answer.status_code == 200, answer.content
    assert pair_row(cast, "bob")["cadence_days"] == 21
    # Side A keeps reading (and being watched by) its own target.
    assert pair_row(cast, "alice")["cadence_days"] == 7
