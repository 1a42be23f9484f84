"""Pages of goal realism: the alliance's checks, a KPI's check form, and one check's charts.
Every view starts with the access helper."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from detente.goals import present, questions, services
from detente.goals.forms import (
    RealismCheckForm,
    TrendForm,
    initial_values,
    sides_with_values,
)
from detente.goals.present import trend
from detente.records.models import Side
from detente.records.views import RecordPages, alliance_page
from detente.records.visibility import AllianceAccess, get_alliance_access


@login_required
def goals_home(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    page = present.goals(access)
    return render(
        request,
        "goals/home.html",
        {"access": access, "alliance": access.alliance, "checks": page.checks, "kpis": page.kpis},
    )


@login_required
def realism_kpi(request: HttpRequest, alliance_id: int, kpi_id: int) -> HttpResponse:
    """A KPI's realism: the form for a new check and the checks saved so far."""
    access = get_alliance_access(request.user, alliance_id, write=request.method == "POST")
    page = present.kpi_realism(access, kpi_id)
    kpi, checks = page.kpi, page.checks
    if page.is_trend:
        return _trend_page(request, access, page)
    form = None
    if access.can_write:
        previous = checks[0] if checks else None
        form = RealismCheckForm(
            request.POST or None,
            access=access,
            kpi=kpi,
            initial=initial_values(access, kpi, previous),
        )
        if request.method == "POST" and form.is_valid():
            check = services.create_check(access, form)
            messages.success(request, "Realism check saved.")
            return redirect("realism_check", alliance_id, check.pk)
    return render(
        request,
        "goals/kpi.html",
        {
            "access": access,
            "alliance": access.alliance,
            "kpi": kpi,
            "checks": checks,
            "form": form,
            "trend": trend(access, kpi.pk),
            "no_values": sides_with_values(access, kpi) == 0,
        },
    )


def _trend_page(request: HttpRequest, access, page: present.KPIRealism) -> HttpResponse:
    """A level, rate or duration KPI: the trend check (read-only, nothing saved), and why
    the funnel's realism check does not apply. Its GET form answers at once for the KPI's
    own target and deadline."""
    kpi, checks, initial = page.kpi, page.checks, page.initial
    form = TrendForm(
        request.GET if "target" in request.GET else None, access=access, kpi=kpi, initial=initial
    )
    result = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        side, target, deadline = data["measurements_side"], data["target"], data["deadline"]
        confidence = data["confidence"] / 100
    elif not form.is_bound and initial["measurements_side"] is not None:
        side = Side.objects.get(alliance=access.alliance, pk=initial["measurements_side"])
        target, confidence = initial["target"], 0.8
        deadline = dt.date.fromisoformat(initial["deadline"])
    else:
        side, target, deadline, confidence = None, None, None, 0.8
    if side is not None and target is not None and deadline is not None:
        result = page.answer(side, target=float(target), deadline=deadline, confidence=confidence)
    return render(
        request,
        "goals/trend.html",
        {
            "access": access,
            "alliance": access.alliance,
            "kpi": kpi,
            "checks": checks,
            "form": form,
            "result": result,
            "why_not_funnel": questions.funnel_refusal(kpi),
            "no_values": initial["measurements_side"] is None,
        },
    )


@login_required
def realism_check(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    page = present.check(access, pk)
    check, payload = page.check, page.data
    result = payload["result"]
    phases = result.get("phases")
    return render(
        request,
        "goals/check.html",
        {
            "access": access,
            "alliance": access.alliance,
            "check": check,
            "kpi": check.kpi,
            "data": payload,
            "result": result,
            "funnel_rows": list(
                zip(result["required"], payload["charts"]["funnel"]["current_per_day"], strict=True)
            ),
            "phase_rows": list(
                zip(phases["milestones"], phases["proposed"]["milestones"], strict=True)
            )
            if phases
            else [],
            "inputs_json": json.dumps(check.inputs, indent=2),
            "can_delete": access.can_write_on(check.owner_side_id),
        },
    )


# Checks are made on their KPI's page (realism_kpi, by services.create_check) and deleted here.
CHECK_PAGES = RecordPages(RealismCheckForm, then=lambda check: ("realism_kpi", check.kpi_id))


@alliance_page(write=True, post=True)
def realism_check_delete(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    check = services.get_check(access, pk, write=True)
    return CHECK_PAGES.delete(request, access, check, "Realism check deleted.")
