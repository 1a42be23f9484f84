"""Editing drafts through pages and API; bad input names the field and writes nothing;
private drafts stay with their side; foreign ids are refused."""

from __future__ import annotations

from agreement_helpers import complete_content, in_force, make_draft

from detente.agreements.models import AgreementVersion
from detente.audit.models import AuditEntry
from tests.conftest import call


def _api(cast, pk=None):
    url = f"/api/v1/alliances/{cast.alliance.pk}/agreement/versions"
    return f"{url}/{pk}" if pk else url


def test_a_part_is_edited_through_its_formset(cast) -> None:
    draft = make_draft(cast)
    url = f"/alliances/{cast.alliance.pk}/agreement/{draft.pk}/parts/ladder/"
    client = cast.client("alice")
    page = client.get(url)
    assert page.status_code == 200 and 'name="ladder-TOTAL_FORMS"' in page.content.decode()
    data = {
        "ladder-TOTAL_FORMS": "2",
        "ladder-INITIAL_FORMS": "0",
        "ladder-0-step": "2",
        "ladder-0-name": "Sponsors",
        "ladder-0-owner": "CEOs",
        "ladder-0-days": "20",
        "ladder-1-step": "1",
        "ladder-1-name": "Working team",
        "ladder-1-owner": "Leads",
        "ladder-1-days": "10",
    }
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert [(r["step"], r["name"]) for r in draft.content["ladder"]] == [
        (1, "Working team"),
        (2, "Sponsors"),
    ]
    assert AuditEntry.objects.filter(model="agreements.agreementversion", action="update").exists()


def test_the_page_names_the_bad_field_and_writes_nothing(cast, nothing_changes) -> None:
    draft = make_draft(cast)
    url = f"/alliances/{cast.alliance.pk}/agreement/{draft.pk}/parts/ladder/"
    data = {
        "ladder-TOTAL_FORMS": "1",
        "ladder-INITIAL_FORMS": "0",
        "ladder-0-step": "1",
        "ladder-0-name": "Working team",
        "ladder-0-days": "-4",
    }
    with nothing_changes():
        r = cast.client("alice").post(url, data)
    assert r.status_code == 422
    assert 'id="id_ladder-0-days_errors"' in r.content.decode()


def test_the_api_names_the_bad_clause_field_and_writes_nothing(cast, nothing_changes) -> None:
    draft = make_draft(cast)
    body = {
        "title": "New title",
        "objectives": [{"key": "o1", "title": "Joint revenue"}],
        "kpis": [
            {"objective": "o1", "metric": "Revenue", "direction": "higher", "target": "12"},
            {"objective": "o1", "metric": "Churn", "direction": "sideways", "target": "lots"},
        ],
    }
    with nothing_changes():
        r = call(cast.api("alice"), "PATCH", _api(cast, draft.pk), body)
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"kpis[1].direction", "kpis[1].target"}


def test_a_kpi_must_refer_to_an_objective_of_the_draft(cast) -> None:
    draft = make_draft(cast)
    r = call(
        cast.api("alice"),
        "PATCH",
        _api(cast, draft.pk),
        {"kpis": [{"objective": "zz", "metric": "X", "direction": "higher"}]},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "kpis[0].objective"


def test_a_resource_side_must_be_a_side_of_the_alliance(cast) -> None:
    draft = make_draft(cast)
    foreign_side = cast.other_alliance.sides.first()
    r = call(
        cast.api("alice"),
        "PATCH",
        _api(cast, draft.pk),
        {"resources": [{"side": str(foreign_side.id), "kind": "money", "description": "Cash"}]},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "resources[0].side"


def test_foreign_ids_are_refused(cast, nothing_changes) -> None:
    with nothing_changes():
        # Oscar's alliance's version cannot be used as a base, read, or diffed.
        r = call(cast.api("oscar"), "GET", _api(cast))
        assert r.status_code == 404
    foreign = make_draft(cast)  # a version of this alliance...
    other = f"/api/v1/alliances/{cast.other_alliance.pk}/agreement/versions/{foreign.pk}"
    assert call(cast.api("oscar"), "GET", other).status_code == 404  # ...is not in Oscar's
    r = call(
        cast.api("oscar"),
        "POST",
        f"/api/v1/alliances/{cast.other_alliance.pk}/agreement/versions",
        {"title": "X", "based_on_id": foreign.pk},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "based_on"
    r = call(cast.api("alice"), "POST", _api(cast), {"title": "X", "side_id": cast.side_b.id})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "owner_side"


def test_read_only_members_and_the_other_side_cannot_edit_a_draft(cast, nothing_changes) -> None:
    draft = make_draft(cast)
    with nothing_changes():
        assert (
            call(cast.api("rita"), "PATCH", _api(cast, draft.pk), {"title": "x"}).status_code == 403
        )
        assert (
            call(cast.api("bob"), "PATCH", _api(cast, draft.pk), {"title": "x"}).status_code == 403
        )
        assert (
            cast.client("bob")
            .post(f"/alliances/{cast.alliance.pk}/agreement/{draft.pk}/parts/exit/", {})
            .status_code
            == 403
        )


def test_side_b_never_sees_side_a_private_draft(cast) -> None:
    secret = make_draft(cast, title="Our walk-away charter SECRET", visibility="private")
    in_force(cast)
    # A joint draft based on the private one does not reveal it either.
    joint = make_draft(cast, title="Joint charter", based_on=secret)
    bob_api, bob = cast.api("bob"), cast.client("bob")
    listing = call(bob_api, "GET", _api(cast)).json()["items"]
    assert secret.pk not in [v["id"] for v in listing]
    assert next(v for v in listing if v["id"] == joint.pk)["based_on_id"] is None
    assert call(bob_api, "GET", _api(cast, secret.pk)).status_code == 404
    assert (
        call(
            bob_api,
            "GET",
            f"/api/v1/alliances/{cast.alliance.pk}/agreement/diff?a={secret.pk}&b={joint.pk}",
        ).status_code
        == 404
    )
    for url in ("", "diff/", f"{joint.pk}/"):
        html = bob.get(f"/alliances/{cast.alliance.pk}/agreement/{url}").content.decode()
        assert "SECRET" not in html, url
    assert bob.get(f"/alliances/{cast.alliance.pk}/agreement/{secret.pk}/").status_code == 404
    assert (
        bob.get(f"/alliances/{cast.alliance.pk}/agreement/new/?from={secret.pk}").status_code == 404
    )
    audit = call(bob_api, "GET", f"/api/v1/alliances/{cast.alliance.pk}/audit").json()["items"]
    assert not any("SECRET" in e["object_repr"] for e in audit)
    # Side A sees it.
    assert (
        "SECRET"
        in cast.client("alice").get(f"/alliances/{cast.alliance.pk}/agreement/").content.decode()
    )


def test_waivers_of_a_private_draft_stay_private_in_the_audit(cast) -> None:
    secret = make_draft(cast, title="SECRET", visibility="private")
    call(
        cast.api("alice"),
        "POST",
        _api(cast, secret.pk) + "/waivers",
        {"code": "exit", "reason": "hidden reason"},
    )
    audit = call(cast.api("bob"), "GET", f"/api/v1/alliances/{cast.alliance.pk}/audit").json()
    audit = audit["items"]
    assert not any(e["model"] == "agreements.waiver" for e in audit)


def test_every_page_renders_for_a_reader(cast) -> None:
    version = in_force(cast)
    draft = make_draft(cast, based_on=version, content=complete_content(cast.side_a, cast.side_b))
    client = cast.client("rita")
    base = f"/alliances/{cast.alliance.pk}/agreement/"
    for url in (
        "",
        "diff/",
        f"diff/?a={version.pk}&b={draft.pk}",
        f"{version.pk}/",
        f"{draft.pk}/",
    ):
        r = client.get(base + url)
        assert r.status_code == 200, url
    html = client.get(base).content.decode()
    assert 'data-testid="dispute-ladder"' in html and "Arbitration" in html and "≤ 120 days" in html
    # Read-only: no edit or sign controls.
    assert "New draft" not in html and "Sign for" not in html


def test_deleting_a_draft_is_audited(cast) -> None:
    draft = make_draft(cast)
    r = call(cast.api("alice"), "DELETE", _api(cast, draft.pk))
    assert r.status_code == 200 and not AgreementVersion.objects.filter(pk=draft.pk).exists()
    assert AuditEntry.objects.filter(model="agreements.agreementversion", action="delete").exists()
