"""Decision pages. Every view starts with the access helper; the data each page draws comes
from ``detente.decisions.analysis``, the same functions the API returns."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from detente.decisions import present
from detente.decisions.forms import DecisionForm, SeriesForm, WeightsForm
from detente.decisions.models import Decision, GoalSeries, PartyWeights
from detente.records.views import RecordPages, Then, alliance_page, child_record
from detente.records.visibility import AllianceAccess, get_alliance_access


@login_required
def decisions_home(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    page = present.decisions(access)
    return render(
        request,
        "decisions/home.html",
        {"access": access, "alliance": access.alliance, "decisions": page.decisions},
    )


def _pages(form: type[ModelForm], then: Then) -> RecordPages:
    """The pages of a decision or of one of its parts, on the decisions' form template."""
    context = {"back": "decisions_home"}
    return RecordPages(form, then=then, template="decisions/form.html", context=context)


DECISION_PAGES = _pages(DecisionForm, then=lambda decision: ("decision_detail", decision.pk))
WEIGHTS_PAGES = _pages(WeightsForm, then=lambda weights: ("decision_detail", weights.decision_id))
SERIES_PAGES = _pages(SeriesForm, then=lambda series: ("decision_guardrails", series.decision_id))


@alliance_page(write=True)
def decision_new(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    message = "Decision '{record}' created. Each side adds its weights next."
    return DECISION_PAGES.create(request, access, "New decision", message)


@login_required
def decision_detail(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    page = present.conditions(access, pk)
    decision, data = page.decision, page.data
    entered = {p["side_id"] for p in data["parties"]}
    can_add_weights = any(s.id not in entered for s in access.writable_sides)
    return render(
        request,
        "decisions/detail.html",
        {
            "access": access,
            "alliance": access.alliance,
            "decision": decision,
            "data": data,
            "can_edit": access.can_write_on(decision.owner_side_id),
            "can_add_weights": can_add_weights,
            "writable_side_ids": access.writable_side_ids,
        },
    )


@alliance_page(write=True)
def decision_edit(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    decision = access.get_record(Decision, pk, write=True)
    return DECISION_PAGES.edit(request, access, decision, f"Edit {decision}", "Decision updated.")


@alliance_page(write=True, post=True)
def decision_delete(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    decision = access.get_record(Decision, pk, write=True)
    message = "Decision '{record}' deleted."
    return DECISION_PAGES.delete(request, access, decision, message, then="decisions_home")


@alliance_page(write=True)
def weights_new(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    decision = access.get_record(Decision, pk)
    title = f"Weights on {decision}"
    return WEIGHTS_PAGES.create(request, access, title, "Weights saved.", decision=decision)


@alliance_page(write=True)
def weights_edit(
    request: HttpRequest, access: AllianceAccess, pk: int, weights_id: int
) -> HttpResponse:
    decision = access.get_record(Decision, pk)
    weights = child_record(access, PartyWeights, weights_id, decision)
    title = f"Weights of {weights.owner_side}"
    return WEIGHTS_PAGES.edit(
        request, access, weights, title, "Weights updated.", decision=decision
    )


@login_required
def decision_guardrails(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    page = present.guardrails(access, pk)
    decision, data = page.decision, page.data
    return render(
        request,
        "decisions/guardrails.html",
        {"access": access, "alliance": access.alliance, "decision": decision, "data": data},
    )


@alliance_page(write=True)
def series_new(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    decision = access.get_record(Decision, pk)
    title = f"New goal or guardrail for {decision}"
    return SERIES_PAGES.create(request, access, title, "Series added.", decision=decision)


@alliance_page(write=True, post=True)
def series_delete(
    request: HttpRequest, access: AllianceAccess, pk: int, series_id: int
) -> HttpResponse:
    series = child_record(access, GoalSeries, series_id, access.get_record(Decision, pk))
    return SERIES_PAGES.delete(request, access, series, "'{record}' removed.")
