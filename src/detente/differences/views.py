"""Pages of the differences register. Every view starts with the access helper."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from detente.differences import present
from detente.differences.forms import DifferenceFilter, DifferenceForm
from detente.differences.models import Difference
from detente.records.views import RecordPages, alliance_page
from detente.records.visibility import AllianceAccess, get_alliance_access


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


# A refused form answers 422, as the register's form always has.
DIFFERENCE_PAGES = RecordPages(
    DifferenceForm,
    then="differences_home",
    template="differences/form.html",
    record_name="difference",
    invalid_status=422,
)


@alliance_page(write=True)
def difference_new(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    message = "'{record}' added to the register."
    return DIFFERENCE_PAGES.create(request, access, "Add a difference", message)


@login_required
def difference_detail(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    page = present.difference(access, pk)
    return render(
        request,
        "differences/detail.html",
        {"access": access, "alliance": access.alliance, "d": page.d, "matrix": page.matrix},
    )


@alliance_page(write=True)
def difference_edit(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    difference = access.get_record(Difference, pk, write=True)
    title = f"Edit '{difference}'"
    return DIFFERENCE_PAGES.edit(request, access, difference, title, "'{record}' updated.")


@alliance_page(write=True, post=True)
def difference_delete(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    difference = access.get_record(Difference, pk, write=True)
    message = "'{record}' removed from the register."
    return DIFFERENCE_PAGES.delete(request, access, difference, message)
