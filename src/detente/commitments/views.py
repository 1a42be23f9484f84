"""Pages of the commitments ledger. Every view starts with the access helper."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from detente import audit
from detente.commitments import present
from detente.commitments.forms import CommitmentForm
from detente.commitments.models import Commitment
from detente.records import services
from detente.records.forms import field
from detente.records.visibility import AllianceAccess, get_alliance_access

STATUS_FILTERS = [("", "Any status"), ("late", "Late")] + list(Commitment.Status.choices)


class LedgerFilter(forms.Form):
    status = forms.ChoiceField(required=False, choices=STATUS_FILTERS)
    owed_by = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)

    def __init__(self, *args, access: AllianceAccess, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field(self, "owed_by", forms.ChoiceField).choices = [("", "Owed by any side")] + [
            (s.pk, f"Owed by {s}") for s in access.sides
        ]


@login_required
def commitments_home(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    filter_form = LedgerFilter(request.GET or None, access=access)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    page = present.ledger(access, status=filters.get("status"), owed_by=filters.get("owed_by"))
    return render(
        request,
        "commitments/home.html",
        {
            "access": access,
            "alliance": access.alliance,
            "commitments": page.attention_first,
            "filter_form": filter_form,
            "chart": page.chart,
            "late_count": page.late_count,
        },
    )


@login_required
def commitment_new(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    form = CommitmentForm(request.POST or None, access=access)
    if request.method == "POST" and form.is_valid():
        commitment = services.save_form(access, form)
        messages.success(request, f"Commitment '{commitment}' recorded.")
        return redirect("commitments_home", alliance_id)
    return _form_page(request, access, form, "New commitment")


@login_required
def commitment_edit(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    commitment = access.get_record(Commitment, pk, write=True)
    before = audit.snapshot(commitment)
    form = CommitmentForm(request.POST or None, instance=commitment, access=access)
    if request.method == "POST" and form.is_valid():
        services.save_form(access, form, before=before)
        messages.success(request, "Commitment updated.")
        return redirect("commitments_home", alliance_id)
    return _form_page(request, access, form, f"Edit commitment '{commitment}'")


@login_required
@require_POST
def commitment_delete(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    commitment = access.get_record(Commitment, pk, write=True)
    services.delete_record(access, commitment)
    messages.success(request, f"Commitment '{commitment}' deleted.")
    return redirect("commitments_home", alliance_id)


def _form_page(request: HttpRequest, access: AllianceAccess, form, title: str) -> HttpResponse:
    return render(
        request,
        "alliances/record_form.html",
        {"form": form, "alliance": access.alliance, "title": title},
    )
