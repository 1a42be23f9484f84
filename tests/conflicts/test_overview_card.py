"""The alliance overview's open-conflicts card: each open conflict with its rung and time
left, through the visibility rule, in a bounded number of queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.urls import reverse

from detente.conflicts.models import Conflict
from detente.conflicts.overview import open_conflicts
from detente.records.visibility import get_alliance_access
from tests.conflicts.conftest import T0


def _page(cast: Any, who: str) -> str:
    return (
        cast.client(who).get(reverse("alliance_overview", args=[cast.alliance.pk])).content.decode()
    )


def test_it_shows_open_conflicts_with_rung_and_time_left_to_members(cast, conflicts):
    step = conflicts["joint"].current_step
    with time_machine.travel(step.due_at - timedelta(days=3, hours=1), tick=False):
        for who in ("alice", "rita", "bob", "bella"):
            page = _page(cast, who)
            assert "Open conflicts" in page
            assert "Conflict JOINT" in page
            assert f"rung 1 of {len(conflicts['joint'].ladder)} ({step.name})" in page
            assert "3 days left" in page


def test_it_shows_time_over_the_limit(cast, conflicts):
    step = conflicts["joint"].current_step
    with time_machine.travel(step.due_at + timedelta(days=2, hours=1), tick=False):
        assert "2 days over its time limit" in _page(cast, "bob")


def test_it_keeps_side_a_private_conflicts_from_side_b(cast, conflicts):
    assert "Conflict A-PRIVATE-TITLE" in _page(cast, "alice")
    assert "Conflict B-PRIVATE-TITLE" not in _page(cast, "alice")
    for who in ("bob", "bella"):
        page = _page(cast, who)
        assert "Conflict B-PRIVATE-TITLE" in page
        assert "Conflict A-PRIVATE-TITLE" not in page
    card = open_conflicts(get_alliance_access(cast.bob, cast.alliance.pk))
    assert conflicts["a_private"].pk not in {c.pk for c in card["conflicts"]}
    assert card["total"] == 2  # the joint one and side B's own


def test_it_leaves_out_closed_conflicts_and_puts_the_soonest_due_first(cast, conflicts):
    conflicts["b_private"].status = Conflict.Status.RESOLVED
    conflicts["b_private"].save()
    card = open_conflicts(get_alliance_access(cast.bob, cast.alliance.pk), now=T0)
    assert [c.pk for c in card["conflicts"]] == [conflicts["joint"].pk]
    card = open_conflicts(get_alliance_access(cast.alice, cast.alliance.pk), now=T0)
    assert card["conflicts"][0].pk == conflicts["joint"].pk  # on the ladder, due first


def test_it_needs_a_bounded_number_of_queries(cast, conflicts, django_assert_max_num_queries):
    access = get_alliance_access(cast.alice, cast.alliance.pk)
    with django_assert_max_num_queries(3):
        open_conflicts(access)
    for i in range(12):
        Conflict.objects.create(
            alliance=cast.alliance, owner_side=cast.side_a, visibility="joint",
            title=f"More {i}", source="other", kind="evolving",
        )  # fmt: skip
    with django_assert_max_num_queries(3):
        card = open_conflicts(access)
    assert len(card["conflicts"]) == 5 and card["more"] == card["total"] - 5
    assert "more on the conflicts page" in _page(cast, "alice")
