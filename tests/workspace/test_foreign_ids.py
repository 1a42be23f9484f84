"""An id that belongs to another alliance or organisation is refused, in a form or an API
body, and nothing in the database changes (every row of the workspace is compared)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from detente.accounts.models import ApiToken, Invitation


def x_side(cast: Any) -> Any:
    return cast.other_alliance.sides.order_by("id").first()


def stakeholder_form(cast: Any, **changes: Any) -> dict:
    form = {
        "owner_side": cast.side_a.pk,
        "name": "New Person",
        "title": "Lead",
        "role": "other",
        "influence": 3,
        "stance": "neutral",
        "visibility": "joint",
    }
    return {**form, **changes}


def assert_refused_next_to(response: Any, field: str) -> None:
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="id_{field}_errors"' in page, f"no error next to {field}"


# Pages ----------------------------------------------------------------------------------

FOREIGN_STAKEHOLDER_FORMS = {
    "owner side of another alliance": ("owner_side", lambda c: {"owner_side": x_side(c).pk}),
    "owner side alice may not write for": ("owner_side", lambda c: {"owner_side": c.side_b.pk}),
    "counterpart in another alliance": (
        "counterpart",
        lambda c: {"counterpart": c.records["x_joint_stakeholder"].pk},
    ),
    "counterpart private to the other side": (
        "counterpart",
        lambda c: {"counterpart": c.records["b_private_stakeholder"].pk},
    ),
    "account of an outsider": ("user", lambda c: {"user": c.oscar.pk}),
    "account of the other side's organisation": ("user", lambda c: {"user": c.bob.pk}),
}


@pytest.mark.parametrize("case", FOREIGN_STAKEHOLDER_FORMS, ids=list(FOREIGN_STAKEHOLDER_FORMS))
def test_it_refuses_a_foreign_id_in_the_new_stakeholder_form(
    cast: Any, nothing_changes: Callable, case: str
) -> None:
    field, changes = FOREIGN_STAKEHOLDER_FORMS[case]
    client = cast.client("alice")
    with nothing_changes():
        response = client.post(
            f"/alliances/{cast.alliance.pk}/stakeholders/new/",
            stakeholder_form(cast, **changes(cast)),
        )
    assert_refused_next_to(response, field)


@pytest.mark.parametrize(
    "case",
    [c for c in FOREIGN_STAKEHOLDER_FORMS if "owner side" not in c],
)
def test_it_refuses_a_foreign_id_in_the_stakeholder_edit_form(
    cast: Any, nothing_changes: Callable, case: str
) -> None:
    field, changes = FOREIGN_STAKEHOLDER_FORMS[case]
    pk = cast.records["a_joint_stakeholder"].pk
    data = stakeholder_form(cast, **changes(cast))
    data.pop("owner_side")
    with nothing_changes():
        response = cast.client("alice").post(
            f"/alliances/{cast.alliance.pk}/stakeholders/{pk}/edit/", data
        )
    assert_refused_next_to(response, field)


@pytest.mark.parametrize(
    "participant", ["x_joint_stakeholder", "x_private_stakeholder", "b_private_stakeholder"]
)
def test_it_refuses_a_foreign_participant(
    cast: Any, nothing_changes: Callable, participant: str
) -> None:
    data = {
        "owner_side": cast.side_a.pk,
        "date": "2025-05-01",
        "kind": "meeting",
        "subject": "Quarterly review",
        "participants": [cast.records["a_joint_stakeholder"].pk, cast.records[participant].pk],
        "visibility": "private",
    }
    client = cast.client("alice")
    with nothing_changes():
        response = client.post(f"/alliances/{cast.alliance.pk}/timeline/interaction/new/", data)
        assert_refused_next_to(response, "participants")
        data.pop("owner_side")
        pk = cast.records["a_private_interaction"].pk
        response = client.post(
            f"/alliances/{cast.alliance.pk}/timeline/interaction/{pk}/edit/", data
        )
        assert_refused_next_to(response, "participants")


@pytest.mark.parametrize("kind", ["stakeholder", "history", "signal", "interaction"])
def test_it_answers_404_for_a_record_of_another_alliance_under_this_one(
    cast: Any, nothing_changes: Callable, kind: str
) -> None:
    """Alice's alliance id in the URL, with the id of a record of Oscar's alliance."""
    for key in (f"x_joint_{kind}", f"x_private_{kind}"):
        pk = cast.records[key].pk
        a = cast.alliance.pk
        base = (
            f"/alliances/{a}/stakeholders/{pk}/"
            if kind == "stakeholder"
            else f"/alliances/{a}/timeline/{kind}/{pk}/"
        )
        client = cast.client("alice")
        with nothing_changes():
            assert client.get(base + "edit/").status_code == 404
            assert (
                client.post(base + "edit/", {"name": "Hijacked", "title": "x"}).status_code == 404
            )
            assert client.post(base + "delete/").status_code == 404


def test_it_answers_404_to_an_outsider_using_his_alliance_id_with_our_record_id(
    cast: Any, nothing_changes: Callable
) -> None:
    other = cast.other_alliance.pk
    pk = cast.records["a_joint_history"].pk
    client = cast.client("oscar")
    with nothing_changes():
        assert client.get(f"/alliances/{other}/timeline/history/{pk}/").status_code == 404
        response = client.post(
            f"/alliances/{other}/timeline/history/{pk}/edit/",
            {"date": "2025-05-01", "category": "owed", "title": "Hijacked", "visibility": "joint"},
        )
        assert response.status_code == 404
        assert client.post(f"/alliances/{other}/timeline/history/{pk}/delete/").status_code == 404


def test_it_refuses_to_start_an_alliance_for_an_organisation_alice_does_not_manage(
    cast: Any, nothing_changes: Callable
) -> None:
    data = {
        "name": "Hostile takeover",
        "purpose": "p",
        "kind": "alliance",
        "start_date": "2025-05-01",
        "partners": "Hooli",
    }
    client = cast.client("alice")
    with nothing_changes():
        for org in (cast.globex, cast.initech):
            response = client.post("/alliances/new/", {**data, "my_organisation": org.pk})
            assert_refused_next_to(response, "my_organisation")


def test_it_refuses_an_invitation_to_a_side_of_another_alliance(
    cast: Any, nothing_changes: Callable
) -> None:
    with nothing_changes():
        response = cast.client("alice").post(
            f"/alliances/{cast.alliance.pk}/invite/",
            {"email": "mole@example.com", "side": x_side(cast).pk, "role": "member"},
        )
    assert_refused_next_to(response, "side")


def test_it_refuses_to_invite_into_a_partner_organisation_that_has_its_own_people(
    cast: Any, nothing_changes: Callable
) -> None:
    """Otherwise a manager could make someone a member of Globex, who would then read
    Globex's private records in every alliance Globex is in."""
    with nothing_changes():
        response = cast.client("alice").post(
            f"/alliances/{cast.alliance.pk}/invite/",
            {"email": "mole@acme.example", "side": cast.side_b.pk, "role": "member"},
        )
    assert_refused_next_to(response, "side")
    assert not Invitation.objects.exists()


def test_it_still_lets_a_manager_invite_the_first_people_of_a_new_partner(
    cast: Any,
) -> None:
    client = cast.client("alice")
    response = client.post(
        f"/alliances/{cast.alliance.pk}/sides/new/",
        {"organisation": "Hooli", "label": ""},
    )
    assert response.status_code == 302
    hooli_side = cast.alliance.sides.get(organisation__name="Hooli")
    response = client.post(
        f"/alliances/{cast.alliance.pk}/invite/",
        {"email": "gavin@hooli.example", "side": hooli_side.pk, "role": "manager"},
    )
    assert response.status_code == 302
    assert Invitation.objects.get().organisation.name == "Hooli"


def test_it_answers_404_when_revoking_someone_elses_token(
    cast: Any, nothing_changes: Callable
) -> None:
    token, _ = ApiToken.issue(cast.bob, "bob's script")
    with nothing_changes():
        response = cast.client("alice").post(f"/accounts/settings/tokens/{token.pk}/revoke/")
    assert response.status_code == 404


# API ------------------------------------------------------------------------------------

FOREIGN_STAKEHOLDER_BODIES = {
    "side of another alliance": ("side_id", lambda c: {"side_id": x_side(c).pk}),
    "side alice may not write for": ("side_id", lambda c: {"side_id": c.side_b.pk}),
    "counterpart in another alliance": (
        "counterpart_id",
        lambda c: {"counterpart_id": c.records["x_joint_stakeholder"].pk},
    ),
    "counterpart private to the other side": (
        "counterpart_id",
        lambda c: {"counterpart_id": c.records["b_private_stakeholder"].pk},
    ),
    "account of an outsider": ("user_id", lambda c: {"user_id": c.oscar.pk}),
    "account of the other side's organisation": ("user_id", lambda c: {"user_id": c.bob.pk}),
}
STAKEHOLDER_BODY = {"name": "New Person", "role": "other", "influence": 3, "stance": "neutral"}


def assert_refused_naming(response: Any, field: str) -> None:
    assert response.status_code == 422, response.content
    fields = [error["field"] for error in response.json()["errors"]]
    assert field in fields, fields


@pytest.mark.parametrize("case", FOREIGN_STAKEHOLDER_BODIES, ids=list(FOREIGN_STAKEHOLDER_BODIES))
def test_it_refuses_a_foreign_id_in_an_api_body(
    cast: Any, nothing_changes: Callable, call: Callable, case: str
) -> None:
    field, changes = FOREIGN_STAKEHOLDER_BODIES[case]
    client = cast.api("alice")
    url = f"/api/v1/alliances/{cast.alliance.pk}/stakeholders"
    with nothing_changes():
        created = call(client, "POST", url, {**STAKEHOLDER_BODY, **changes(cast)})
        changed = call(
            client, "PATCH", f"{url}/{cast.records['a_joint_stakeholder'].pk}", changes(cast)
        )
    assert_refused_naming(created, field)
    assert_refused_naming(changed, field)


@pytest.mark.parametrize(
    "participant", ["x_joint_stakeholder", "x_private_stakeholder", "b_private_stakeholder"]
)
def test_it_refuses_a_foreign_participant_in_an_api_body(
    cast: Any, nothing_changes: Callable, call: Callable, participant: str
) -> None:
    client = cast.api("alice")
    url = f"/api/v1/alliances/{cast.alliance.pk}/timeline/interaction"
    ids = [cast.records["a_joint_stakeholder"].pk, cast.records[participant].pk]
    body = {"date": "2025-05-01", "kind": "call", "title": "Call", "participant_ids": ids}
    with nothing_changes():
        created = call(client, "POST", url, {**body, "visibility": "private"})
        pk = cast.records["a_private_interaction"].pk
        changed = call(client, "PATCH", f"{url}/{pk}", {"participant_ids": ids})
    assert_refused_naming(created, "participant_ids")
    assert_refused_naming(changed, "participant_ids")


@pytest.mark.parametrize("kind", ["stakeholder", "history", "signal", "interaction"])
def test_it_answers_404_in_the_api_for_a_record_of_another_alliance(
    cast: Any, nothing_changes: Callable, call: Callable, kind: str
) -> None:
    a = f"/api/v1/alliances/{cast.alliance.pk}"
    client = cast.api("alice")
    for key in (f"x_joint_{kind}", f"x_private_{kind}"):
        pk = cast.records[key].pk
        url = f"{a}/stakeholders/{pk}" if kind == "stakeholder" else f"{a}/timeline/{kind}/{pk}"
        with nothing_changes():
            assert call(client, "GET", url).status_code == 404
            assert call(client, "PATCH", url, {"notes": "Hijacked"}).status_code == 404
            assert call(client, "DELETE", url).status_code == 404


def test_it_refuses_to_move_a_record_to_another_side_through_the_api(
    cast: Any, nothing_changes: Callable, call: Callable
) -> None:
    a = f"/api/v1/alliances/{cast.alliance.pk}"
    client = cast.api("alice")
    for side in (x_side(cast), cast.side_b):
        with nothing_changes():
            for url in (
                f"{a}/stakeholders/{cast.records['a_private_stakeholder'].pk}",
                f"{a}/timeline/signal/{cast.records['a_private_signal'].pk}",
            ):
                response = call(client, "PATCH", url, {"side_id": side.pk, "notes": "moved"})
                assert_refused_naming(response, "side_id")


def test_it_refuses_to_start_an_alliance_through_the_api_for_another_organisation(
    cast: Any, nothing_changes: Callable, call: Callable
) -> None:
    body = {
        "name": "Hostile takeover",
        "purpose": "p",
        "kind": "alliance",
        "start_date": "2025-05-01",
        "partners": ["Hooli"],
    }
    client = cast.api("alice")
    with nothing_changes():
        for org in (cast.globex, cast.initech):
            response = call(
                client,
                "POST",
                "/api/v1/alliances",
                {**body, "my_organisation_id": org.pk},
            )
            assert_refused_naming(response, "my_organisation_id")
