"""Pages of the health check and the early warnings. Every alliance page starts with the
access helper; the survey page is the one page without an account: its signed link is
the credential."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from detente import audit
from detente.accounts.http import AuthedRequest
from detente.health import portfolio as health_portfolio
from detente.health import present, services, warning
from detente.health.forms import (
    AlertActionForm,
    AlertPreferenceForm,
    CycleForm,
    HealthPlanForm,
    InviteForm,
    MeasureForm,
    SurveyForm,
)
from detente.health.models import Alert, AlertPreference, Cycle
from detente.records.models import Alliance
from detente.records.paging import page_of
from detente.records.views import RecordPages, alliance_page
from detente.records.visibility import AllianceAccess, get_alliance_access


@login_required
def health_home(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    page = present.health(access)
    card, recent = page.card, page.recent
    context = {
        "access": access,
        "alliance": access.alliance,
        "card": card,
        "rows": page.rows,
        "charts": page.charts,
        "rate_cycles": [
            [
                (s, card.answered.get((c.pk, s.pk), 0), card.invited.get((c.pk, s.pk), 0))
                for s in card.sides
            ]
            for c in card.cycles
        ],
        "recent_alerts": recent[:5],
        "more_alerts": max(len(recent) - 5, 0),
        "triage": page.triage,
        "labels": page.labels,
    }
    return render(request, "health/home.html", context)


@login_required
def health_settings(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, manage=True)
    plan = services.plan_for(access.alliance)
    form = HealthPlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        services.save_plan(access, form)
        messages.success(request, "Health-check settings saved.")
        return redirect("health_home", alliance_id)
    return render(
        request,
        "alliances/simple_form.html",
        {"form": form, "alliance": access.alliance, "title": "Health-check settings"},
    )


MEASURE_PAGES = RecordPages(MeasureForm, then="health_home")
# A health check is started by a manager, through the service that opens its cycle.
CYCLE_PAGES = RecordPages(
    CycleForm,
    then=lambda cycle: ("cycle_detail", cycle.pk),
    save=services.create_cycle,
    template="alliances/simple_form.html",
)


@alliance_page(write=True)
def measure_new(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    message = "'{record}' is now asked in every health check."
    return MEASURE_PAGES.create(request, access, "Add a dimension", message)


@alliance_page(manage=True)
def cycle_new(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    message = "Health check {record.period} created. Invite people next."
    plan = services.plan_for(access.alliance)
    return CYCLE_PAGES.create(request, access, "New health check", message, plan=plan)


@login_required
def cycle_detail(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    page = present.cycle(access, pk)
    cycle = page.cycle
    context = {
        "access": access,
        "alliance": access.alliance,
        "cycle": cycle,
        "card": page.card,
        "measures": page.measures,
        "rates": page.rates,
        # Names of the people asked are shown to their own side's managers only.
        "my_invitations": [i for i in page.invitations if access.can_manage_on(i.owner_side_id)],
        "due": len(services.due_reminders([cycle])) if access.can_manage else 0,
    }
    return render(request, "health/cycle.html", context)


@login_required
def cycle_invite(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, manage=True)
    cycle = access.get_record(Cycle, pk)
    form = InviteForm(request.POST or None, access=access)
    if request.method == "POST" and form.is_valid():
        side = next(s for s in access.sides if s.pk == form.cleaned_data["side"])
        created = services.invite(access, cycle, side, form.cleaned_data["people"])
        skipped = len(form.cleaned_data["people"]) - len(created)
        note = f" ({skipped} already invited)" if skipped else ""
        messages.success(request, f"{len(created)} invitation(s) sent{note}.")
        return redirect("cycle_detail", alliance_id, pk)
    return render(
        request,
        "alliances/simple_form.html",
        {
            "form": form,
            "alliance": access.alliance,
            "title": f"Invite people to {cycle}",
            "intro": present.cycle(access, pk).answers_so_far,
            "submit": "Send invitations",
        },
    )


@login_required
@require_POST
def cycle_remind(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, manage=True)
    cycle = access.get_record(Cycle, pk)
    due = [i for i in services.due_reminders([cycle]) if access.can_manage_on(i.owner_side_id)]
    sent = services.send_reminders(request.user, due)
    messages.success(request, f"{sent} reminder(s) sent.")
    return redirect("cycle_detail", alliance_id, pk)


@login_required
@require_POST
def cycle_close(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, manage=True)
    cycle = access.get_record(Cycle, pk)
    if cycle.closed_at is None:
        services.close_cycle(access, cycle)
        messages.success(request, f"{cycle} closed; its links no longer work.")
    return redirect("cycle_detail", alliance_id, pk)


def health_survey(request: HttpRequest, token: str) -> HttpResponse:
    """The survey behind a signed link: no account needed, answerable once."""
    try:
        invitation = services.open_survey(token)
    except services.SurveyLinkError as exc:
        return render(request, "health/survey_invalid.html", {"reason": str(exc)}, status=410)
    measures = services.measures_for_side(invitation.alliance, invitation.owner_side_id)
    form = SurveyForm(request.POST or None, measures=measures)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit(invitation, form.answers())
        except services.SurveyLinkError as exc:
            return render(request, "health/survey_invalid.html", {"reason": str(exc)}, status=410)
        return render(request, "health/survey_thanks.html", {"invitation": invitation})
    plan = services.plan_for(invitation.alliance)
    return render(
        request,
        "health/survey.html",
        {"invitation": invitation, "form": form, "plan": plan},
        status=422 if request.method == "POST" else 200,
    )


# Alerts ---------------------------------------------------------------------------------


@login_required
def health_alerts(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    page = present.alerts(access)
    return render(
        request,
        "health/alerts.html",
        {
            "access": access,
            "alliance": access.alliance,
            "alerts": page.by_period,
            "triage": page.triage,
            "labels": page.labels,
            "action_form": AlertActionForm(),
        },
    )


@login_required
@require_POST
def health_scan(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    # A person who presses the button expects a scan: it runs even if nothing changed.
    totals = warning.scan_all([access.alliance], force=True, actor=request.user)
    messages.success(
        request,
        f"Scanned: {totals['created']} new alert(s), {totals['updated']} updated, "
        f"{totals['unchanged']} unchanged.",
    )
    return redirect("health_alerts", alliance_id)


def _act(request: HttpRequest, alliance_id: int, pk: int, kind: str) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    alert = access.get_record(Alert, pk)
    form = AlertActionForm({**request.POST.dict(), "kind": kind})
    if form.is_valid():
        d = form.cleaned_data
        services.act_on_alert(access, alert, kind, d["reason"], d["snoozed_until"])
        messages.success(request, f"Alert {'acknowledged' if kind == 'ack' else 'snoozed'}.")
        return redirect("health_alerts", alliance_id)
    return render(
        request,
        "health/alert_action.html",
        {"alliance": access.alliance, "alert": alert, "form": form, "kind": kind},
        status=422,
    )


@login_required
@require_POST
def alert_ack(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    return _act(request, alliance_id, pk, "ack")


@login_required
@require_POST
def alert_snooze(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    return _act(request, alliance_id, pk, "snooze")


@login_required
def alert_inbox(request: AuthedRequest) -> HttpResponse:
    """Every alert the user may see, across their alliances, newest period first; filtered
    (open or all, severity, alliance status, alliance name) and paged in SQL."""
    filters = health_portfolio.Filters.from_query(request.GET)
    show = request.GET.get("show", "open")
    alerts: QuerySet[Alert] = Alert.objects.visible_to(request.user).filter(
        severity__gte=max(filters.severity, Alert.Severity.WARNING)
    )
    if filters.status:
        alerts = alerts.filter(alliance__status=filters.status)
    if filters.text:
        alerts = alerts.filter(alliance__name__icontains=filters.text)
    if show != "all":
        alerts = health_portfolio.still_open(request.user, alerts)
    ordered = alerts.select_related("alliance").order_by(
        "-period", "-severity", "alliance__name", "id"
    )
    page = page_of(request, ordered)
    shown = list(page.object_list)
    pref = AlertPreference.objects.filter(user=request.user).first()
    return render(
        request,
        "health/inbox.html",
        {
            "alerts": shown,
            "page_obj": page,
            "triage": warning.triage(request.user, shown),
            "labels": {a.pk: warning.label(a) for a in shown},
            "show": show,
            "filters": filters,
            "statuses": Alliance.Status.choices,
            "severities": [c for c in Alert.Severity.choices if c[0] >= Alert.Severity.WARNING],
            "pref_form": AlertPreferenceForm(instance=pref),
        },
    )


@login_required
@require_POST
def alert_preferences(request: AuthedRequest) -> HttpResponse:
    pref = AlertPreference.objects.filter(user=request.user).first() or AlertPreference(
        user=request.user
    )
    before = audit.snapshot(pref) if pref.pk else None
    form = AlertPreferenceForm(request.POST, instance=pref)
    if form.is_valid():
        form.save()
        # A personal setting: audited with no alliance, readable by its owner only.
        action = "update" if before else "create"
        audit.log(request.user, action, pref, before=before, after=audit.snapshot(pref))
        messages.success(request, f"Alert emails: {pref.get_mode_display().lower()}.")
    else:
        messages.error(request, "Choose how you want alert emails.")
    return redirect("alert_inbox")


@login_required
def health_portfolio_page(request: HttpRequest) -> HttpResponse:
    filters = health_portfolio.Filters.from_query(request.GET)
    # Ranked over all the user's alliances from SQL aggregates; built for the page only.
    page = page_of(request, health_portfolio.ranked(request.user, filters))
    ids = list(page.object_list)
    by_id = Alliance.objects.in_bulk(ids)
    alliances = [by_id[pk] for pk in ids]
    health = health_portfolio.summaries(request.user, alliances)
    owners = health_portfolio.owners(request.user, alliances)
    rows = [
        {"alliance": a, "health": health[a.pk], "owners": owners.get(a.pk, [])} for a in alliances
    ]
    context: dict[str, Any] = {
        "rows": rows,
        "page_obj": page,
        "filters": filters,
        "statuses": Alliance.Status.choices,
        "severities": Alert.Severity.choices,
    }
    return render(request, "health/portfolio.html", context)
