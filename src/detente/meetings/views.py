"""Pages of meetings and the cadence. Every view starts with the access helper."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from detente import audit
from detente.meetings import exports, present, services
from detente.meetings.cadence import cadence_for
from detente.meetings.forms import AgendaItemForm, CadenceForm, MeetingForm, alliance_people
from detente.meetings.models import AgendaItem, Meeting
from detente.records.views import RecordPages, alliance_page, child_record, form_page
from detente.records.visibility import AllianceAccess


@alliance_page()
def meetings_home(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    page = present.home(access)
    return render(
        request, "meetings/home.html", {"access": access, "alliance": access.alliance, "page": page}
    )


MEETING_PAGES = RecordPages(
    MeetingForm,
    then=lambda m: ("meeting_detail", m.pk),
    save=services.create_meeting,
    record_name="meeting",
    invalid_status=422,
)


@alliance_page(write=True)
def meeting_new(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    message = "'{record}' scheduled, with an agenda from the alliance's data."
    return MEETING_PAGES.create(request, access, "Schedule a meeting", message)


@alliance_page(write=True)
def meeting_edit(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    meeting = access.get_record(Meeting, pk, write=True)
    pages = RecordPages(MeetingForm, then=lambda m: ("meeting_detail", m.pk), invalid_status=422)
    return pages.edit(request, access, meeting, f"Edit '{meeting}'", "'{record}' updated.")


def _detail(request: HttpRequest, access: AllianceAccess, pk: int, **extra: object) -> HttpResponse:
    page = present.meeting(access, pk)
    m = page.meeting
    context = {
        "access": access,
        "alliance": access.alliance,
        "page": page,
        "m": m,
        "can_edit": access.can_write_on(m.owner_side_id),
        "add_form": AgendaItemForm(),
        "sides": access.sides
        if not m.is_private
        else [s for s in access.sides if s.pk == m.owner_side_id],
        "people": alliance_people(access),
        **extra,
    }
    template = (
        "meetings/_agenda.html" if request.headers.get("HX-Request") else "meetings/detail.html"
    )
    return render(request, template, context, status=int(str(extra.get("status", 200))))


@alliance_page()
def meeting_detail(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    return _detail(request, access, pk)


@alliance_page(write=True, post=True)
def agenda_move(
    request: HttpRequest, access: AllianceAccess, pk: int, item_id: int
) -> HttpResponse:
    meeting = access.get_record(Meeting, pk, write=True)
    item = child_record(access, AgendaItem, item_id, meeting)
    services.move(access, meeting, item, "up" if request.POST.get("direction") == "up" else "down")
    return _after_agenda(request, access, meeting)


@alliance_page(write=True, post=True)
def agenda_remove(
    request: HttpRequest, access: AllianceAccess, pk: int, item_id: int
) -> HttpResponse:
    meeting = access.get_record(Meeting, pk, write=True)
    services.remove_item(access, child_record(access, AgendaItem, item_id, meeting))
    return _after_agenda(request, access, meeting)


@alliance_page(write=True, post=True)
def agenda_add(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    meeting = access.get_record(Meeting, pk, write=True)
    form = AgendaItemForm(request.POST)
    if not form.is_valid():
        return _detail(request, access, pk, add_form=form, status=422)
    services.add_item(access, meeting, form.cleaned_data["title"], form.cleaned_data["detail"])
    return _after_agenda(request, access, meeting)


@alliance_page(write=True, post=True)
def agenda_refresh(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    meeting = access.get_record(Meeting, pk, write=True)
    added = services.refresh_agenda(access, meeting)
    messages.success(request, f"{len(added)} new item(s) from the alliance's data.")
    return redirect("meeting_detail", access.alliance.pk, meeting.pk)


def _after_agenda(request: HttpRequest, access: AllianceAccess, meeting: Meeting) -> HttpResponse:
    if request.headers.get("HX-Request"):
        return _detail(request, access, meeting.pk)
    return redirect("meeting_detail", access.alliance.pk, meeting.pk)


@alliance_page(write=True, post=True)
def meeting_minutes(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    meeting = access.get_record(Meeting, pk, write=True)
    minutes = {
        item.pk: request.POST.get(f"minutes_{item.pk}", item.minutes)[:20000]
        for item in meeting.items.all()
    }
    services.save_minutes(access, meeting, minutes, request.POST.get("decisions"))
    messages.success(request, "Minutes and decisions saved.")
    return redirect("meeting_detail", access.alliance.pk, meeting.pk)


@alliance_page(write=True, post=True)
def meeting_actions(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    meeting = access.get_record(Meeting, pk, write=True)
    rows = []
    for n in range(1, 6):
        title = request.POST.get(f"action_{n}_title", "").strip()
        if title:
            rows.append(
                services.ActionRow(
                    title=title,
                    side_id=request.POST.get(f"action_{n}_side"),
                    owner_id=request.POST.get(f"action_{n}_owner"),
                    due_date=request.POST.get(f"action_{n}_due_date"),
                )
            )
    try:
        made = services.create_actions(access, meeting, rows)
    except services.ActionsInvalid as refused:
        return _detail(request, access, pk, action_errors=refused.errors, status=422)
    messages.success(request, f"{len(made)} action(s) added to the commitments ledger.")
    return redirect("meeting_detail", access.alliance.pk, meeting.pk)


def _download(body: bytes | str, kind: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@alliance_page()
def meeting_pdf(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    page = present.meeting(access, pk)
    return _download(exports.pdf(page), "application/pdf", f"meeting-{pk}.pdf")


@alliance_page()
def meeting_md(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    page = present.meeting(access, pk)
    return _download(exports.markdown(page), "text/markdown; charset=utf-8", f"meeting-{pk}.md")


@alliance_page()
def meeting_ics(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    page = present.meeting(access, pk)
    return _download(exports.ics(page), "text/calendar; charset=utf-8", f"meeting-{pk}.ics")


@alliance_page()
def cadence_page(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    page = present.cadence_page(access)
    context = {"access": access, "alliance": access.alliance, "page": page}
    return render(request, "meetings/cadence.html", context)


@alliance_page(manage=True)
def cadence_edit(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    stored = cadence_for(access.alliance)
    before = audit.snapshot(stored) if stored.pk else None
    form = CadenceForm(request.POST or None, instance=stored, access=access)
    if request.method == "POST" and form.is_valid():
        services.save_cadence(access, form, before=before)
        messages.success(request, "Cadence saved.")
        return redirect("meetings_cadence", access.alliance.pk)
    status = 422 if request.method == "POST" else 200
    return form_page(request, access, form, "Meeting cadence", status=status)


@alliance_page()
def digest_page(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    context = {"access": access, "alliance": access.alliance}
    try:
        page = present.digest(access, request.GET.get("month"))
    except ValueError as refused:
        context["month_error"] = f"Month: {refused}"
        page = present.digest(access)
        context["page"] = page
        return render(request, "meetings/digest.html", context, status=422)
    context["page"] = page
    return render(request, "meetings/digest.html", context)
