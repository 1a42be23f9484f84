"""The differences register: pages, API, the matrix picture, the visibility rule and the audit."""

from __future__ import annotations

from detente.audit.models import AuditEntry
from detente.differences.models import Difference


def _api(cast, pk=None):
    url = f"/api/v1/alliances/{cast.alliance.pk}/differences"
    return f"{url}/{pk}" if pk else url


def _page(cast, suffix=""):
    return f"/alliances/{cast.alliance.pk}/differences/{suffix}"


def test_it_lists_and_draws_the_register(cast, register) -> None:
    html = cast.client("alice").get(_page(cast)).content.decode()
    assert 'data-testid="differences-matrix"' in html
    assert html.count('class="dot') == 3  # joint of both sides + Acme's private
    assert 'class="dot private"' in html
    assert "Difference A-PRIVATE" in html and "view A-JOINT" in html


def test_side_b_never_sees_side_a_private_difference(cast, register, call) -> None:
    secret = register["a_private"]
    bob, api = cast.client("bob"), cast.api("bob")
    html = bob.get(_page(cast)).content.decode()
    assert "A-PRIVATE" not in html
    assert html.count('class="dot') == 3  # not even an unlabelled dot
    assert bob.get(_page(cast, f"{secret.pk}/")).status_code == 404
    assert bob.get(_page(cast, f"{secret.pk}/edit/")).status_code == 404
    ids = [d["id"] for d in call(api, "GET", _api(cast)).json()["items"]]
    assert secret.pk not in ids and register["b_private"].pk in ids
    assert call(api, "GET", _api(cast, secret.pk)).status_code == 404
    assert call(api, "PATCH", _api(cast, secret.pk), {"title": "x"}).status_code == 404
    assert call(api, "DELETE", _api(cast, secret.pk)).status_code == 404
    # The audit of creating it through the API stays private too.
    call(
        cast.api("alice"),
        "POST",
        _api(cast),
        {
            "category": "culture",
            "title": "Quiet SECRET",
            "likelihood": 3,
            "impact": 3,
            "visibility": "private",
        },
    )
    audit = call(api, "GET", f"/api/v1/alliances/{cast.alliance.pk}/audit").json()["items"]
    assert not any("SECRET" in e["object_repr"] for e in audit)
    assert "SECRET" not in bob.get(f"/alliances/{cast.alliance.pk}/audit/").content.decode()


def test_outsiders_and_foreign_ids_are_refused(cast, register, call, nothing_changes) -> None:
    with nothing_changes():
        assert cast.client("oscar").get(_page(cast)).status_code == 404
        assert call(cast.api("oscar"), "GET", _api(cast)).status_code == 404
        # A stakeholder of another alliance cannot own a difference here.
        foreign = cast.records["x_joint_stakeholder"]
        r = call(
            cast.api("alice"),
            "POST",
            _api(cast),
            {
                "category": "culture",
                "title": "T",
                "likelihood": 3,
                "impact": 3,
                "owner_id": foreign.pk,
            },
        )
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "owner"
        # Nor can side B's private stakeholder, which Alice cannot see.
        hidden = cast.records["b_private_stakeholder"]
        r = call(
            cast.api("alice"),
            "POST",
            _api(cast),
            {
                "category": "culture",
                "title": "T",
                "likelihood": 3,
                "impact": 3,
                "owner_id": hidden.pk,
            },
        )
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "owner"
        r = call(
            cast.api("alice"),
            "POST",
            _api(cast),
            {
                "category": "culture",
                "title": "T",
                "likelihood": 3,
                "impact": 3,
                "side_id": cast.side_b.id,
            },
        )
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "owner_side"
        r = call(
            cast.api("alice"),
            "POST",
            _api(cast),
            {
                "category": "culture",
                "title": "T",
                "likelihood": 3,
                "impact": 3,
                "views": {"999999": "x"},
            },
        )
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "views.999999"


def test_bad_input_names_the_field_and_writes_nothing(cast, call, nothing_changes) -> None:
    body = {"category": "astrology", "title": "", "likelihood": 7, "impact": 0}
    with nothing_changes():
        r = call(cast.api("alice"), "POST", _api(cast), body)
        assert r.status_code == 422
        assert {e["field"] for e in r.json()["errors"]} == {
            "category",
            "title",
            "likelihood",
            "impact",
        }
        r = cast.client("alice").post(
            _page(cast, "new/"),
            {
                "owner_side": cast.side_a.id,
                "visibility": "joint",
                "category": "culture",
                "title": "T",
                "likelihood": "9",
                "impact": "2",
            },
        )
        assert r.status_code == 422 and 'id="id_likelihood_errors"' in r.content.decode()


def test_a_joint_difference_cannot_be_owned_by_a_private_stakeholder(cast, call) -> None:
    private = cast.records["a_private_stakeholder"]
    body = {
        "category": "culture",
        "title": "T",
        "likelihood": 3,
        "impact": 3,
        "owner_id": private.pk,
    }
    r = call(cast.api("alice"), "POST", _api(cast), body)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "owner"
    r = call(cast.api("alice"), "POST", _api(cast), body | {"visibility": "private"})
    assert r.status_code == 201


def test_create_read_update_delete_through_the_api(cast, call) -> None:
    api = cast.api("bella")
    owner = cast.records["b_joint_stakeholder"]
    body = {
        "category": "fiscal_calendar",
        "title": "Fiscal years differ",
        "views": {
            str(cast.side_a.id): "January to December",
            str(cast.side_b.id): "April to March",
        },
        "likelihood": 4,
        "impact": 3,
        "management": "One shared budget calendar",
        "owner_id": owner.pk,
        "review_date": "2026-03-01",
        "visibility": "private",
    }
    r = call(api, "POST", _api(cast), body)
    assert r.status_code == 201, r.content
    made = r.json()
    assert (
        made["side_id"] == cast.side_b.id and made["score"] == 12 and made["owner_id"] == owner.pk
    )
    assert made["views"][str(cast.side_b.id)] == "April to March"
    assert call(cast.api("alice"), "GET", _api(cast, made["id"])).status_code == 404
    # Shared when ready: now side A sees it.
    r = call(api, "PATCH", _api(cast, made["id"]), {"visibility": "joint", "likelihood": 5})
    assert (
        r.status_code == 200
        and r.json()["likelihood"] == 5
        and r.json()["title"] == "Fiscal years differ"
    )
    assert call(cast.api("alice"), "GET", _api(cast, made["id"])).status_code == 200
    # Only the keeping side changes it; read-only members never do.
    assert (
        call(cast.api("alice"), "PATCH", _api(cast, made["id"]), {"title": "x"}).status_code == 403
    )
    assert call(cast.api("rita"), "POST", _api(cast), body).status_code == 403
    assert call(api, "DELETE", _api(cast, made["id"])).status_code == 200
    assert not Difference.objects.filter(pk=made["id"]).exists()
    actions = list(
        AuditEntry.objects.filter(model="differences.difference").values_list("action", flat=True)
    )
    assert sorted(actions) == ["create", "delete", "update"]


def test_pages_create_edit_and_delete(cast, register) -> None:
    client = cast.client("alice")
    r = client.post(
        _page(cast, "new/"),
        {
            "owner_side": cast.side_a.id,
            "visibility": "joint",
            "category": "processes",
            "title": "Release processes differ",
            f"view_{cast.side_a.id}": "Weekly",
            f"view_{cast.side_b.id}": "Quarterly",
            "likelihood": "3",
            "impact": "4",
        },
    )
    assert r.status_code == 302
    made = Difference.objects.get(title="Release processes differ")
    assert made.views == {str(cast.side_a.id): "Weekly", str(cast.side_b.id): "Quarterly"}
    page = client.get(_page(cast, f"{made.pk}/edit/")).content.decode()
    assert "Quarterly" in page
    assert client.post(_page(cast, f"{made.pk}/delete/")).status_code == 302
    assert (
        cast.client("bob").post(_page(cast, f"{register['a_joint'].pk}/delete/")).status_code == 403
    )
    assert client.get(_page(cast, f"{register['a_joint'].pk}/")).status_code == 200


def test_the_category_filter_and_the_list_order(cast, register, call) -> None:
    Difference.objects.filter(pk=register["b_joint"].pk).update(category="culture")
    got = call(cast.api("bob"), "GET", _api(cast) + "?category=culture").json()["items"]
    assert [d["id"] for d in got] == [register["b_joint"].pk]
    page = cast.client("bob").get(_page(cast) + "?category=culture").content.decode()
    assert "B-JOINT" in page and "A-JOINT" not in page
