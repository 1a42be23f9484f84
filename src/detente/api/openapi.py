"""The published contract of the API: every status a route can answer is in the schema.

Routes declare only their success answers (``response={201: StakeholderOut}``). The
failures are common to all of them and come from the handlers in ``detente.api.errors``:
a body that is not JSON (400), no or a bad token (401), a role or side that may not do this
(403), an alliance or record that is missing *for you* (404), a state that does not allow
the change (409), bad input named by field (422). ``DetenteAPI`` adds them, with their
bodies, to every operation they can happen on, so a client (and the fuzzer, see
docs/security.md "API fuzzing") reads every answer from the schema.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})

ERROR_SCHEMAS: dict[str, dict[str, Any]] = {
    "ErrorDetail": {
        "title": "ErrorDetail",
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "FieldError": {
        "title": "FieldError",
        "type": "object",
        "description": "One problem: the field (its path in the body, e.g. 'tags.0.label'; "
        "empty for the whole input) and the message. Imports add the row and column.",
        "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
        "required": ["field", "message"],
    },
    "FieldErrors": {
        "title": "FieldErrors",
        "type": "object",
        "properties": {
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}}
        },
        "required": ["errors"],
    },
}


def _answer(description: str, component: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}
        },
    }


def common_errors(method: str, operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The error answers ``operation`` can give, by status."""
    errors: dict[str, dict[str, Any]] = {}
    has_body = "requestBody" in operation
    in_path = any(p.get("in") == "path" for p in operation.get("parameters", []))
    if has_body:
        errors["400"] = _answer("The body cannot be read (not JSON, or not a form).", "ErrorDetail")
    if operation.get("security"):
        errors["401"] = _answer("No token, or an unknown or revoked one.", "ErrorDetail")
        errors["403"] = _answer(
            "Your role may not do this (read-only, a record the other side keeps, "
            "a facilitator's view without every side's grant).",
            "ErrorDetail",
        )
    if in_path:
        errors["404"] = _answer(
            "No such alliance or record for you: an outsider's or the other side's "
            "private record looks exactly like a missing one.",
            "ErrorDetail",
        )
    if method in WRITE_METHODS:
        errors["409"] = _answer(
            "The record's state does not allow this now (e.g. signing a draft).", "ErrorDetail"
        )
    if has_body or operation.get("parameters"):
        errors["422"] = _answer("Bad input; each error names its field.", "FieldErrors")
    return errors


def add_common_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the common error answers to every operation of ``schema`` (in place); a status
    an operation documents itself is kept as it is."""
    schema.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_SCHEMAS)
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            documented = {str(status) for status in responses}
            for status, answer in common_errors(method, operation).items():
                if status not in documented:
                    responses[status] = answer
    return schema


class DetenteAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI schema documents every answer (see the module's docstring)."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        return add_common_errors(super().get_openapi_schema(*args, **kwargs))
