"""Pages of the alliance workspace. Every view starts with the access helper."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from detente import audit
from detente.accounts import invitations
from detente.accounts.forms import InvitationForm
from detente.accounts.models import Organisation
from detente.alliances import present, services, side_invitations, timeline
from detente.alliances.forms import (
    TIMELINE_FORMS,
    AllianceForm,
    NewAllianceForm,
    SideForm,
    StakeholderForm,
    StatusForm,
    require_managed_organisation,
)
from detente.alliances.models import SideInvitation, Stakeholder
from detente.records import audit_reading
from detente.records import services as record_services
from detente.records.models import AllianceRecord
from detente.records.views import RecordPages, alliance_page, form_page
from detente.records.visibility import AllianceAccess, get_alliance_access
from detente.spreadsheets import SafeWriter


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
def alliance_new(request: HttpRequest) -> HttpResponse:
    require_managed_organisation(request.user)
    form = NewAllianceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        alliance = services.create_alliance(
            request.user,
            name=data["name"],
            purpose=data["purpose"],
            kind=data["kind"],
            start_date=data["start_date"],
            my_organisation=data["my_organisation"],
            partner_names=data["partners"],
            ask_consent=True,
        )
        messages.success(request, f"Alliance '{alliance}' created. Invite your counterparts next.")
        asked = [str(i.organisation) for i in alliance.side_invitations.all()]
        if asked:
            messages.info(
                request,
                f"{', '.join(asked)} already use detente: their managers are asked to accept, "
                "and each side appears when one of them does.",
            )
        return redirect("alliance_overview", alliance.pk)
    return render(request, "alliances/alliance_form.html", {"form": form, "is_new": True})


@alliance_page(write=True)
def alliance_edit(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    """The alliance itself (not a record kept by a side), on its own form and template."""
    before = audit.snapshot(access.alliance)
    form = AllianceForm(request.POST or None, instance=access.alliance)
    if request.method == "POST" and form.is_valid():
        record_services.save_form(access, form, before=before)
        messages.success(request, "Alliance updated.")
        return redirect("alliance_overview", access.alliance.pk)
    return render(
        request, "alliances/alliance_form.html", {"form": form, "alliance": access.alliance}
    )


@login_required
def alliance_status(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    form = StatusForm(request.POST or None, alliance=access.alliance)
    if request.method == "POST" and form.is_valid():
        services.change_status(access, form.cleaned_data["status"], form.cleaned_data["reason"])
        messages.success(request, f"Status is now {access.alliance.get_status_display()}.")
        return redirect("alliance_overview", alliance_id)
    return render(
        request,
        "alliances/simple_form.html",
        {"form": form, "alliance": access.alliance, "title": "Change status"},
    )


@login_required
def side_add(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, manage=True)
    form = SideForm(request.POST or None, alliance=access.alliance)
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["organisation"]
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            organisation = Organisation.objects.create(name=name)
            audit.log(request.user, "create", organisation, after=audit.snapshot(organisation))
        added = services.add_or_invite_side(
            request.user, access.alliance, organisation, form.cleaned_data["label"]
        )
        if isinstance(added, SideInvitation):
            messages.info(
                request,
                f"{name} already uses detente: its managers are asked to accept, and its side "
                "appears when one of them does.",
            )
        else:
            messages.success(request, f"{name} joined the alliance as a side.")
        return redirect("alliance_overview", alliance_id)
    return render(
        request,
        "alliances/simple_form.html",
        {"form": form, "alliance": access.alliance, "title": "Add a side"},
    )


@login_required
@require_POST
def side_invitation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager of an invited organisation accepts or declines joining an alliance.

    The user is not in the alliance yet, so access goes through the organisation: an
    invitation to an organisation the user is not in is 404, a non-manager there gets 403.
    """
    invitation = side_invitations.get_to_answer(request.user, pk)
    accept = request.POST.get("answer") == "accept"
    services.answer_side_invitation(request.user, invitation, accept)
    if accept:
        messages.success(request, f"{invitation.organisation} joined {invitation.alliance}.")
        return redirect("alliance_overview", invitation.alliance_id)
    messages.info(request, f"You declined to join {invitation.alliance}.")
    return redirect("portfolio")


@login_required
def invite(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, manage=True)
    form = InvitationForm(request.POST or None, access=access)
    if request.method == "POST" and form.is_valid():
        side = form.cleaned_data["side"]
        invitations.invite(
            request.user,
            email=form.cleaned_data["email"],
            organisation=side.organisation,
            role=form.cleaned_data["role"],
            alliance=access.alliance,
            name=form.cleaned_data["name"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
        return redirect("alliance_overview", alliance_id)
    return render(
        request,
        "alliances/simple_form.html",
        {
            "form": form,
            "alliance": access.alliance,
            "title": "Invite a person",
            "submit": "Send invitation",
        },
    )


# Stakeholders ---------------------------------------------------------------------------


STAKEHOLDER_PAGES = RecordPages(StakeholderForm, then="alliance_overview")


@alliance_page(write=True)
def stakeholder_new(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    return STAKEHOLDER_PAGES.create(request, access, "Add a stakeholder", "{record} added.")


@alliance_page(write=True)
def stakeholder_edit(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    stakeholder = access.get_record(Stakeholder, pk, write=True)
    title = f"Edit {stakeholder}"
    return STAKEHOLDER_PAGES.edit(request, access, stakeholder, title, "{record} updated.")


@alliance_page(write=True, post=True)
def stakeholder_delete(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    stakeholder = access.get_record(Stakeholder, pk, write=True)
    return STAKEHOLDER_PAGES.delete(request, access, stakeholder, "{record} removed.")


# Timeline -------------------------------------------------------------------------------


def _timeline_kind(kind: str, **_: Any) -> type[AllianceRecord]:
    if kind not in timeline.KINDS:
        raise Http404("No such kind of timeline entry.")
    return timeline.KINDS[kind]


ENTRY_PAGES = {
    kind: RecordPages(form, then="alliance_overview") for kind, form in TIMELINE_FORMS.items()
}


@alliance_page(write=True, check=_timeline_kind)
def entry_new(request: HttpRequest, access: AllianceAccess, kind: str) -> HttpResponse:
    label = timeline.KIND_LABELS[kind]
    title = f"New {label.lower()} entry"
    return ENTRY_PAGES[kind].create(request, access, title, f"{label} entry added.")


@alliance_page(write=True, check=_timeline_kind)
def entry_edit(request: HttpRequest, access: AllianceAccess, kind: str, pk: int) -> HttpResponse:
    """Edit a timeline entry; with htmx, in place in the timeline (so not on RecordPages)."""
    record = access.get_record(timeline.KINDS[kind], pk, write=True)
    before = audit.snapshot(record)
    form = TIMELINE_FORMS[kind](request.POST or None, instance=record, access=access)
    if request.method == "POST" and form.is_valid():
        record = record_services.save_form(access, form, before=before)
        if _is_htmx(request):
            entry = timeline.entry(access, kind, pk)
            return render(request, "alliances/_entry.html", {"entry": entry, "access": access})
        messages.success(request, "Entry updated.")
        return redirect("alliance_overview", access.alliance.pk)
    if _is_htmx(request):
        context = {"form": form, "alliance": access.alliance, "kind": kind, "record": record}
        return render(request, "alliances/_entry_form.html", context)
    title = f"Edit {timeline.KIND_LABELS[kind].lower()} entry"
    return form_page(request, access, form, title, kind=kind, record=record)


@login_required
def entry_detail(request: HttpRequest, alliance_id: int, kind: str, pk: int) -> HttpResponse:
    _timeline_kind(kind)
    access = get_alliance_access(request.user, alliance_id)
    entry = present.entry(access, kind, pk)
    return render(request, "alliances/_entry.html", {"entry": entry, "access": access})


@alliance_page(write=True, post=True, check=_timeline_kind)
def entry_delete(request: HttpRequest, access: AllianceAccess, kind: str, pk: int) -> HttpResponse:
    record = access.get_record(timeline.KINDS[kind], pk, write=True)
    if _is_htmx(request):  # the entry is taken out of the timeline in place
        record_services.delete_record(access, record)
        return HttpResponse("")
    return ENTRY_PAGES[kind].delete(request, access, record, "Entry deleted.")


@login_required
def timeline_export(request: HttpRequest, alliance_id: int) -> HttpResponse:
    """The visible timeline as CSV, through the same rule as the page."""
    access = get_alliance_access(request.user, alliance_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="alliance-{alliance_id}-timeline.csv"'
    writer = SafeWriter(response)  # no cell starts a formula in the reader's spreadsheet
    writer.writerow(["date", "kind", "type", "title", "side", "visibility", "notes"])
    for entry in timeline.entries(access):
        r = entry.record
        writer.writerow(
            [
                entry.date.isoformat(),
                entry.kind,
                _entry_type(entry),
                getattr(r, "title", None) or getattr(r, "subject", ""),
                str(r.owner_side),
                r.visibility,
                r.notes,
            ]
        )
    return response


def _entry_type(entry: timeline.Entry) -> str:
    r: Any = entry.record
    if entry.kind == "history":
        return r.get_category_display()
    return r.get_kind_display()


@login_required
def audit_log(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    form = audit_reading.AuditFilter(request.GET or None, access=access)
    filters = form.cleaned_data if form.is_valid() else {}
    page = audit_reading.read(access, filters, request.GET.get("page", 1))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "alliance": access.alliance,
        "entries": page.object_list,
        "page": page,
        "filter_form": form,
        "query": query.urlencode(),  # the filters, kept by the page links
    }
    return render(request, "alliances/audit.html", context)


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Search every visible record of the user's alliances."""
    from detente.alliances.search import search_records

    query = request.GET.get("q", "").strip()
    results = search_records(request.user, query) if query else []
    return render(request, "alliances/search.html", {"query": query, "results": results})
