"""Pages of the commitments ledger. Every view starts with the access helper."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from detente.commitments import present, services
from detente.commitments.forms import CommitmentForm
from detente.commitments.models import Commitment
from detente.records.forms import field
from detente.records.views import RecordPages, alliance_page
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


COMMITMENT_PAGES = RecordPages(CommitmentForm, then="commitments_home")


@alliance_page(write=True)
def commitment_new(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    return COMMITMENT_PAGES.create(
        request, access, "New commitment", "Commitment '{record}' recorded."
    )


@alliance_page(write=True)
def commitment_edit(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    commitment = access.get_record(Commitment, pk, write=True)
    title = f"Edit commitment '{commitment}'"
    return COMMITMENT_PAGES.edit(request, access, commitment, title, "Commitment updated.")


@alliance_page(write=True, post=True)
def commitment_delete(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    commitment = access.get_record(Commitment, pk, write=True)
    return COMMITMENT_PAGES.delete(request, access, commitment, "Commitment '{record}' deleted.")


class DoneForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=2000,
        label="What shows it was done (optional)",
        help_text="A link or a sentence; it is added to the evidence.",
    )


@alliance_page(write=True, post=True)
def commitment_done(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    """One click: the commitment is done today, with an optional note as evidence."""
    commitment = access.get_record(Commitment, pk, write=True)
    form = DoneForm(request.POST)
    if not form.is_valid():
        for name, errors in form.errors.items():
            messages.error(
                request, f"{form.fields[name].label}: {' '.join(str(e) for e in errors)}"
            )
    else:
        try:
            services.mark_done(access, commitment, form.cleaned_data["note"])
        except services.AlreadySettled as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, f"'{commitment}' marked done today.")
    return redirect("commitments_home", access.alliance.pk)
