"""Pages of the conflicts capability: conflicts and their ladder, the dialogue kit, the
escalation brief, restructuring comparisons, exit signals and exit plans. Every view
starts with the access helper."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from detente import audit
from detente.accounts.http import AuthedRequest
from detente.commitments.models import Commitment
from detente.conflicts import (
    briefs,
    dialogue,
    exit_plans,
    ladder,
    present,
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
    OptionEstimate,
    SideWeights,
)
from detente.records import services
from detente.records.views import RecordPages, alliance_page, child_record, form_page
from detente.records.visibility import JOINT, PRIVATE, AllianceAccess, get_alliance_access

# Conflicts ------------------------------------------------------------------------------


@login_required
def conflicts_home(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    page = present.conflicts(access)
    return render(
        request,
        "conflicts/home.html",
        {
            "access": access,
            "alliance": access.alliance,
            "active": page.active,
            "closed": page.closed,
            "comparisons": page.comparisons,
            "plans": page.plans,
            "unread": page.unread,
        },
    )


# Conflicts go to their page after a change, their sides' views to the conflict's page.
CONFLICT_PAGES = RecordPages(ConflictForm, then=lambda conflict: ("conflict_detail", conflict.pk))
VIEW_PAGES = RecordPages(ConflictViewForm, then=lambda view: ("conflict_detail", view.conflict_id))


@alliance_page(write=True)
def conflict_new(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    message = "Conflict '{record}' recorded."
    initial = {"visibility": PRIVATE}
    return CONFLICT_PAGES.create(request, access, "Record a conflict", message, initial=initial)


@login_required
def conflict_detail(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    page = present.conflict(access, pk)
    conflict = page.conflict
    return render(
        request,
        "conflicts/detail.html",
        {
            "access": access,
            "alliance": access.alliance,
            "conflict": conflict,
            "steps": page.steps,
            "current": page.current,
            "days_left": page.days_left,
            "views": page.views,
            "my_view_sides": {v.owner_side_id for v in page.views},
            "links": page.links,
            "can_change": access.can_write_on(conflict.owner_side_id),
            "can_take_part": access.can_write and conflict.visibility == JOINT,
            "close_form": CloseForm(),
            "ladder_preview": ladder.agreement_ladder(access.alliance, None)
            if conflict.raised_at is None
            else None,
        },
    )


@alliance_page(write=True)
def conflict_edit(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    conflict = access.get_record(Conflict, pk, write=True)
    title = f"Edit conflict '{conflict}'"
    return CONFLICT_PAGES.edit(request, access, conflict, title, "Conflict updated.")


@alliance_page(write=True, post=True)
def conflict_delete(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    conflict = access.get_record(Conflict, pk, write=True)
    message = "Conflict '{record}' deleted."
    return CONFLICT_PAGES.delete(request, access, conflict, message, then="conflicts_home")


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
    if conflict.visibility != JOINT or conflict.raised_at is None:
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
    return form_page(request, access, form, f"Move '{conflict}' up a rung")


@login_required
@require_POST
def conflict_close(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    conflict = access.get_record(Conflict, pk)
    if not access.sees(conflict, writing=True):
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
    return form_page(request, access, form, f"Record of rung {step.number}, {step.name}")


@alliance_page(write=True)
def view_new(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    conflict = access.get_record(Conflict, pk)
    title, message = f"Your side's view of '{conflict}'", "Your side's view is recorded."
    return VIEW_PAGES.create(request, access, title, message, conflict=conflict)


@alliance_page(write=True)
def view_edit(request: HttpRequest, access: AllianceAccess, pk: int, view_id: int) -> HttpResponse:
    conflict = access.get_record(Conflict, pk)
    view = child_record(access, ConflictView, view_id, conflict)
    title = f"Your side's view of '{conflict}'"
    return VIEW_PAGES.edit(request, access, view, title, "View updated.", conflict=conflict)


# Dialogue kit and brief -----------------------------------------------------------------


@login_required
def conflict_dialogue(request: AuthedRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    conflict = access.get_record(Conflict, pk)
    form = ActionForm(request.POST or None, access=access)
    if request.method == "POST":
        access.require_write()
        if form.is_valid():
            with transaction.atomic():
                side = access.default_side
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


def _internal(request: HttpRequest) -> bool:
    """A brief is joint unless the reader explicitly asks for its side's internal one."""
    return request.GET.get("internal") in ("1", "true")


@login_required
def conflict_brief(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    page = present.brief(access, pk, internal=_internal(request))
    return render(
        request,
        "conflicts/brief.html",
        {
            "access": access,
            "alliance": access.alliance,
            "conflict": page.conflict,
            "brief": page.brief,
        },
    )


@login_required
def conflict_brief_pdf(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    page = present.brief(access, pk, internal=_internal(request))
    conflict = page.conflict
    response = HttpResponse(briefs.pdf(page.brief), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="brief-conflict-{conflict.pk}.pdf"'
    return response


@login_required
def conflict_brief_md(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    page = present.brief(access, pk, internal=_internal(request))
    conflict = page.conflict
    response = HttpResponse(
        briefs.markdown(page.brief), content_type="text/markdown; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="brief-conflict-{conflict.pk}.md"'
    return response


# Notifications --------------------------------------------------------------------------


@login_required
def notifications(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    notes = present.notifications(access)
    if request.method == "POST":
        notes.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("conflict_notifications", alliance_id)
    return render(
        request,
        "conflicts/notifications.html",
        {"access": access, "alliance": access.alliance, "notes": notes[:200]},
    )


# Restructuring --------------------------------------------------------------------------


COMPARISON_PAGES = RecordPages(ComparisonForm, then=lambda c: ("comparison_detail", c.pk))
ESTIMATE_PAGES = RecordPages(
    EstimateForm, then=lambda estimate: ("comparison_detail", estimate.comparison_id)
)


@alliance_page(write=True)
def comparison_new(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    title, message = (
        "Compare restructuring options",
        "Comparison started. Each side now adds its estimates.",
    )
    initial = {"discount_rate": 10, "periods": 4}
    return COMPARISON_PAGES.create(request, access, title, message, initial=initial)


@login_required
def comparison_detail(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    page = present.comparison(access, pk)
    return render(
        request,
        "conflicts/comparison.html",
        {
            "access": access,
            "alliance": access.alliance,
            "comparison": page.comparison,
            "result": page.result,
            "estimates": page.estimates,
            "weights": page.weights,
            "my_weights": {w.owner_side_id: w for w in page.weights},
            "factors": restructuring.FACTORS,
        },
    )


@alliance_page(write=True)
def comparison_edit(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    comparison = access.get_record(Comparison, pk, write=True)
    title = f"Edit '{comparison}'"
    return COMPARISON_PAGES.edit(request, access, comparison, title, "Comparison updated.")


@alliance_page(write=True)
def estimate_new(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    comparison = access.get_record(Comparison, pk)
    title = f"Your side's estimate for '{comparison}'"
    initial = {"visibility": comparison.visibility, "option": request.GET.get("option", "")}
    return ESTIMATE_PAGES.create(
        request, access, title, "Estimate added.", comparison=comparison, initial=initial
    )


@alliance_page(write=True)
def estimate_edit(
    request: HttpRequest, access: AllianceAccess, pk: int, estimate_id: int
) -> HttpResponse:
    comparison = access.get_record(Comparison, pk)
    estimate = child_record(access, OptionEstimate, estimate_id, comparison)
    title = f"Edit estimate: {estimate}"
    return ESTIMATE_PAGES.edit(
        request, access, estimate, title, "Estimate updated.", comparison=comparison
    )


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
        initial={"visibility": PRIVATE},
    )
    if request.method == "POST" and form.is_valid():
        services.save_form(access, form, before=before)
        messages.success(request, "Your side's weights are saved.")
        return redirect("comparison_detail", alliance_id, pk)
    return form_page(request, access, form, "How your side weighs the intangibles")


# Exit -----------------------------------------------------------------------------------


@login_required
def exit_home(request: HttpRequest, alliance_id: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id)
    page = present.exit_page(access)
    return render(
        request,
        "conflicts/exit.html",
        {
            "access": access,
            "alliance": access.alliance,
            "assessment": page.assessment,
            "plans": page.plans,
            "terms": page.terms,
        },
    )


EXIT_PLAN_PAGES = RecordPages(ExitPlanForm, then=lambda plan: ("exit_plan_detail", plan.pk))


@alliance_page(write=True)
def exit_plan_new(request: HttpRequest, access: AllianceAccess) -> HttpResponse:
    draft = exit_plans.draft_values(access, timezone.localdate())

    def save_with_terms(access: AllianceAccess, form: ExitPlanForm) -> ExitPlan:
        """The plan keeps the communications and the terms it was drafted from."""
        form.instance.communications = draft["communications"]
        form.instance.terms_source = draft["terms_source"]
        return services.save_form(access, form)

    title, message = "Draft an exit plan", "Exit plan drafted from the exit terms."
    initial = {**draft, "visibility": PRIVATE}
    return EXIT_PLAN_PAGES.create(
        request, access, title, message, initial=initial, save=save_with_terms
    )


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


@alliance_page(write=True)
def exit_plan_edit(request: HttpRequest, access: AllianceAccess, pk: int) -> HttpResponse:
    plan = access.get_record(ExitPlan, pk, write=True)
    return EXIT_PLAN_PAGES.edit(request, access, plan, f"Edit '{plan}'", "Exit plan updated.")


@login_required
@require_POST
def exit_plan_track(request: HttpRequest, alliance_id: int, pk: int) -> HttpResponse:
    access = get_alliance_access(request.user, alliance_id, write=True)
    plan = access.get_record(ExitPlan, pk, write=True)
    made = exit_plans.track_as_commitments(access, plan, plan.owner_side)
    messages.success(request, f"{len(made)} step(s) of the plan are in the commitments ledger.")
    return redirect("exit_plan_detail", alliance_id, pk)
