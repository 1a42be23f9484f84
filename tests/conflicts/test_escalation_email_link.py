"""The escalation email links the conflict with the full address from DETENTE_SITE_URL, so
the link works from a mail client (docs/security.md, "Emailed links")."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.core import mail

from detente.conflicts import ladder
from tests.conflicts.conftest import T0


def test_the_escalation_email_links_the_conflict_on_the_site_url(
    cast: Any, conflicts: dict, managers_as_stakeholders: None, settings: Any
) -> None:
    settings.SITE_URL = "https://detente.example"
    conflict = conflicts["joint"]
    with time_machine.travel(T0 + timedelta(days=14, seconds=1), tick=False):
        ladder.escalate_due()
    assert mail.outbox
    url = f"https://detente.example/alliances/{cast.alliance.pk}/conflicts/{conflict.pk}/"
    for message in mail.outbox:
        assert f"Open the conflict: {url}\n" in message.body
