"""The JSON API with personal tokens: create, read, update and delete; the OpenAPI schema;
tokens made on the settings page, shown once, and refused once revoked."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from detente.accounts.models import ApiToken, User, hash_token
from detente.alliances.api import router
from detente.alliances.models import StatusChange
from detente.audit.models import AuditEntry
from detente.records.models import Alliance


def test_it_creates_reads_updates_and_deletes_a_stakeholder(cast: Any, call: Callable) -> None:
    client = cast.api("bob")
    url = f"/api/v1/alliances/{cast.alliance.pk}/stakeholders"
    audits = AuditEntry.objects.count()
    created = call(
        client,
        "POST",
        url,
        {
            "name": "Gus Globex",
            "title": "VP Partnerships",
            "role": "sponsor",
            "influence": 5,
            "stance": "champion",
            "email": "gus@globex.example",
            "counterpart_id": cast.records["a_joint_stakeholder"].pk,
            "user_id": cast.bella.pk,
            "visibility": "joint",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["side_id"] == cast.side_b.pk
    assert body["counterpart_id"] == cast.records["a_joint_stakeholder"].pk
    assert body["user_id"] == cast.bella.pk
    pk = body["id"]

    assert client.get(f"{url}/{pk}").json()["name"] == "Gus Globex"
    assert pk in [s["id"] for s in client.get(url).json()["items"]]
    changed = call(client, "PATCH", f"{url}/{pk}", {"influence": 4, "stance": "supporter"})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["influence"], changed.json()["title"]) == (4, "VP Partnerships")
    # Alice, on the other side, reads the joint stakeholder.
    assert cast.api("alice").get(f"{url}/{pk}").json()["stance"] == "supporter"

    assert call(client, "DELETE", f"{url}/{pk}").json() == {"deleted": True}
    assert client.get(f"{url}/{pk}").status_code == 404
    actions = list(
        AuditEntry.objects.filter(object_id=str(pk), model="alliances.stakeholder")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update", "delete"]
    assert AuditEntry.objects.count() == audits + 3


def test_it_gives_a_new_stakeholder_the_defaults_of_what_the_body_leaves_out(
    cast: Any, call: Callable
) -> None:
    url = f"/api/v1/alliances/{cast.alliance.pk}/stakeholders"
    created = call(cast.api("bob"), "POST", url, {"name": "Gus Globex"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["role"], body["influence"], body["stance"]) == ("other", 3, "neutral")
    assert (body["visibility"], body["side_id"]) == ("joint", cast.side_b.pk)
    # What the client sends still wins, and a bad value is still refused by name.
    sent = call(cast.api("bob"), "POST", url, {"name": "Gina", "influence": 5})
    assert (sent.json()["influence"], sent.json()["role"]) == (5, "other")
    bad = call(cast.api("bob"), "POST", url, {"name": "Gil", "stance": "hostile"})
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["stance"]


@pytest.mark.parametrize(
    "kind, body, change",
    [
        ("history", {"category": "went_wrong", "title": "Missed launch"}, {"category": "broken"}),
        (
            "signal",
            {"kind": "kpi_discrepancy", "severity": 3, "title": "Numbers differ"},
            {"severity": 1},
        ),
        ("interaction", {"kind": "meeting", "title": "QBR"}, {"kind": "email"}),
    ],
)
def test_it_creates_reads_updates_and_deletes_a_timeline_entry(
    cast: Any, call: Callable, kind: str, body: dict, change: dict
) -> None:
    client = cast.api("alice")
    base = f"/api/v1/alliances/{cast.alliance.pk}/timeline"
    if kind == "interaction":
        body = {
            **body,
            "participant_ids": [
                cast.records["a_private_stakeholder"].pk,
                cast.records["a_joint_stakeholder"].pk,
            ],
            "response_requested_at": "2025-05-01T09:00:00Z",
            "responded_at": "2025-05-02T09:00:00Z",
        }
    created = call(
        client,
        "POST",
        f"{base}/{kind}",
        {"date": "2025-05-01", "notes": "n", "visibility": "private", **body},
    )
    assert created.status_code == 201, created.content
    entry = created.json()
    assert (entry["kind"], entry["title"], entry["visibility"]) == (kind, body["title"], "private")
    url = f"{base}/{kind}/{entry['id']}"
    assert client.get(url).json() == entry
    assert entry["id"] in [e["id"] for e in client.get(f"{base}?kind={kind}").json()["items"]]
    assert cast.api("bob").get(url).status_code == 404  # private to side A

    changed = call(
        client, "PATCH", url, {**change, "visibility": "joint"} if kind != "interaction" else change
    )
    assert changed.status_code == 200, changed.content
    key = next(iter(change))
    assert changed.json()["type" if key in ("category", "kind") else key] == change[key]
    assert call(client, "DELETE", url).json() == {"deleted": True}
    assert client.get(url).status_code == 404


def test_it_starts_an_alliance_changes_it_and_its_status(cast: Any, call: Callable) -> None:
    client = cast.api("bob")
    created = call(
        client,
        "POST",
        "/api/v1/alliances",
        {
            "name": "Globex × Hooli",
            "purpose": "Stores for Hooli phones.",
            "kind": "alliance",
            "start_date": "2025-06-01",
            "my_organisation_id": cast.globex.pk,
            "partners": ["Hooli"],
        },
    )
    assert created.status_code == 201, created.content
    alliance = created.json()
    assert [s["organisation"] for s in alliance["sides"]] == ["Globex", "Hooli"]
    url = f"/api/v1/alliances/{alliance['id']}"
    assert client.get(url).json()["name"] == "Globex × Hooli"
    assert call(client, "PATCH", url, {"purpose": "Phones."}).json()["purpose"] == "Phones."
    status = call(client, "POST", f"{url}/status", {"status": "active", "reason": "Signed"})
    assert status.status_code == 200, status.content
    assert (status.json()["from_status"], status.json()["to_status"]) == ("forming", "active")
    assert Alliance.objects.get(pk=alliance["id"]).status == "active"
    assert StatusChange.objects.filter(alliance_id=alliance["id"]).count() == 2
    assert len(client.get(f"{url}/sides").json()) == 2
    assert alliance["id"] in [a["id"] for a in client.get("/api/v1/alliances").json()["items"]]


@pytest.mark.parametrize("who", ["rita", "bella"])
def test_it_refuses_with_403_to_start_an_alliance_for_a_user_who_manages_no_organisation(
    cast: Any, call: Callable, who: str
) -> None:
    """Read-only and plain members are refused like any change their role may not make:
    403 with the reason on the page and in the API, not a form error."""
    count = Alliance.objects.count()
    org = getattr(cast, "acme" if who == "rita" else "globex")
    page = cast.client(who)
    for response in (
        page.get("/alliances/new/"),
        page.post(
            "/alliances/new/",
            {
                "name": "Side project",
                "purpose": "p",
                "kind": "alliance",
                "start_date": "2025-06-01",
                "my_organisation": org.pk,
                "partners": "Hooli",
            },
        ),
    ):
        assert response.status_code == 403
        assert "Only a manager or admin of an organisation" in response.content.decode()
    body = {
        "name": "Side project",
        "purpose": "p",
        "kind": "alliance",
        "start_date": "2025-06-01",
        "my_organisation_id": org.pk,
        "partners": ["Hooli"],
    }
    response = call(cast.api(who), "POST", "/api/v1/alliances", body)
    assert response.status_code == 403
    assert "Only a manager or admin of an organisation" in response.json()["detail"]
    assert Alliance.objects.count() == count
    assert "New alliance" not in page.get("/").content.decode()
    assert "New alliance" in cast.client("alice").get("/").content.decode()


def test_it_publishes_an_openapi_schema_listing_every_route(cast: Any) -> None:
    schema = Client().get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    routes = [
        (method, "/api/v1" + path, operation)
        for path, path_view in router.path_operations.items()
        for operation in path_view.operations
        for method in operation.methods
    ]
    assert len(routes) >= 17
    for method, path, operation in routes:
        assert path in paths, path
        assert method.lower() in paths[path], (method, path)
        assert paths[path][method.lower()]["operationId"].endswith(operation.view_func.__name__)
    schemes = schema.json()["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"} in schemes.values()


# Tokens ---------------------------------------------------------------------------------


def new_token(client: Client, name: str = "reporting script") -> str:
    response = client.post("/accounts/settings/", {"name": name})
    assert response.status_code == 200
    found = re.search(r"dtn_[A-Za-z0-9_\-]+", response.content.decode())
    assert found, "the new key is shown"
    return found.group(0)


def test_it_creates_a_token_on_the_settings_page_and_shows_the_key_once(cast: Any) -> None:
    page = cast.client("bob")
    key = new_token(page)
    token = ApiToken.objects.get(user=cast.bob)
    assert token.key_hash == hash_token(key)
    assert key not in str(list(ApiToken.objects.values()))  # only its hash is stored
    again = page.get("/accounts/settings/").content.decode()
    assert key not in again
    assert "reporting script" in again and token.hint in again
    api = Client(headers={"Authorization": f"Bearer {key}"})
    assert api.get("/api/v1/alliances").status_code == 200


def test_it_refuses_a_revoked_token(cast: Any) -> None:
    page = cast.client("bob")
    key = new_token(page)
    api = Client(headers={"Authorization": f"Bearer {key}"})
    assert api.get(f"/api/v1/alliances/{cast.alliance.pk}").status_code == 200
    token = ApiToken.objects.get(user=cast.bob)
    assert page.post(f"/accounts/settings/tokens/{token.pk}/revoke/").status_code == 302
    response = api.get(f"/api/v1/alliances/{cast.alliance.pk}")
    assert response.status_code == 401
    assert "token" in response.json()["detail"]


@pytest.mark.parametrize(
    "header", ["Bearer dtn_not-a-real-key", "Bearer ", "Basic Ym9iOnB3", "dtn_without_scheme"]
)
def test_it_refuses_a_bad_token(cast: Any, header: str) -> None:
    response = Client(headers={"Authorization": header}).get("/api/v1/alliances")
    assert response.status_code == 401


def test_it_refuses_the_token_of_a_deactivated_user(cast: Any) -> None:
    api = cast.api("bob")
    assert api.get("/api/v1/alliances").status_code == 200
    User.objects.filter(pk=cast.bob.pk).update(is_active=False)
    assert api.get("/api/v1/alliances").status_code == 401


def test_it_does_not_accept_a_session_cookie_in_place_of_a_token(cast: Any) -> None:
    assert cast.client("bob").get("/api/v1/alliances").status_code == 401
