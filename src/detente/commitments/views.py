"""Pages of the commitments ledger. Every view starts with the access helper."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from detente.alliances.models import HistoryEntry, Interaction
from detente.commitments import ledger
from detente.commitments.forms import CommitmentForm
from detente.commitments.models import Commitment
from detente.records.views import RecordPages, alliance_page
from detente.records.visibility import AllianceAccess, get_alliance_access

STATUS_FILTERS = [("", "Any status"), ("late", "Late")] + list(Commitment.Status.choices)


class LedgerFilter(forms.Form):
    status = forms.ChoiceField(required=False, choices=STATUS_FILTERS)
    owed_by = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)

    def __init__(self, *args, access: AllianceAccess, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owed_by"].choices = [("", "Owed by any side")] + [
            (s.pk, f"Owed by {s}") for s in access.sides
        ]


@login_required
def commitments_home(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    today = timezone.localdate()
    filter_form = LedgerFilter(request.GET or None, access=access)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    qs = ledger.visible(access).select_related("source_interaction", "source_history")
    if filters.get("owed_by"):
        qs = qs.filter(owed_by_id=filters["owed_by"])
    status = filters.get("status")
    if status == "late":
        qs = qs.filter(status__in=["open", "disputed"], due_date__lt=today)
    elif status:
        qs = qs.filter(status=status)
    # What needs attention first: late ones (oldest first), then open ones by due date, then
    # the settled ones, newest first.
    rows = list(qs)
    settled = [c for c in rows if c.status not in ("open", "disputed")]
    owed = [c for c in rows if c.status in ("open", "disputed")]
    owed.sort(key=lambda c: (not c.late, c.due_date))
    settled.sort(key=lambda c: c.due_date, reverse=True)
    commitments = owed + settled
    # A source is named only if the reader may see it (a joint commitment never cites a
    # private one, but a source made private later must not leak through the ledger).
    visible_sources = {
        "interaction": set(
            access.records(Interaction)
            .filter(
                pk__in=[c.source_interaction_id for c in commitments if c.source_interaction_id]
            )
            .values_list("pk", flat=True)
        ),
        "history": set(
            access.records(HistoryEntry)
            .filter(pk__in=[c.source_history_id for c in commitments if c.source_history_id])
            .values_list("pk", flat=True)
        ),
    }
    for c in commitments:
        c.shown_interaction = (
            c.source_interaction
            if c.source_interaction_id in visible_sources["interaction"]
            else None
        )
        c.shown_history = (
            c.source_history if c.source_history_id in visible_sources["history"] else None
        )
    return render(
        request,
        "commitments/home.html",
        {
            "access": access,
            "alliance": access.alliance,
            "commitments": commitments,
            "filter_form": filter_form,
            "chart": ledger.adherence_chart(access, today),
            "late_count": sum(1 for c in commitments if c.late),
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
