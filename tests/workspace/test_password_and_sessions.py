"""Changing a password and how long a browser stays signed in (docs/security.md, ASVS V2/V3)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.test import Client
from django.utils import timezone

from detente.audit.models import AuditEntry
from tests.conftest import PASSWORD

CHANGE = "/accounts/settings/password/"
NEW = "a-new-long-password-7"


def change(client: Client, old: str, new1: str, new2: str | None = None) -> Any:
    return client.post(
        CHANGE, {"old_password": old, "new_password1": new1, "new_password2": new2 or new1}
    )


def test_a_person_changes_their_password_knowing_the_current_one(cast: Any) -> None:
    client = cast.client("alice")

    response = change(client, PASSWORD, NEW)

    assert response.status_code == 302
    cast.alice.refresh_from_db()
    assert cast.alice.check_password(NEW)
    assert client.get("/accounts/settings/").status_code == 200  # this browser stays signed in


def test_the_change_is_refused_naming_the_field_when_the_current_password_is_wrong(
    cast: Any,
) -> None:
    response = change(cast.client("alice"), "not my password", NEW)

    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    cast.alice.refresh_from_db()
    assert cast.alice.check_password(PASSWORD)


def test_a_password_under_twelve_characters_is_refused(cast: Any) -> None:
    response = change(cast.client("alice"), PASSWORD, "short-pw-1")

    errors = response.context["form"].errors
    assert "new_password2" in errors
    assert "at least 12 characters" in str(errors["new_password2"])


def test_changing_the_password_signs_out_every_other_browser(cast: Any) -> None:
    laptop, phone = cast.client("alice"), cast.client("alice")
    assert phone.get("/accounts/settings/").status_code == 200

    change(laptop, PASSWORD, NEW)

    assert phone.get("/accounts/settings/").status_code == 302  # to the sign-in page
    assert laptop.get("/accounts/settings/").status_code == 200


def test_the_change_is_audited_without_the_password(cast: Any) -> None:
    change(cast.client("alice"), PASSWORD, NEW)

    entry = AuditEntry.objects.get(actor=cast.alice, model="accounts.user", action="update")
    assert NEW not in str(entry.__dict__)
    assert cast.alice.password not in str(entry.__dict__)


def test_a_browser_is_signed_out_twelve_hours_after_signing_in(cast: Any) -> None:
    signed_in = timezone.now()
    with time_machine.travel(signed_in, tick=False):
        client = cast.client("alice")
    with time_machine.travel(signed_in + timedelta(hours=11, minutes=59), tick=False):
        assert client.get("/accounts/settings/").status_code == 200
    with time_machine.travel(signed_in + timedelta(hours=12, minutes=1), tick=False):
        response = client.get("/accounts/settings/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        assert client.get("/accounts/settings/").status_code == 302  # the session is gone


def test_a_session_renewed_by_use_still_ends_twelve_hours_after_signing_in(
    cast: Any, settings: Any
) -> None:
    settings.SESSION_COOKIE_AGE = 14 * 24 * 3600  # as if every request had renewed the cookie
    signed_in = timezone.now()
    with time_machine.travel(signed_in, tick=False):
        client = cast.client("alice")
    with time_machine.travel(signed_in + timedelta(hours=12, minutes=1), tick=False):
        response = client.get("/accounts/settings/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=/accounts/settings/")


def test_an_htmx_request_after_the_lifetime_sends_the_whole_page_to_sign_in(
    cast: Any, settings: Any
) -> None:
    settings.SESSION_COOKIE_AGE = 14 * 24 * 3600
    signed_in = timezone.now()
    with time_machine.travel(signed_in, tick=False):
        client = cast.client("alice")
    with time_machine.travel(signed_in + timedelta(hours=13), tick=False):
        response = client.get("/accounts/settings/", headers={"HX-Request": "true"})

    assert response["HX-Redirect"].startswith("/accounts/login/")


def test_the_lifetime_is_set_by_the_operator(cast: Any, settings: Any) -> None:
    settings.SESSION_LIFETIME_HOURS = 1
    settings.SESSION_COOKIE_AGE = 14 * 24 * 3600
    signed_in = timezone.now()
    with time_machine.travel(signed_in, tick=False):
        client = cast.client("alice")
    with time_machine.travel(signed_in + timedelta(minutes=61), tick=False):
        assert client.get("/accounts/settings/").status_code == 302
