"""Bad input is refused with a message naming the field, and nothing is written: on a page
the error sits next to the field, in the API it is a 422 naming the field; every row of the
workspace (audit entries included) is the same afterwards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from detente.accounts import invitations
from detente.accounts.models import Role

ALLIANCE = {"name": "Renamed", "purpose": "p", "kind": "alliance", "start_date": "2025-01-06"}
NEW_ALLIANCE = {**ALLIANCE, "partners": "Hooli"}
STAKEHOLDER = {
    "name": "New Person",
    "title": "Lead",
    "role": "other",
    "influence": 3,
    "stance": "neutral",
    "visibility": "joint",
}
HISTORY = {"date": "2025-05-01", "category": "owed", "title": "Report", "visibility": "joint"}
SIGNAL = {
    "date": "2025-05-01",
    "kind": "other",
    "severity": 2,
    "title": "Memo",
    "visibility": "joint",
}
INTERACTION = {"date": "2025-05-01", "kind": "call", "subject": "Call", "visibility": "joint"}

# (url suffix after /alliances/<id>/, or a full URL; form data; the field named)
PAGE_CASES: dict[str, tuple[str, Callable[[Any], dict], str]] = {
    "new alliance without a name": (
        "/alliances/new/",
        lambda c: {**NEW_ALLIANCE, "my_organisation": c.acme.pk, "name": ""},
        "name",
    ),
    "new alliance with a bad date": (
        "/alliances/new/",
        lambda c: {**NEW_ALLIANCE, "my_organisation": c.acme.pk, "start_date": "31/02/2025"},
        "start_date",
    ),
    "new alliance without partners": (
        "/alliances/new/",
        lambda c: {**NEW_ALLIANCE, "my_organisation": c.acme.pk, "partners": " \n "},
        "partners",
    ),
    "new alliance with itself as partner": (
        "/alliances/new/",
        lambda c: {**NEW_ALLIANCE, "my_organisation": c.acme.pk, "partners": "Acme"},
        "partners",
    ),
    "alliance of an unknown kind": ("edit/", lambda c: {**ALLIANCE, "kind": "merger"}, "kind"),
    "alliance with an empty purpose": ("edit/", lambda c: {**ALLIANCE, "purpose": ""}, "purpose"),
    "unknown status": ("status/", lambda c: {"status": "dead", "reason": "x"}, "status"),
    "status unchanged": ("status/", lambda c: {"status": "forming", "reason": "x"}, "status"),
    "status without a reason": ("status/", lambda c: {"status": "active", "reason": ""}, "reason"),
    "side without an organisation": ("sides/new/", lambda c: {"organisation": ""}, "organisation"),
    "side already in the alliance": (
        "sides/new/",
        lambda c: {"organisation": "Globex"},
        "organisation",
    ),
    "invitation to a bad email": (
        "invite/",
        lambda c: {"email": "not-an-email", "side": c.side_a.pk, "role": "member"},
        "email",
    ),
    "invitation with more rights than the inviter": (
        "invite/",
        lambda c: {"email": "x@acme.example", "side": c.side_a.pk, "role": "admin"},
        "role",
    ),
    "invitation of an existing member": (
        "invite/",
        lambda c: {"email": "rita@acme.example", "side": c.side_a.pk, "role": "member"},
        "email",
    ),
    "stakeholder without a name": (
        "stakeholders/new/",
        lambda c: {**STAKEHOLDER, "owner_side": c.side_a.pk, "name": ""},
        "name",
    ),
    "stakeholder with influence 9": (
        "stakeholders/new/",
        lambda c: {**STAKEHOLDER, "owner_side": c.side_a.pk, "influence": 9},
        "influence",
    ),
    "stakeholder with a bad email": (
        "stakeholders/new/",
        lambda c: {**STAKEHOLDER, "owner_side": c.side_a.pk, "email": "nope"},
        "email",
    ),
    "stakeholder of an unknown visibility": (
        "stakeholders/new/",
        lambda c: {**STAKEHOLDER, "owner_side": c.side_a.pk, "visibility": "secret"},
        "visibility",
    ),
    "counterpart on the same side": (
        "stakeholders/new/",
        lambda c: {
            **STAKEHOLDER,
            "owner_side": c.side_a.pk,
            "counterpart": c.records["a_joint_stakeholder"].pk,
        },
        "counterpart",
    ),
    "stakeholder edited to influence 0": (
        "stakeholders/{a_joint_stakeholder}/edit/",
        lambda c: {**STAKEHOLDER, "influence": 0},
        "influence",
    ),
    "history without a date": (
        "timeline/history/new/",
        lambda c: {**HISTORY, "owner_side": c.side_a.pk, "date": ""},
        "date",
    ),
    "history of an unknown category": (
        "timeline/history/new/",
        lambda c: {**HISTORY, "owner_side": c.side_a.pk, "category": "meh"},
        "category",
    ),
    "signal of severity 7": (
        "timeline/signal/new/",
        lambda c: {**SIGNAL, "owner_side": c.side_a.pk, "severity": 7},
        "severity",
    ),
    "signal of an unknown kind": (
        "timeline/signal/new/",
        lambda c: {**SIGNAL, "owner_side": c.side_a.pk, "kind": "gossip"},
        "kind",
    ),
    "interaction answered before it was asked": (
        "timeline/interaction/new/",
        lambda c: {
            **INTERACTION,
            "owner_side": c.side_a.pk,
            "response_requested_at": "2025-05-02T10:00",
            "responded_at": "2025-05-01T10:00",
        },
        "responded_at",
    ),
    "interaction answered but never asked": (
        "timeline/interaction/new/",
        lambda c: {**INTERACTION, "owner_side": c.side_a.pk, "responded_at": "2025-05-01T10:00"},
        "responded_at",
    ),
    "joint interaction with a private participant": (
        "timeline/interaction/new/",
        lambda c: {
            **INTERACTION,
            "owner_side": c.side_a.pk,
            "participants": [c.records["a_private_stakeholder"].pk],
        },
        "participants",
    ),
    "history edited to an empty title": (
        "timeline/history/{a_joint_history}/edit/",
        lambda c: {**HISTORY, "title": ""},
        "title",
    ),
    "signal edited to a bad date": (
        "timeline/signal/{a_joint_signal}/edit/",
        lambda c: {**SIGNAL, "date": "yesterday"},
        "date",
    ),
    "interaction edited without a subject": (
        "timeline/interaction/{a_joint_interaction}/edit/",
        lambda c: {**INTERACTION, "subject": ""},
        "subject",
    ),
    "token without a name": ("/accounts/settings/", lambda c: {"name": ""}, "name"),
}


def page_url(cast: Any, suffix: str) -> str:
    if suffix.startswith("/"):
        return suffix
    ids = {key: record.pk for key, record in cast.records.items()}
    return f"/alliances/{cast.alliance.pk}/" + suffix.format(**ids)


@pytest.mark.parametrize("case", PAGE_CASES, ids=list(PAGE_CASES))
def test_it_shows_the_error_next_to_the_field_and_writes_nothing(
    cast: Any, nothing_changes: Callable, case: str
) -> None:
    suffix, data, field = PAGE_CASES[case]
    client = cast.client("alice")
    with nothing_changes():
        response = client.post(page_url(cast, suffix), data(cast))
    assert response.status_code == 200
    page = response.content.decode()
    errors = page.split(f'id="id_{field}_errors"', 1)
    assert len(errors) == 2, f"no error next to {field}"
    # The error list follows the field's own input, inside the same field block.
    block = page[: page.index(f'id="id_{field}_errors"')].rsplit('<div class="field', 1)[1]
    assert f'name="{field}"' in block and "has-error" in block


def test_it_refuses_an_invitation_password_that_does_not_match(
    cast: Any, nothing_changes: Callable
) -> None:
    invitation = invitations.invite(
        cast.alice, email="new@acme.example", organisation=cast.acme, role=Role.MEMBER
    )
    url = f"/accounts/invitation/{invitations.make_token(invitation)}/"
    client = cast.client(None)
    for data, field in (
        (
            {"full_name": "N", "password1": "a-long-pass-1", "password2": "other-pass-2"},
            "password2",
        ),
        ({"full_name": "N", "password1": "123", "password2": "123"}, "password2"),
        (
            {"full_name": "", "password1": "a-long-pass-1", "password2": "a-long-pass-1"},
            "full_name",
        ),
    ):
        with nothing_changes():
            response = client.post(url, data)
        assert response.status_code == 200
        assert f'id="id_{field}_errors"' in response.content.decode()


# API ------------------------------------------------------------------------------------

STAKEHOLDER_BODY = {"name": "New Person", "role": "other", "influence": 3, "stance": "neutral"}
NEW_ALLIANCE_BODY = {**ALLIANCE, "partners": ["Hooli"]}

# (method, url suffix after /api/v1/alliances/<id>, or a full URL; body; field named)
API_CASES: dict[str, tuple[str, str, Callable[[Any], dict], str]] = {
    "new alliance with a bad date": (
        "POST",
        "/api/v1/alliances",
        lambda c: {**NEW_ALLIANCE_BODY, "my_organisation_id": c.acme.pk, "start_date": "soon"},
        "start_date",
    ),
    "new alliance without a name": (
        "POST",
        "/api/v1/alliances",
        lambda c: {**NEW_ALLIANCE_BODY, "my_organisation_id": c.acme.pk, "name": ""},
        "name",
    ),
    "new alliance without partners": (
        "POST",
        "/api/v1/alliances",
        lambda c: {**NEW_ALLIANCE_BODY, "my_organisation_id": c.acme.pk, "partners": []},
        "partners",
    ),
    "new alliance without an organisation": (
        "POST",
        "/api/v1/alliances",
        lambda c: NEW_ALLIANCE_BODY,
        "my_organisation_id",
    ),
    "alliance of an unknown kind": ("PATCH", "", lambda c: {"kind": "merger"}, "kind"),
    "alliance with a name of 300 characters": ("PATCH", "", lambda c: {"name": "x" * 300}, "name"),
    "unknown status": ("POST", "/status", lambda c: {"status": "dead", "reason": "x"}, "status"),
    "status without a reason": ("POST", "/status", lambda c: {"status": "active"}, "reason"),
    "stakeholder with influence 9": (
        "POST",
        "/stakeholders",
        lambda c: {**STAKEHOLDER_BODY, "influence": 9},
        "influence",
    ),
    "stakeholder with influence as text": (
        "POST",
        "/stakeholders",
        lambda c: {**STAKEHOLDER_BODY, "influence": "high"},
        "influence",
    ),
    "stakeholder with a bad email": (
        "POST",
        "/stakeholders",
        lambda c: {**STAKEHOLDER_BODY, "email": "nope"},
        "email",
    ),
    "stakeholder without a name": (
        "POST",
        "/stakeholders",
        lambda c: {**STAKEHOLDER_BODY, "name": ""},
        "name",
    ),
    "stakeholder of an unknown visibility": (
        "POST",
        "/stakeholders",
        lambda c: {**STAKEHOLDER_BODY, "visibility": "secret"},
        "visibility",
    ),
    "stakeholder edited to influence 0": (
        "PATCH",
        "/stakeholders/{a_joint_stakeholder}",
        lambda c: {"influence": 0},
        "influence",
    ),
    "history of an unknown category": (
        "POST",
        "/timeline/history",
        lambda c: {"date": "2025-05-01", "category": "meh", "title": "T"},
        "category",
    ),
    "history with a bad date": (
        "POST",
        "/timeline/history",
        lambda c: {"date": "31/02/2025", "category": "owed", "title": "T"},
        "date",
    ),
    "signal of severity 9": (
        "POST",
        "/timeline/signal",
        lambda c: {"date": "2025-05-01", "kind": "other", "severity": 9, "title": "T"},
        "severity",
    ),
    "interaction answered before it was asked": (
        "POST",
        "/timeline/interaction",
        lambda c: {
            "date": "2025-05-01",
            "kind": "call",
            "title": "T",
            "response_requested_at": "2025-05-02T10:00:00Z",
            "responded_at": "2025-05-01T10:00:00Z",
        },
        "responded_at",
    ),
    "history edited to an empty title": (
        "PATCH",
        "/timeline/history/{a_joint_history}",
        lambda c: {"title": ""},
        "title",
    ),
    "signal edited to an unknown kind": (
        "PATCH",
        "/timeline/signal/{a_joint_signal}",
        lambda c: {"kind": "gossip"},
        "kind",
    ),
}


@pytest.mark.parametrize("case", API_CASES, ids=list(API_CASES))
def test_it_answers_422_naming_the_field_and_writes_nothing(
    cast: Any, nothing_changes: Callable, call: Callable, case: str
) -> None:
    method, suffix, body, field = API_CASES[case]
    ids = {key: record.pk for key, record in cast.records.items()}
    url = suffix if suffix.startswith("/api/") else f"/api/v1/alliances/{cast.alliance.pk}"
    if not suffix.startswith("/api/"):
        url += suffix.format(**ids)
    client = cast.api("alice")
    with nothing_changes():
        response = call(client, method, url, body(cast))
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert field in [error["field"] for error in errors], errors
    assert all(error["message"] for error in errors)


def test_it_answers_a_body_that_is_not_json_with_an_error(
    cast: Any, nothing_changes: Callable
) -> None:
    client = cast.api("alice")
    with nothing_changes():
        response = client.post(
            f"/api/v1/alliances/{cast.alliance.pk}/stakeholders",
            "{not json",
            content_type="application/json",
        )
    assert response.status_code in (400, 422)
    assert response.json()
