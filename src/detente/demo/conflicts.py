"""Demo data for the conflicts capability.

* InnovateTech × GlobalConnect: the conflict after GlobalConnect's acquisition of a rival AI
  firm, raised jointly and climbed two rungs of the agreement's ladder (by the real
  escalation function, so its notifications and audit entries are there too); the
  restructuring comparison of all seven options, ending with the modular partnership.
* Borealis × GlobalConnect data-quality resale: a deliberately failing alliance where all
  five exit signals fire (a conflict past the top rung, GlobalConnect missing its
  commitments, falling resale revenue, continuing worth less than exit, a data-residency
  rule), with an exit plan tracked as commitments.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.test.utils import override_settings
from django.utils import timezone

from detente import audit
from detente.alliances.models import Signal, Stakeholder
from detente.commitments.models import Commitment
from detente.conflicts import exit_plans, ladder
from detente.conflicts.models import (
    Comparison,
    Conflict,
    ConflictView,
    ExitPlan,
    OptionEstimate,
    SideWeights,
)
from detente.demo.build import _add, _alliance, _day, _moment, _sides, _status
from detente.objectives.models import KPI, Measurement, Objective
from detente.objectives.periods import following, quarter_of
from detente.records.models import Alliance, Side
from detente.records.visibility import get_alliance_access

# Demo emails are not sent anywhere; the notifications still record them as sent.
QUIET_MAIL = override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")


def build(ws: Any) -> None:
    with QUIET_MAIL:
        _failing_resale(ws)  # first: its ladder climbs long before the telecom conflict's
        _ai_and_telecom(ws)


def _alliance_named(ws: Any, start: str) -> Alliance:
    return next(a for name, a in ws.alliances.items() if name.startswith(start))


def _band(likely: list[float], spread: float) -> tuple[list[float], list[float]]:
    low = [round(v - spread * abs(v), 1) for v in likely]
    high = [round(v + spread * abs(v), 1) for v in likely]
    return low, high


# (option, likely cash flows per year 0..3 in EUR k, spread, relationship, reputation, option value)
INNOVATETECH = [
    ("continue", [-400, 150, 100, 50], 0.3, -1, 0, -1),
    ("descope", [-100, 120, 140, 150], 0.2, 0, 0, -1),
    ("phased", [-150, 150, 200, 220], 0.25, 1, 1, 0),
    ("modular", [-200, 260, 340, 400], 0.2, 1, 2, 2),
    ("licensing", [-50, 120, 130, 140], 0.15, 0, 0, 0),
    ("spinoff", [-600, 0, 300, 700], 0.5, -1, 1, 2),
    ("exit", [-150, 0, 0, 0], 0.2, -2, -1, 1),
]
GLOBALCONNECT = [
    ("continue", [-500, 150, 200, 200], 0.3, 0, -1, -2),
    ("descope", [-150, 150, 180, 200], 0.2, 0, 0, -1),
    ("phased", [-200, 180, 220, 250], 0.25, 1, 0, 0),
    ("modular", [-250, 300, 380, 450], 0.2, 1, 1, 1),
    ("licensing", [-80, 280, 320, 350], 0.15, 0, 0, 2),
    ("spinoff", [-300, 50, 150, 250], 0.5, -1, 0, 1),
    ("exit", [-100, 0, 50, 50], 0.2, -2, -1, 2),
]


def _estimates(actor: Any, comparison: Comparison, side: Side, rows: list, visibility: str) -> None:
    for option, likely, spread, rel, rep, opt in rows:
        low, high = _band(likely, spread)
        _add(
            actor,
            OptionEstimate,
            alliance=comparison.alliance,
            owner_side=side,
            visibility=visibility,
            comparison=comparison,
            option=option,
            flows_likely=likely,
            flows_low=low,
            flows_high=high,
            relationship=rel,
            reputation=rep,
            strategic_option=opt,
        )


def _ai_and_telecom(ws: Any) -> None:
    alliance = _alliance_named(ws, "InnovateTech × GlobalConnect")
    it, gc = _sides(alliance)
    maya, raj = ws.users["maya@innovatetech.example"], ws.users["raj@globalconnect.example"]
    access = get_alliance_access(maya, alliance.pk, write=True)
    signals = list(Signal.objects.filter(alliance=alliance, visibility="joint")[:2])
    conflict = _add(
        maya,
        Conflict,
        alliance=alliance,
        owner_side=it,
        visibility="private",
        title="GlobalConnect's own AI after the acquisition",
        source=Conflict.Source.INTERNAL_SHIFT,
        kind=Conflict.Kind.EVOLVING_DIVERGENCE,
        description=(
            "Six months in, GlobalConnect acquired a rival AI firm and now wants proprietary AI "
            "across its whole network. InnovateTech fears being marginalised: the integration "
            "roadmap has stalled and the production API quota was cut."
        ),
        opened_on=_day(58),
        decision_asked=(
            "Choose the alliance's model for the next 18 months: full integration, a modular "
            "premium layer for top-tier enterprise clients, or licensing."
        ),
        recommendation=(
            "Move to a modular partnership: InnovateTech's specialised AI as a premium module "
            "for GlobalConnect's top-tier enterprise clients, plus co-developed niche applications."
        ),
    )
    conflict.signals.add(*signals)
    conflict.commitments.add(*Commitment.objects.filter(alliance=alliance, visibility="joint")[:2])
    shared = Objective.objects.filter(alliance=alliance, visibility="joint")
    conflict.objectives.add(*shared[:1])
    conflict.kpis.add(*KPI.objects.filter(objective__in=shared)[:2])
    views = [
        (
            maya,
            it,
            "joint",
            "Keep the full network integration we signed for.",
            "Market penetration is our reason to be in this alliance; a side-lined integration "
            "makes us a vendor among many.",
            "Joint revenue per quarter; API calls in production.",
        ),
        (
            raj,
            gc,
            "joint",
            "Deploy AI across the entire infrastructure, most of it in-house.",
            "The board bought the rival firm to own the core; we still need specialised models for "
            "demanding enterprise clients.",
            "Cost per deployed model; enterprise churn.",
        ),
        (
            maya,
            it,
            "private",
            "We can live with a premium-module model if the top-tier clients are ours to serve.",
            "Walk-away: below EUR 1.5 m joint revenue a year the alliance is not worth our engineers.",
            "",
        ),
    ]
    for actor, side, visibility, position, interests, data in views:
        _add(
            actor,
            ConflictView,
            alliance=alliance,
            owner_side=side,
            visibility=visibility,
            conflict=conflict,
            position=position,
            interests=interests,
            data=data,
        )
    # Raised 50 days ago; the two rungs' time limits passed and the escalation run climbed.
    step = ladder.raise_jointly(access, conflict, now=_moment(50, 9))
    step.met_on, step.who_met = _day(47), "Jonas Weber, Sofia Lindqvist"
    step.agreed = "Freeze the quota cut until the managers meet."
    step.still_open = "Whether the integration roadmap continues at all."
    step.save()
    first = ladder.escalate_due(step.due_at)
    second_step = conflict.steps.get(number=2)
    second_step.met_on, second_step.who_met = _day(33), "Maya Okafor, Raj Menon"
    second_step.agreed = "Compare the restructuring options with numbers from both sides."
    second_step.still_open = "Which model; each side prefers a different one."
    second_step.save()
    if first:
        ladder.escalate_due(second_step.due_at)

    comparison = _add(
        maya,
        Comparison,
        alliance=alliance,
        owner_side=it,
        visibility="joint",
        title="Reshaping the alliance after the acquisition",
        question="Which model serves both sides best over the next three years?",
        conflict=conflict,
        discount_rate=Decimal("10"),
        periods=4,
        period_label="year",
        currency="EUR k",
        chosen_option="modular",
        decision_notes=(
            "Chosen by both sponsors: the modular partnership is worth the most to the two sides "
            "together, and only slightly less to GlobalConnect than licensing."
        ),
    )
    _add(
        maya,
        SideWeights,
        alliance=alliance,
        owner_side=it,
        visibility="joint",
        comparison=comparison,
        relationship=3,
        reputation=2,
        strategic_option=2,
        per_point=Decimal("80"),
    )
    _add(
        raj,
        SideWeights,
        alliance=alliance,
        owner_side=gc,
        visibility="joint",
        comparison=comparison,
        relationship=1,
        reputation=1,
        strategic_option=3,
        per_point=Decimal("60"),
    )
    _estimates(maya, comparison, it, INNOVATETECH, "joint")
    _estimates(raj, comparison, gc, GLOBALCONNECT, "joint")


def _failing_resale(ws: Any) -> None:
    """A reseller alliance whose purpose a regulation and an acquisition have overtaken."""
    tom, raj = ws.users["tom@borealis.example"], ws.users["raj@globalconnect.example"]
    alliance = _alliance(
        ws,
        "tom@borealis.example",
        "Borealis Data",
        "GlobalConnect",
        name="Borealis × GlobalConnect data-quality resale",
        purpose="GlobalConnect resells Borealis's data-quality service to its enterprise clients.",
        kind=Alliance.Kind.ALLIANCE,
        start_date=_day(700),
    )
    bo, gc = _sides(alliance)
    _status(tom, alliance, "active", "Reseller agreement signed.", 690)
    _status(tom, alliance, "at_risk", "Resale revenue fell two quarters running.", 150)
    access = get_alliance_access(tom, alliance.pk, write=True)
    for user, side, role, title in (
        (tom, bo, Stakeholder.Role.ALLIANCE_MANAGER, "Partner manager"),
        (raj, gc, Stakeholder.Role.ALLIANCE_MANAGER, "Director, Strategic Alliances"),
    ):
        _add(
            tom if side == bo else raj,
            Stakeholder,
            alliance=alliance,
            owner_side=side,
            visibility="joint",
            name=user.full_name,
            title=title,
            role=role,
            user=user,
        )
    rule = _add(
        tom,
        Signal,
        alliance=alliance,
        owner_side=bo,
        visibility="joint",
        date=_day(120),
        kind=Signal.Kind.OTHER,
        severity=Signal.Severity.HIGH,
        title="New data-residency regulation forbids processing client data abroad",
        notes="The service runs in Borealis's Oslo region; most resale clients are outside it.",
    )
    _add(
        tom,
        Signal,
        alliance=alliance,
        owner_side=bo,
        visibility="joint",
        date=_day(90),
        kind=Signal.Kind.OVERLAPPING_LAUNCH,
        severity=Signal.Severity.MEDIUM,
        title="GlobalConnect bundles its acquired firm's data cleansing for free",
    )
    # Resale revenue, falling three quarters in a row.
    objective = _add(
        tom,
        Objective,
        alliance=alliance,
        owner_side=bo,
        visibility="joint",
        title="Resale revenue from GlobalConnect's enterprise clients",
        scope="shared",
    )
    kpi = KPI.objects.create(
        objective=objective,
        name="Resale revenue",
        metric="Invoiced resale revenue",
        unit="EUR k",
        target=Decimal("200"),
        deadline=_day(-90),
    )
    audit.log(tom, "create", kpi, after=audit.snapshot(kpi))
    period = quarter_of(_day(300))
    for value in (150, 120, 80, 45):
        _add(
            tom,
            Measurement,
            alliance=alliance,
            owner_side=bo,
            visibility="joint",
            kpi=kpi,
            period=period.label,
            value=Decimal(value),
        )
        period = following(period)
    # GlobalConnect's commitments, mostly missed over the last three quarters.
    for days_ago, title, done in (
        (250, "Train the enterprise sales team on the service", True),
        (230, "Quarterly pipeline review", False),
        (160, "Co-marketing webinar", False),
        (140, "Quarterly pipeline review", False),
        (70, "Two reference clients", False),
        (50, "Quarterly pipeline review", True),
        (30, "Migration plan for clients outside the region", False),
    ):
        due = _day(days_ago)
        _add(
            tom,
            Commitment,
            alliance=alliance,
            owner_side=bo,
            visibility="joint",
            owed_by=gc,
            title=title,
            due_date=due,
            status="done" if done else "open",
            done_on=due if done else None,
        )
    conflict = _add(
        tom,
        Conflict,
        alliance=alliance,
        owner_side=bo,
        visibility="joint",
        title="GlobalConnect favours its own data cleansing with shared clients",
        source=Conflict.Source.CUSTOMER_OWNERSHIP,
        kind=Conflict.Kind.EVOLVING_DIVERGENCE,
        description="GlobalConnect's account teams now offer the acquired firm's tool first.",
        opened_on=_day(200),
        decision_asked="Decide whether to give notice under the exit terms this quarter.",
        recommendation="Exit gracefully: transition the 14 shared clients over 90 days.",
    )
    conflict.signals.add(rule)
    conflict.kpis.add(kpi)
    _add(
        raj,
        ConflictView,
        alliance=alliance,
        owner_side=gc,
        visibility="joint",
        conflict=conflict,
        position="Our clients want one bundle from us.",
        interests="Margin on the bundled tool.",
    )
    step = ladder.raise_jointly(access, conflict, now=_moment(195, 9))
    # The conflict climbed every rung of the default ladder without resolution.
    while step is not None and step.due_at is not None and step.due_at <= timezone.now():
        ladder.escalate_due(step.due_at)
        step = conflict.steps.filter(ended_at__isnull=True).first()
    comparison = _add(
        tom,
        Comparison,
        alliance=alliance,
        owner_side=bo,
        visibility="joint",
        title="Carry on or wind down the resale",
        conflict=conflict,
        discount_rate=Decimal("8"),
        periods=3,
        currency="EUR k",
    )
    for actor, side, rows in (
        (
            tom,
            bo,
            [("continue", [-60, 40, 10], 0.3, -1, -1, 0), ("exit", [-20, 10, 10], 0.2, 0, 1, 1)],
        ),
        (
            raj,
            gc,
            [("continue", [-30, 20, 0], 0.3, 0, -1, -1), ("exit", [-10, 5, 5], 0.2, 0, 0, 1)],
        ),
    ):
        _add(
            actor,
            SideWeights,
            alliance=alliance,
            owner_side=side,
            visibility="joint",
            comparison=comparison,
            relationship=1,
            reputation=2,
            strategic_option=1,
            per_point=Decimal("20"),
        )
        _estimates(actor, comparison, side, rows, "joint")
    draft = exit_plans.draft_values(access, _day(-14))
    plan = _add(
        tom,
        ExitPlan,
        alliance=alliance,
        owner_side=bo,
        visibility="joint",
        title="Graceful exit from the resale alliance",
        status=ExitPlan.Status.ACTIVE,
        notice_on=draft["notice_on"],
        notice_days=draft["notice_days"],
        customers=(
            "14 shared clients: each keeps its service to the end date; Borealis offers a direct "
            "contract at the resale price for a year; GlobalConnect hands over contacts 60 days "
            "before the end."
        ),
        projects="The joint connector stays with Borealis; GlobalConnect's licence to it ends on the end date.",
        communications=draft["communications"],
        terms_source=draft["terms_source"],
    )
    exit_plans.track_as_commitments(access, plan, bo)
