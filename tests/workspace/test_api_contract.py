"""The API's published contract holds: every answer a route gives is in its OpenAPI schema,
and input the database cannot hold is a 422 naming the field, never a 500
(docs/security.md, "API fuzzing"; the fuzzer itself is tests/fuzz/api_fuzz.py)."""

from __future__ import annotations

import json
from typing import Any

from detente.api.v1 import api
from detente.conflicts.models import Conflict

WRITE_METHODS = {"post", "put", "patch", "delete"}


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = api.get_openapi_schema()
    return [
        (method, path, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


def test_every_operation_documents_the_errors_it_can_answer() -> None:
    missing = []
    for method, path, operation in operations():
        documented = {str(status) for status in operation["responses"]}
        expected = {"401", "403"}
        if "{" in path:
            expected.add("404")
        if "requestBody" in operation:
            expected |= {"400", "422"}
        if method in WRITE_METHODS:
            expected.add("409")
        if not expected <= documented:
            missing.append((method, path, sorted(expected - documented)))
    assert len(operations()) > 100
    assert missing == []


def test_an_error_answer_is_documented_with_the_body_it_has(cast: Any) -> None:
    schema = api.get_openapi_schema()
    operation = schema["paths"]["/api/v1/alliances/{alliance_id}/stakeholders"]["post"]
    ref = operation["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/FieldErrors")
    assert schema["components"]["schemas"]["FieldErrors"]["required"] == ["errors"]
    response = cast.api("alice").post(
        f"/api/v1/alliances/{cast.alliance.pk}/stakeholders",
        json.dumps({"influence": 9}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert all(set(e) >= {"field", "message"} for e in json.loads(response.content)["errors"])


def test_an_id_wider_than_64_bits_is_a_422_naming_it_not_a_server_error(cast: Any) -> None:
    # Found by the fuzzer: the id reached the database and SQLite raised OverflowError.
    before = Conflict.objects.count()
    response = cast.api("alice").post(
        f"/api/v1/alliances/{cast.alliance.pk}/conflicts",
        json.dumps(
            {"title": "Pace", "source": "internal_shift", "kind": "Z", "commitment_ids": [2**70]}
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    errors = json.loads(response.content)["errors"]
    assert [e["field"] for e in errors] == ["commitment_ids.0"]
    assert "out of range" in errors[0]["message"]
    assert Conflict.objects.count() == before


def test_the_widest_64_bit_id_is_an_ordinary_unknown_id(cast: Any) -> None:
    response = cast.api("alice").post(
        f"/api/v1/alliances/{cast.alliance.pk}/stakeholders",
        json.dumps({"name": "Edge", "counterpart_id": 2**63 - 1}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert [e["field"] for e in json.loads(response.content)["errors"]] == ["counterpart_id"]
