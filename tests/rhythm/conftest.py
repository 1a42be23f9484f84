"""Helpers for the tests of notifications, threads, the activity feed and jobs."""

from __future__ import annotations

from typing import Any

import pytest

from detente.records.visibility import get_alliance_access


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def access(cast: Any, who: str) -> Any:
    return get_alliance_access(getattr(cast, who), cast.alliance.pk)


def open_round(cast: Any, who: str = "alice", title: str = "Re-negotiation") -> Any:
    from detente.negotiation import services
    from detente.negotiation.forms import RoundForm

    acc = access(cast, who)
    form = RoundForm(
        data={
            "title": title,
            "purpose": "",
            "issues": "share: 30, 40\nterm: 1, 3",
            "owner_side": acc.my_side.pk,
        },
        access=acc,
    )
    assert form.is_valid(), form.errors
    return services.save_round(acc, form)


def inbox(cast: Any, who: str) -> list[str]:
    from detente.notifications.models import Notification

    return list(Notification.objects.for_user(getattr(cast, who)).values_list("text", flat=True))
