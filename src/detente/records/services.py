"""Saving and deleting a record of an alliance: one transaction, one audit entry each."""

from __future__ import annotations

from typing import Any

from django.db import router, transaction
from django.db.models.deletion import Collector
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
    """Delete ``record`` and audit it and every record its deletion cascades to (a
    conflict's ladder steps, a decision's weights): nothing disappears unrecorded. A child
    without a visibility of its own is audited with its parent's, so the audit of a private
    record's children stays private too."""
    # The children are audited first, while they (and their parent) can still be read.
    for obj in _cascade(record):
        if not hasattr(obj, "visibility"):
            obj.visibility = record.visibility
        if not hasattr(obj, "owner_side_id"):
            obj.owner_side_id = record.owner_side_id
        audit.log(access.user, "delete", obj, before=audit.snapshot(obj), alliance=access.alliance)
    before = audit.snapshot(record)
    pk = record.pk
    record.delete()
    record.pk = pk  # keep the id in the audit entry
    audit.log(access.user, "delete", record, before=before, alliance=access.alliance)


def _cascade(record: Any) -> list[Any]:
    """The records (not many-to-many rows) deleting ``record`` deletes with it."""
    collector = Collector(using=router.db_for_write(type(record)))
    collector.collect([record])
    found = [
        obj
        for model, instances in collector.data.items()
        if not model._meta.auto_created
        for obj in instances
        if not (type(obj) is type(record) and obj.pk == record.pk)
    ]
    for queryset in collector.fast_deletes:
        if not queryset.model._meta.auto_created:
            found += list(queryset)
    return found
