"""One email, one account, whatever its spelling: the sign-in lockout counts failures per
account from every address, and sign-up, invitation and sign-in treat emails alike
(docs/security.md, "Sign-in lockout")."""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse

from detente.accounts.lockout import normalised_email
from detente.accounts.models import Invitation, User

PASSWORD = "a-long-test-password-42"  # the cast's (tests/conftest.py)


def sign_in(email: str, password: str, address: str = "10.0.0.1") -> Any:
    return Client(REMOTE_ADDR=address).post(
        "/accounts/login/", {"username": email, "password": password}
    )


def fail_until_locked(email: str, limit: int, address: str = "10.0.0.1") -> None:
    for _ in range(limit):
        assert sign_in(email, "wrong password", address).status_code in (200, 429)


def test_it_normalises_the_email_it_counts_failures_under() -> None:
    assert normalised_email(None, {"username": " Alice@ACME.example "}) == "alice@acme.example"
    assert normalised_email(None, {}) == ""


def test_it_locks_every_spelling_of_the_email_once_one_spelling_is_locked(
    cast: Any, settings: Any
) -> None:
    fail_until_locked("alice@acme.example", settings.AXES_FAILURE_LIMIT)
    for spelling in ("alice@acme.example", "Alice@acme.example", "ALICE@ACME.EXAMPLE "):
        assert sign_in(spelling, PASSWORD).status_code == 429, spelling


def test_it_locks_the_account_from_every_address(cast: Any, settings: Any) -> None:
    fail_until_locked("Alice@Acme.example", settings.AXES_FAILURE_LIMIT, address="10.0.0.1")
    assert sign_in("alice@acme.example", PASSWORD, address="192.0.2.7").status_code == 429


def test_it_counts_failures_of_mixed_spellings_together(cast: Any, settings: Any) -> None:
    spellings = ["alice@acme.example", "ALICE@acme.example", " alice@ACME.example"]
    for i in range(settings.AXES_FAILURE_LIMIT):
        sign_in(spellings[i % 3], "wrong password", address=f"10.0.0.{i + 1}")
    assert sign_in("alice@acme.example", PASSWORD, address="10.9.9.9").status_code == 429


def test_it_keeps_the_lock_when_another_spelling_tries_the_right_password(
    cast: Any, settings: Any
) -> None:
    fail_until_locked("alice@acme.example", settings.AXES_FAILURE_LIMIT)
    assert sign_in("Alice@acme.example", PASSWORD).status_code == 429
    assert sign_in("alice@acme.example", PASSWORD).status_code == 429


def test_it_leaves_other_accounts_open_while_one_is_locked(cast: Any, settings: Any) -> None:
    fail_until_locked("alice@acme.example", settings.AXES_FAILURE_LIMIT)
    assert sign_in("bob@globex.example", PASSWORD).status_code == 302


def test_it_still_resets_the_count_after_a_successful_sign_in(cast: Any, settings: Any) -> None:
    fail_until_locked("alice@acme.example", settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in("ALICE@acme.example", PASSWORD).status_code == 302
    fail_until_locked("alice@acme.example", settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in("alice@acme.example", PASSWORD).status_code == 302


def test_it_stores_an_invitation_under_the_lower_case_email(cast: Any) -> None:
    cast.client("bob").post(
        f"/alliances/{cast.alliance.pk}/invite/",
        {"email": "  Gina@Globex.Example ", "side": cast.side_b.pk, "role": "member"},
    )
    assert Invitation.objects.get().email == "gina@globex.example"
    assert mail.outbox[0].to == ["gina@globex.example"]


def test_it_refuses_to_invite_a_member_under_another_spelling(cast: Any) -> None:
    response = cast.client("bob").post(
        f"/alliances/{cast.alliance.pk}/invite/",
        {"email": "BELLA@globex.example", "side": cast.side_b.pk, "role": "member"},
    )
    assert "already a member" in response.content.decode()
    assert not Invitation.objects.exists()


def test_it_stores_every_user_under_the_lower_case_email(cast: Any) -> None:
    user = User(email=" Dana@Acme.Example ")
    user.set_password(PASSWORD)
    user.save()
    assert User.objects.get(pk=user.pk).email == "dana@acme.example"
    assert sign_in("DANA@acme.example", PASSWORD).status_code == 302


def test_it_refuses_a_second_account_for_another_spelling_in_the_admin(cast: Any) -> None:
    operator = User.objects.create_superuser("operator@example.com", "a-long-operator-password")
    client = Client()
    client.force_login(operator)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Bella@Globex.example",
            "password1": "another-long-password-9",
            "password2": "another-long-password-9",
            "usable_password": "true",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "already exists" in response.content.decode()
    assert User.objects.filter(email__iexact="bella@globex.example").count() == 1
