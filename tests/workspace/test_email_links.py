"""Every link detente emails is built from DETENTE_SITE_URL, never from the Host header of
the request that caused the email: a forged Host cannot turn a password-reset email into a
link to the attacker's site (docs/security.md, "Emailed links")."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

SITE = "https://detente.example"
FORGED = "evil.example"


@pytest.fixture
def permissive_hosts(settings: Any) -> None:
    # The worst deployment: a proxy that passes any Host, and ALLOWED_HOSTS left open.
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = SITE


def links(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


def test_the_password_reset_link_ignores_a_forged_host(cast: Any, permissive_hosts: None) -> None:
    response = Client().post(
        "/accounts/password-reset/", {"email": "alice@acme.example"}, HTTP_HOST=FORGED
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert FORGED not in message.body
    (link,) = links(message.body)
    assert link.startswith(SITE + "/accounts/reset/")


def test_the_password_reset_link_keeps_a_path_prefix_of_the_site_url(
    cast: Any, settings: Any
) -> None:
    settings.SITE_URL = "https://example.org/detente"
    Client().post("/accounts/password-reset/", {"email": "alice@acme.example"})
    (link,) = links(mail.outbox[0].body)
    assert link.startswith("https://example.org/detente/accounts/reset/")


def test_the_invitation_link_ignores_a_forged_host(cast: Any, permissive_hosts: None) -> None:
    response = cast.client("bob").post(
        f"/alliances/{cast.alliance.pk}/invite/",
        {"email": "gina@globex.example", "side": cast.side_b.pk, "role": "member"},
        HTTP_HOST=FORGED,
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert FORGED not in message.body
    assert all(link.startswith(SITE + "/") for link in links(message.body))
    assert links(message.body)
