"""Decision pages. Every view starts with the access helper; the data each page draws comes
from ``detente.decisions.analysis``, the same functions the API returns."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from detente import audit
from detente.decisions import present
from detente.decisions.forms import DecisionForm, SeriesForm, WeightsForm
from detente.decisions.models import Decision, GoalSeries, PartyWeights
from detente.records import services
from detente.records.visibility import get_alliance_access


@login_required
def decisions_home(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    page = present.decisions(access)
    return render(
        request,
        "decisions/home.html",
        {"access": access, "alliance": access.alliance, "decisions": page.decisions},
    )


def _form_page(request: HttpRequest, access, form, title: str, back: str) -> HttpResponse:
    return render(
        request,
        "decisions/form.html",
        {"form": form, "alliance": access.alliance, "title": title, "back": back},
    )


@login_required
def decision_new(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    form = DecisionForm(request.POST or None, access=access)
    if request.method == "POST" and form.is_valid():
        decision = services.save_form(access, form)
        messages.success(
            request, f"Decision '{decision}' created. Each side adds its weights next."
        )
        return redirect("decision_detail", alliance_id, decision.pk)
    return _form_page(request, access, form, "New decision", "decisions_home")


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


@login_required
def decision_edit(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    decision = access.get_record(Decision, pk, write=True)
    before = audit.snapshot(decision)
    form = DecisionForm(request.POST or None, instance=decision, access=access)
    if request.method == "POST" and form.is_valid():
        services.save_form(access, form, before=before)
        messages.success(request, "Decision updated.")
        return redirect("decision_detail", alliance_id, pk)
    return _form_page(request, access, form, f"Edit {decision}", "decisions_home")


@login_required
@require_POST
def decision_delete(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    decision = access.get_record(Decision, pk, write=True)
    services.delete_record(access, decision)
    messages.success(request, f"Decision '{decision}' deleted.")
    return redirect("decisions_home", alliance_id)


@login_required
def weights_new(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    decision = access.get_record(Decision, pk)
    form = WeightsForm(request.POST or None, access=access, decision=decision)
    if request.method == "POST" and form.is_valid():
        services.save_form(access, form)
        messages.success(request, "Weights saved.")
        return redirect("decision_detail", alliance_id, pk)
    return _form_page(request, access, form, f"Weights on {decision}", "decisions_home")


@login_required
def weights_edit(request: HttpRequest, alliance_id: int, pk: int, weights_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    decision = access.get_record(Decision, pk)
    record = access.get_record(PartyWeights, weights_id, write=True)
    if record.decision_id != decision.pk:
        raise Http404("No such weights in this decision.")
    before = audit.snapshot(record)
    form = WeightsForm(request.POST or None, instance=record, access=access, decision=decision)
    if request.method == "POST" and form.is_valid():
        services.save_form(access, form, before=before)
        messages.success(request, "Weights updated.")
        return redirect("decision_detail", alliance_id, pk)
    return _form_page(request, access, form, f"Weights of {record.owner_side}", "decisions_home")


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


@login_required
def series_new(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    decision = access.get_record(Decision, pk)
    form = SeriesForm(request.POST or None, access=access, decision=decision)
    if request.method == "POST" and form.is_valid():
        services.save_form(access, form)
        messages.success(request, "Series added.")
        return redirect("decision_guardrails", alliance_id, pk)
    return _form_page(
        request, access, form, f"New goal or guardrail for {decision}", "decisions_home"
    )


@login_required
@require_POST
def series_delete(request: HttpRequest, alliance_id: int, pk: int, series_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    decision = access.get_record(Decision, pk)
    series = access.get_record(GoalSeries, series_id, write=True)
    if series.decision_id != decision.pk:
        raise Http404("No such series in this decision.")
    services.delete_record(access, series)
    messages.success(request, f"'{series}' removed.")
    return redirect("decision_guardrails", alliance_id, pk)
