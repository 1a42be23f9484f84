"""Audit log, written explicitly by every action that changes data (see ``log``)."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

SKIPPED_FIELDS = {"password", "key_hash", "nonce", "created_at", "updated_at"}


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The instance's field values as JSON-safe data (many-to-many as sorted id lists)."""
    values: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if f.name in SKIPPED_FIELDS:
            continue
        values[f.attname] = f.value_from_object(instance)
    if instance.pk:
        for f in instance._meta.many_to_many:
            values[f.name] = sorted(obj.pk for obj in getattr(instance, f.name).all())
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def log(
    actor: Any,
    action: str,
    instance: models.Model,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    alliance: Any = None,
    organisation: Any = None,
) -> Any:
    """Record one change. Visibility is copied from the record, so the audit obeys the same rule."""
    from detente.audit.models import AuditEntry

    if alliance is None:
        alliance_id = getattr(instance, "alliance_id", None)
        if alliance_id is None and instance._meta.label_lower == "alliances.alliance":
            alliance_id = instance.pk
    else:
        alliance_id = alliance.pk
    # An entry is joint only if the record was joint both before and after the change:
    # making a private record joint must not reveal its private past to the other side.
    states = [getattr(instance, "visibility", "joint")]
    states += [d.get("visibility", "joint") for d in (before, after) if d]
    visibility = "private" if "private" in states else "joint"
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        alliance_id=alliance_id,
        organisation=organisation,
        owner_side_id=getattr(instance, "owner_side_id", None),
        visibility=visibility,
        before=before,
        after=after,
    )
