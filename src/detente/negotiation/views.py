"""Pages of the negotiation section. Every view starts with the access helper; the
facilitator's page starts with ``services.facilitator_access``, the one narrow path by
which a neutral facilitator (a member of no side) reaches anything of an alliance."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from detente import audit
from detente.approvals import present as approvals_present
from detente.negotiation import approval, present, proposals, services
from detente.negotiation.forms import (
    AcceptForm,
    ConstraintForm,
    GrantForm,
    PreferencesForm,
    RoundForm,
    TentativeForm,
)
from detente.negotiation.models import NegotiationRound
from detente.negotiation.ranking import RankingForm
from detente.records.views import RecordPages, alliance_page, form_page
from detente.records.visibility import AllianceAccess, get_alliance_access


def _round_context(access: AllianceAccess, page: present.RoundPage) -> dict[str, Any]:
    rnd, my_side, view, accepted = page.round, page.my_side, page.view, page.acceptances
    issues = list(rnd.issues.all())
    for p in view["proposals"]:
        p["json"] = json.dumps(p["package"], sort_keys=True)
        key = proposals.proposal_key(p["package"])
        p["accepted_by"] = [
            a.owner_side.name for a in accepted if proposals.proposal_key(a.package) == key
        ]
    grants = page.grants
    for g in grants:
        g.can_revoke = access.can_manage_on(g.owner_side_id)
    agreement_links = {}
    if rnd.agreement_version_id:
        with contextlib.suppress(NoReverseMatch):
            agreement_links["draft"] = reverse(
                "agreement_version", args=[access.alliance.pk, rnd.agreement_version_id]
            )
    return {
        "access": access,
        "alliance": access.alliance,
        "round": rnd,
        "issues": issues,
        "my_side": my_side,
        "my_prefs": services.my_preferences(access, rnd, my_side),
        "view": view,
        "acceptances": accepted,
        "grants": grants,
        "is_facilitator": services.is_facilitator(access, rnd),
        "grant_form": GrantForm(access=access) if access.can_manage else None,
        "agreement_links": agreement_links,
        # The agreed terms in the words the issues were written in, in the round's order.
        "agreed_terms": [
            (str(i), (rnd.agreed_package or {})[i.name])
            for i in issues
            if i.name in (rnd.agreed_package or {})
        ],
        "comparison": page.comparison,
        "constraint_sentences": page.constraint_sentences,
        "constraint_form": ConstraintForm(issues=issues),
        "may_change_terms": rnd.is_open and access.can_write_on(rnd.owner_side_id),
        "approval": _approval(access, rnd, my_side),
    }


def _approval(access: AllianceAccess, rnd: NegotiationRound, side: Any) -> Any:
    """The internal approval of the reader's side's preferences (private to that side)."""
    prefs = services.my_preferences(access, rnd, side) if side is not None else None
    if prefs is None or not rnd.is_open:
        return None
    return approvals_present.panel(access, approval.KIND, prefs)


@login_required
def negotiation_home(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    page = present.rounds(access)
    return render(
        request,
        "negotiation/home.html",
        {"access": access, "alliance": access.alliance, "rounds": page.rounds},
    )


ROUND_PAGES = RecordPages(
    RoundForm, then=lambda rnd: ("negotiation_round", rnd.pk), save=services.save_round
)


@alliance_page(write=True)
def negotiation_round_new(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    message = "Round opened. Each side now enters its preferences."
    return ROUND_PAGES.create(request, access, "New negotiation round", message)


@alliance_page(write=True)
def negotiation_round_edit(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    """A change the service refuses (the round is closed) goes back to the round with the
    reason, so this page is not on RecordPages."""
    rnd = access.get_record(NegotiationRound, pk, write=True)
    before = audit.snapshot(rnd)
    form = RoundForm(request.POST or None, instance=rnd, access=access)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_round(access, form, before=before)
        except services.Refused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Round updated. Check your preferences cover every option.")
        return redirect("negotiation_round", access.alliance.pk, pk)
    return form_page(request, access, form, f"Edit {rnd}")


@alliance_page(write=True, post=True)
def negotiation_constraint_add(
    request: HttpRequest, access: AllianceAccess, pk: int
) -> HttpResponse:
    """Add "if <issue is option> then not <issue is option>", picked from two lists."""
    rnd = access.get_record(NegotiationRound, pk, write=True)
    form = ConstraintForm(request.POST, issues=list(rnd.issues.all()))
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else "Constraint"
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
    else:
        try:
            services.set_constraints(
                access, rnd, [*(rnd.constraints or []), form.cleaned_data["constraint"]]
            )
        except services.Refused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Constraint added. The proposals keep to it.")
    return redirect("negotiation_round", access.alliance.pk, pk)


@alliance_page(write=True, post=True)
def negotiation_constraint_remove(
    request: HttpRequest, access: AllianceAccess, pk: int, index: int
) -> HttpResponse:
    rnd = access.get_record(NegotiationRound, pk, write=True)
    constraints = list(rnd.constraints or [])
    if not 0 <= index < len(constraints):
        raise Http404("No such constraint.")
    try:
        services.set_constraints(access, rnd, constraints[:index] + constraints[index + 1 :])
    except services.Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Constraint removed.")
    return redirect("negotiation_round", access.alliance.pk, pk)


@login_required
def negotiation_round(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    return render(
        request, "negotiation/round.html", _round_context(access, present.round(access, pk))
    )


@login_required
def negotiation_preferences(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    page = present.preferences(access, pk)
    rnd, side, issues, prefs = page.round, page.side, page.issues, page.prefs
    form = PreferencesForm(
        request.POST or None, issues=issues, initial=PreferencesForm.initial_from(prefs, issues)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_preferences(access, rnd, form)
        except services.Refused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Preferences of {side} saved. Only {side} can see them.")
        return redirect("negotiation_round", alliance_id, pk)
    return render(
        request,
        "negotiation/preferences.html",
        {"form": form, "alliance": access.alliance, "round": rnd, "side": side, "issues": issues},
    )


@login_required
def negotiation_ranking(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    rnd = access.get_record(NegotiationRound, pk)
    side = services.writable_side(access)
    issues = list(rnd.issues.all())
    form = RankingForm(request.POST or None, issues=issues)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_preferences(access, rnd, form.preferences_form(), method="ranking")
        except services.Refused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"Scores of {side} estimated from your answers. Check them and adjust if needed.",
            )
            return redirect("negotiation_preferences", alliance_id, pk)
        return redirect("negotiation_round", alliance_id, pk)
    return render(
        request,
        "negotiation/ranking.html",
        {"form": form, "alliance": access.alliance, "round": rnd, "side": side},
    )


@login_required
@require_POST
def negotiation_accept(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    rnd = access.get_record(NegotiationRound, pk)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "package: " + "; ".join(str(e) for e in form.errors.get("package", []))
        )
        return redirect("negotiation_round", alliance_id, pk)
    try:
        services.accept(access, rnd, form.cleaned_data["package"])
    except services.Refused as exc:
        messages.error(request, str(exc))
    else:
        rnd.refresh_from_db()
        if rnd.status == NegotiationRound.Status.AGREED:
            messages.success(request, "Every side accepted: the package is agreed.")
        else:
            messages.success(request, "Your side accepted the package.")
    return redirect("negotiation_round", alliance_id, pk)


@login_required
@require_POST
def negotiation_grant(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, manage=True)
    rnd = access.get_record(NegotiationRound, pk)
    form = GrantForm(request.POST, access=access)
    if form.is_valid():
        services.grant(access, rnd, form.cleaned_data["user"])
        messages.success(request, f"Your side named {form.cleaned_data['user']} as facilitator.")
    else:
        messages.error(
            request,
            "; ".join(
                f"{field}: {m}" if field != "__all__" else str(m)
                for field, ms in form.errors.items()
                for m in ms
            ),
        )
    return redirect("negotiation_round", alliance_id, pk)


@login_required
@require_POST
def negotiation_revoke(
    request: HttpRequest, alliance_id: int, pk: int, grant_id: int
) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, manage=True)
    rnd = access.get_record(NegotiationRound, pk)
    services.revoke(access, rnd, grant_id)
    messages.success(request, "Your side's grant is revoked: the facilitator view is closed.")
    return redirect("negotiation_round", alliance_id, pk)


def _tentative_form(request: HttpRequest, rnd: NegotiationRound) -> TentativeForm:
    issues = list(rnd.issues.all())
    asked = any(k.startswith("tentative__") for k in request.GET)
    return TentativeForm(request.GET if asked else None, rnd=rnd, issues=issues)


@login_required
def negotiation_improve(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    """Improve on a tentative deal: the packages that leave both sides better off, each
    with the viewer's own utility only."""
    access = get_alliance_access(request.user, alliance_id)
    rnd = access.get_record(NegotiationRound, pk)
    side = access.default_side
    form = _tentative_form(request, rnd)
    view = None
    if form.is_bound and form.is_valid():
        rr = proposals.solve_round(rnd, access.sides, form.package())
        view = {**proposals.side_view(rr, side), "improve": proposals.side_improvements(rr, side)}
    return render(
        request,
        "negotiation/improve.html",
        {"alliance": access.alliance, "round": rnd, "form": form, "view": view, "side": side},
    )


@login_required
def negotiation_facilitator(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    # Not get_alliance_access: a neutral facilitator belongs to no side (see the helper).
    facilitator = services.facilitator_access(request.user, alliance_id, pk)
    rnd = facilitator.round
    form = _tentative_form(request, rnd)
    tentative = form.package() if form.is_bound and form.is_valid() else None
    page = present.facilitator(facilitator, tentative)
    return render(
        request,
        "negotiation/facilitator.html",
        {
            "facilitator": facilitator,
            "alliance": facilitator.alliance,
            "round": rnd,
            "data": page.data,
            "form": form,
            "improve": page.improve,
        },
    )
