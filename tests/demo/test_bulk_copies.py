"""``detente demo --alliances N``: copies of the demo's alliances made with bulk SQL."""

from __future__ import annotations

from typing import Any

from detente.notifications.models import Notification
from detente.records.models import Alliance


def test_copies_of_the_demo_keep_every_unique_key_unique(db: Any) -> None:
    from detente.demo.build import build_demo
    from detente.demo.bulk import add_alliances

    build_demo()
    originals = Alliance.objects.count()
    notices = Notification.objects.filter(alliance__isnull=False).count()
    assert notices > 0  # the demo's notices hang off alliances: a copy repeats their keys
    assert add_alliances(7) == originals + 7
    # A copy's notice of the same event keeps its recipient and gets the copy's suffix.
    assert Notification.objects.filter(alliance__isnull=False).count() > notices
    assert Notification.objects.filter(key__endswith=" #1").exists()
