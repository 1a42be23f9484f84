"""Draft → proposed → signed by each side → in force; signed versions never change."""

from __future__ import annotations

import json

import pytest
from agreement_helpers import complete_content, in_force, make_draft

from detente.agreements import services
from detente.agreements.models import AgreementVersion, FrozenVersion, Signature
from detente.audit.models import AuditEntry
from detente.records.visibility import get_alliance_access
from tests.conftest import call


def _base(cast, pk=None):
    url = f"/api/v1/alliances/{cast.alliance.pk}/agreement/versions"
    return f"{url}/{pk}" if pk else url


def test_both_sides_sign_and_the_version_comes_into_force(cast) -> None:
    draft = make_draft(cast, content=complete_content(cast.side_a, cast.side_b))
    r = call(cast.api("alice"), "POST", _base(cast, draft.pk) + "/propose")
    assert r.json()["status"] == "proposed"
    r = call(cast.api("alice"), "POST", _base(cast, draft.pk) + "/sign", {})
    assert r.status_code == 200 and r.json()["status"] == "proposed"
    assert [s["side_id"] for s in r.json()["signatures"]] == [cast.side_a.id]
    # Bella is a member of side B: she may sign for it.
    r = call(cast.api("bella"), "POST", _base(cast, draft.pk) + "/sign", {})
    body = r.json()
    assert body["status"] == "in_force" and body["in_force_at"]
    signed = {s["side_id"]: s["signed_by"] for s in body["signatures"]}
    assert signed == {cast.side_a.id: cast.alice.email, cast.side_b.id: cast.bella.email}


def test_the_new_version_supersedes_the_one_in_force(cast) -> None:
    first = in_force(cast)
    content = complete_content(cast.side_a, cast.side_b)
    content["exit"]["notice_days"] = 180
    second = in_force(cast, content)
    first.refresh_from_db()
    assert (first.status, second.status) == ("superseded", "in_force")
    assert (first.number, second.number) == (1, 2)
    assert first.ended_at is not None


def test_a_side_signs_once_and_only_for_its_own_side(cast, nothing_changes) -> None:
    draft = make_draft(cast, content=complete_content(cast.side_a, cast.side_b))
    services.propose(get_alliance_access(cast.alice, cast.alliance.pk, write=True), draft)
    call(cast.api("alice"), "POST", _base(cast, draft.pk) + "/sign", {})
    with nothing_changes():
        r = call(cast.api("alice"), "POST", _base(cast, draft.pk) + "/sign", {})
        assert r.status_code == 409 and "already signed" in r.json()["detail"]
        r = call(
            cast.api("alice"), "POST", _base(cast, draft.pk) + "/sign", {"side_id": cast.side_b.id}
        )
        assert r.status_code == 403
        # Read-only rita may not sign for side A.
        assert (
            call(cast.api("rita"), "POST", _base(cast, draft.pk) + "/sign", {}).status_code == 403
        )
    assert Signature.objects.filter(version=draft).count() == 1


def test_a_draft_cannot_be_signed(cast) -> None:
    draft = make_draft(cast, content=complete_content(cast.side_a, cast.side_b))
    r = call(cast.api("alice"), "POST", _base(cast, draft.pk) + "/sign", {})
    assert r.status_code == 409 and not Signature.objects.exists()


def test_the_sign_buttons_on_the_page_sign_for_each_side(cast) -> None:
    draft = make_draft(cast, content=complete_content(cast.side_a, cast.side_b))
    services.propose(get_alliance_access(cast.alice, cast.alliance.pk, write=True), draft)
    home = cast.client("bob").get(f"/alliances/{cast.alliance.pk}/agreement/").content.decode()
    assert "Sign for Globex" in home and "Sign for Acme" not in home
    for who, side in (("alice", cast.side_a), ("bob", cast.side_b)):
        r = cast.client(who).post(
            f"/alliances/{cast.alliance.pk}/agreement/{draft.pk}/sign/", {"side": side.id}
        )
        assert r.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "in_force"
    assert AuditEntry.objects.filter(model="agreements.signature").count() == 2


def test_only_one_proposal_is_pending_at_a_time(cast) -> None:
    content = complete_content(cast.side_a, cast.side_b)
    one, two = make_draft(cast, content=content), make_draft(cast, content=content)
    access = get_alliance_access(cast.alice, cast.alliance.pk, write=True)
    services.propose(access, one)
    r = call(cast.api("alice"), "POST", _base(cast, two.pk) + "/propose")
    assert r.status_code == 409 and "already proposed" in r.json()["detail"]
    # Side B declines by withdrawing it; then the other draft may be proposed.
    assert (
        call(cast.api("bob"), "POST", _base(cast, one.pk) + "/withdraw").json()["status"]
        == "withdrawn"
    )
    assert call(cast.api("alice"), "POST", _base(cast, two.pk) + "/propose").status_code == 200


def test_a_private_draft_becomes_joint_when_proposed(cast) -> None:
    draft = make_draft(
        cast, content=complete_content(cast.side_a, cast.side_b), visibility="private"
    )
    assert call(cast.api("bob"), "GET", _base(cast, draft.pk)).status_code == 404
    call(cast.api("alice"), "POST", _base(cast, draft.pk) + "/propose")
    r = call(cast.api("bob"), "GET", _base(cast, draft.pk))
    assert r.status_code == 200 and r.json()["visibility"] == "joint"


def test_a_change_means_a_new_draft_copied_from_the_version(cast) -> None:
    signed = in_force(cast)
    r = call(cast.api("bob"), "POST", _base(cast), {"title": "Modular", "based_on_id": signed.pk})
    assert r.status_code == 201
    body = r.json()
    assert body["status"] == "draft" and body["based_on_id"] == signed.pk
    assert body["content"] == signed.content and body["side_id"] == cast.side_b.id


# Immutability: pages, API, admin and the model itself ------------------------------------


@pytest.fixture
def signed(cast):
    return in_force(cast)


def test_the_api_refuses_to_change_a_signed_version(cast, signed, nothing_changes) -> None:
    with nothing_changes():
        r = call(cast.api("alice"), "PATCH", _base(cast, signed.pk), {"title": "Rewritten"})
        assert r.status_code == 403 and "cannot be changed" in r.json()["detail"]
        r = call(cast.api("alice"), "PATCH", _base(cast, signed.pk), {"exit": {"notice_days": 1}})
        assert r.status_code == 403
        assert call(cast.api("alice"), "DELETE", _base(cast, signed.pk)).status_code == 403
        r = call(
            cast.api("alice"),
            "POST",
            _base(cast, signed.pk) + "/waivers",
            {"code": "exit", "reason": "Because"},
        )
        assert r.status_code == 403


def test_a_proposed_version_is_frozen_too(cast, nothing_changes) -> None:
    draft = make_draft(cast, content=complete_content(cast.side_a, cast.side_b))
    services.propose(get_alliance_access(cast.alice, cast.alliance.pk, write=True), draft)
    with nothing_changes():
        r = call(cast.api("alice"), "PATCH", _base(cast, draft.pk), {"title": "Sneaky"})
        assert r.status_code == 403


def test_the_pages_refuse_to_change_a_signed_version(cast, signed, nothing_changes) -> None:
    client = cast.client("alice")
    base = f"/alliances/{cast.alliance.pk}/agreement/{signed.pk}"
    with nothing_changes():
        assert client.get(base + "/parts/exit/").status_code == 403
        assert client.post(base + "/parts/exit/", {"notice_days": "1"}).status_code == 403
        assert (
            client.post(base + "/edit/", {"title": "x", "visibility": "joint"}).status_code == 403
        )
        assert client.post(base + "/delete/").status_code == 403
        assert client.post(base + "/propose/").status_code == 403
    page = client.get(base + "/").content.decode()
    assert "can no longer change" in page and "Edit exit terms" not in page


def test_the_admin_refuses_to_change_a_signed_version(cast, signed, client, operator) -> None:
    client.force_login(operator)
    url = f"/admin/agreements/agreementversion/{signed.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200  # view only
    assert 'name="title"' not in page.content.decode()
    r = client.post(url, {"title": "Rewritten", "content": json.dumps({}), "status": "draft"})
    assert r.status_code == 403
    r = client.post(f"/admin/agreements/agreementversion/{signed.pk}/delete/", {"post": "yes"})
    assert r.status_code == 403
    signed.refresh_from_db()
    assert signed.title == "Charter" and signed.status == "in_force"


def test_the_admin_may_still_correct_a_draft(cast, client, operator) -> None:
    draft = make_draft(cast)
    client.force_login(operator)
    page = client.get(f"/admin/agreements/agreementversion/{draft.pk}/change/")
    assert 'name="title"' in page.content.decode()


def test_the_model_refuses_any_rewrite_of_a_frozen_version(cast, signed) -> None:
    signed.content = {}
    with pytest.raises(FrozenVersion):
        signed.save()
    fresh = AgreementVersion.objects.get(pk=signed.pk)
    with pytest.raises(FrozenVersion):
        fresh.delete()
