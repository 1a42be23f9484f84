"""Pages of the joint plan. Every view starts with the access helper (``alliance_page``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from detente.approvals import present as approvals_present
from detente.plans import approval, present, services
from detente.plans.forms import PlanItemForm, ProposeForm, StartPlanForm
from detente.plans.models import SECTIONS, SINGULAR, Plan, PlanItem, PlanVersion, Section
from detente.records.views import RecordPages, alliance_page
from detente.records.visibility import AllianceAccess


def _plan(access: AllianceAccess) -> Plan:
    found = access.records(Plan).first()
    if found is None:
        raise Http404("This alliance has no plan yet.")
    return found


def _render(
    request: HttpRequest, access: AllianceAccess, template: str = "plans/home.html", **extra: Any
) -> HttpResponse:
    data = present.plan(access)
    status = extra.pop("status", 200)
    plan = access.records(Plan).first()
    # The reader's side's internal approval of the joint plan before proposing (private to it).
    if plan is not None and "approval" not in extra:
        extra["approval"] = approvals_present.panel(access, approval.PLAN, plan)
    return render(
        request,
        template,
        {
            "access": access,
            "alliance": access.alliance,
            "data": data,
            "start_form": extra.pop("start_form", StartPlanForm()),
            "propose_form": ProposeForm(),
            **extra,
        },
        status=status,
    )


@alliance_page()
def plan_home(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    return _render(request, access)


@alliance_page(write=True, post=True)
def plan_start(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    form = StartPlanForm(request.POST)
    if not form.is_valid():
        return _render(request, access, start_form=form, status=422)
    try:
        services.start_plan(access, **form.cleaned_data)
    except services.Refused as refused:
        messages.error(request, refused.messages[0])
    else:
        messages.success(request, "Plan started: add its first items.")
    return redirect("plan_home", access.alliance.pk)


ITEM_PAGES = RecordPages(PlanItemForm, then="plan_home", save=services.save_item)


@alliance_page(write=True)
def plan_item_new(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    plan = _plan(access)
    sections = SECTIONS[Plan.Format(plan.format)]
    asked = request.GET.get("section", "")
    section = Section(asked) if asked in [s.value for s in sections] else sections[0]
    initial = {"section": section.value, "visibility": request.GET.get("visibility", "joint")}
    title = f"New {SINGULAR[section].lower()} of the plan"
    return ITEM_PAGES.create(
        request, access, title, "'{record}' added to the plan.", plan=plan, initial=initial
    )


@alliance_page(write=True)
def plan_item_edit(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    item = access.get_record(PlanItem, pk, write=True)
    return ITEM_PAGES.edit(
        request, access, item, f"Edit '{item}'", "Plan item updated.", plan=item.plan
    )


@alliance_page(write=True, post=True)
def plan_item_delete(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    item = access.get_record(PlanItem, pk, write=True)
    return ITEM_PAGES.delete(request, access, item, "'{record}' removed from the plan.")


def move_target(access: AllianceAccess, pk: Any) -> PlanItem:
    """An item the user may reorder: a joint item by any writer of the alliance (the order
    of the joint plan is both sides'), an internal one by a writer of its side."""
    item = access.get_record(PlanItem, pk)
    if item.visibility != "joint" and not access.can_write_on(item.owner_side_id):
        raise PermissionDenied("Only writers of the side that keeps this item may move it.")
    return item


@alliance_page(write=True, post=True)
def plan_item_move(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    item = move_target(access, pk)
    services.move_item(access, item, "up" if request.POST.get("direction") == "up" else "down")
    if request.headers.get("HX-Request"):
        return _render(request, access, "plans/_plan.html")
    return redirect("plan_home", access.alliance.pk)


@alliance_page(write=True, post=True)
def plan_propose(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    plan = _plan(access)
    form = ProposeForm(request.POST)
    summary = form.cleaned_data["summary"] if form.is_valid() else ""
    try:
        version = services.propose_version(access, plan, side=access.default_side, summary=summary)
    except services.Refused as refused:
        messages.error(request, refused.messages[0])
        return redirect("plan_home", access.alliance.pk)
    messages.success(request, f"{version.label} proposed: each side signs it.")
    return redirect("plan_version", access.alliance.pk, version.pk)


@alliance_page()
def plan_version(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    data = present.version(access, pk)
    version = access.get_record(PlanVersion, pk)
    return render(
        request,
        "plans/version.html",
        {
            "access": access,
            "alliance": access.alliance,
            "v": data,
            # The reader's side's internal approval before signing (private to it).
            "approval": approvals_present.panel(access, approval.KIND, version)
            if version.status == PlanVersion.Status.PROPOSED
            else None,
        },
    )


@alliance_page(write=True, post=True)
def plan_version_sign(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    version = access.get_record(PlanVersion, pk)
    try:
        side = next(s for s in access.sides if str(s.pk) == request.POST.get("side"))
    except StopIteration:
        side = access.default_side
    if not access.can_write_on(side.pk):
        raise PermissionDenied("Only a member or manager of a side may sign for it.")
    try:
        services.sign_version(access, version, side)
    except services.Refused as refused:
        messages.error(request, refused.messages[0])
    else:
        messages.success(request, f"{version.label} signed for {side}.")
    return redirect("plan_version", access.alliance.pk, version.pk)


@alliance_page(write=True, post=True)
def plan_version_withdraw(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    version = access.get_record(PlanVersion, pk)
    try:
        services.withdraw_version(access, version)
    except services.Refused as refused:
        messages.error(request, refused.messages[0])
    else:
        messages.success(request, f"{version.label} withdrawn.")
    return redirect("plan_version", access.alliance.pk, version.pk)


@alliance_page()
def plan_diff(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    data = present.compare(access, request.GET.get("a"), request.GET.get("b"))
    return render(
        request, "plans/diff.html", {"access": access, "alliance": access.alliance, "d": data}
    )
