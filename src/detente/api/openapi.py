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

import copy
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.module_loading import import_string
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
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
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


def _also(answer: dict[str, Any], component: str) -> None:
    """A route's own 422 body (an import's row and column) may also be the common one: a
    bad query or path parameter is refused before the route runs."""
    media = answer.get("content", {}).get("application/json")
    if not media or "schema" not in media:
        return
    ref = {"$ref": f"#/components/schemas/{component}"}
    schema = media["schema"]
    if ref not in schema.get("anyOf", []):
        media["schema"] = {"anyOf": [schema, ref]}


def add_common_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the common error answers to every operation of ``schema`` (in place); a status
    an operation documents itself is kept as it is."""
    schema.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_SCHEMAS)
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            documented = {str(status): status for status in responses}
            for status, answer in common_errors(method, operation).items():
                if status not in documented:
                    responses[status] = answer
                elif status == "422":
                    _also(responses[documented[status]], "FieldErrors")
    return schema


# The form behind each request body: writes are validated by the pages' forms, so the
# schema states what those forms require. Loose pydantic types (``str | None``) would
# promise more than the route accepts (a null or unknown ``kind``, an over-long title).
FORMS: dict[str, str] = {
    "AllianceIn": "detente.alliances.forms.AllianceForm",
    "NewAllianceIn": "detente.alliances.forms.NewAllianceForm",
    "StatusIn": "detente.alliances.forms.StatusForm",
    "StakeholderIn": "detente.alliances.forms.StakeholderForm",
    "CommitmentIn": "detente.commitments.forms.CommitmentForm",
    "ConflictIn": "detente.conflicts.forms.ConflictForm",
    "CloseIn": "detente.conflicts.forms.CloseForm",
    "DecisionIn": "detente.decisions.forms.DecisionForm",
    "WeightsIn": "detente.decisions.forms.WeightsForm",
    "SeriesIn": "detente.decisions.forms.SeriesForm",
    "DifferenceIn": "detente.differences.forms.DifferenceForm",
    "CheckIn": "detente.goals.forms.RealismCheckForm",
    "CycleIn": "detente.health.forms.CycleForm",
    "InviteIn": "detente.health.forms.InviteForm",
    "ActionIn": "detente.health.forms.AlertActionForm",
    "RoundIn": "detente.negotiation.forms.RoundForm",
    "GrantIn": "detente.negotiation.forms.GrantForm",
    "ObjectiveIn": "detente.objectives.forms.ObjectiveForm",
    "KPIIn": "detente.objectives.forms.KPIForm",
    "MeasurementIn": "detente.objectives.forms.MeasurementForm",
    "GuardrailIn": "detente.objectives.forms.GuardrailForm",
    "WaiverIn": "detente.agreements.forms.WaiverForm",
    "ApprovalAnswerIn": "detente.approvals.forms.AnswerForm",
    "ContactCadenceIn": "detente.relationships.forms.CadenceForm",
    "DraftIn": "detente.agreements.forms.NewDraftForm",
    "DraftUpdateIn": "detente.agreements.forms.VersionForm",
}
# API field -> form field, where the name is not ``x_id`` -> ``x`` or ``x_ids`` -> ``xs``.
FIELD_NAMES = {
    "side_id": "owner_side",
    "participant_ids": "participants",
    "options": "options_text",
    "considerations": "considerations_text",
    "periods": "periods_text",
    "history": "history_text",
    "emails": "others",
}
RECORD_NOTE = "Checked against the records you may see: an id you cannot see is refused (422)."


def declared_fields(form_class: type[forms.BaseForm]) -> dict[str, forms.Field]:
    """The fields a form class declares (``base_fields``, set by Django's form metaclass)."""
    fields: dict[str, forms.Field] = getattr(form_class, "base_fields", {})
    return fields


def form_field(form_class: type[forms.BaseForm], name: str) -> forms.Field | None:
    fields = declared_fields(form_class)
    candidates = [name, FIELD_NAMES.get(name, "")]
    if name.endswith("_ids"):
        candidates.append(name[:-4] + "s")
    if name.endswith("_id"):
        candidates.append(name[:-3])
    for candidate in candidates:
        if candidate in fields:
            return fields[candidate]
    return None


def _bounds(field: forms.Field, model_field: Any = None) -> tuple[Any, Any]:
    """The tightest (minimum, maximum) of a number field and its (model's) validators."""
    lows = [getattr(field, "min_value", None)]
    highs = [getattr(field, "max_value", None)]
    for validator in [*field.validators, *getattr(model_field, "validators", [])]:
        if isinstance(validator, MinValueValidator):
            lows.append(validator.limit_value)
        elif isinstance(validator, MaxValueValidator):
            highs.append(validator.limit_value)
    known_lows: list[Any] = [v for v in lows if v is not None and not callable(v)]
    known_highs: list[Any] = [v for v in highs if v is not None and not callable(v)]
    low = max(known_lows) if known_lows else None
    high = min(known_highs) if known_highs else None
    # JSON numbers: a Decimal bound is written as the float nearest to it.
    return (
        float(low) if isinstance(low, Decimal) else low,
        float(high) if isinstance(high, Decimal) else high,
    )


def _branches(prop: dict[str, Any]) -> list[dict[str, Any]]:
    return prop.get("anyOf", [prop])


def constrain(
    prop: dict[str, Any], field: forms.Field, model_field: Any = None, name: str = ""
) -> dict[str, Any]:
    """``prop`` narrowed to what ``field`` (and the model field behind it) accepts."""
    prop = copy.deepcopy(prop)
    if field.required and "anyOf" in prop:
        prop["anyOf"] = [b for b in prop["anyOf"] if b.get("type") != "null"]
        prop.pop("default", None)
        if len(prop["anyOf"]) == 1:
            prop.update(prop.pop("anyOf")[0])
    is_record = isinstance(field, forms.ModelChoiceField)
    for branch in _branches(prop):
        kind = branch.get("type")
        if kind == "string" and "format" not in branch:
            choices: Any = getattr(field, "choices", None)
            if isinstance(field, forms.ChoiceField) and not is_record and choices:
                values = [str(v) for v, _ in choices if v not in ("", None)]
                if values and not isinstance(field, forms.MultipleChoiceField):
                    branch["enum"] = values
            if field.required and not is_record:
                branch["minLength"] = 1
            max_length = getattr(field, "max_length", None)
            if max_length:
                branch["maxLength"] = max_length
        if kind in ("integer", "number"):
            low, high = _bounds(field, model_field)
            if low is not None:
                branch["minimum"] = low
            if high is not None:
                branch["maximum"] = high
            digits = getattr(field, "max_digits", None)
            if digits is not None:
                bound = 10 ** (digits - (getattr(field, "decimal_places", 0) or 0))
                branch["exclusiveMaximum"] = bound
                branch["exclusiveMinimum"] = -bound
        if kind == "array" and field.required:
            branch["minItems"] = 1
        if kind == "array" and isinstance(field, forms.MultipleChoiceField) and not is_record:
            many: Any = field.choices
            values = [str(v) for v, _ in many if v not in ("", None)]
            if values:
                branch.setdefault("items", {})["enum"] = values
    if is_record or name == "side_id":
        prop["description"] = (prop.get("description", "") + " " + RECORD_NOTE).strip()
        prop["x-detente-record"] = True
    return prop


def mark(prop: dict[str, Any], key: str, note: str) -> dict[str, Any]:
    prop = dict(prop)
    prop["description"] = (prop.get("description", "") + " " + note).strip()
    prop[key] = True
    return prop


# Body fields whose validity depends on stored data or on other fields, so no static schema
# can state it; the schema says what they are checked against.
STATE_FIELDS: dict[str, dict[str, str]] = {
    "StatusIn": {"status": "Must differ from the alliance's current status."},
    "ActionIn": {"snoozed_until": "A date after today."},
    "CycleIn": {"period": "A period of the alliance's health-check plan (2026Q3 or 2026-07)."},
    "InviteIn": {"emails": "Valid email addresses."},
    "MeasurementIn": {"period": "A quarter (2026Q1) or a month (2026-03) of the KPI's frequency."},
    "KPIIn": {"frequency": "Checked against the KPI's measurements."},
    "CommitmentIn": {"done_on": "Only with the status done, not in the future."},
    "DifferenceIn": {"views": "Keyed by the ids of this alliance's sides."},
    "ObjectiveIn": {"visibility": "A shared objective is joint."},
    "StakeholderIn": {"email": "A valid email address."},
    "DecisionIn": {"options": "At least two options.", "considerations": "Distinct names."},
    "DraftIn": {"scope_change": "The fields of an agreement's scope-change part."},
    "DraftUpdateIn": {"scope_change": "The fields of an agreement's scope-change part."},
    "GuardrailIn": {"upper": "Not below the lower bound."},
    "NewAllianceIn": {"partners": "Names of organisations other than yours."},
}


# Filled in by a route when a new record leaves them out (your side, joint).
ROUTE_DEFAULTS = {"side_id", "visibility"}


def _model_field(form_class: type[forms.BaseForm], field: forms.Field) -> Any:
    model = getattr(getattr(form_class, "_meta", None), "model", None)
    name = next((n for n, f in declared_fields(form_class).items() if f is field), None)
    if model is None or name is None:
        return None
    try:
        model_field = model._meta.get_field(name)
    except Exception:  # a field of the form only
        return None
    return model_field if getattr(model_field, "concrete", False) else None


def required_on_create(form_class: type[forms.BaseForm], properties: dict[str, Any]) -> list[str]:
    """The body fields a new record must have: the form requires them, and neither the
    route nor the model fills them in."""
    required = []
    for name in properties:
        field = form_field(form_class, name)
        if field is None or not field.required or name in ROUTE_DEFAULTS:
            continue
        model_field = _model_field(form_class, field)
        if model_field is not None and model_field.has_default():
            continue
        required.append(name)
    return required


def add_form_constraints(schema: dict[str, Any]) -> dict[str, Any]:
    """Narrow every request body bound to a form (``FORMS``) to what the form accepts. A
    POST gets its own copy of the body (``<Name>New``) that lists the fields a new record
    must have; a PATCH changes only the fields it sends, so none is required."""
    components = schema.get("components", {}).get("schemas", {})
    for name, dotted in FORMS.items():
        if name not in components:
            continue
        form_class = import_string(dotted)
        properties = components[name].get("properties", {})
        for prop_name, prop in list(properties.items()):
            field = form_field(form_class, prop_name)
            if field is not None:
                properties[prop_name] = constrain(
                    prop, field, _model_field(form_class, field), prop_name
                )
            elif prop_name == "side_id":
                properties[prop_name] = mark(prop, "x-detente-record", RECORD_NOTE)
            if prop_name in STATE_FIELDS.get(name, {}):
                properties[prop_name] = mark(
                    properties[prop_name], "x-detente-state", STATE_FIELDS[name][prop_name]
                )
        new = copy.deepcopy(components[name])
        new["title"] = name + "New"
        new["required"] = sorted(
            set(new.get("required", [])) | set(required_on_create(form_class, properties))
        )
        components[name + "New"] = new
    ref = "#/components/schemas/"
    for operations in schema.get("paths", {}).values():
        operation = operations.get("post")
        if not operation:
            continue
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        target = (body or {}).get("schema", {}).get("$ref", "")
        if target.startswith(ref) and target[len(ref) :] in FORMS:
            # ninja shares one request-body dict between the operations of a schema.
            operation["requestBody"] = copy.deepcopy(operation["requestBody"])
            operation["requestBody"]["content"]["application/json"]["schema"] = {
                "$ref": target + "New"
            }
    return schema


# Query parameters of the lists that name a record of the alliance (detente.records.paging):
# an id that is not one of them is refused (422), as for a body's ids.
RECORD_PARAMETERS = frozenset({"side", "owed_by"})


def mark_record_parameters(schema: dict[str, Any]) -> dict[str, Any]:
    """Mark the query parameters of ``RECORD_PARAMETERS`` as checked against stored data."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and parameter["name"] in RECORD_PARAMETERS:
                    parameter["schema"] = mark(
                        parameter.get("schema", {}), "x-detente-record", RECORD_NOTE
                    )
    return schema


class DetenteAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI schema documents every answer and the forms' rules (see the
    module's docstring)."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        return mark_record_parameters(add_form_constraints(add_common_errors(schema)))
