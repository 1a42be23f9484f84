"""Vision and ideas pages, under the Negotiation tab: the shared vision is re-articulated
when the sides re-negotiate, and an idea becomes a negotiation issue in one click."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from detente.records.views import RecordPages, alliance_page, form_page
from detente.records.visibility import AllianceAccess
from detente.vision import present, services
from detente.vision.forms import IdeaForm, VisionForm
from detente.vision.models import Idea, VisionVersion

IDEA_PAGES = RecordPages(
    IdeaForm, then="vision_home", template="vision/form.html", invalid_status=422
)


@alliance_page()
def vision_home(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    page = present.home(access, request.GET.get("status", ""))
    return render(
        request,
        "vision/home.html",
        {"access": access, "alliance": access.alliance, "page": page,
         "statuses": Idea.Status.choices},
    )  # fmt: skip


@alliance_page(write=True)
def vision_propose(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    current = services.current_vision(access)
    current_text = current.text if current else ""
    form = VisionForm(
        request.POST or None,
        access=access,
        current=current_text,
        initial={"text": current_text},
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.propose(access, form)
        except services.Refused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"{version} proposed. The other side accepts it to make it the vision."
            )
            return redirect("vision_home", access.alliance.pk)
    title = "Propose a revision of the vision" if current else "Propose the shared vision"
    status = 422 if request.method == "POST" else 200
    return form_page(request, access, form, title, template="vision/form.html", status=status)


@alliance_page()
def vision_version(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    page = present.version(access, pk)
    return render(
        request,
        "vision/version.html",
        {"access": access, "alliance": access.alliance, "page": page},
    )


@alliance_page(write=True, post=True)
def vision_accept(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    version = access.get_record(VisionVersion, pk)
    try:
        services.accept(access, version)
    except services.Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{version} accepted: it is now the shared vision.")
    return redirect("vision_home", access.alliance.pk)


@alliance_page(write=True)
def idea_new(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    message = "Idea '{record}' added."
    return IDEA_PAGES.create(request, access, "New idea", message)


@alliance_page(write=True)
def idea_edit(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    idea = access.get_record(Idea, pk, write=True)
    return IDEA_PAGES.edit(request, access, idea, f"Edit idea '{idea}'", "Idea updated.")


@alliance_page(write=True, post=True)
def idea_delete(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    idea = access.get_record(Idea, pk, write=True)
    return IDEA_PAGES.delete(request, access, idea, "Idea '{record}' deleted.")


@alliance_page(write=True, post=True)
def idea_vote(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    """Vote up, down or take the vote back; with htmx, answer the idea's row."""
    idea = access.get_record(Idea, pk)
    value = services.VOTES.get(request.POST.get("vote", ""))
    if value is None:
        messages.error(request, "Vote: choose up, down or none.")
    else:
        services.vote(access, idea, value)
    if request.headers.get("HX-Request") and value is not None:
        row = present.idea(access, idea.pk)
        return render(
            request,
            "vision/_idea.html",
            {
                "access": access,
                "alliance": access.alliance,
                "idea": row,
                "conversions": present.targets(access),
            },
        )
    return redirect("vision_home", access.alliance.pk)


@alliance_page(write=True, post=True)
def idea_convert(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    idea = access.get_record(Idea, pk)
    try:
        converted = services.convert(
            access, idea, request.POST.get("target", ""), request.POST.get("choice")
        )
    except services.Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Idea '{converted}' is now {converted.converted_label}.")
    return redirect("vision_home", access.alliance.pk)
