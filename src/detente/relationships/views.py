"""Relationship-health pages, under the overview's stakeholders (no tab of their own)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from detente.records.views import alliance_page
from detente.records.visibility import AllianceAccess
from detente.relationships import present, services
from detente.relationships.forms import CadenceForm
from detente.relationships.models import DEFAULT_CADENCE_DAYS


@alliance_page()
def relationship_health(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    page = present.health(access)
    return render(
        request,
        "relationships/health.html",
        {"access": access, "alliance": access.alliance, "page": page},
    )


@alliance_page(write=True)
def relationship_cadence(
    request: HttpRequest, access: AllianceAccess, stakeholder_id: int, counterpart_id: int
) -> HttpResponse:
    pair = services.pair(access, stakeholder_id, counterpart_id)
    cadence = services.cadence_of(access, pair)
    initial = {"days": cadence.days if cadence else DEFAULT_CADENCE_DAYS}
    form = CadenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.set_cadence(access, pair, form.cleaned_data["days"])
        messages.success(
            request,
            f"{pair.stakeholder} and {pair.counterpart}: a check-in at least every "
            f"{form.cleaned_data['days']} days.",
        )
        return redirect("relationship_health", access.alliance.pk)
    return render(
        request,
        "relationships/cadence.html",
        {"access": access, "alliance": access.alliance, "pair": pair, "form": form},
        status=422 if request.method == "POST" else 200,
    )
