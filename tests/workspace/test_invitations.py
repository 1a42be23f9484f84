"""Invitations end to end, refused links (expired, reused, tampered), throttled sign-in and
password reset."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from detente.accounts.models import Invitation, Membership, User

PASSWORD = "a-long-test-password-42"  # the cast's (tests/conftest.py)
NEW_PASSWORD = "a-brand-new-password-77"


def link_in(message: Any) -> str:
    found = re.search(r"https?://[^/\s]+(/accounts/invitation/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def invite(cast: Any, who: str, email: str, side: Any, role: str = "member") -> str:
    response = cast.client(who).post(
        f"/alliances/{cast.alliance.pk}/invite/", {"email": email, "side": side.pk, "role": role}
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [email]
    return link_in(mail.outbox[0])


def accept(link: str, client: Client | None = None) -> Any:
    client = client or Client()
    return client.post(
        link, {"full_name": "Gina Globex", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )


def test_it_takes_an_invitee_from_the_email_to_the_alliance(cast: Any) -> None:
    link = invite(cast, "bob", "gina@globex.example", cast.side_b)
    assert "Acme × Globex" in mail.outbox[0].subject + mail.outbox[0].body
    assert "A-PRIVATE" not in mail.outbox[0].body

    client = Client()
    form = client.get(link)
    assert form.status_code == 200
    assert "gina@globex.example" in form.content.decode()
    response = accept(link, client)
    assert response.status_code == 302
    assert response["Location"] == f"/alliances/{cast.alliance.pk}/"

    gina = User.objects.get(email="gina@globex.example")
    assert gina.check_password(NEW_PASSWORD)
    membership = Membership.objects.get(user=gina)
    assert (membership.organisation, membership.role) == (cast.globex, "member")
    page = client.get(response["Location"]).content.decode()
    assert "Acme × Globex" in page
    assert "B-PRIVATE" in page  # her own side's private records...
    assert "A-PRIVATE" not in page  # ...never the other side's
    assert Invitation.objects.get().accepted_by == gina


def test_it_lets_a_manager_bring_in_the_first_person_of_a_new_partner(cast: Any) -> None:
    client = cast.client("alice")
    client.post(f"/alliances/{cast.alliance.pk}/sides/new/", {"organisation": "Hooli"})
    hooli = cast.alliance.sides.get(organisation__name="Hooli")
    link = invite(cast, "alice", "gavin@hooli.example", hooli, role="manager")
    response = accept(link)
    assert response.status_code == 302
    gavin = User.objects.get(email="gavin@hooli.example")
    assert Membership.objects.get(user=gavin).organisation == hooli.organisation
    assert Membership.objects.get(user=gavin).role == "manager"


def test_it_refuses_an_expired_link(cast: Any) -> None:
    link = invite(cast, "bob", "gina@globex.example", cast.side_b)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    for response in (Client().get(link), accept(link)):
        assert response.status_code == 410
        assert "expired" in response.content.decode()
    assert not User.objects.filter(email="gina@globex.example").exists()


def test_it_refuses_a_link_older_than_its_signature_allows(cast: Any, monkeypatch: Any) -> None:
    link = invite(cast, "bob", "gina@globex.example", cast.side_b)
    # Even if the row's own date were wrong, the signature's age is checked too.
    Invitation.objects.update(expires_at=timezone.now() + timedelta(days=365))
    real_loads = signing.loads

    def a_week_later(*args: Any, **kwargs: Any) -> Any:
        assert kwargs["max_age"] == timedelta(days=7)
        kwargs["max_age"] = timedelta(seconds=-1)  # as if the link were already too old
        return real_loads(*args, **kwargs)

    monkeypatch.setattr(signing, "loads", a_week_later)
    response = Client().get(link)
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_it_refuses_a_link_used_once_already(cast: Any) -> None:
    link = invite(cast, "bob", "gina@globex.example", cast.side_b)
    assert accept(link).status_code == 302
    for response in (Client().get(link), accept(link)):
        assert response.status_code == 410
        assert "already been used" in response.content.decode()
    assert User.objects.filter(email="gina@globex.example").count() == 1
    assert Membership.objects.filter(user__email="gina@globex.example").count() == 1


def test_it_refuses_a_tampered_link(cast: Any) -> None:
    link = invite(cast, "bob", "gina@globex.example", cast.side_b)
    token = link.rstrip("/").rsplit("/", 1)[1]
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    for bad in (flipped, token + "x", "not-a-token", token.split(":")[0]):
        response = Client().get(f"/accounts/invitation/{bad}/")
        assert response.status_code == 410, bad
        assert "not valid" in response.content.decode()
    # A link whose invitation was re-issued (new nonce) no longer works either.
    Invitation.objects.update(nonce="0" * 32)
    assert Client().get(link).status_code == 410
    assert not User.objects.filter(email="gina@globex.example").exists()


# Sign-in throttling and password reset ---------------------------------------------------


def sign_in(client: Client, email: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": email, "password": password})


def test_it_signs_in_with_the_email_and_password(cast: Any) -> None:
    client = Client()
    response = sign_in(client, "alice@acme.example", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_it_locks_out_after_too_many_failed_sign_ins(cast: Any, settings: Any) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, "alice@acme.example", "wrong password")
        assert response.status_code in (200, 429)
    response = sign_in(client, "alice@acme.example", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still signed out
    # Another account from the same address is not locked.
    assert sign_in(Client(), "bob@globex.example", PASSWORD).status_code == 302


def test_it_resets_a_forgotten_password_by_email(cast: Any) -> None:
    client = Client()
    response = client.post("/accounts/password-reset/", {"email": "alice@acme.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    found = re.search(r"(/accounts/reset/[^/\s]+/[^/\s]+/)", mail.outbox[0].body)
    assert found, mail.outbox[0].body
    form = client.get(found.group(1))
    assert form.status_code == 302  # Django swaps the token for a session
    response = client.post(
        form["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert sign_in(Client(), "alice@acme.example", NEW_PASSWORD).status_code == 302
    assert sign_in(Client(), "alice@acme.example", PASSWORD).status_code == 200
    # The link works once.
    reused = Client().get(found.group(1), follow=True)
    assert 'name="new_password1"' not in reused.content.decode()


def test_it_sends_no_reset_email_to_an_unknown_address(cast: Any) -> None:
    response = Client().post("/accounts/password-reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []
