"""What every JSON route over alliance records shares: the record fields, PATCH semantics
over the page's form, the defaults of a new record, and the error that names the field the
client sent. The routes go through the same forms as the pages, so both refuse the same input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from django.forms import ModelForm
from django.forms.models import model_to_dict
from ninja import Schema
from ninja.errors import ValidationError as NinjaValidationError

from detente import audit
from detente.records import services
from detente.records.forms import RecordForm
from detente.records.visibility import JOINT, AllianceAccess


class Refusal(Protocol):
    """Anything with errors shaped like a form's: field name -> messages."""

    @property
    def errors(self) -> Mapping[str, Any]: ...


class FormInvalid(Exception):
    """A form (or anything shaped like one) refused the input. ``renames`` maps a form field
    to the name the API client sent (``{"owner_side": "side_id"}``), so the error names the
    field the client knows."""

    def __init__(self, form: Refusal, renames: dict[str, str] | None = None) -> None:
        self.form = form
        self.renames = renames or {}


class RecordOut(Schema):
    id: int
    side_id: int
    visibility: str
    created_at: dt.datetime
    updated_at: dt.datetime


class Deleted(Schema):
    deleted: bool


# API field name -> form field name, where they differ.
RENAMES = {"side_id": "owner_side"}
# Form field name -> API field name, so that errors name what the client sent.
API_NAMES = {form_name: api_name for api_name, form_name in RENAMES.items()}


def form_data(
    form_class: type[ModelForm],
    instance: Any,
    payload: Schema,
    renames: dict[str, str] = RENAMES,
) -> dict[str, Any]:
    """Current values overlaid with the fields the client sent (PATCH semantics)."""
    data: dict[str, Any] = {}
    if instance is not None and instance.pk:
        current = model_to_dict(instance, fields=form_class._meta.fields)
        for key, value in current.items():
            if isinstance(value, list):  # many-to-many: model instances -> ids
                value = [getattr(v, "pk", v) for v in value]
            data[key] = "" if value is None else value
    for key, value in payload.dict(exclude_unset=True).items():
        data[renames.get(key, key)] = "" if value is None else value
    return data


def save(
    access: AllianceAccess,
    form: ModelForm,
    before: dict | None = None,
    api_names: dict[str, str] = API_NAMES,
) -> Any:
    """Save a bound form through ``services.save_form``, or refuse it naming the API fields."""
    if not form.is_valid():
        raise FormInvalid(form, api_names)
    return services.save_form(access, form, before=before)


def record_form_data(
    form_class: type[RecordForm],
    access: AllianceAccess,
    payload: Schema,
    instance: Any = None,
    renames: dict[str, str] = RENAMES,
) -> dict[str, Any]:
    """The data of a record form: ``form_data``, and for a new record the user's default
    side, joint, and the model's default for each field the client leaves out."""
    data = form_data(form_class, instance, payload, renames)
    if instance is None:
        data.setdefault("owner_side", access.default_side.pk)
        data.setdefault("visibility", JOINT)
        # A field the client leaves out takes the model's default (a stakeholder's role,
        # influence and stance), as the page's form shows it preselected.
        model = form_class._meta.model
        for name in form_class._meta.fields or ():
            model_field = model._meta.get_field(name)
            if name not in data and model_field.has_default():
                data[name] = model_field.get_default()
    return data


RF = TypeVar("RF", bound=RecordForm)


def record_form(
    form_class: type[RF], access: AllianceAccess, payload: Schema, instance: Any = None
) -> RF:
    return form_class(
        data=record_form_data(form_class, access, payload, instance),
        instance=instance,
        access=access,
    )


def record_base(record: Any) -> dict[str, Any]:
    """The fields of ``RecordOut``."""
    return {
        "id": record.pk,
        "side_id": record.owner_side_id,
        "visibility": record.visibility,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
    }


def refuse_side_change(record: Any, payload: Schema) -> None:
    """The side that keeps a record is fixed at creation; a PATCH naming another is refused."""
    sent = payload.dict(exclude_unset=True)
    if "side_id" in sent and sent["side_id"] != record.owner_side_id:
        raise NinjaValidationError(
            [
                {
                    "loc": ["body", "payload", "side_id"],
                    "msg": "The side that keeps a record cannot change.",
                }
            ]
        )


@dataclass(frozen=True)
class RecordRoutes:
    """The create (201), update (PATCH) and delete routes of one kind of alliance record.

    Each route resolves the access and looks up the record itself (so both stay visible in
    it), then calls one of these. ``form(access, payload, instance)`` binds the form the
    page uses (``instance`` is None for a new record); a refused form is a ``FormInvalid``
    naming the fields by ``api_names``; ``save(access, form)`` (with ``before=`` on an
    update) saves it, and ``out(access, what save returned)`` is the answer. An update
    never moves a record to another side: ``side_id`` is dropped from the payload, or with
    ``side_fixed`` a different one is refused (422).
    """

    form: Callable[[AllianceAccess, Any, Any], ModelForm]
    out: Callable[[AllianceAccess, Any], Any]
    save: Callable[..., Any] = services.save_form
    delete_with: Callable[[AllianceAccess, Any], Any] = services.delete_record
    api_names: Mapping[str, str] = field(default_factory=lambda: API_NAMES)
    side_fixed: bool = False

    def create(self, access: AllianceAccess, payload: Schema) -> tuple[int, Any]:
        return 201, self.out(access, self._save(access, self.form(access, payload, None)))

    def update(self, access: AllianceAccess, record: Any, payload: Schema) -> Any:
        """PATCH a record the route has looked up for writing."""
        if self.side_fixed:
            refuse_side_change(record, payload)
        before = audit.snapshot(record)  # before binding: validation writes onto the record
        sent = type(payload)(**payload.dict(exclude_unset=True, exclude={"side_id"}))
        return self.out(access, self._save(access, self.form(access, sent, record), before))

    def delete(self, access: AllianceAccess, record: Any) -> dict[str, bool]:
        """Delete a record the route has looked up for writing."""
        self.delete_with(access, record)
        return {"deleted": True}

    def _save(self, access: AllianceAccess, form: ModelForm, before: dict | None = None) -> Any:
        if not form.is_valid():
            raise FormInvalid(form, dict(self.api_names))
        if before is None:
            return self.save(access, form)
        return self.save(access, form, before=before)
