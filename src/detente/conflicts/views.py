"""Pages of the conflicts capability: conflicts and their ladder, the dialogue kit, the
escalation brief, restructuring comparisons, exit signals and exit plans. Every view
starts with the access helper."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from detente import audit
from detente.alliances import services
from detente.alliances.visibility import AllianceAccess, get_alliance_access
from detente.commitments.models import Commitment
from detente.conflicts import (
    briefs,
    dialogue,
    exit_plans,
    exit_signals,
    ladder,
    linked,
    restructuring,
)
from detente.conflicts.forms import (
    ActionForm,
    CloseForm,
    ComparisonForm,
    ConflictForm,
    ConflictViewForm,
    EscalateForm,
    EstimateForm,
    ExitPlanForm,
    StepRecordForm,
    WeightsForm,
)
from detente.conflicts.models import (
    Comparison,
    Conflict,
    ConflictView,
    ExitPlan,
    LadderStep,
    Notification,
    OptionEstimate,
    SideWeights,
)


def _form_page(request: HttpRequest, access: AllianceAccess, form: Any, title: str) -> HttpResponse:
    return render(
        request,
        "alliances/record_form.html",
        {"form": form, "alliance": access.alliance, "title": title},
    )


def _conflicts(access: AllianceAccess) -> Any:
    return (
        access.records(Conflict)
        .select_related("owner_side__organisation")
        .prefetch_related("steps")
    )


# Conflicts ------------------------------------------------------------------------------


@login_required
def conflicts_home(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    conflicts = list(_conflicts(access))
    now = timezone.now()
    for c in conflicts:
        c.step = c.current_step
        left = c.step.time_left(now) if c.step else None
        c.days_left = None if left is None else left.total_seconds() / 86400
    unread = Notification.objects.filter(
        recipient=request.user, conflict__alliance=access.alliance, read_at__isnull=True
    ).count()
    return render(
        request,
        "conflicts/home.html",
        {
            "access": access,
            "alliance": access.alliance,
            "active": [c for c in conflicts if c.is_active],
            "closed": [c for c in conflicts if not c.is_active],
            "comparisons": access.records(Comparison),
            "plans": access.records(ExitPlan),
            "unread": unread,
        },
    )


@login_required
def conflict_new(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    form = ConflictForm(request.POST or None, access=access, initial={"visibility": "private"})
    if request.method == "POST" and form.is_valid():
        conflict = services.save_form(access, form)
        messages.success(request, f"Conflict '{conflict}' recorded.")
        return redirect("conflict_detail", alliance_id, conflict.pk)
    return _form_page(request, access, form, "Record a conflict")


@login_required
def conflict_detail(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    conflict = access.get_record(Conflict, pk)
    steps = list(conflict.steps.all())
    now = timezone.now()
    current = next((s for s in reversed(steps) if s.ended_at is None), None)
    left = current.time_left(now) if current else None
    views = list(
        access.records(ConflictView)
        .filter(conflict=conflict)
        .select_related("owner_side__organisation")
    )
    return render(
        request,
        "conflicts/detail.html",
        {
            "access": access,
            "alliance": access.alliance,
            "conflict": conflict,
            "steps": steps,
            "current": current,
            "days_left": None if left is None else left.total_seconds() / 86400,
            "views": views,
            "my_view_sides": {v.owner_side_id for v in views},
            "links": linked.visible_links(access, conflict),
            "can_change": access.can_write_on(conflict.owner_side_id),
            "can_take_part": access.can_write and conflict.visibility == "joint",
            "close_form": CloseForm(),
            "ladder_preview": ladder.agreement_ladder(access.alliance, None)
            if conflict.raised_at is None
            else None,
        },
    )


@login_required
def conflict_edit(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    conflict = access.get_record(Conflict, pk, write=True)
    before = audit.snapshot(conflict)
    form = ConflictForm(request.POST or None, instance=conflict, access=access)
    if request.method == "POST" and form.is_valid():
        services.save_form(access, form, before=before)
        messages.success(request, "Conflict updated.")
        return redirect("conflict_detail", alliance_id, pk)
    return _form_page(request, access, form, f"Edit conflict '{conflict}'")


@login_required
@require_POST
def conflict_delete(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    conflict = access.get_record(Conflict, pk, write=True)
    services.delete_record(access, conflict)
    messages.success(request, f"Conflict '{conflict}' deleted.")
    return redirect("conflicts_home", alliance_id)


@login_required
@require_POST
def conflict_raise(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    conflict = access.get_record(Conflict, pk, write=True)
    if conflict.raised_at is not None:
        messages.info(request, "This conflict is already on the ladder.")
    elif not conflict.is_active:
        messages.error(request, "A closed conflict cannot be raised.")
    else:
        step = ladder.raise_jointly(access, conflict)
        messages.success(request, f"Raised jointly: the conflict is on rung 1, {step.name}.")
    return redirect("conflict_detail", alliance_id, pk)


def _joint_conflict(access: AllianceAccess, pk: int) -> Conflict:
    """A joint conflict on the ladder, in which any writer of the alliance may take part."""
    access.require_write()
    conflict = access.get_record(Conflict, pk)
    if conflict.visibility != "joint" or conflict.raised_at is None:
        raise Http404("This conflict has not been raised jointly.")
    return conflict


@login_required
def conflict_escalate(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    conflict = _joint_conflict(access, pk)
    form = EscalateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        step = (
            ladder.escalate_now(access, conflict, form.cleaned_data["reason"])
            if conflict.is_active
            else None
        )
        if step is None:
            messages.error(request, "The conflict is closed or already on the top rung.")
        else:
            messages.success(request, f"Moved up to {step.name}; its owners were notified.")
        return redirect("conflict_detail", alliance_id, pk)
    return _form_page(request, access, form, f"Move '{conflict}' up a rung")


@login_required
@require_POST
def conflict_close(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    conflict = access.get_record(Conflict, pk)
    if conflict.visibility != "joint" and not access.can_write_on(conflict.owner_side_id):
        raise Http404("No such conflict.")
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose resolved or unresolved.")
    elif not conflict.is_active:
        messages.info(request, "The conflict is already closed.")
    else:
        ladder.close(access, conflict, form.cleaned_data["status"])
        messages.success(request, f"Conflict marked {form.cleaned_data['status']}.")
    return redirect("conflict_detail", alliance_id, pk)


@login_required
def step_record(request: HttpRequest, alliance_id: int, pk: int, step_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    conflict = _joint_conflict(access, pk)
    try:
        step = conflict.steps.get(pk=step_id)
    except (LadderStep.DoesNotExist, ValueError):
        raise Http404("No such step.") from None
    before = audit.snapshot(step)
    form = StepRecordForm(request.POST or None, instance=step)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            audit.log(request.user, "update", step, before=before, after=audit.snapshot(step))
        messages.success(request, f"Record of {step.name} saved.")
        return redirect("conflict_detail", alliance_id, pk)
    return _form_page(request, access, form, f"Record of rung {step.number}, {step.name}")


@login_required
def view_new(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    conflict = access.get_record(Conflict, pk)
    form = ConflictViewForm(request.POST or None, access=access, conflict=conflict)
    if request.method == "POST" and form.is_valid():
        services.save_form(access, form)
        messages.success(request, "Your side's view is recorded.")
        return redirect("conflict_detail", alliance_id, pk)
    return _form_page(request, access, form, f"Your side's view of '{conflict}'")


@login_required
def view_edit(request: HttpRequest, alliance_id: int, pk: int, view_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    conflict = access.get_record(Conflict, pk)
    view = access.get_record(ConflictView, view_id, write=True)
    if view.conflict_id != conflict.pk:
        raise Http404("No such view.")
    before = audit.snapshot(view)
    form = ConflictViewForm(request.POST or None, instance=view, access=access, conflict=conflict)
    if request.method == "POST" and form.is_valid():
        services.save_form(access, form, before=before)
        messages.success(request, "View updated.")
        return redirect("conflict_detail", alliance_id, pk)
    return _form_page(request, access, form, f"Your side's view of '{conflict}'")


# Dialogue kit and brief -----------------------------------------------------------------


@login_required
def conflict_dialogue(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    conflict = access.get_record(Conflict, pk)
    form = ActionForm(request.POST or None, access=access)
    if request.method == "POST":
        access.require_write()
        if form.is_valid():
            with transaction.atomic():
                side = access.writable_sides[0]
                commitment = Commitment.objects.create(
                    alliance=access.alliance,
                    owner_side=side,
                    visibility=conflict.visibility,
                    created_by=request.user,
                    owed_by=form.cleaned_data["owed_by"],
                    title=form.cleaned_data["title"],
                    description=f"Agreed in the dialogue on '{conflict.title}'.",
                    due_date=form.cleaned_data["due_date"],
                )
                audit.log(request.user, "create", commitment, after=audit.snapshot(commitment))
                conflict_before = audit.snapshot(conflict)
                conflict.commitments.add(commitment)
                audit.log(
                    request.user,
                    "update",
                    conflict,
                    before=conflict_before,
                    after=audit.snapshot(conflict),
                )
            messages.success(request, f"'{commitment}' is in the commitments ledger.")
            return redirect("conflict_dialogue", alliance_id, pk)
    return render(
        request,
        "conflicts/dialogue.html",
        {
            "access": access,
            "alliance": access.alliance,
            "conflict": conflict,
            "agenda": dialogue.agenda(access, conflict),
            "form": form,
        },
    )


@login_required
def conflict_brief(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    conflict = access.get_record(Conflict, pk)
    brief = briefs.build(access, conflict)
    return render(
        request,
        "conflicts/brief.html",
        {"access": access, "alliance": access.alliance, "conflict": conflict, "brief": brief},
    )


@login_required
def conflict_brief_pdf(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    conflict = access.get_record(Conflict, pk)
    response = HttpResponse(
        briefs.pdf(briefs.build(access, conflict)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="brief-conflict-{conflict.pk}.pdf"'
    return response


@login_required
def conflict_brief_md(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    conflict = access.get_record(Conflict, pk)
    response = HttpResponse(
        briefs.markdown(briefs.build(access, conflict)), content_type="text/markdown; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="brief-conflict-{conflict.pk}.md"'
    return response


# Notifications --------------------------------------------------------------------------


@login_required
def notifications(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    # Only the recipient's own notices, of conflicts the recipient may still see.
    notes = Notification.objects.filter(
        recipient=request.user, conflict__in=access.records(Conflict)
    ).select_related("conflict")
    if request.method == "POST":
        notes.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("conflict_notifications", alliance_id)
    return render(
        request,
        "conflicts/notifications.html",
        {"access": access, "alliance": access.alliance, "notes": notes[:200]},
    )


# Restructuring --------------------------------------------------------------------------


@login_required
def comparison_new(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    form = ComparisonForm(
        request.POST or None, access=access, initial={"discount_rate": 10, "periods": 4}
    )
    if request.method == "POST" and form.is_valid():
        comparison = services.save_form(access, form)
        messages.success(request, "Comparison started. Each side now adds its estimates.")
        return redirect("comparison_detail", alliance_id, comparison.pk)
    return _form_page(request, access, form, "Compare restructuring options")


@login_required
def comparison_detail(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    comparison = access.get_record(Comparison, pk)
    estimates = access.records(OptionEstimate).filter(comparison=comparison)
    weights = access.records(SideWeights).filter(comparison=comparison)
    return render(
        request,
        "conflicts/comparison.html",
        {
            "access": access,
            "alliance": access.alliance,
            "comparison": comparison,
            "result": restructuring.result(access, comparison),
            "estimates": estimates,
            "weights": weights,
            "my_weights": {w.owner_side_id: w for w in weights},
            "factors": restructuring.FACTORS,
        },
    )


@login_required
def comparison_edit(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    comparison = access.get_record(Comparison, pk, write=True)
    before = audit.snapshot(comparison)
    form = ComparisonForm(request.POST or None, instance=comparison, access=access)
    if request.method == "POST" and form.is_valid():
        services.save_form(access, form, before=before)
        messages.success(request, "Comparison updated.")
        return redirect("comparison_detail", alliance_id, pk)
    return _form_page(request, access, form, f"Edit '{comparison}'")


@login_required
def estimate_new(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    comparison = access.get_record(Comparison, pk)
    initial = {"visibility": comparison.visibility, "option": request.GET.get("option", "")}
    form = EstimateForm(request.POST or None, access=access, comparison=comparison, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_form(access, form)
        messages.success(request, "Estimate added.")
        return redirect("comparison_detail", alliance_id, pk)
    return _form_page(request, access, form, f"Your side's estimate for '{comparison}'")


@login_required
def estimate_edit(
    request: HttpRequest, alliance_id: int, pk: int, estimate_id: int
) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    comparison = access.get_record(Comparison, pk)
    estimate = access.get_record(OptionEstimate, estimate_id, write=True)
    if estimate.comparison_id != comparison.pk:
        raise Http404("No such estimate.")
    before = audit.snapshot(estimate)
    form = EstimateForm(
        request.POST or None, instance=estimate, access=access, comparison=comparison
    )
    if request.method == "POST" and form.is_valid():
        services.save_form(access, form, before=before)
        messages.success(request, "Estimate updated.")
        return redirect("comparison_detail", alliance_id, pk)
    return _form_page(request, access, form, f"Edit estimate: {estimate}")


@login_required
def comparison_weights(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    comparison = access.get_record(Comparison, pk)
    existing = (
        SideWeights.objects.filter(
            comparison=comparison, owner_side_id__in=access.writable_side_ids
        )
        .order_by("id")
        .first()
    )
    before = audit.snapshot(existing) if existing else None
    form = WeightsForm(
        request.POST or None,
        instance=existing,
        access=access,
        comparison=comparison,
        initial={"visibility": "private"},
    )
    if request.method == "POST" and form.is_valid():
        services.save_form(access, form, before=before)
        messages.success(request, "Your side's weights are saved.")
        return redirect("comparison_detail", alliance_id, pk)
    return _form_page(request, access, form, "How your side weighs the intangibles")


# Exit -----------------------------------------------------------------------------------


@login_required
def exit_home(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    return render(
        request,
        "conflicts/exit.html",
        {
            "access": access,
            "alliance": access.alliance,
            "assessment": exit_signals.assess(access),
            "plans": access.records(ExitPlan),
            "terms": exit_plans.exit_terms(access),
        },
    )


@login_required
def exit_plan_new(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    draft = exit_plans.draft_values(access, timezone.localdate())
    form = ExitPlanForm(
        request.POST or None, access=access, initial={**draft, "visibility": "private"}
    )
    if request.method == "POST" and form.is_valid():
        form.instance.communications = draft["communications"]
        form.instance.terms_source = draft["terms_source"]
        plan = services.save_form(access, form)
        messages.success(request, "Exit plan drafted from the exit terms.")
        return redirect("exit_plan_detail", alliance_id, plan.pk)
    return _form_page(request, access, form, "Draft an exit plan")


@login_required
def exit_plan_detail(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    plan = access.get_record(ExitPlan, pk)
    return render(
        request,
        "conflicts/exit_plan.html",
        {
            "access": access,
            "alliance": access.alliance,
            "plan": plan,
            "commitments": access.records(Commitment).filter(pk__in=plan.commitments.values("pk")),
            "can_change": access.can_write_on(plan.owner_side_id),
        },
    )


@login_required
def exit_plan_edit(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    plan = access.get_record(ExitPlan, pk, write=True)
    before = audit.snapshot(plan)
    form = ExitPlanForm(request.POST or None, instance=plan, access=access)
    if request.method == "POST" and form.is_valid():
        services.save_form(access, form, before=before)
        messages.success(request, "Exit plan updated.")
        return redirect("exit_plan_detail", alliance_id, pk)
    return _form_page(request, access, form, f"Edit '{plan}'")


@login_required
@require_POST
def exit_plan_track(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    plan = access.get_record(ExitPlan, pk, write=True)
    made = exit_plans.track_as_commitments(access, plan, plan.owner_side)
    messages.success(request, f"{len(made)} step(s) of the plan are in the commitments ledger.")
    return redirect("exit_plan_detail", alliance_id, pk)
