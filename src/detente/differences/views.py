"""Pages of the differences register. Every view starts with the access helper."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from detente import audit
from detente.differences import present
from detente.differences.forms import DifferenceFilter, DifferenceForm
from detente.differences.models import Difference
from detente.records import services
from detente.records.visibility import get_alliance_access


@login_required
def differences_home(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    filter_form = DifferenceFilter(request.GET or None)
    category = filter_form.cleaned_data["category"] if filter_form.is_valid() else ""
    page = present.register(access, category)
    context = {
        "access": access,
        "alliance": access.alliance,
        "differences": page.differences,
        "matrix": page.matrix,
        "filter_form": filter_form,
        "private_count": page.private_count,
    }
    return render(request, "differences/home.html", context)


@login_required
def difference_new(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    form = DifferenceForm(request.POST or None, access=access)
    if request.method == "POST" and form.is_valid():
        difference = services.save_form(access, form)
        messages.success(request, f"'{difference}' added to the register.")
        return redirect("differences_home", alliance_id)
    return render(
        request,
        "differences/form.html",
        {"form": form, "alliance": access.alliance, "title": "Add a difference"},
        status=422 if request.method == "POST" else 200,
    )


@login_required
def difference_detail(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    page = present.difference(access, pk)
    return render(
        request,
        "differences/detail.html",
        {"access": access, "alliance": access.alliance, "d": page.d, "matrix": page.matrix},
    )


@login_required
def difference_edit(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    difference = access.get_record(Difference, pk, write=True)
    before = audit.snapshot(difference)
    form = DifferenceForm(request.POST or None, instance=difference, access=access)
    if request.method == "POST" and form.is_valid():
        services.save_form(access, form, before=before)
        messages.success(request, f"'{difference}' updated.")
        return redirect("differences_home", alliance_id)
    return render(
        request,
        "differences/form.html",
        {
            "form": form,
            "alliance": access.alliance,
            "title": f"Edit '{difference}'",
            "difference": difference,
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def difference_delete(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    difference = access.get_record(Difference, pk, write=True)
    services.delete_record(access, difference)
    messages.success(request, f"'{difference}' removed from the register.")
    return redirect("differences_home", alliance_id)
