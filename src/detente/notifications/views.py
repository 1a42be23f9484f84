from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from detente import audit
from detente.notifications import present
from detente.notifications.events import preference
from detente.notifications.forms import PreferencesForm, WebhookForm
from detente.notifications.models import Kind, Notification, Preference, Webhook
from detente.records.visibility import get_alliance_access


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    data = present.inbox(request.user, unread_only=unread_only)
    return render(request, "notifications/inbox.html", {"data": data, "unread_only": unread_only})


@login_required
def bell(request: HttpRequest) -> HttpResponse:
    """The bell's unread count, fetched by htmx after the page, so no page pays a query."""
    unread = Notification.objects.for_user(request.user).filter(read_at__isnull=True).count()
    return render(request, "notifications/_bell.html", {"unread": unread})


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    Notification.objects.for_user(request.user).filter(read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("notification_inbox")


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one read; with htmx the item is redrawn in place, else go to its record."""
    try:
        note = Notification.objects.for_user(request.user).select_related("alliance").get(pk=pk)
    except Notification.DoesNotExist:
        raise Http404("No such notification.") from None
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    if request.headers.get("HX-Request"):
        return render(request, "notifications/_item.html", {"n": present.item(note)})
    return redirect(note.url or "notification_inbox")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    current: dict[str, tuple[bool, str]] = {kind: preference(request.user, kind) for kind in Kind}
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            for kind in Kind:
                _save_preference(
                    request.user,
                    kind,
                    in_app=form.cleaned_data[f"{kind}_in_app"],
                    email=form.cleaned_data[f"{kind}_email"],
                )
        messages.success(request, "Your notification choices are saved.")
        return redirect("notification_preferences")
    return render(request, "notifications/preferences.html", {"form": form})


def _save_preference(user: Any, kind: str, *, in_app: bool, email: str) -> None:
    """Store one choice, audited like every change; an unchanged choice writes nothing."""
    found = Preference.objects.filter(user=user, kind=kind).first()
    if found is not None and (found.in_app, found.email) == (in_app, email):
        return
    before = audit.snapshot(found) if found is not None else None
    pref, created = Preference.objects.update_or_create(
        user=user, kind=kind, defaults={"in_app": in_app, "email": email}
    )
    audit.log(
        user, "create" if created else "update", pref, before=before, after=audit.snapshot(pref)
    )


def _webhook_snapshot(hook: Webhook) -> dict:
    values = audit.snapshot(hook)
    values.pop("secret", None)  # the shared secret never goes into the audit log
    return values


@login_required
def webhooks(request: HttpRequest, alliance_id: int) -> HttpResponse:
    """A side's managers keep its outgoing webhooks; each is private to that side."""
    access = get_alliance_access(request.user, alliance_id, manage=True)
    sides = [s for s in access.my_sides if access.can_manage_on(s.id)]
    form = WebhookForm(request.POST or None, sides=sides)
    if request.method == "POST" and form.is_valid():
        hook = form.save(commit=False)
        hook.alliance = access.alliance
        hook.visibility = "private"
        hook.created_by = request.user
        hook.save()
        audit.log(request.user, "create", hook, after=_webhook_snapshot(hook))
        messages.success(request, "Webhook added. Its secret is shown below, for your receiver.")
        return redirect("notification_webhooks", alliance_id)
    hooks = access.records(Webhook).filter(owner_side_id__in=[s.id for s in sides])
    return render(
        request,
        "notifications/webhooks.html",
        {"access": access, "alliance": access.alliance, "form": form, "hooks": hooks},
    )


@login_required
@require_POST
def webhook_delete(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, manage=True)
    hook = access.get_record(Webhook, pk, write=True)
    if not access.can_manage_on(hook.owner_side_id):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Only a manager of the side that keeps this webhook may remove it.")
    audit.log(request.user, "delete", hook, before=_webhook_snapshot(hook))
    hook.delete()
    messages.success(request, "Webhook removed.")
    return redirect("notification_webhooks", alliance_id)
