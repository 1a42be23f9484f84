"""The commitments ledger through the visibility rule, the form and the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from detente.audit.models import AuditEntry
from detente.commitments.models import Commitment
from tests.conftest import body, call

TODAY = timezone.localdate()


def commit(cast, side, owed_by, title, days_from_today, **f):
    return Commitment.objects.create(
        alliance=cast.alliance,
        owner_side=side,
        owed_by=owed_by,
        title=title,
        due_date=TODAY + timedelta(days=days_from_today),
        **f,
    )


@pytest.fixture
def ledger(cast):
    a, b = cast.side_a, cast.side_b
    return {
        "late": commit(cast, a, b, "Production API quota", -40),
        "a_private_late": commit(cast, a, a, "Commitment A-PRIVATE", -5, visibility="private"),
        "done": commit(
            cast, b, b, "Store shelf space", -60, status="done", done_on=TODAY - timedelta(days=61)
        ),
        "future": commit(cast, b, a, "Rocket samples", 30),
        "disputed": commit(cast, b, a, "Co-marketing budget", -10, status="disputed"),
        "waived": commit(cast, a, b, "Training day", -20, status="waived"),
    }


def test_late_is_derived_from_the_due_date(cast, ledger):
    assert ledger["late"].late and ledger["late"].display_status == "late"
    assert ledger["disputed"].late and ledger["disputed"].display_status == "disputed, late"
    assert not ledger["future"].late and not ledger["done"].late and not ledger["waived"].late
    due_today = commit(cast, cast.side_a, cast.side_a, "Due today", 0)
    assert not due_today.late


def test_late_cannot_be_set_by_hand(cast, ledger, nothing_changes):
    url = f"/api/v1/alliances/{cast.alliance.pk}/commitments/{ledger['future'].pk}"
    with nothing_changes():
        r = call(cast.api("bob"), "PATCH", url, {"status": "late"})
    assert r.status_code == 422 and body(r)["errors"][0]["field"] == "status"


def test_the_overview_lists_overdue_commitments_in_few_queries(
    cast, ledger, django_assert_max_num_queries
):
    url = reverse("alliance_overview", args=[cast.alliance.pk])
    page = cast.client("alice").get(url).content.decode()
    assert "Overdue commitments" in page
    assert "Production API quota" in page and "Co-marketing budget" in page
    assert "Commitment A-PRIVATE" in page and "Rocket samples" not in page
    assert "Training day" not in page and "Store shelf space" not in page
    for i in range(10):
        commit(cast, cast.side_a, cast.side_b, f"More {i}", -i - 1)
    client = cast.client("alice")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(10, 30):
        commit(cast, cast.side_a, cast.side_b, f"More {i}", -i - 1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_side_b_never_sees_side_a_private_commitments(cast, ledger):
    a = cast.alliance.pk
    for who in ("bob", "bella"):
        for url in [
            reverse("alliance_overview", args=[a]),
            reverse("commitments_home", args=[a]),
            reverse("audit_log", args=[a]),
        ]:
            assert "A-PRIVATE" not in cast.client(who).get(url).content.decode()
        for url in [
            f"/api/v1/alliances/{a}/commitments",
            f"/api/v1/alliances/{a}/commitments?late=true",
        ]:
            assert "A-PRIVATE" not in cast.api(who).get(url).content.decode()
        r = cast.api(who).get(f"/api/v1/alliances/{a}/commitments/{ledger['a_private_late'].pk}")
        assert r.status_code == 404
    # The adherence chart counts only what the reader may see: side A's private late
    # commitment (owed by A) lowers A's line for A, not for B.
    mine = body(cast.api("alice").get(f"/api/v1/alliances/{a}/commitments/adherence"))
    theirs = body(cast.api("bob").get(f"/api/v1/alliances/{a}/commitments/adherence"))
    due = lambda data, side: sum(next(s for s in data["series"] if s["side_id"] == side)["due"])  # noqa: E731
    assert due(mine, cast.side_a.pk) == due(theirs, cast.side_a.pk) + 1


def test_a_source_is_named_only_to_those_who_see_it(cast, ledger):
    private_history = cast.records["a_private_history"]
    c = commit(
        cast,
        cast.side_a,
        cast.side_b,
        "Quota from history",
        -1,
        visibility="private",
        source_history=private_history,
    )
    out = body(cast.api("alice").get(f"/api/v1/alliances/{cast.alliance.pk}/commitments/{c.pk}"))
    assert out["source_history_id"] == private_history.pk
    # A joint commitment whose source was made private later does not name it to side B.
    joint = commit(
        cast, cast.side_a, cast.side_b, "Joint from history", -1, source_history=private_history
    )
    out = body(cast.api("bob").get(f"/api/v1/alliances/{cast.alliance.pk}/commitments/{joint.pk}"))
    assert out["source_history_id"] is None
    page = (
        cast.client("bob")
        .get(reverse("commitments_home", args=[cast.alliance.pk]))
        .content.decode()
    )
    assert "History A-PRIVATE" not in page


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"owed_by_id": "other"}, "owed_by"),
        ({"source_interaction_id": "a_private_interaction"}, "source_interaction"),
        ({"source_interaction_id": "x_joint_interaction"}, "source_interaction"),
        ({"source_history_id": "x_joint_history"}, "source_history"),
        ({"source_history_id": "b_private_history", "visibility": "joint"}, "source_history"),
        ({"status": "done"}, "done_on"),
        ({"status": "open", "done_on": "2026-01-01"}, "done_on"),
        ({"status": "done", "done_on": "2999-01-01"}, "done_on"),
        ({"kind": "favour"}, "kind"),
        ({"due_date": "soon"}, "due_date"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_input_and_foreign_ids_are_refused_by_field(cast, nothing_changes, payload, field):
    # bob writes for side B: side A's private records and another alliance's are foreign to him.
    data = {"owed_by_id": cast.side_a.pk, "title": "Shelf space", "due_date": "2026-09-30"}
    for key, value in payload.items():
        if key == "owed_by_id" and value == "other":
            value = cast.other_alliance.sides.first().pk
        elif key.startswith("source_") and isinstance(value, str):
            value = cast.records[value].pk
        data[key] = value
    with nothing_changes():
        r = call(cast.api("bob"), "POST", f"/api/v1/alliances/{cast.alliance.pk}/commitments", data)
    assert r.status_code == 422
    assert field in [e["field"] for e in body(r)["errors"]], body(r)


def test_the_api_creates_updates_and_deletes_with_audit(cast):
    api = f"/api/v1/alliances/{cast.alliance.pk}/commitments"
    client = cast.api("alice")
    interaction = cast.records["a_joint_interaction"]
    r = call(
        client,
        "POST",
        api,
        {
            "owed_by_id": cast.side_b.pk,
            "kind": "resources",
            "title": "Two engineers",
            "due_date": str(TODAY - timedelta(days=3)),
            "source_interaction_id": interaction.pk,
            "source_clause": "4.2",
        },
    )
    assert r.status_code == 201, r.content
    out = body(r)
    assert out["late"] is True and out["status"] == "open" and out["side_id"] == cast.side_a.pk
    r = call(client, "PATCH", f"{api}/{out['id']}", {"status": "done", "done_on": str(TODAY)})
    assert body(r)["late"] is False and body(r)["status"] == "done"
    assert call(client, "DELETE", f"{api}/{out['id']}").json() == {"deleted": True}
    actions = list(
        AuditEntry.objects.filter(model="commitments.commitment").values_list("action", flat=True)
    )
    assert sorted(actions) == ["create", "delete", "update"]


def test_only_the_keeping_side_may_change_a_commitment(cast, ledger, nothing_changes):
    url = f"/api/v1/alliances/{cast.alliance.pk}/commitments/{ledger['late'].pk}"
    with nothing_changes():
        assert (
            call(
                cast.api("bob"), "PATCH", url, {"status": "done", "done_on": str(TODAY)}
            ).status_code
            == 403
        )
        assert call(cast.api("rita"), "DELETE", url).status_code == 403
        assert call(cast.api("oscar"), "GET", url).status_code == 404
        page = reverse("commitment_edit", args=[cast.alliance.pk, ledger["late"].pk])
        assert cast.client("bob").post(page, {}).status_code == 403
        assert (
            cast.client("oscar")
            .get(reverse("commitments_home", args=[cast.alliance.pk]))
            .status_code
            == 404
        )


def test_the_pages_record_and_filter_commitments(cast, ledger):
    a = cast.alliance.pk
    client = cast.client("bob")
    r = client.post(
        reverse("commitment_new", args=[a]),
        {
            "owner_side": cast.side_b.pk,
            "owed_by": cast.side_b.pk,
            "kind": "decision",
            "title": "Decide on store rollout",
            "due_date": str(TODAY + timedelta(days=9)),
            "status": "open",
            "visibility": "joint",
        },
    )
    assert r.status_code == 302
    assert "Decide on store rollout" in client.get(r.url).content.decode()
    page = client.get(reverse("commitments_home", args=[a]) + "?status=late").content.decode()
    assert "Production API quota" in page and "Decide on store rollout" not in page
    assert 'id="adherence-data"' in page
    r = client.post(
        reverse("commitment_new", args=[a]),
        {
            "owner_side": cast.side_b.pk,
            "owed_by": cast.side_b.pk,
            "kind": "decision",
            "title": "x",
            "due_date": "",
            "status": "open",
            "visibility": "joint",
        },
    )
    assert r.status_code == 200 and "due_date" in r.context["form"].errors


def test_mark_done_settles_a_commitment_today_in_one_click_with_the_note_as_evidence(cast, ledger):
    late = ledger["late"]  # kept by side A, where alice writes
    url = reverse("commitment_done", args=[cast.alliance.pk, late.pk])
    response = cast.client("alice").post(url, {"note": "Quota raised, ticket OPS-12"})
    assert response.status_code == 302
    late.refresh_from_db()
    assert (late.status, late.done_on) == ("done", TODAY)
    assert "Quota raised, ticket OPS-12" in late.evidence
    entry = AuditEntry.objects.filter(object_id=late.pk, action="update").latest("id")
    assert entry.actor == cast.alice


def test_mark_done_without_a_note_keeps_the_evidence_and_a_done_one_is_refused(cast, ledger):
    url = reverse("commitment_done", args=[cast.alliance.pk, ledger["late"].pk])
    cast.client("alice").post(url)
    ledger["late"].refresh_from_db()
    assert ledger["late"].status == "done" and ledger["late"].evidence == ""
    response = cast.client("alice").post(url, follow=True)
    assert "already done" in response.content.decode()


def test_only_the_keeping_sides_writers_may_mark_it_done(cast, ledger, nothing_changes):
    url = reverse("commitment_done", args=[cast.alliance.pk, ledger["late"].pk])
    with nothing_changes():
        assert cast.client("bob").post(url).status_code == 403  # side B reads it, may not change it
        assert cast.client("rita").post(url).status_code == 403  # read-only on side A


def test_a_commitment_may_name_the_person_of_the_owing_side_who_owes_it(cast, nothing_changes):
    url = f"/api/v1/alliances/{cast.alliance.pk}/commitments"
    sent = {"title": "Pilot capacity", "due_date": str(TODAY), "owed_by_id": cast.side_b.pk}
    made = call(cast.api("alice"), "POST", url, {**sent, "owed_by_person_id": cast.bob.pk})
    assert made.status_code == 201
    assert (body(made)["owed_by_person_id"], body(made)["owed_by_person"]) == (
        cast.bob.pk,
        str(cast.bob),
    )
    page = cast.client("bella").get(reverse("commitments_home", args=[cast.alliance.pk]))
    assert str(cast.bob) in page.content.decode()
    # Someone of the other side (or of no side) cannot be named as owing it.
    with nothing_changes():
        wrong = call(cast.api("alice"), "POST", url, {**sent, "owed_by_person_id": cast.alice.pk})
        outsider = call(
            cast.api("alice"), "POST", url, {**sent, "owed_by_person_id": cast.oscar.pk}
        )
    assert wrong.status_code == 422 and body(wrong)["errors"][0]["field"] == "owed_by_person"
    assert "not a member of" in body(wrong)["errors"][0]["message"]
    assert outsider.status_code == 422 and body(outsider)["errors"][0]["field"] == "owed_by_person"
