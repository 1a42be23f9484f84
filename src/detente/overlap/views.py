"""Customer overlap pages, under the Conflicts tab. The blinding runs on each side's own
machine (the CLI, or the browser page's worker); these pages show what the server holds:
statuses, sizes and counts."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from detente.analysis.files import InputError
from detente.overlap import present, services
from detente.overlap.forms import EngagementRuleForm
from detente.overlap.models import EngagementRule
from detente.records.views import RecordPages, alliance_page
from detente.records.visibility import AllianceAccess

RULE_PAGES = RecordPages(EngagementRuleForm, then="overlap_home")


@alliance_page()
def overlap_home(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    page = present.home(access)
    return render(
        request,
        "overlap/home.html",
        {"access": access, "alliance": access.alliance, "page": page},
    )


@alliance_page()
def overlap_run(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    run = present.run(access, pk)
    return render(
        request,
        "overlap/run.html",
        {"access": access, "alliance": access.alliance, "run": run},
    )


@alliance_page(write=True, post=True)
def overlap_decline(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    try:
        services.decline(access, pk)
        messages.success(request, "Declined. The asking side sees that you did not answer.")
    except InputError as exc:
        messages.error(request, exc.problem)
    return redirect("overlap_run", access.alliance.pk, pk)


@alliance_page(write=True, post=True)
def overlap_conflict(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    conflict = services.raise_conflict(access, pk)
    messages.success(request, "Customer-ownership conflict raised with the counts as evidence.")
    return redirect("conflict_detail", access.alliance.pk, conflict.pk)


@alliance_page(write=True)
def overlap_rule_new(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    message = "Rule of engagement '{record}' recorded."
    return RULE_PAGES.create(request, access, "New rule of engagement", message)


@alliance_page(write=True, post=True)
def overlap_rule_delete(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    rule = access.get_record(EngagementRule, pk, write=True)
    return RULE_PAGES.delete(request, access, rule, "Rule of engagement '{record}' deleted.")
