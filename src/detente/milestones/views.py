"""Milestone pages, under the Goal realism tab. Every view starts with the access helper."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from detente.goals.services import get_check
from detente.milestones import present, reference, services
from detente.milestones.forms import MilestoneForm
from detente.milestones.models import Milestone
from detente.records.api import FormInvalid
from detente.records.views import RecordPages, alliance_page
from detente.records.visibility import AllianceAccess, get_alliance_access

PAGES = RecordPages(
    MilestoneForm,
    then=lambda m: ("milestone_detail", m.pk),
    save=services.save,
    context={"back": "milestones_home"},
)


@login_required
def milestones_home(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    page = present.milestones(access)
    return render(
        request,
        "milestones/home.html",
        {"access": access, "alliance": access.alliance, "milestones": page.milestones},
    )


@login_required
def milestone_detail(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    page = present.milestone(access, pk)
    data = page.data
    return render(
        request,
        "milestones/detail.html",
        {
            "access": access,
            "alliance": access.alliance,
            "milestone": page.milestone,
            "readings": page.readings,
            "data": data,
            "chart": {
                "labels": [r["as_of"] for r in data["readings"]],
                "probability": [r["probability"] for r in data["readings"]],
                "achieved": [r["achieved"] for r in data["readings"]],
                "target": data["target"],
                "confidence": data["confidence"] / 100,
            },
            "can_edit": access.can_write_on(page.milestone.owner_side_id),
            "can_answer": page.can_answer,
        },
    )


@alliance_page(write=True)
def milestone_new(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    initial = {"measured_by": access.default_side.pk}
    kpi = request.GET.get("kpi")
    if kpi and kpi.isdigit():
        initial["kpi"] = int(kpi)
    message = "Milestone '{record}' saved."
    return PAGES.create(request, access, "New milestone", message, initial=initial)


@alliance_page(write=True)
def milestone_edit(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    milestone = services.get_milestone(access, pk, write=True)
    message = "Milestone updated."
    if milestone.state == Milestone.State.AGREED:
        message += " If its terms changed, the other side is asked to accept it again."
    return PAGES.edit(request, access, milestone, f"Edit {milestone}", message)


@alliance_page(write=True, post=True)
def milestone_delete(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    milestone = services.get_milestone(access, pk, write=True)
    return PAGES.delete(
        request, access, milestone, "Milestone '{record}' deleted.", then="milestones_home"
    )


def _answer(request: HttpRequest, access: AllianceAccess, pk: int, accept: bool) -> HttpResponse:
    milestone = services.get_milestone(access, pk)
    if milestone.state != Milestone.State.PROPOSED:
        messages.error(request, "This milestone is not waiting for an answer.")
        return redirect("milestone_detail", access.alliance.pk, pk)
    if not services.can_answer(access, milestone):
        raise PermissionDenied("Only the other side may accept or decline a milestone.")
    services.answer(access, milestone, accept=accept)
    messages.success(
        request, "Milestone agreed by both sides." if accept else "Milestone declined."
    )
    return redirect("milestone_detail", access.alliance.pk, pk)


@alliance_page(write=True, post=True)
def milestone_accept(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    return _answer(request, access, pk, accept=True)


@alliance_page(write=True, post=True)
def milestone_decline(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    return _answer(request, access, pk, accept=False)


@alliance_page(write=True, post=True)
def milestone_from_phase(
    request: HttpRequest, access: AllianceAccess, check_id: int, index: int
) -> HttpResponse:
    """One click on a phase of a realism check's proposed plan."""
    check = get_check(access, check_id)
    try:
        milestone = services.from_check(access, check, index)
    except FormInvalid as exc:
        problems = "; ".join(f"{name}: {' '.join(errs)}" for name, errs in exc.form.errors.items())
        messages.error(request, f"The phase could not become a milestone: {problems}")
        return redirect("realism_check", access.alliance.pk, check_id)
    state = "proposed to the other side" if milestone.state == "proposed" else "saved as a draft"
    messages.success(request, f"Milestone '{milestone}' {state}.")
    return redirect("milestone_detail", access.alliance.pk, milestone.pk)


@login_required
def reference_class(request: HttpRequest, alliance_id: int) -> HttpResponse:
    """The reader's own organisation's reference class (never the partner's)."""
    access = get_alliance_access(request.user, alliance_id)
    page = reference.reference(access)
    return render(
        request,
        "milestones/reference.html",
        {"access": access, "alliance": access.alliance, "page": page, "data": page.data},
    )


@alliance_page(write=True, post=True)
def reference_import(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Choose a CSV file of past projects to import.")
        return redirect("reference_class", access.alliance.pk)
    try:
        made = reference.import_projects(access, upload.read())
    except reference.ImportRefused as refused:
        messages.error(request, f"Nothing was imported: {refused}.")
        return redirect("reference_class", access.alliance.pk)
    messages.success(request, f"{len(made)} past projects imported.")
    return redirect("reference_class", access.alliance.pk)
