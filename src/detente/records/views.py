"""The view kit of alliance pages: the access requirement on top, the record pages in one place.

``alliance_page`` states what a view needs of its user (``write``, ``manage``, ``post``)
above its ``def``: it signs the visitor in, resolves the alliance access (404 for a missing
or forbidden alliance, 403 for a read-only member asked to write, or a mere member asked
to manage) and hands the view an ``AllianceAccess`` instead of the alliance id::

    @alliance_page(write=True)
    def commitment_edit(request, access, pk):
        commitment = access.get_record(Commitment, pk, write=True)
        return COMMITMENT_PAGES.edit(request, access, commitment, ...)

``RecordPages`` holds what the create, edit and delete pages of one kind of record share
(its form, template, where to go after a change, the service that saves or deletes), so
each of those views is the lookup of its record and one call.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from detente import audit
from detente.records import services
from detente.records.models import AllianceRecord
from detente.records.visibility import AllianceAccess, get_alliance_access

RECORD_FORM = "alliances/record_form.html"
R = TypeVar("R", bound=AllianceRecord)

# Where a page goes after a change: a URL name (its argument: the alliance), a tuple of a
# URL name and the arguments after the alliance, or a function of the record giving either.
Then = str | tuple[Any, ...] | Callable[[Any], str | tuple[Any, ...]]
AllianceView = Callable[..., HttpResponse]


def alliance_page(
    *,
    write: bool = False,
    manage: bool = False,
    post: bool = False,
    check: Callable[..., Any] | None = None,
) -> Callable[[AllianceView], AllianceView]:
    """Decorate a view of one alliance: ``view(request, access, **the other URL parts)``.

    In order: an anonymous visitor is sent to sign in; with ``post``, any other method is
    405; ``check`` (given the other URL parts) may refuse a path that names nothing with a
    404, so that a read-only member is not told 403 about a page that does not exist; then
    the alliance access, with ``write`` or ``manage`` required.
    """

    def decorate(view: AllianceView) -> AllianceView:
        @functools.wraps(view)
        def page(request: HttpRequest, alliance_id: int, **kwargs: Any) -> HttpResponse:
            if check is not None:
                check(**kwargs)
            access = get_alliance_access(request.user, alliance_id, write=write, manage=manage)
            return view(request, access, **kwargs)

        return login_required(require_POST(page) if post else page)

    return decorate


def _itself(saved: Any) -> Any:
    return saved


@dataclass(frozen=True)
class RecordPages:
    """The create, edit and delete pages of one kind of alliance record.

    ``form`` is bound with ``access=`` (and the view's extra form arguments); ``save`` is
    called as ``save(access, form)`` for a new record and with ``before=`` (the audit
    snapshot) for a change, and returns the record (or something ``record_of`` takes it
    from); ``delete_with(access, record)`` deletes. A success ``message`` is a template
    formatted with the ``record``; ``after(request, access, saved)`` adds what follows it.
    The page shows ``template`` with the form, the alliance, the title, ``context``, and on
    edit pages the record as ``record_name``; a refused POST answers ``invalid_status``.
    """

    form: Callable[..., ModelForm]
    then: Then
    save: Callable[..., Any] = services.save_form
    record_of: Callable[[Any], Any] = _itself
    delete_with: Callable[[AllianceAccess, Any], Any] = services.delete_record
    after: Callable[[HttpRequest, AllianceAccess, Any], None] | None = None
    template: str = RECORD_FORM
    context: Mapping[str, Any] = field(default_factory=dict)
    record_name: str | None = None
    invalid_status: int = 200

    def create(
        self,
        request: HttpRequest,
        access: AllianceAccess,
        title: str,
        message: str,
        *,
        then: Then | None = None,
        save: Callable[..., Any] | None = None,
        **form_kwargs: Any,
    ) -> HttpResponse:
        """The page of a new record; ``form_kwargs`` go to the form (``initial``, a parent)."""
        form = self.form(request.POST or None, access=access, **form_kwargs)

        def save_new() -> Any:
            return (save or self.save)(access, form)

        return self._form_page(request, access, form, title, message, then, save_new)

    def edit(
        self,
        request: HttpRequest,
        access: AllianceAccess,
        record: Any,
        title: str,
        message: str,
        *,
        then: Then | None = None,
        **form_kwargs: Any,
    ) -> HttpResponse:
        """The page of a record the view has looked up for writing."""
        before = audit.snapshot(record)  # before binding: validation writes onto the record
        form = self.form(request.POST or None, instance=record, access=access, **form_kwargs)
        extra = {self.record_name: record} if self.record_name else {}

        def save_change() -> Any:
            return self.save(access, form, before=before)

        return self._form_page(request, access, form, title, message, then, save_change, extra)

    def delete(
        self,
        request: HttpRequest,
        access: AllianceAccess,
        record: Any,
        message: str,
        *,
        then: Then | None = None,
    ) -> HttpResponse:
        """Delete a record the view has looked up for writing (decorate it with ``post``)."""
        self.delete_with(access, record)
        messages.success(request, message.format(record=record))
        return _redirect(access, then or self.then, record)

    def _form_page(
        self,
        request: HttpRequest,
        access: AllianceAccess,
        form: ModelForm,
        title: str,
        message: str,
        then: Then | None,
        save: Callable[[], Any],
        extra: Mapping[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "POST" and form.is_valid():
            saved = save()
            record = self.record_of(saved)
            messages.success(request, message.format(record=record))
            if self.after is not None:
                self.after(request, access, saved)
            return _redirect(access, then or self.then, record)
        status = self.invalid_status if request.method == "POST" else 200
        context = {**self.context, **(extra or {})}
        return form_page(
            request, access, form, title, template=self.template, status=status, **context
        )


def form_page(
    request: HttpRequest,
    access: AllianceAccess,
    form: Any,
    title: str,
    *,
    template: str = RECORD_FORM,
    status: int = 200,
    **context: Any,
) -> HttpResponse:
    """A page with one form of an alliance (the record form template by default)."""
    context = {"form": form, "alliance": access.alliance, "title": title, **context}
    return render(request, template, context, status=status)


def child_record(
    access: AllianceAccess, model: type[R], pk: Any, parent: models.Model, *, write: bool = True
) -> R:
    """A record of ``parent`` (a conflict's view, a decision's weights) that the user may
    change (with ``write``): 404 when it belongs to another parent."""
    record = access.get_record(model, pk, write=write)
    if getattr(record, f"{parent._meta.model_name}_id") != parent.pk:
        raise Http404(f"No such {model._meta.verbose_name} in this {parent._meta.verbose_name}.")
    return record


def _redirect(access: AllianceAccess, then: Then, record: Any) -> HttpResponse:
    target = then(record) if callable(then) else then
    name, *args = (target,) if isinstance(target, str) else target
    return redirect(name, access.alliance.pk, *args)
