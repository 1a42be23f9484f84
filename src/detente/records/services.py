"""Saving and deleting a record of an alliance: one transaction, one audit entry each."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.forms import ModelForm

from detente import audit
from detente.records.models import AllianceRecord
from detente.records.visibility import AllianceAccess


@transaction.atomic
def save_form(access: AllianceAccess, form: ModelForm, *, before: dict | None = None) -> Any:
    """Save a validated form of an alliance object and audit it; ``before`` marks an update.

    Take ``before`` with ``audit.snapshot`` before binding the form: validation writes the
    new values onto the instance.
    """
    is_new = before is None
    instance = form.save(commit=False)
    if is_new and isinstance(instance, AllianceRecord):
        instance.alliance = access.alliance
        instance.created_by = access.user
    instance.save()
    form.save_m2m()
    audit.log(
        access.user,
        "create" if is_new else "update",
        instance,
        before=before,
        after=audit.snapshot(instance),
    )
    return instance


@transaction.atomic
def delete_record(access: AllianceAccess, record: AllianceRecord) -> None:
    before = audit.snapshot(record)
    pk = record.pk
    record.delete()
    record.pk = pk  # keep the id in the audit entry
    audit.log(access.user, "delete", record, before=before, alliance=access.alliance)
