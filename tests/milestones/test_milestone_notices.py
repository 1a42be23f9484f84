"""The other side hears when a milestone waits for its answer, and the proposing side hears
the answer; a private draft reaches nobody outside its side."""

from __future__ import annotations

from typing import Any

from detente.notifications.models import Notification
from tests.conftest import call
from tests.milestones.conftest import DUE, START


def _api(cast: Any, suffix: str = "") -> str:
    return f"/api/v1/alliances/{cast.alliance.pk}/goals/milestones{suffix}"


def _terms(cast: Any, track: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "visibility": "joint", "title": "5,000 drivers in Vietnam", "kpi": track.kpi.pk,
        "target": 5000, "start": START.isoformat(), "due": DUE.isoformat(),
        "measured_by": cast.side_a.pk, "confidence": 80, "notes": "",
    }  # fmt: skip
    return data | changes


def _inbox(cast: Any, who: str) -> list[str]:
    return list(
        Notification.objects.for_user(getattr(cast, who))
        .filter(kind="milestone")
        .values_list("text", flat=True)
    )


def test_the_other_side_hears_a_milestone_waits_for_it_and_the_proposer_hears_the_answer(
    cast: Any, track: Any
) -> None:
    created = call(cast.api("alice"), "POST", _api(cast), _terms(cast, track))
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    for who in ("bob", "bella"):
        assert any("5,000 drivers in Vietnam" in t and "accept" in t for t in _inbox(cast, who))
    assert _inbox(cast, "alice") == [] and _inbox(cast, "oscar") == []

    assert call(cast.api("bella"), "POST", _api(cast, f"/{pk}/accept")).status_code == 200
    assert any("accepted the milestone" in t for t in _inbox(cast, "alice"))
    assert not any("accepted" in t for t in _inbox(cast, "bob"))

    # New terms send it back to the other side, which declines this time.
    call(cast.api("alice"), "PATCH", _api(cast, f"/{pk}"), {"target": 6000})
    assert len([t for t in _inbox(cast, "bob") if "proposed the milestone" in t]) == 2
    assert call(cast.api("bob"), "POST", _api(cast, f"/{pk}/decline")).status_code == 200
    assert any("declined the milestone" in t for t in _inbox(cast, "alice"))


def test_a_private_milestone_draft_never_reaches_the_other_side_until_it_is_proposed(
    cast: Any, track: Any
) -> None:
    draft = _terms(cast, track, visibility="private", title="Board number SECRET-M")
    created = call(cast.api("alice"), "POST", _api(cast), draft)
    assert created.status_code == 201 and created.json()["state"] == "draft"
    pk = created.json()["id"]
    call(cast.api("alice"), "PATCH", _api(cast, f"/{pk}"), {"target": 6000})
    for who in ("bob", "bella", "oscar"):
        assert Notification.objects.for_user(getattr(cast, who)).count() == 0
    assert _inbox(cast, "alice") == [] and _inbox(cast, "rita") == []

    # Made joint, it is proposed: now the other side hears of it.
    shared = call(cast.api("alice"), "PATCH", _api(cast, f"/{pk}"), {"visibility": "joint"})
    assert shared.status_code == 200 and shared.json()["state"] == "proposed"
    assert any("SECRET-M" in t for t in _inbox(cast, "bob"))
