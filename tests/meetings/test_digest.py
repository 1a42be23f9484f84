"""The monthly progress digest: joint records only, the same for both sides, sent once per
month to both sides' managers, and shown on a page with its JSON twin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from detente.meetings import digest, tasks
from detente.meetings.models import Meeting, ProgressDigest
from detente.notifications.models import Notification


def tag(prefix: str, visibility: str) -> str:
    return f"{prefix.upper()}-PRIVATE-DGX" if visibility == "private" else f"{prefix.upper()}-JOINT"


@pytest.fixture
def month_data(cast: Any) -> digest.Month:
    """Last month, per side, joint and private: a commitment kept, one done late, one still
    late, a meeting held with a decision, a KPI with a value; and a joint meeting to come."""
    from detente.commitments.models import Commitment
    from detente.objectives.models import KPI, Measurement, Objective

    month = digest.last_month()
    day = month.start + timedelta(days=4)
    for prefix, side in (("a", cast.side_a), ("b", cast.side_b)):
        for visibility in ("joint", "private"):
            t = tag(prefix, visibility)
            common = {"alliance": cast.alliance, "owner_side": side, "visibility": visibility}
            for title, status, done_on in (
                ("Kept", "done", day - timedelta(days=1)),
                ("Done late", "done", day + timedelta(days=3)),
                ("Late", "open", None),
            ):
                Commitment.objects.create(
                    **common, owed_by=side, title=f"{title} {t}", due_date=day, status=status,
                    done_on=done_on,
                )  # fmt: skip
            Meeting.objects.create(
                **common, kind="preparation" if visibility == "private" else "business_review",
                title=f"Review {t}", starts_at=timezone.make_aware(
                    datetime.combine(day, datetime.min.time())
                ),
                decisions=f"Decided {t}",
            )  # fmt: skip
            objective = Objective.objects.create(**common, title=f"Objective {t}")
            kpi = KPI.objects.create(
                objective=objective, name=f"KPI {t}", metric="leads", unit="leads", target=100,
                deadline=day + timedelta(days=90),
            )  # fmt: skip
            Measurement.objects.create(
                **common, kpi=kpi, period=month.label, value=40, notes=f"Value {t}"
            )
    Meeting.objects.create(
        alliance=cast.alliance, owner_side=cast.side_b, visibility="joint", kind="dialogue",
        title="Next talk B-JOINT", starts_at=timezone.now() + timedelta(days=3),
    )  # fmt: skip
    return month


def test_the_digest_holds_joint_facts_and_neither_sides_private_strings(
    cast: Any, month_data: digest.Month
) -> None:
    url = f"/alliances/{cast.alliance.pk}/meetings/digest/"
    api = f"/api/v1/alliances/{cast.alliance.pk}/meetings/digest"
    for who in ("alice", "bob"):
        page = cast.client(who).get(url)
        answer = cast.api(who).get(api)
        assert page.status_code == 200 and answer.status_code == 200
        for text in (page.content.decode(), answer.content.decode()):
            assert "Kept A-JOINT" in text and "Decided B-JOINT" in text and "KPI A-JOINT" in text
            assert "Next talk B-JOINT" in text
            assert "PRIVATE" not in text
            for key, record in cast.records.items():
                if "_private" in key:
                    assert str(record) not in text


def test_the_digest_sorts_commitments_into_kept_done_late_and_late(
    cast: Any, month_data: digest.Month
) -> None:
    data = cast.api("bella").get(f"/api/v1/alliances/{cast.alliance.pk}/meetings/digest").json()
    titles = {k: sorted(c["title"] for c in v) for k, v in data["commitments"].items()}
    assert titles == {
        "kept": ["Kept A-JOINT", "Kept B-JOINT"],
        "done_late": ["Done late A-JOINT", "Done late B-JOINT"],
        "late": ["Late A-JOINT", "Late B-JOINT"],
    }
    assert data["month"] == month_data.label
    assert data["next_meeting"]["title"] == "Next talk B-JOINT"
    [kpi_a, kpi_b] = data["kpis"]
    assert kpi_a["share_of_target"] == 40 and kpi_b["name"] == "KPI B-JOINT"


def test_both_sides_read_the_same_digest(cast: Any, month_data: digest.Month) -> None:
    api = f"/api/v1/alliances/{cast.alliance.pk}/meetings/digest"
    assert cast.api("rita").get(api).json() == cast.api("bella").get(api).json()


def test_a_month_not_written_as_year_and_month_is_refused_naming_the_month(cast: Any) -> None:
    page = cast.client("alice").get(f"/alliances/{cast.alliance.pk}/meetings/digest/?month=May")
    assert page.status_code == 422 and "Month: Give the month as YYYY-MM" in page.content.decode()
    api = f"/api/v1/alliances/{cast.alliance.pk}/meetings/digest?month=2026-13"
    answer = cast.api("alice").get(api)
    assert answer.status_code == 422 and "month" in answer.content.decode()


def test_the_monthly_job_sends_each_month_once_to_both_sides_managers(cast: Any) -> None:
    with time_machine.travel(datetime(2026, 12, 2, 9, 0, tzinfo=UTC), tick=False):
        tasks.send_progress_digests.enqueue()
        tasks.send_progress_digests.enqueue()
    [sent] = ProgressDigest.objects.filter(alliance=cast.alliance)
    assert sent.period == "2026-11" and sent.visibility == "joint"
    ours = Notification.objects.filter(kind="progress", alliance=cast.alliance)
    assert sorted(ours.values_list("recipient", flat=True)) == sorted([cast.alice.pk, cast.bob.pk])
    with time_machine.travel(datetime(2027, 1, 3, 9, 0, tzinfo=UTC), tick=False):
        tasks.send_progress_digests.enqueue()
    periods = ProgressDigest.objects.filter(alliance=cast.alliance).values_list("period", flat=True)
    assert sorted(periods) == ["2026-11", "2026-12"]
    assert ours.count() == 4


def test_the_digest_notification_carries_no_private_string(
    cast: Any, month_data: digest.Month
) -> None:
    tasks.send_progress_digests.enqueue()
    notes = list(Notification.objects.filter(kind="progress"))
    assert notes and all("PRIVATE" not in n.text for n in notes)
    assert all(n.url.endswith(f"?month={month_data.label}") for n in notes)
