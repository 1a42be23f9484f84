"""Actions of the health check. Each runs in one transaction and writes its audit entries.

Survey links: the link carries a signed token of the invitation's id and nonce
(``django.core.signing``, like account invitations). ``answered_at`` makes it single-use
and the cycle's closing date (and ``LINK_MAX_AGE``) bounds it in time. Whoever holds the
link may answer once, for the side the invitation names; nobody else can answer at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from detente import audit
from detente.health.models import (
    Alert,
    AlertAction,
    Answer,
    Cycle,
    HealthPlan,
    Measure,
    Response,
    SurveyInvitation,
)
from detente.jobs.mail import queue_email
from detente.records import services
from detente.records.models import Alliance, Side
from detente.records.visibility import JOINT, PRIVATE, AllianceAccess

SALT = "detente.health.survey"
LINK_MAX_AGE = timedelta(days=400)  # a hard bound; the cycle's closing date is the real one

# The seed's four measures (seed 001's Alliance Health Check scorecard).
DEFAULT_MEASURES = [
    ("alignment", "Strategic goal alignment", "How well are the partners' strategic goals "
     "aligned today?", Measure.Scale.SCORE),
    ("adherence", "Resource commitment adherence", "What share of the agreed resources "
     "(people, budget, capacity) was actually provided this period?", Measure.Scale.PERCENT),
    ("roi", "Joint project ROI", "What return on investment did the joint projects bring this "
     "period, from your finance data?", Measure.Scale.SIGNED_PERCENT),
    ("satisfaction", "Partner satisfaction", "How satisfied are you with the partnership?",
     Measure.Scale.SCORE),
]  # fmt: skip


class SurveyLinkError(Exception):
    """The link cannot be used; the message says why in words the respondent understands."""


# Plan and measures ----------------------------------------------------------------------


def plan_for(alliance: Alliance) -> HealthPlan:
    """The alliance's plan, or an unsaved plan with the defaults."""
    plan = HealthPlan.objects.filter(alliance=alliance).first()
    return plan or HealthPlan(alliance=alliance)


@transaction.atomic
def save_plan(access: AllianceAccess, form: Any) -> HealthPlan:
    plan = form.instance
    before = audit.snapshot(plan) if plan.pk else None
    if plan.pk is None:
        plan.owner_side = access.my_side
    return services.save_form(access, form, before=before)


def ensure_default_measures(access: AllianceAccess, side: Side) -> None:
    existing = set(Measure.objects.filter(alliance=access.alliance).values_list("key", flat=True))
    for position, (key, label, question, scale) in enumerate(DEFAULT_MEASURES):
        if key in existing:
            continue
        measure = Measure.objects.create(
            alliance=access.alliance,
            owner_side=side,
            created_by=access.user,
            key=key,
            label=label,
            question=question,
            scale=scale,
            position=position * 10,
        )
        audit.log(access.user, "create", measure, after=audit.snapshot(measure))


@transaction.atomic
def create_cycle(access: AllianceAccess, form: Any) -> Cycle:
    side = next(s for s in access.sides if access.can_manage_on(s.id))
    ensure_default_measures(access, side)
    cycle = form.save(commit=False)
    cycle.owner_side = side
    cycle.visibility = JOINT
    return services.save_form(access, form)


@transaction.atomic
def close_cycle(access: AllianceAccess, cycle: Cycle) -> None:
    before = audit.snapshot(cycle)
    cycle.closed_at = timezone.now()
    cycle.save(update_fields=["closed_at", "updated_at"])
    audit.log(access.user, "update", cycle, before=before, after=audit.snapshot(cycle))


def measures_for_side(alliance: Alliance, side_id: int) -> list[Measure]:
    """What a respondent of ``side_id`` answers: active joint measures and their side's
    private ones. Adherence is left out when the alliance takes it from the ledger."""
    plan = plan_for(alliance)
    qs = Measure.objects.visible_to_side(side_id).filter(alliance=alliance, active=True)
    measures = list(qs.order_by("position", "id"))
    if plan.adherence_source == HealthPlan.AdherenceSource.LEDGER:
        measures = [m for m in measures if m.key != "adherence"]
    return measures


# Invitations and reminders --------------------------------------------------------------


def make_token(invitation: SurveyInvitation) -> str:
    return signing.dumps({"s": invitation.pk, "n": invitation.nonce}, salt=SALT, compress=True)


def survey_url(invitation: SurveyInvitation) -> str:
    return settings.SITE_URL + reverse("health_survey", args=[make_token(invitation)])


def link_expires_at(cycle: Cycle) -> datetime:
    return timezone.make_aware(datetime.combine(cycle.closes_on + timedelta(days=1), time()))


def _email_invitation(invitation: SurveyInvitation, *, reminder: bool) -> None:
    cycle = invitation.cycle
    context = {
        "invitation": invitation,
        "cycle": cycle,
        "alliance": cycle.alliance,
        "side": invitation.owner_side,
        "url": survey_url(invitation),
        "reminder": reminder,
    }
    subject = f"{'Reminder: ' if reminder else ''}{cycle.alliance} health check {cycle.period}"
    # Sent by a job, not inside the request; one email per invitation and per reminder.
    key = f"survey:{invitation.pk}:" + (
        f"reminder:{invitation.reminders}" if reminder else "invite"
    )
    queue_email(
        key, invitation.email, subject, render_to_string("health/email/survey.txt", context)
    )


@transaction.atomic
def invite(
    access: AllianceAccess, cycle: Cycle, side: Side, people: Iterable[tuple[str, str]]
) -> list[SurveyInvitation]:
    """Invite people to answer for ``side``; an email already invited is skipped."""
    already = set(cycle.invitations.values_list("email", flat=True))
    created = []
    for name, email in people:
        if email in already:
            continue
        invitation = SurveyInvitation.objects.create(
            alliance=access.alliance,
            owner_side=side,
            visibility=JOINT,
            created_by=access.user,
            cycle=cycle,
            name=name,
            email=email,
            sent_at=timezone.now(),
        )
        audit.log(access.user, "create", invitation, after=audit.snapshot(invitation))
        created.append(invitation)
        already.add(email)
    for invitation in created:
        _email_invitation(invitation, reminder=False)
    return created


def due_reminders(cycles: Iterable[Cycle], now: datetime | None = None) -> list[SurveyInvitation]:
    """Unanswered invitations of open cycles last contacted ``reminder_days`` ago or more."""
    now = now or timezone.now()
    due = []
    for cycle in cycles:
        if not cycle.is_open:
            continue
        wait = timedelta(days=plan_for(cycle.alliance).reminder_days)
        for invitation in cycle.invitations.filter(answered_at=None):
            last = invitation.reminded_at or invitation.sent_at or invitation.created_at
            if now - last >= wait:
                due.append(invitation)
    return due


def send_reminders(actor: Any, invitations: Iterable[SurveyInvitation]) -> int:
    sent = 0
    for invitation in invitations:
        with transaction.atomic():
            before = audit.snapshot(invitation)
            invitation.reminded_at = timezone.now()
            invitation.reminders += 1
            invitation.save(update_fields=["reminded_at", "reminders", "updated_at"])
            audit.log(actor, "update", invitation, before=before, after=audit.snapshot(invitation))
        _email_invitation(invitation, reminder=True)
        sent += 1
    return sent


# Answering ------------------------------------------------------------------------------


def open_survey(token: str) -> SurveyInvitation:
    """The invitation behind a link, or SurveyLinkError if tampered, expired, closed or used."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise SurveyLinkError("This survey link has expired.") from None
    except signing.BadSignature:
        raise SurveyLinkError("This survey link is not valid.") from None
    try:
        invitation = SurveyInvitation.objects.select_related(
            "cycle", "alliance", "owner_side__organisation"
        ).get(pk=payload["s"], nonce=payload["n"])
    except (SurveyInvitation.DoesNotExist, KeyError, TypeError):
        raise SurveyLinkError("This survey link is not valid.") from None
    _check_usable(invitation)
    return invitation


def _check_usable(invitation: SurveyInvitation) -> None:
    if invitation.answered_at is not None:
        raise SurveyLinkError("This survey link has already been used. Thank you for answering.")
    cycle = invitation.cycle
    if cycle.closed_at is not None or timezone.now() >= link_expires_at(cycle):
        raise SurveyLinkError(
            f"The health check {cycle.period} closed on {cycle.closes_on:%-d %B %Y}; "
            "this link has expired."
        )
    if timezone.localdate() < cycle.opens_on:
        raise SurveyLinkError(f"The health check opens on {cycle.opens_on:%-d %B %Y}.")


@transaction.atomic
def submit(invitation: SurveyInvitation, answers: list[tuple[Measure, float, str]]) -> Response:
    # Lock the row so two simultaneous submissions cannot both use the link.
    locked = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
    locked.cycle = invitation.cycle
    _check_usable(locked)
    response = Response.objects.create(
        alliance_id=locked.alliance_id,
        owner_side_id=locked.owner_side_id,
        visibility=JOINT,
        cycle_id=locked.cycle_id,
        invitation=locked,
    )
    Answer.objects.bulk_create(
        Answer(response=response, measure=m, value=value, comment=comment)
        for m, value, comment in answers
    )
    before = audit.snapshot(locked)
    locked.answered_at = timezone.now()
    locked.save(update_fields=["answered_at", "updated_at"])
    audit.log(None, "update", locked, before=before, after=audit.snapshot(locked))
    # The audit names the cycle and side only: answers are never written where a person
    # could read them next to a name.
    audit.log(
        None,
        "create",
        response,
        after={"cycle_id": response.cycle_id, "owner_side_id": response.owner_side_id},
    )
    return response


# Alert triage ---------------------------------------------------------------------------


@transaction.atomic
def act_on_alert(
    access: AllianceAccess, alert: Alert, kind: str, reason: str, until: Any = None
) -> AlertAction:
    """Acknowledge or snooze ``alert`` for the user's own side (private to that side)."""
    side = access.default_side
    action = AlertAction.objects.create(
        alliance=access.alliance,
        owner_side=side,
        visibility=PRIVATE,
        created_by=access.user,
        alert=alert,
        kind=kind,
        reason=reason,
        snoozed_until=until,
    )
    audit.log(access.user, "create", action, after=audit.snapshot(action))
    return action
