"""schemathesis hooks for tests/fuzz/api_fuzz.py (loaded through SCHEMATHESIS_HOOKS).

``valid_data_accepted`` replaces schemathesis' ``positive_data_acceptance``: a request the
schema calls valid must be accepted, except that a 422 is right when every error names a
field the schema marks as checked against stored data: ``x-detente-record`` (an id that
must name a record you may see; random ids do not) or ``x-detente-state`` (a value that
depends on the record's state, e.g. a status the alliance is not already at). A 422 naming
any other field is a schema that promises more than the route accepts.
"""

from __future__ import annotations

import json
from typing import Any

import schemathesis

ACCEPTED = {401, 403, 404, 409}
MARKS = ("x-detente-record", "x-detente-state")


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = root["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def data_fields(root: dict[str, Any], path: str, method: str) -> set[str]:
    """The body fields of an operation that are checked against stored data."""
    operation = root["paths"].get(path, {}).get(method.lower(), {})
    content = operation.get("requestBody", {}).get("content", {})
    fields: set[str] = set()
    for media in content.values():
        body = _resolve(media.get("schema", {}), root)
        for name, prop in body.get("properties", {}).items():
            if any(prop.get(mark) for mark in MARKS):
                fields.add(name)
    for parameter in operation.get("parameters", []):
        if any(parameter.get("schema", {}).get(mark) for mark in MARKS):
            fields.add(parameter["name"])
    return fields


def api_names(field: str) -> set[str]:
    """The body fields an error's field may stand for: some routes name the form's field
    (``kpi``, ``owner_side``) rather than the one sent (``kpi_id``, ``side_id``)."""
    names = {field, field + "_id", field.removesuffix("s") + "_ids"}
    if field == "owner_side":
        names.add("side_id")
    return names


@schemathesis.check
def valid_data_accepted(ctx: Any, response: Any, case: Any) -> None:
    meta = getattr(case, "meta", None)
    if meta is None or not meta.generation.mode.is_positive:
        return
    status = response.status_code
    if 200 <= status < 400 or status in ACCEPTED:
        return
    if status == 422:
        try:
            errors = json.loads(response.content).get("errors", [])
        except ValueError:
            errors = []
        root = case.operation.schema.raw_schema
        path = case.operation.path
        if path not in root["paths"]:
            path = "/api/v1" + path
        allowed = data_fields(root, path, case.operation.method)
        named = [str(e.get("field", "")).split(".")[0] for e in errors]
        if named and all(api_names(name) & allowed for name in named):
            return
        raise AssertionError(
            f"Schema-valid request refused (422) on fields {named}; only {sorted(allowed)} "
            "depend on stored data"
        )
    raise AssertionError(f"Schema-valid request answered {status}")
