"""The other side's managers hear when a plan version waits for their sign-off and when it is
in force; a side's internal plan items tell the other side nothing."""

from __future__ import annotations

from typing import Any

from detente.notifications.models import Notification
from tests.conftest import body, call


def _api(cast: Any, suffix: str) -> str:
    return f"/api/v1/alliances/{cast.alliance.pk}{suffix}"


def _plan_inbox(cast: Any, who: str) -> list[str]:
    return list(
        Notification.objects.for_user(getattr(cast, who))
        .filter(kind="plan")
        .values_list("text", flat=True)
    )


def test_the_other_sides_managers_hear_a_plan_version_is_proposed_and_then_in_force(
    cast: Any, plan_world: dict[str, Any]
) -> None:
    version = body(call(cast.api("alice"), "POST", _api(cast, "/plan/versions"), {}))
    assert any("version 1 of the joint plan" in t for t in _plan_inbox(cast, "bob"))
    # Managers only, of the other side only.
    assert _plan_inbox(cast, "bella") == [] and _plan_inbox(cast, "alice") == []
    assert _plan_inbox(cast, "oscar") == []

    call(cast.api("alice"), "POST", _api(cast, f"/plan/versions/{version['id']}/sign"), {})
    assert not any("in force" in t for t in _plan_inbox(cast, "bob"))  # not yet
    call(cast.api("bob"), "POST", _api(cast, f"/plan/versions/{version['id']}/sign"), {})
    assert any("in force" in t for t in _plan_inbox(cast, "alice"))
    assert not any("in force" in t for t in _plan_inbox(cast, "bob"))  # bob signed it last


def test_a_private_plan_item_never_triggers_a_notice_to_the_other_side(
    cast: Any, plan_world: dict[str, Any]
) -> None:
    Notification.objects.all().delete()
    item = {"section": "method", "title": "Walk-away price A-PRIVATE", "visibility": "private"}
    made = call(cast.api("alice"), "POST", _api(cast, "/plan/items"), item)
    assert made.status_code == 201, made.content
    call(cast.api("alice"), "POST", _api(cast, f"/plan/items/{body(made)['id']}/move"),
         {"direction": "up"})  # fmt: skip
    for who in ("bob", "bella", "oscar"):
        assert Notification.objects.for_user(getattr(cast, who)).count() == 0
