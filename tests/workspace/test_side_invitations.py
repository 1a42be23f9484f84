"""An organisation that already uses detente joins an alliance only when one of its managers
accepts: a manager elsewhere may ask, not add it (docs/visibility.md, "Adding a side")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from detente.alliances.models import SideInvitation
from detente.audit.models import AuditEntry
from detente.records.models import Side


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
    # The answer says who was asked rather than added.
    assert response.json()["pending_sides"] == ["Initech"]
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


def test_it_shows_the_alliance_members_whom_it_has_asked_to_join(cast: Any) -> None:
    ask_initech(cast)
    for who in ("alice", "rita", "bob", "bella"):
        page = cast.client(who).get(f"/alliances/{cast.alliance.pk}/").content.decode()
        assert "Asked to join" in page
        assert "<strong>Initech</strong>, asked by" in page
        assert str(cast.alice) in page
    # Once answered, it is no longer pending.
    invitation = SideInvitation.objects.get(organisation=cast.initech, alliance=cast.alliance)
    cast.client("oscar").post(f"/side-invitations/{invitation.pk}/answer/", {"answer": "decline"})
    page = cast.client("bob").get(f"/alliances/{cast.alliance.pk}/").content.decode()
    assert "Asked to join" not in page
    # Nor does an outsider learn of it: the alliance itself is 404 to Oscar.
    assert cast.client("oscar").get(f"/alliances/{cast.alliance.pk}/").status_code == 404


def test_it_lists_pending_sides_in_the_alliance_api(cast: Any, call: Callable[..., Any]) -> None:
    ask_initech(cast)
    url = f"/api/v1/alliances/{cast.alliance.pk}"
    assert cast.api("bob").get(url).json()["pending_sides"] == ["Initech"]
    listed = {a["id"]: a for a in cast.api("bella").get("/api/v1/alliances").json()["items"]}
    assert listed[cast.alliance.pk]["pending_sides"] == ["Initech"]


def test_it_lists_the_side_invitations_a_manager_may_answer_in_the_api(
    cast: Any, call: Callable[..., Any]
) -> None:
    ask_initech(cast)
    invitation = SideInvitation.objects.get(organisation=cast.initech, alliance=cast.alliance)
    listed = cast.api("oscar").get("/api/v1/side-invitations").json()["items"]
    assert [(i["id"], i["alliance"], i["organisation"], i["status"]) for i in listed] == [
        (invitation.pk, cast.alliance.name, "Initech", "pending")
    ]
    assert listed[0]["invited_by"] == str(cast.alice)
    # The asking side, and everyone else outside Initech, has nothing to answer.
    for who in ("alice", "rita", "bob", "bella"):
        assert cast.api(who).get("/api/v1/side-invitations").json()["items"] == []


def test_it_accepts_a_side_invitation_through_the_api(cast: Any, call: Callable[..., Any]) -> None:
    ask_initech(cast)
    invitation = SideInvitation.objects.get(organisation=cast.initech, alliance=cast.alliance)
    oscar = cast.api("oscar")
    response = call(oscar, "POST", f"/api/v1/side-invitations/{invitation.pk}/accept")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    side = cast.alliance.sides.get(organisation=cast.initech)
    assert response.json()["side"]["id"] == side.pk
    assert oscar.get(f"/api/v1/alliances/{cast.alliance.pk}").status_code == 200
    assert oscar.get(f"/api/v1/alliances/{cast.alliance.pk}").json()["pending_sides"] == []
    # Audited, as on the page: the answer and the new side.
    assert AuditEntry.objects.filter(
        model="alliances.sideinvitation", object_id=str(invitation.pk), action="update"
    ).exists()
    assert AuditEntry.objects.filter(
        model="alliances.side", object_id=str(side.pk), action="create", actor=cast.oscar
    ).exists()
    # Answered once: gone.
    again = call(oscar, "POST", f"/api/v1/side-invitations/{invitation.pk}/decline")
    assert again.status_code == 404
    assert oscar.get("/api/v1/side-invitations").json()["items"] == []


def test_it_declines_a_side_invitation_through_the_api(cast: Any, call: Callable[..., Any]) -> None:
    ask_initech(cast)
    invitation = SideInvitation.objects.get(organisation=cast.initech, alliance=cast.alliance)
    response = call(cast.api("oscar"), "POST", f"/api/v1/side-invitations/{invitation.pk}/decline")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["side"]) == ("declined", None)
    assert not cast.alliance.sides.filter(organisation=cast.initech).exists()
    invitation.refresh_from_db()
    assert (invitation.status, invitation.answered_by) == ("declined", cast.oscar)
    assert AuditEntry.objects.filter(
        model="alliances.sideinvitation", object_id=str(invitation.pk), action="update"
    ).exists()


def test_it_lets_only_a_manager_of_the_invited_organisation_answer_in_the_api(
    cast: Any, call: Callable[..., Any]
) -> None:
    invitation = SideInvitation.objects.create(
        alliance=cast.other_alliance, organisation=cast.globex, invited_by=cast.oscar
    )
    sides, audits = Side.objects.count(), AuditEntry.objects.count()
    for answer in ("accept", "decline"):
        url = f"/api/v1/side-invitations/{invitation.pk}/{answer}"
        bella = call(cast.api("bella"), "POST", url)
        assert bella.status_code == 403
        assert "Only a manager or admin of Globex" in bella.content.decode()
        for who in ("alice", "rita", "oscar"):
            assert call(cast.api(who), "POST", url).status_code == 404
        assert call(cast.api(None), "POST", url).status_code == 401
    # Bella, a plain member, is not shown what she may not answer.
    assert cast.api("bella").get("/api/v1/side-invitations").json()["items"] == []
    assert (Side.objects.count(), AuditEntry.objects.count()) == (sides, audits)
    assert SideInvitation.objects.get(pk=invitation.pk).status == "pending"
