"""An organisation that already uses detente joins an alliance only when one of its managers
accepts: a manager elsewhere may ask, not add it (docs/visibility.md, "Adding a side")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from detente.alliances.models import Side, SideInvitation


def ask_initech(cast: Any) -> Any:
    return cast.client("alice").post(
        f"/alliances/{cast.alliance.pk}/sides/new/",
        {"organisation": "Initech", "label": ""},
        follow=True,
    )


def test_it_asks_an_organisation_with_members_instead_of_adding_it(cast: Any) -> None:
    response = ask_initech(cast)
    assert response.status_code == 200
    assert "Initech already uses detente" in response.content.decode()
    assert not cast.alliance.sides.filter(organisation=cast.initech).exists()
    invitation = SideInvitation.objects.get(alliance=cast.alliance, organisation=cast.initech)
    assert (invitation.status, invitation.invited_by) == ("pending", cast.alice)
    # Oscar, not yet in the alliance, still cannot open it.
    assert cast.client("oscar").get(f"/alliances/{cast.alliance.pk}/").status_code == 404


def test_it_adds_the_side_when_a_manager_of_the_organisation_accepts(cast: Any) -> None:
    ask_initech(cast)
    invitation = SideInvitation.objects.get(organisation=cast.initech, alliance=cast.alliance)
    oscar = cast.client("oscar")
    portfolio = oscar.get("/").content.decode()
    assert "asks Initech to join as a side" in portfolio
    response = oscar.post(f"/side-invitations/{invitation.pk}/answer/", {"answer": "accept"})
    assert response.status_code == 302
    assert cast.alliance.sides.filter(organisation=cast.initech).count() == 1
    assert oscar.get(f"/alliances/{cast.alliance.pk}/").status_code == 200
    invitation.refresh_from_db()
    assert (invitation.status, invitation.answered_by) == ("accepted", cast.oscar)
    # Answered once: the link is gone.
    again = oscar.post(f"/side-invitations/{invitation.pk}/answer/", {"answer": "accept"})
    assert again.status_code == 404


def test_it_adds_no_side_when_the_organisation_declines(cast: Any) -> None:
    ask_initech(cast)
    invitation = SideInvitation.objects.get(organisation=cast.initech, alliance=cast.alliance)
    response = cast.client("oscar").post(
        f"/side-invitations/{invitation.pk}/answer/", {"answer": "decline"}
    )
    assert response.status_code == 302
    assert not cast.alliance.sides.filter(organisation=cast.initech).exists()
    assert SideInvitation.objects.get(pk=invitation.pk).status == "declined"


def test_it_lets_only_a_manager_of_the_invited_organisation_answer(cast: Any) -> None:
    invitation = SideInvitation.objects.create(
        alliance=cast.other_alliance, organisation=cast.globex, invited_by=cast.oscar
    )
    sides = Side.objects.count()
    url = f"/side-invitations/{invitation.pk}/answer/"
    bella = cast.client("bella").post(url, {"answer": "accept"})
    assert bella.status_code == 403
    assert "Only a manager or admin of Globex" in bella.content.decode()
    for who in ("alice", "rita", "oscar"):
        assert cast.client(who).post(url, {"answer": "accept"}).status_code == 404
    assert Side.objects.count() == sides
    assert SideInvitation.objects.get(pk=invitation.pk).status == "pending"


def test_it_still_adds_a_new_organisation_directly(cast: Any) -> None:
    cast.client("alice").post(
        f"/alliances/{cast.alliance.pk}/sides/new/", {"organisation": "Hooli", "label": ""}
    )
    assert cast.alliance.sides.filter(organisation__name="Hooli").exists()
    assert not SideInvitation.objects.exists()


def test_it_asks_existing_partners_of_an_alliance_started_through_the_api(
    cast: Any, call: Callable[..., Any]
) -> None:
    body = {
        "name": "Acme × Initech × Hooli",
        "purpose": "p",
        "kind": "alliance",
        "start_date": "2025-06-01",
        "my_organisation_id": cast.acme.pk,
        "partners": ["Initech", "Hooli"],
    }
    response = call(cast.api("alice"), "POST", "/api/v1/alliances", body)
    assert response.status_code == 201, response.content
    assert [s["organisation"] for s in response.json()["sides"]] == ["Acme", "Hooli"]
    invitation = SideInvitation.objects.get(organisation=cast.initech)
    assert invitation.alliance_id == response.json()["id"]
    # And on the page: the same, with a message saying who was asked.
    page = cast.client("bob").post(
        "/alliances/new/",
        {**body, "my_organisation": cast.globex.pk, "partners": "Initech"},
        follow=True,
    )
    assert "Initech already use detente" in page.content.decode()
    assert SideInvitation.objects.filter(organisation=cast.initech).count() == 2
