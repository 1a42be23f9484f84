"""A new alliance's first steps, and what waits for a side that has just joined.

The overview of an alliance shows a checklist (invite counterparts, stakeholders, objectives
and KPIs, an agreement, the first health check) until every step is done, and, for each
side, the things waiting for it (a survey to answer, an agreement version to sign, a
negotiation round without its preferences, invitations to follow up).

Every step is ticked from the data, read through the visibility rule (``access.records``):
a side counts only what it may see, so the partner's private stakeholders, objectives or
draft agreements never tick a step of this side's checklist, nor show in its numbers. The
pending invitations are shown (and may be withdrawn) only on the side that sent them or
the side they invite to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from detente.accounts import invitations
from detente.accounts.models import Invitation, Membership
from detente.agreements.models import AgreementVersion, Signature
from detente.alliances import side_invitations
from detente.alliances.models import Stakeholder
from detente.health import services as health_services
from detente.health.models import Cycle, SurveyInvitation
from detente.negotiation.models import NegotiationRound, SidePreferences
from detente.objectives.models import KPI, Objective
from detente.records.visibility import AllianceAccess


@dataclass
class Step:
    key: str
    title: str
    done: bool
    detail: str
    url: str
    action: str  # the button's words


@dataclass
class Checklist:
    steps: list[Step] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(step.done for step in self.steps)

    @property
    def complete(self) -> bool:
        return all(step.done for step in self.steps)

    @property
    def next_step(self) -> Step | None:
        return next((step for step in self.steps if not step.done), None)


@dataclass
class Waiting:
    text: str
    url: str
    action: str


def _side_name(access: AllianceAccess, side: Any) -> str:
    return "your side" if side.id in access.roles else str(side)


def checklist(access: AllianceAccess) -> Checklist:
    """The five first steps, each ticked from what this reader may see."""
    return Checklist(
        [
            _counterparts(access),
            _stakeholders(access),
            _objectives(access),
            _agreement(access),
            _health_check(access),
        ]
    )


def _counterparts(access: AllianceAccess) -> Step:
    """Every partner side has its own people in detente, or has been invited; no
    organisation is still being asked to join."""
    partners = [s for s in access.sides if s.id not in access.roles]
    staffed = set(
        Membership.objects.filter(
            organisation_id__in=[s.organisation_id for s in partners]
        ).values_list("organisation_id", flat=True)
    )
    invited = set(
        invitations.pending(
            Invitation.objects.filter(
                alliance=access.alliance,
                organisation_id__in=[s.organisation_id for s in partners],
            )
        ).values_list("organisation_id", flat=True)
    )
    asked = [str(i.organisation) for i in side_invitations.pending_in(access)]
    notes, done = [], not asked and bool(partners)
    for side in partners:
        if side.organisation_id in staffed:
            notes.append(f"{side} has joined")
        elif side.organisation_id in invited:
            notes.append(f"{side} is invited, not yet in")
        else:
            notes.append(f"nobody from {side} yet")
            done = False
    notes += [f"{name} is asked to join the alliance" for name in asked]
    if not partners and not asked:
        notes.append("no partner side yet")
    a = access.alliance.pk
    detail = "; ".join(notes)
    return Step(
        "counterparts",
        "Invite your counterparts",
        done,
        detail[:1].upper() + detail[1:] + ".",  # not capitalize(): it lowercases the names
        reverse("invite", args=[a])
        if access.can_manage
        else reverse("alliance_overview", args=[a]),
        "Send an invitation" if access.can_manage else "Ask a manager to invite them",
    )


def _stakeholders(access: AllianceAccess) -> Step:
    """At least one stakeholder on every side, of those this reader sees."""
    counts = dict.fromkeys((s.id for s in access.sides), 0)
    for side_id in access.records(Stakeholder).values_list("owner_side_id", flat=True):
        counts[side_id] = counts.get(side_id, 0) + 1
    detail = ", ".join(f"{_side_name(access, s)}: {counts[s.id]}" for s in access.sides)
    a = access.alliance.pk
    return Step(
        "stakeholders",
        "Map the stakeholders of each side",
        all(counts[s.id] for s in access.sides),
        f"Stakeholders you can see — {detail}.",
        reverse("stakeholder_new", args=[a]) if access.can_write else "",
        "Add a stakeholder",
    )


def _objectives(access: AllianceAccess) -> Step:
    objectives = access.records(Objective)
    kpis = KPI.objects.filter(objective__in=objectives).count()
    count = objectives.count()
    a = access.alliance.pk
    if count == 0:
        url = reverse("objective_new", args=[a]) if access.can_write else ""
        action = "Add an objective"
    else:
        url, action = reverse("objectives_home", args=[a]), "Add KPIs"
    return Step(
        "objectives",
        "Set objectives and KPIs",
        count > 0 and kpis > 0,
        f"{count} objective{'s' if count != 1 else ''}, {kpis} KPI{'s' if kpis != 1 else ''}.",
        url,
        action,
    )


def _agreement(access: AllianceAccess) -> Step:
    versions = access.records(AgreementVersion)
    latest = versions.first()
    in_force = versions.filter(status=AgreementVersion.Status.IN_FORCE).exists()
    a = access.alliance.pk
    if latest is None:
        detail = "No agreement yet."
        url = reverse("agreement_new", args=[a]) if access.can_write else ""
        action = "Draft the agreement"
    else:
        detail = f"Latest: {latest} ({latest.get_status_display().lower()})."
        url, action = reverse("agreement_home", args=[a]), "Open the agreement"
    return Step("agreement", "Agree the terms", in_force, detail, url, action)


def _health_check(access: AllianceAccess) -> Step:
    cycles = access.records(Cycle)
    first = cycles.first()
    a = access.alliance.pk
    if first is None:
        detail = "No health check yet."
        url = reverse("cycle_new", args=[a]) if access.can_manage else ""
        action = "Start the first health check"
    else:
        detail = f"{first} opened on {first.opens_on:%d %b %Y}."
        url, action = reverse("health_home", args=[a]), "Open the health checks"
    return Step("health", "Run the first health check", first is not None, detail, url, action)


def waiting_for_me(access: AllianceAccess) -> list[Waiting]:
    """What waits for the reader's side: a survey the reader has not answered, agreement
    versions proposed and not yet signed by the reader's side, open negotiation rounds
    without the side's preferences."""
    a = access.alliance.pk
    out: list[Waiting] = []
    today = timezone.localdate()
    surveys = (
        access.records(SurveyInvitation)
        .filter(
            email__iexact=access.user.email,
            answered_at__isnull=True,
            cycle__closed_at__isnull=True,
            cycle__opens_on__lte=today,
            cycle__closes_on__gte=today,
        )
        .select_related("cycle")
    )
    for survey in surveys:
        out.append(
            Waiting(
                f"The {survey.cycle.period} health check survey is open for you until "
                f"{survey.cycle.closes_on:%d %b %Y}.",
                reverse("health_survey", args=[health_services.make_token(survey)]),
                "Answer the survey",
            )
        )
    # An open health check none of a side's people is asked to answer yet: the side's
    # managers invite them (each side asks its own people).
    managed = [s for s in access.my_sides if access.can_manage_on(s.id)]
    open_cycles = access.records(Cycle).filter(
        closed_at__isnull=True, opens_on__lte=today, closes_on__gte=today
    )
    for cycle in open_cycles:
        asked = set(
            access.records(SurveyInvitation)
            .filter(cycle=cycle, owner_side_id__in=[s.id for s in managed])
            .values_list("owner_side_id", flat=True)
        )
        for side in managed:
            if side.id not in asked:
                out.append(
                    Waiting(
                        f"The {cycle.period} health check is open and nobody of {side} is asked "
                        "to answer it yet.",
                        reverse("cycle_invite", args=[a, cycle.pk]),
                        "Invite your side",
                    )
                )
    mine = list(access.roles)
    signed = Signature.objects.filter(side_id__in=mine).values("version_id")
    proposed = access.records(AgreementVersion).filter(status=AgreementVersion.Status.PROPOSED)
    for version in proposed.exclude(pk__in=signed):
        out.append(
            Waiting(
                f"{version} is proposed and waits for your side's signature.",
                reverse("agreement_version", args=[a, version.pk]),
                "Read and sign",
            )
        )
    entered = access.records(SidePreferences).filter(owner_side_id__in=mine).values("round_id")
    rounds = access.records(NegotiationRound).filter(status=NegotiationRound.Status.OPEN)
    for round_ in rounds.exclude(pk__in=entered):
        out.append(
            Waiting(
                f"The negotiation round “{round_}” waits for your side's preferences.",
                reverse("negotiation_preferences", args=[a, round_.pk]),
                "Enter your preferences",
            )
        )
    return out


# Pending invitations of people --------------------------------------------------------


def _invitations_in(access: AllianceAccess) -> QuerySet[Invitation]:
    """Invitations sent from this alliance that the reader may see: those to an organisation
    of the reader's sides, and those sent by someone of the reader's organisations."""
    my_orgs = [s.organisation_id for s in access.my_sides]
    return Invitation.objects.filter(alliance=access.alliance).filter(
        Q(organisation_id__in=my_orgs) | Q(invited_by__memberships__organisation_id__in=my_orgs)
    )


def pending_invitations(access: AllianceAccess) -> list[Invitation]:
    """Invitations still waiting to be accepted, for the reader's managers to follow up."""
    if not access.can_manage:
        return []
    shown = invitations.pending(_invitations_in(access)).select_related("organisation")
    return list(shown.distinct().order_by("-created_at"))


def get_to_revoke(access: AllianceAccess, pk: Any) -> Invitation:
    """A pending invitation the reader may withdraw (404 if not shown to the reader)."""
    access.require_manage()
    try:
        invitation = invitations.pending(_invitations_in(access)).distinct().get(pk=pk)
    except (Invitation.DoesNotExist, ValueError, TypeError):
        raise Http404("No such invitation.") from None
    return invitation


def overview_context(access: AllianceAccess) -> dict[str, Any]:
    """What the overview adds for a new alliance and a newly joined side."""
    steps = checklist(access)
    return {
        "checklist": None if steps.complete else steps,
        "waiting": waiting_for_me(access),
        "pending_invitations": pending_invitations(access),
    }
