"""Approval pages. Every view starts with the access helper; the data comes from
``detente.approvals.present``, the same functions the API returns."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from detente.approvals import present, registry, services
from detente.approvals.forms import AnswerForm, RequestForm
from detente.approvals.models import ApprovalRequest
from detente.records.views import alliance_page
from detente.records.visibility import AllianceAccess


def _context(access: AllianceAccess, **more: object) -> dict[str, object]:
    return {"access": access, "alliance": access.alliance, **more}


@alliance_page()
def approvals_home(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    page = present.inbox(access)
    return render(request, "approvals/home.html", _context(access, page=page))


@alliance_page(write=True)
def approval_new(
    request: HttpRequest, access: AllianceAccess, kind: str, object_id: int
) -> HttpResponse:
    record = present.target(access, kind, object_id)
    label = registry.get(kind).describe(record)
    existing = services.requests_for(access, kind, record)
    mine = next((r for r in existing if r.owner_side_id == access.default_side.pk), None)
    initial = (
        {"approvers": [a.user_id for a in mine.approvers.all()], "note": mine.note}
        if mine
        else None
    )
    form = RequestForm(
        request.POST or None, initial=initial, side=access.default_side, user=access.user
    )
    if request.method == "POST" and form.is_valid():
        services.request_approval(
            access, kind, record, list(form.cleaned_data["approvers"]), form.cleaned_data["note"]
        )
        messages.success(request, f"Your colleagues were asked to approve {label}.")
        return redirect("approvals_home", access.alliance.pk)
    return render(
        request,
        "approvals/request.html",
        _context(access, form=form, label=label, again=mine is not None),
        status=422 if request.method == "POST" else 200,
    )


@alliance_page()
def approval_detail(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    item = present.detail(access, pk)
    return render(request, "approvals/detail.html", _context(access, item=item, form=AnswerForm()))


@alliance_page(post=True)
def approval_answer(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    approval = access.get_record(ApprovalRequest, pk)
    form = AnswerForm(request.POST)
    if not approval.approvers.filter(user=access.user).exists():
        raise PermissionDenied("Only a colleague named on this request may answer it.")
    if form.is_valid():
        services.answer(
            access, approval, form.cleaned_data["decision"], form.cleaned_data["comment"]
        )
        messages.success(request, "Your answer is recorded; your colleague is told.")
        return redirect("approval_detail", access.alliance.pk, pk)
    item = present.detail(access, pk)
    return render(
        request, "approvals/detail.html", _context(access, item=item, form=form), status=422
    )


@alliance_page(write=True, post=True)
def approval_withdraw(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    approval = access.get_record(ApprovalRequest, pk, write=True)
    services.withdraw(access, approval)
    messages.success(request, f"The request for approval of {approval.title} was withdrawn.")
    return redirect("approvals_home", access.alliance.pk)
