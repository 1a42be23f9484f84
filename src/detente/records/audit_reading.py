"""Reading the audit log of an alliance: the one function behind the audit page and its API twin.

An entry is shown when the reader may see the record it describes (``visible_to``). Its
before and after values may still name *other* records: a stakeholder's ``counterpart``, an
interaction's ``participants``. A joint record can point at one the other side has since
made private, so each such reference is checked against the same visibility rule and, when
the reader may not see it, shown as ``None`` (a list simply omits it). Only the copy handed
to the reader changes; the stored entry keeps its values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeGuard

from django.apps import apps
from django.db import models

from detente.accounts.models import Membership
from detente.audit.models import AuditEntry
from detente.records.visibility import AllianceAccess, RecordQuerySet, visible_q

if TYPE_CHECKING:
    from detente.records.models import AllianceRecord


def visible_to(user: Any) -> models.QuerySet[AuditEntry]:
    """The audit entries ``user`` may read: those of the records the user sees (an entry has
    the visibility of its record), those of the user's organisations outside any alliance,
    and the user's own entries outside both."""
    if not getattr(user, "is_authenticated", False):
        return AuditEntry.objects.none()
    my_orgs = Membership.objects.filter(user=user).values("organisation_id")
    in_organisation = models.Q(alliance__isnull=True, organisation_id__in=my_orgs)
    own = models.Q(alliance__isnull=True, organisation__isnull=True, actor=user)
    return AuditEntry.objects.filter(visible_q(user) | in_organisation | own)


def _references(model_label: str) -> dict[str, tuple[type[AllianceRecord], bool]]:
    """Snapshot keys of ``model_label`` that hold ids of alliance records: key -> (model, many)."""
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        return {}
    out: dict[str, tuple[type[AllianceRecord], bool]] = {}
    for f in model._meta.concrete_fields:
        if f.is_relation and _is_record_model(f.related_model):
            out[f.attname] = (f.related_model, False)
    for f in model._meta.many_to_many:
        if _is_record_model(f.related_model):
            out[f.name] = (f.related_model, True)
    return out


def _is_record_model(model: Any) -> TypeGuard[type[AllianceRecord]]:
    """Joint-or-private records: their manager is built on the visibility rule's queryset."""
    return (
        isinstance(model, type)
        and issubclass(model, models.Model)
        and model is not AuditEntry
        and isinstance(model._default_manager.all(), RecordQuerySet)
    )


def visible_entries(access: AllianceAccess, limit: int) -> list[AuditEntry]:
    """The latest ``limit`` audit entries of the alliance the reader may see, with every
    reference to a record the reader may not see replaced (see the module docstring)."""
    entries = list(
        visible_to(access.user).filter(alliance=access.alliance).select_related("actor")[:limit]
    )
    references = {label: _references(label) for label in {e.model for e in entries}}
    visible: dict[type[AllianceRecord], set[str]] = {}  # one query per referenced model

    def seen(model: type[AllianceRecord], pk: Any) -> bool:
        if model not in visible:
            ids = access.records(model).values_list("pk", flat=True)
            visible[model] = {str(i) for i in ids}
        return str(pk) in visible[model]

    for entry in entries:
        refs = references[entry.model]
        if not refs:
            continue
        for attr in ("before", "after"):
            values = getattr(entry, attr)
            if not values:
                continue
            shown = dict(values)
            for key, (model, many) in refs.items():
                value = shown.get(key)
                if value is None:
                    continue
                if many:
                    shown[key] = [pk for pk in value if seen(model, pk)]
                elif not seen(model, value):
                    shown[key] = None
            setattr(entry, attr, shown)
    return entries
