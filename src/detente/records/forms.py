"""The form of every joint-or-private record: the side that keeps it is one the user writes
for, and the choice of who sees it is the same everywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.db import models

from detente.records.models import Side, Visibility
from detente.records.visibility import AllianceAccess

F = TypeVar("F", bound=forms.Field)


def field(form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """``form.fields[name]`` as the ``kind`` of field it is (a choice of records, a list of
    choices), so that its queryset or choices can be set; any other kind is a TypeError."""
    found = form.fields[name]
    if not isinstance(found, kind):
        raise TypeError(
            f"{type(form).__name__}.{name} is a {type(found).__name__}, not a {kind.__name__}"
        )
    return found


def choose_from(
    form: forms.BaseForm,
    name: str,
    queryset: models.QuerySet[Any],
    label: Callable[[Any], str] | None = None,
) -> forms.ModelChoiceField:
    """Offer only the records of ``queryset`` in the choice ``name`` (any other id is refused
    as invalid), each shown as ``label(record)`` when given."""
    choice = field(form, name, forms.ModelChoiceField)
    choice.queryset = queryset
    if label is not None:
        # What Django's docs do with a subclass, for a field the ModelForm built itself.
        choice.label_from_instance = label  # type: ignore[method-assign, assignment]
    return choice


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        # A date input takes ISO dates only; the locale's "04/12/2026" would show it empty.
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class RecordForm(forms.ModelForm):
    """Base form of a joint-or-private record. The owner side is one the user writes for."""

    def __init__(self, *args: Any, access: AllianceAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.access = access
        if self.instance.pk is None:
            sides = access.writable_sides
            self.fields["owner_side"] = forms.ModelChoiceField(
                queryset=Side.objects.filter(id__in=[s.id for s in sides]),
                initial=sides[0] if sides else None,
                label="Kept by",
                help_text="The side that keeps this record; a private record is seen only by it.",
            )
            self.order_fields(["owner_side"])  # first; form.fields is a plain dict
        self.fields["visibility"].widget = forms.RadioSelect(choices=Visibility.choices)
        self.fields["visibility"].label = "Who sees it"

    @property
    def owner_side_id(self) -> int | None:
        if self.instance.pk is not None:
            kept_by: int = self.instance.owner_side_id
            return kept_by
        side = self.cleaned_data.get("owner_side") if hasattr(self, "cleaned_data") else None
        return side.id if side else None

    def save(self, commit: bool = True) -> Any:
        if self.instance.pk is None:
            self.instance.owner_side = self.cleaned_data["owner_side"]
        return super().save(commit=commit)
