"""Text no database can store (an unpaired UTF-16 surrogate, a NUL) is a 422 naming the
field on every write route of the API, and a clear field error on the pages, never a 500
(docs/security.md, "Unencodable text")."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from detente.alliances.models import Stakeholder
from detente.api.v1 import api

SURROGATE = "x\ud800"
WRITE_METHODS = ("post", "put", "patch")


def resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    """The schema behind a $ref, and the non-null branch of ``X | None``."""
    while True:
        if "$ref" in schema:
            schema = components[schema["$ref"].rsplit("/", 1)[1]]
        elif "anyOf" in schema:
            branches = [s for s in schema["anyOf"] if s.get("type") != "null"]
            schema = branches[0] if branches else {}
        elif "allOf" in schema and len(schema["allOf"]) == 1:
            schema = schema["allOf"][0]
        else:
            return schema


def bad_bodies(schema: dict[str, Any], components: dict[str, Any]) -> Iterator[tuple[Any, str]]:
    """(body with the surrogate in one string field, that field's dotted name), for every
    string field of the body, in lists and nested objects too."""
    schema = resolve(schema, components)
    if schema.get("type") == "string":
        yield SURROGATE, ""
    elif schema.get("type") == "array":
        for inner, field in bad_bodies(schema.get("items", {}), components):
            yield [inner], "0" + (f".{field}" if field else "")
    elif "properties" in schema:
        for name, sub in schema["properties"].items():
            for inner, field in bad_bodies(sub, components):
                yield {name: inner}, name + (f".{field}" if field else "")
    elif isinstance(schema.get("additionalProperties"), dict):
        for inner, field in bad_bodies(schema["additionalProperties"], components):
            yield {"key": inner}, "key" + (f".{field}" if field else "")


def write_routes_with_text() -> list[tuple[str, str, Any, str]]:
    """(method, path, body, field) for every string field of every JSON write route, from
    the OpenAPI schema the API publishes (not a hand list)."""
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in WRITE_METHODS:
                continue
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            for body, field in bad_bodies(content["application/json"]["schema"], components):
                found.append((method, path, body, field))
    return found


def fill(path: str, cast: Any) -> str:
    path = path.replace("{alliance_id}", str(cast.alliance.pk))
    return re.sub(r"\{[^}]+\}", "1", path)


def test_the_walk_covers_the_write_routes_of_every_area() -> None:
    routes = write_routes_with_text()
    paths = {path for _, path, _, _ in routes}
    assert len(paths) >= 30
    for area in ("stakeholders", "kpis", "commitments", "differences", "conflicts", "decisions"):
        assert any(area in p for p in paths), area
    # The issue's two examples are among them.
    assert ("post", "/api/v1/alliances/{alliance_id}/stakeholders") in {
        (m, p) for m, p, _, _ in routes
    }
    assert any(m == "patch" and "differences/{pk}" in p for m, p, _, _ in routes)


def test_a_surrogate_in_any_string_field_of_any_write_route_is_a_422_naming_the_field(
    cast: Any,
) -> None:
    client = cast.api("alice")
    failures = []
    for method, path, body, field in write_routes_with_text():
        # json.dumps writes the surrogate as the escape "\ud800", as an attacker would.
        response = client.generic(
            method.upper(), fill(path, cast), json.dumps(body), content_type="application/json"
        )
        errors = json.loads(response.content).get("errors", []) if response.content else []
        named = [e for e in errors if e.get("field") == field and "surrogate" in e["message"]]
        if response.status_code != 422 or not named:
            failures.append((method, path, field, response.status_code, response.content[:200]))
    assert failures == []


def test_it_refuses_the_issues_stakeholder_and_writes_nothing(cast: Any) -> None:
    before = Stakeholder.objects.count()
    response = cast.api("alice").post(
        f"/api/v1/alliances/{cast.alliance.pk}/stakeholders",
        '{"name": "x\\ud800", "title": "Lead", "role": "operational_lead"}',
        content_type="application/json",
    )
    assert response.status_code == 422
    assert json.loads(response.content)["errors"][0]["field"] == "name"
    assert Stakeholder.objects.count() == before


def test_it_refuses_a_nul_character_by_field(cast: Any) -> None:
    response = cast.api("alice").post(
        f"/api/v1/alliances/{cast.alliance.pk}/stakeholders",
        json.dumps({"name": "ok", "title": "a\x00b", "role": "operational_lead"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert [e["field"] for e in json.loads(response.content)["errors"]] == ["title"]


def test_it_names_a_nested_field_by_its_path(cast: Any) -> None:
    response = cast.api("alice").post(
        f"/api/v1/alliances/{cast.alliance.pk}/stakeholders",
        '{"name": "ok", "tags": [{"label": "\\udfff"}]}',
        content_type="application/json",
    )
    assert response.status_code == 422
    assert json.loads(response.content)["errors"][0]["field"] == "tags.0.label"


def test_a_page_form_with_a_surrogate_or_a_nul_gets_a_field_error(cast: Any) -> None:
    url = f"/alliances/{cast.alliance.pk}/stakeholders/new/"
    client = cast.client("alice")
    before = Stakeholder.objects.count()
    # Percent-encoded surrogate bytes: Django decodes them as U+FFFD, so nothing unstorable
    # reaches a form; the record is saved with the replacement characters.
    response = client.post(
        url,
        "name=x%ED%A0%80&title=Lead&role=operational_lead&visibility=joint",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 302)
    assert "\ud800" not in "".join(Stakeholder.objects.values_list("name", flat=True))
    # A NUL is refused by the form, naming the field.
    response = client.post(
        url,
        "name=x%00y&title=Lead&role=operational_lead&visibility=joint",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 422)
    assert "Null characters are not allowed" in response.content.decode()
    assert Stakeholder.objects.count() <= before + 1
