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

from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db import models

from detente.accounts.models import Membership
from detente.audit.models import AuditEntry
from detente.records.forms import DateInput, field
from detente.records.visibility import AllianceAccess, RecordQuerySet, visible_q

PER_PAGE = 50  # entries on one page of the audit (the API may ask for up to MAX_PER_PAGE)
MAX_PER_PAGE = 500

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
    return redacted(access, list(in_alliance(access).select_related("actor")[:limit]))


def in_alliance(access: AllianceAccess) -> models.QuerySet[AuditEntry]:
    """Every audit entry of the alliance the reader may see, newest first."""
    return visible_to(access.user).filter(alliance=access.alliance)


def matching(access: AllianceAccess, filters: dict[str, Any]) -> models.QuerySet[AuditEntry]:
    """The alliance's audit entries the reader may see, narrowed by ``filters`` (the cleaned
    data of ``AuditFilter``), newest first: the one reading behind the audit page (``read``)
    and its API twin, which take a page of it and ``redacted`` that page."""
    entries = in_alliance(access).select_related("actor").order_by("-at", "-id")
    if filters.get("kind"):
        entries = entries.filter(model=filters["kind"])
    if filters.get("action"):
        entries = entries.filter(action=filters["action"])
    if filters.get("person"):
        entries = entries.filter(actor_id=filters["person"])
    if filters.get("since"):
        entries = entries.filter(at__date__gte=filters["since"])
    if filters.get("until"):
        entries = entries.filter(at__date__lte=filters["until"])
    return entries


def read(
    access: AllianceAccess, filters: dict[str, Any], page: Any = 1, per_page: int = PER_PAGE
) -> Page:
    """One page of the alliance's audit, as the reader may see it, narrowed by ``filters``
    (the cleaned data of ``AuditFilter``): the audit page. A page number past the end gives
    the last page, one that is not a number the first."""
    shown = Paginator(matching(access, filters), per_page).get_page(page)
    shown.object_list = redacted(access, list(shown.object_list))
    return shown


def kind_label(model_label: str) -> str:
    """``alliances.stakeholder`` -> ``Stakeholder``: the record kind in the reader's words."""
    try:
        return str(apps.get_model(model_label)._meta.verbose_name).capitalize()
    except (LookupError, ValueError):
        return model_label


class AuditFilter(forms.Form):
    """What the audit may be narrowed by, on the page (query string) and in the API alike.
    The choices are those of the entries the reader may see, so a kind or a person of the
    other side's private records is not even offered."""

    kind = forms.ChoiceField(label="Record kind", required=False)
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any action"), *AuditEntry.Action.choices]
    )
    person = forms.TypedChoiceField(label="Person", required=False, coerce=int, empty_value=None)
    since = forms.DateField(label="From", required=False, widget=DateInput())
    until = forms.DateField(label="To", required=False, widget=DateInput())

    def __init__(self, *args: Any, access: AllianceAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        seen = in_alliance(access).order_by()
        kinds = sorted(
            {kind_label(m): m for m in seen.values_list("model", flat=True).distinct()}.items()
        )
        field(self, "kind", forms.ChoiceField).choices = [("", "Any kind")] + [
            (m, label) for label, m in kinds
        ]
        actors = get_user_model().objects.filter(pk__in=seen.values("actor_id")).order_by("email")
        field(self, "person", forms.ChoiceField).choices = [("", "Anyone")] + [
            (u.pk, str(u)) for u in actors
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The end of the date range comes before its start.")
        return data


def redacted(access: AllianceAccess, entries: list[AuditEntry]) -> list[AuditEntry]:
    """``entries`` with every reference to a record the reader may not see blanked."""
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
