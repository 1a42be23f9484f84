"""The demo workspace: alliances from the situations in the seed articles.

Every person signs in with the password ``DEMO_PASSWORD``. Dates are relative to today so
the timeline and its charts always look current.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from detente import audit
from detente.accounts.models import Membership, Organisation, Role, User
from detente.alliances import services
from detente.alliances.models import HistoryEntry, Interaction, Signal, Stakeholder, StatusChange
from detente.records.models import Alliance, Side

DEMO_PASSWORD = "detente-demo"

# Modules with a ``build(ws: Workspace)`` function, run in this order after the workspace.
DEMO_PARTS = [
    "detente.demo.objectives",
    "detente.demo.commitments",
    "detente.demo.agreements",
    "detente.demo.differences",
    "detente.demo.health",
    "detente.demo.goals",
    "detente.demo.decisions",
    "detente.demo.negotiation",
    "detente.demo.conflicts",
]

ORGANISATIONS = {
    "InnovateTech": Organisation.Kind.COMPANY,
    "GlobalConnect": Organisation.Kind.COMPANY,
    "EasyWeGo": Organisation.Kind.COMPANY,
    "SwiftRide": Organisation.Kind.COMPANY,
    "Altura Analytics": Organisation.Kind.COMPANY,
    "Borealis Data": Organisation.Kind.COMPANY,
    "Northstar Sales": Organisation.Kind.TEAM,
    "Northstar Product": Organisation.Kind.TEAM,
}

# email, name, organisation, role
PEOPLE = [
    ("maya@innovatetech.example", "Maya Okafor", "InnovateTech", Role.MANAGER),
    ("leo@innovatetech.example", "Leo Brandt", "InnovateTech", Role.READONLY),
    ("raj@globalconnect.example", "Raj Menon", "GlobalConnect", Role.MANAGER),
    ("sofia@globalconnect.example", "Sofia Lindqvist", "GlobalConnect", Role.MEMBER),
    ("linh@easywego.example", "Linh Tran", "EasyWeGo", Role.MANAGER),
    ("dara@swiftride.example", "Dara Sok", "SwiftRide", Role.MANAGER),
    ("she@altura.example", "She Wang", "Altura Analytics", Role.MANAGER),
    ("tom@borealis.example", "Tom Keller", "Borealis Data", Role.MANAGER),
    ("ana@northstar.example", "Ana Ruiz", "Northstar Sales", Role.MANAGER),
    ("ben@northstar.example", "Ben Adeyemi", "Northstar Product", Role.MANAGER),
]

# One login per side, printed by `detente demo`.
LOGINS = [
    ("InnovateTech × GlobalConnect", "maya@innovatetech.example", "raj@globalconnect.example"),
    ("EasyWeGo × SwiftRide", "linh@easywego.example", "dara@swiftride.example"),
    ("Altura × Borealis", "she@altura.example", "tom@borealis.example"),
    ("Northstar Sales × Product", "ana@northstar.example", "ben@northstar.example"),
    ("Borealis × GlobalConnect (exiting)", "tom@borealis.example", "raj@globalconnect.example"),
]


@dataclass
class Workspace:
    users: dict[str, User] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    alliances: dict[str, Alliance] = field(default_factory=dict)


def _day(days_ago: int) -> date:
    return timezone.localdate() - timedelta(days=days_ago)


def _moment(days_ago: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(_day(days_ago), time(hour)))


def _add(actor: User, model: type, **values: Any) -> Any:
    participants = values.pop("participants", None)
    record = model.objects.create(created_by=actor, **values)
    if participants:
        record.participants.set(participants)
    audit.log(actor, "create", record, after=audit.snapshot(record))
    return record


def _status(actor: User, alliance: Alliance, to_status: str, reason: str, days_ago: int) -> None:
    change = StatusChange.objects.create(
        alliance=alliance,
        from_status=alliance.status,
        to_status=to_status,
        reason=reason,
        changed_by=actor,
    )
    StatusChange.objects.filter(pk=change.pk).update(changed_at=_moment(days_ago))
    alliance.status = to_status
    alliance.save(update_fields=["status"])
    audit.log(actor, "create", change, after=audit.snapshot(change))


def _remove_previous_demo() -> None:
    emails = [p[0] for p in PEOPLE]
    Alliance.objects.filter(sides__organisation__name__in=ORGANISATIONS).delete()
    User.objects.filter(email__in=emails).delete()
    Organisation.objects.filter(name__in=ORGANISATIONS).delete()


@transaction.atomic
def build_demo(reset: bool = True) -> Workspace:
    """Build (or rebuild) the demo workspace. Touches only the demo's own organisations."""
    if reset:
        _remove_previous_demo()
    ws = Workspace()
    for name, kind in ORGANISATIONS.items():
        ws.organisations[name] = Organisation.objects.create(name=name, kind=kind)
    for email, name, org, role in PEOPLE:
        user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name)
        Membership.objects.create(user=user, organisation=ws.organisations[org], role=role)
        ws.users[email] = user
    _ai_and_telecom(ws)
    _ride_hailing(ws)
    _competitor(ws)
    _internal(ws)
    # Each capability adds its part of the demo (agreement, KPIs, commitments, differences).
    for part in DEMO_PARTS:
        importlib.import_module(part).build(ws)
    return ws


def _alliance(ws: Workspace, actor: str, mine: str, partner: str, **fields: Any) -> Alliance:
    alliance = services.create_alliance(
        ws.users[actor],
        my_organisation=ws.organisations[mine],
        partner_names=[partner],
        **fields,
    )
    # The "created" status change dates from the alliance's start, not from the demo build.
    alliance.status_changes.update(
        changed_at=_moment((timezone.localdate() - alliance.start_date).days)
    )
    ws.alliances[alliance.name] = alliance
    return alliance


def _sides(alliance: Alliance) -> tuple[Side, Side]:
    a, b = list(alliance.sides.order_by("id"))
    return a, b


def _ai_and_telecom(ws: Workspace) -> None:
    """Seed 001: an AI start-up and a telecom giant whose strategy shifted after an acquisition."""
    maya, raj = ws.users["maya@innovatetech.example"], ws.users["raj@globalconnect.example"]
    sofia = ws.users["sofia@globalconnect.example"]
    alliance = _alliance(
        ws,
        "maya@innovatetech.example",
        "InnovateTech",
        "GlobalConnect",
        name="InnovateTech × GlobalConnect network AI",
        purpose="Put InnovateTech's AI into GlobalConnect's network: market reach for the start-up, "
        "modern technology for the telecom.",
        kind=Alliance.Kind.ALLIANCE,
        start_date=_day(420),
    )
    it, gc = _sides(alliance)
    _status(maya, alliance, "active", "Joint agreement signed by both sponsors.", 400)
    _status(
        raj, alliance, "at_risk", "GlobalConnect bought a rival AI firm; roadmap under review.", 60
    )

    def person(side: Side, actor: User, **f: Any) -> Stakeholder:
        return _add(actor, Stakeholder, alliance=alliance, owner_side=side, **f)

    it_ceo = person(
        it, maya, name="Priya Raman", title="CEO", role="sponsor", influence=5, stance="champion"
    )
    it_am = person(
        it,
        maya,
        name="Maya Okafor",
        title="Head of Alliances",
        role="alliance_manager",
        influence=4,
        stance="champion",
        user=maya,
        email="maya@innovatetech.example",
    )
    it_ops = person(
        it,
        maya,
        name="Jonas Weber",
        title="Integration lead",
        role="operational_lead",
        influence=3,
        stance="supporter",
    )
    person(
        it,
        maya,
        name="Leo Brandt",
        title="CFO (watching burn)",
        role="other",
        influence=4,
        stance="sceptic",
        visibility="private",
    )
    gc_evp = person(
        gc,
        raj,
        name="Helen Park",
        title="EVP Network Strategy",
        role="sponsor",
        influence=5,
        stance="neutral",
        counterpart=it_ceo,
    )
    gc_am = person(
        gc,
        raj,
        name="Raj Menon",
        title="Alliance Director",
        role="alliance_manager",
        influence=4,
        stance="supporter",
        counterpart=it_am,
        user=raj,
        email="raj@globalconnect.example",
    )
    gc_ops = person(
        gc,
        raj,
        name="Sofia Lindqvist",
        title="Network operations lead",
        role="operational_lead",
        influence=3,
        stance="supporter",
        counterpart=it_ops,
        user=sofia,
    )
    person(
        gc,
        raj,
        name="Marco Bellini",
        title="Head of acquired AI unit",
        role="other",
        influence=4,
        stance="opponent",
        visibility="private",
    )

    def history(
        side: Side, actor: User, days: int, category: str, title: str, notes: str = "", **f: Any
    ) -> None:
        _add(
            actor,
            HistoryEntry,
            alliance=alliance,
            owner_side=side,
            date=_day(days),
            category=category,
            title=title,
            notes=notes,
            **f,
        )

    history(
        it,
        maya,
        380,
        "went_right",
        "Pilot in three metro regions beat latency targets",
        "Network anomaly detection cut incident triage time by a third in the pilot.",
    )
    history(gc, raj, 300, "went_right", "Joint go-to-market for enterprise customers launched")
    history(it, maya, 150, "went_wrong", "Quarterly business review postponed twice")
    history(gc, raj, 60, "broken", "Roadmap for 2027 integration frozen pending acquisition review")
    history(
        it,
        maya,
        40,
        "owed",
        "GlobalConnect owes the production API quota agreed in the charter",
        "Quota was promised for Q2; still at pilot level.",
    )
    history(
        it,
        maya,
        30,
        "broken",
        "Our walk-away point",
        "Private to InnovateTech: we exit if GlobalConnect cuts the API quota below 40% of plan "
        "or routes enterprise leads to the acquired unit.",
        visibility="private",
    )
    history(
        gc,
        raj,
        25,
        "owed",
        "Decide which AI unit leads enterprise accounts",
        "Private to GlobalConnect: leadership leans to the acquired unit; not yet told to InnovateTech.",
        visibility="private",
    )

    def signal(
        side: Side,
        actor: User,
        days: int,
        kind: str,
        severity: int,
        title: str,
        notes: str = "",
        **f: Any,
    ) -> None:
        _add(
            actor,
            Signal,
            alliance=alliance,
            owner_side=side,
            date=_day(days),
            kind=kind,
            severity=severity,
            title=title,
            notes=notes,
            **f,
        )

    signal(
        it,
        maya,
        58,
        "overlapping_launch",
        3,
        "GlobalConnect announces acquisition of a rival AI firm",
    )
    signal(
        it,
        maya,
        45,
        "messaging_shift",
        2,
        "GlobalConnect's investor deck calls AI 'a proprietary capability'",
    )
    signal(
        gc,
        raj,
        35,
        "resource_change",
        2,
        "Request to move two engineers from the joint team to the acquired unit",
    )
    signal(
        it,
        maya,
        20,
        "responsiveness",
        2,
        "Replies from GlobalConnect's network team slowing",
        "Average reply went from one day to five.",
        visibility="private",
    )
    # The joint-ROI discrepancy (7% against 10%) is raised by the measurements themselves,
    # in demo/objectives.py, as it would be in use.

    def meet(
        side: Side,
        actor: User,
        days: int,
        kind: str,
        subject: str,
        asked_h: int | None,
        answered_h: int | None,
        people: list,
        **f: Any,
    ) -> None:
        asked = _moment(days) if asked_h is not None else None
        answered = _moment(days) + timedelta(hours=answered_h) if answered_h is not None else None
        _add(
            actor,
            Interaction,
            alliance=alliance,
            owner_side=side,
            date=_day(days),
            kind=kind,
            subject=subject,
            response_requested_at=asked,
            responded_at=answered,
            participants=people,
            **f,
        )

    meet(
        it,
        maya,
        200,
        "meeting",
        "Quarterly alliance health check",
        0,
        20,
        [it_am, gc_am, it_ceo, gc_evp],
    )
    meet(it, maya, 110, "email", "Production quota request", 0, 30, [it_am, gc_am])
    meet(
        it,
        maya,
        50,
        "email",
        "Questions on the acquisition's impact on the roadmap",
        0,
        130,
        [it_am, gc_am],
    )
    meet(
        gc,
        raj,
        15,
        "call",
        "Facilitated dialogue: how the alliance fits our top three priorities now",
        None,
        None,
        [gc_am, it_am, gc_ops],
    )
    meet(it, maya, 5, "email", "Follow-up on lead routing", 0, None, [it_am, gc_am])


def _ride_hailing(ws: Workspace) -> None:
    """Seed 000: a ride-hailing partner expecting a too-rapid rollout across two countries."""
    linh, dara = ws.users["linh@easywego.example"], ws.users["dara@swiftride.example"]
    alliance = _alliance(
        ws,
        "linh@easywego.example",
        "EasyWeGo",
        "SwiftRide",
        name="EasyWeGo × SwiftRide driver rollout",
        purpose="Bring SwiftRide's ride-hailing to EasyWeGo's travellers, Vietnam first, then Cambodia.",
        kind=Alliance.Kind.ALLIANCE,
        start_date=_day(200),
    )
    ew, sr = _sides(alliance)
    _status(
        linh, alliance, "active", "Phased plan agreed: Vietnam first, Cambodia after review.", 150
    )
    ew_am = _add(
        linh,
        Stakeholder,
        alliance=alliance,
        owner_side=ew,
        name="Linh Tran",
        title="Partnerships lead",
        role="alliance_manager",
        influence=4,
        stance="champion",
        user=linh,
    )
    ew_ceo = _add(
        linh,
        Stakeholder,
        alliance=alliance,
        owner_side=ew,
        name="Quang Nguyen",
        title="Founder",
        role="sponsor",
        influence=5,
        stance="supporter",
    )
    _add(
        dara,
        Stakeholder,
        alliance=alliance,
        owner_side=sr,
        name="Dara Sok",
        title="Country manager",
        role="alliance_manager",
        influence=4,
        stance="supporter",
        counterpart=ew_am,
        user=dara,
    )
    _add(
        dara,
        Stakeholder,
        alliance=alliance,
        owner_side=sr,
        name="Vanna Chea",
        title="Regional VP",
        role="sponsor",
        influence=5,
        stance="champion",
        counterpart=ew_ceo,
    )
    _add(
        dara,
        Stakeholder,
        alliance=alliance,
        owner_side=sr,
        name="Sokha Lim",
        title="Driver onboarding lead",
        role="operational_lead",
        influence=3,
        stance="neutral",
    )
    _add(
        linh,
        HistoryEntry,
        alliance=alliance,
        owner_side=ew,
        date=_day(190),
        category="went_right",
        title="Agreed a phased rollout: Vietnam, then Cambodia",
    )
    _add(
        dara,
        HistoryEntry,
        alliance=alliance,
        owner_side=sr,
        date=_day(120),
        category="owed",
        title="Milestone: onboard 5,000 drivers in the first quarter",
        notes="Both sides agreed the milestone; progress reviewed monthly.",
    )
    _add(
        linh,
        HistoryEntry,
        alliance=alliance,
        owner_side=ew,
        date=_day(70),
        category="went_wrong",
        title="Driver onboarding at 15 a day against the 55 a day the target needs",
        notes="900 introductions → 90 first meetings → 30 evaluations → 10 sign-ups per cycle.",
    )
    _add(
        linh,
        HistoryEntry,
        alliance=alliance,
        owner_side=ew,
        date=_day(20),
        category="owed",
        title="Our realistic number for the board",
        visibility="private",
        notes="Private to EasyWeGo: we will tell the board 2,400 drivers by quarter end, not 5,000.",
    )
    # No signals here: the rollout is the demo's healthy alliance (its trouble is the target).
    _add(
        linh,
        Interaction,
        alliance=alliance,
        owner_side=ew,
        date=_day(25),
        kind="meeting",
        subject="Monthly milestone review",
        response_requested_at=_moment(25),
        responded_at=_moment(25) + timedelta(hours=26),
    )


def _competitor(ws: Workspace) -> None:
    """Seed 003: a long-running alliance with a partner that is also a competitor."""
    she, tom = ws.users["she@altura.example"], ws.users["tom@borealis.example"]
    alliance = _alliance(
        ws,
        "she@altura.example",
        "Altura Analytics",
        "Borealis Data",
        name="Altura × Borealis niche analytics",
        purpose="Compete everywhere else, cooperate in two niches where neither wins alone: "
        "public-sector data quality and clinical-trial analytics.",
        kind=Alliance.Kind.ALLIANCE,
        start_date=_day(2200),
    )
    al, bo = _sides(alliance)
    _status(she, alliance, "active", "Relationship renewed with a new alliance lead.", 2000)
    _status(
        she,
        alliance,
        "renegotiating",
        "New charter: mend fences, then relaunch joint programs.",
        90,
    )
    al_she = _add(
        she,
        Stakeholder,
        alliance=alliance,
        owner_side=al,
        name="She Wang",
        title="Director, Strategic Alliances",
        role="alliance_manager",
        influence=3,
        stance="champion",
        user=she,
    )
    al_coo = _add(
        she,
        Stakeholder,
        alliance=alliance,
        owner_side=al,
        name="Robert Hale",
        title="COO",
        role="sponsor",
        influence=5,
        stance="supporter",
    )
    _add(
        she,
        Stakeholder,
        alliance=alliance,
        owner_side=al,
        name="Irene Costa",
        title="VP Sales",
        role="other",
        influence=4,
        stance="sceptic",
        visibility="private",
    )
    _add(
        tom,
        Stakeholder,
        alliance=alliance,
        owner_side=bo,
        name="Tom Keller",
        title="Partner manager",
        role="alliance_manager",
        influence=3,
        stance="neutral",
        counterpart=al_she,
        user=tom,
    )
    _add(
        tom,
        Stakeholder,
        alliance=alliance,
        owner_side=bo,
        name="Greta Holm",
        title="CTO",
        role="sponsor",
        influence=5,
        stance="sceptic",
        counterpart=al_coo,
    )
    rows = [
        (
            al,
            she,
            1900,
            "went_right",
            "Joint bid won a national statistics-office contract",
            "joint",
        ),
        (
            bo,
            tom,
            1200,
            "went_wrong",
            "Dispute over who owned the hospital customer relationship",
            "joint",
        ),
        (al, she, 800, "broken", "Shared data-quality toolkit no longer maintained", "joint"),
        (bo, tom, 400, "owed", "Altura owes Borealis two referral fees from 2024", "joint"),
        (al, she, 80, "went_right", "Both sponsors back a clean-slate relaunch", "joint"),
        (al, she, 60, "owed", "Fix the referral-fee backlog before asking for anything", "private"),
    ]
    for side, actor, days, category, title, visibility in rows:
        _add(
            actor,
            HistoryEntry,
            alliance=alliance,
            owner_side=side,
            date=_day(days),
            category=category,
            title=title,
            visibility=visibility,
        )
    _add(
        tom,
        Signal,
        alliance=alliance,
        owner_side=bo,
        date=_day(40),
        kind="overlapping_launch",
        severity=2,
        title="Altura launches a clinical-trial module overlapping the joint niche",
    )
    _add(
        she,
        Interaction,
        alliance=alliance,
        owner_side=al,
        date=_day(35),
        kind="meeting",
        subject="Listening session: what went right and wrong, both sides",
        response_requested_at=_moment(35),
        responded_at=_moment(35) + timedelta(hours=48),
    )


def _internal(ws: Workspace) -> None:
    """Seed 002: two internal teams whose top-line goals pull against each other."""
    ana, ben = ws.users["ana@northstar.example"], ws.users["ben@northstar.example"]
    alliance = _alliance(
        ws,
        "ana@northstar.example",
        "Northstar Sales",
        "Northstar Product",
        name="Northstar pricing change: Sales × Product",
        purpose="Agree whether to move to usage-based pricing: Sales wants revenue, Product wants "
        "customer satisfaction and lower attrition.",
        kind=Alliance.Kind.INTERNAL,
        start_date=_day(60),
    )
    sa, pr = _sides(alliance)
    _status(
        ana, alliance, "active", "Both leads agreed to argue about conditions, not positions.", 55
    )
    a = _add(
        ana,
        Stakeholder,
        alliance=alliance,
        owner_side=sa,
        name="Ana Ruiz",
        title="VP Sales",
        role="sponsor",
        influence=5,
        stance="champion",
        user=ana,
    )
    _add(
        ben,
        Stakeholder,
        alliance=alliance,
        owner_side=pr,
        name="Ben Adeyemi",
        title="VP Product",
        role="sponsor",
        influence=5,
        stance="sceptic",
        counterpart=a,
        user=ben,
    )
    _add(
        ana,
        HistoryEntry,
        alliance=alliance,
        owner_side=sa,
        date=_day(50),
        category="went_right",
        title="Agreed the considerations: revenue, satisfaction, attrition",
    )
    _add(
        ben,
        Signal,
        alliance=alliance,
        owner_side=pr,
        date=_day(15),
        kind="kpi_discrepancy",
        severity=2,
        title="Sales and Product measure attrition over different windows",
    )
    _add(
        ana,
        HistoryEntry,
        alliance=alliance,
        owner_side=sa,
        date=_day(10),
        category="owed",
        title="Sales would accept a 12-month pilot",
        visibility="private",
        notes="Private to Sales: fallback position if Product refuses the full change.",
    )


def print_logins(ws: Workspace, url: str) -> None:
    print(f"\ndetente demo is ready at {url}")
    print(f"Every demo account uses the password: {DEMO_PASSWORD}\n")
    for alliance, side_a, side_b in LOGINS:
        print(f"  {alliance:32} side A: {side_a:30} side B: {side_b}")
    print()
