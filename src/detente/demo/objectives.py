"""Demo objectives, KPIs and both sides' measurements for each demo alliance.

Figures come from the seeds: the joint project ROI falling 12% -> 10% -> 7% as GlobalConnect
reports it (seed 001), and the 5,000 drivers in the first quarter of the EasyWeGo rollout
(seed 000), which both sides report alike: the rollout is the demo's healthy alliance, whose
trouble is an unrealistic target, not a divergence. Periods are the
quarters before today, so the charts always look current. Measurements go through the same
discrepancy check as the pages, so the KPI-discrepancy signals are real ones.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from detente import audit
from detente.objectives import periods
from detente.objectives.models import KPI, Guardrail, Measurement, Objective
from detente.objectives.services import detect_discrepancies
from detente.records.models import Side


def _quarters(n: int) -> list[str]:
    """The ``n`` complete quarters before the current one, oldest first."""
    current = periods.quarter_of(timezone.localdate())
    out = []
    day = current.start - timedelta(days=1)
    for _ in range(n):
        q = periods.quarter_of(day)
        out.append(q.label)
        day = q.start - timedelta(days=1)
    return out[::-1]


def _months(n: int) -> list[str]:
    current = periods.month_of(timezone.localdate())
    out = []
    day = current.start - timedelta(days=1)
    for _ in range(n):
        m = periods.month_of(day)
        out.append(m.label)
        day = m.start - timedelta(days=1)
    return out[::-1]


class _Builder:
    def __init__(self, ws: Any, alliance_name: str) -> None:
        self.alliance = next(
            a for name, a in ws.alliances.items() if name.startswith(alliance_name)
        )
        self.sides = list(Side.objects.filter(alliance=self.alliance).order_by("id"))
        self.ws = ws

    def objective(self, side: Side, actor: Any, title: str, **f: Any) -> Objective:
        objective = Objective.objects.create(
            alliance=self.alliance, owner_side=side, created_by=actor, title=title, **f
        )
        audit.log(actor, "create", objective, after=audit.snapshot(objective))
        return objective

    def kpi(self, objective: Objective, actor: Any, **f: Any) -> KPI:
        kpi = KPI.objects.create(objective=objective, **f)
        audit.log(actor, "create", kpi, after=audit.snapshot(kpi), alliance=self.alliance)
        return kpi

    def values(
        self, kpi: KPI, side: Side, actor: Any, series: dict[str, Any], visibility: str = "joint"
    ) -> None:
        for period, value in series.items():
            m = Measurement.objects.create(
                alliance=self.alliance,
                owner_side=side,
                created_by=actor,
                kpi=kpi,
                period=period,
                value=Decimal(str(value)),
                visibility=visibility,
            )
            audit.log(actor, "create", m, after=audit.snapshot(m))
            reported = periods.parse(period).end + timedelta(days=12)
            detect_discrepancies(actor, m, today=min(reported, timezone.localdate()))


def build(ws: Any) -> None:
    _ai_and_telecom(ws)
    _ride_hailing(ws)
    _competitor(ws)
    _internal(ws)
    _guardrails(ws)


def _ai_and_telecom(ws: Any) -> None:
    b = _Builder(ws, "InnovateTech × GlobalConnect")
    it, gc = b.sides
    maya, raj = ws.users["maya@innovatetech.example"], ws.users["raj@globalconnect.example"]
    q = _quarters(3)
    year_end = timezone.localdate().replace(month=12, day=31)
    joint = b.objective(
        it,
        maya,
        "Profitable AI-assisted network operations for enterprise customers",
        scope="shared",
        description="The alliance's shared value: InnovateTech's AI in GlobalConnect's network, "
        "sold to enterprise customers together.",
    )
    roi = b.kpi(
        joint,
        maya,
        name="Joint project ROI",
        metric="(joint revenue − joint cost) / joint cost, per quarter",
        unit="%",
        target=Decimal("15"),
        deadline=year_end,
        tolerance=Decimal("1"),
        agreed_definition="Joint cost includes both teams' people and cloud spend; network "
        "capacity is charged at the rate card of the charter.",
    )
    b.values(roi, it, maya, dict(zip(q, [12, 11, 10], strict=True)))
    b.values(roi, gc, raj, dict(zip(q, [12, 10, 7], strict=True)))
    triage = b.kpi(
        joint,
        maya,
        name="Incident triage time",
        metric="Median hours from alarm to assigned root cause, pilot regions",
        unit="h",
        direction=KPI.Direction.LOWER,
        target=Decimal("2"),
        deadline=year_end,
        tolerance=Decimal("0.3"),
        agreed_definition="Measured from GlobalConnect's ticketing system; both sides read the "
        "same export.",
    )
    b.values(triage, it, maya, dict(zip(q, [3.1, 2.8, 2.6], strict=True)))
    b.values(triage, gc, raj, dict(zip(q, [3.0, 2.9, 2.7], strict=True)))
    reach = b.objective(
        it,
        maya,
        "Market reach: enterprise logos through GlobalConnect",
        scope="side",
        visibility="private",
        description="Private to InnovateTech: what the start-up needs from the alliance.",
    )
    logos = b.kpi(
        reach,
        maya,
        name="Enterprise logos signed via GlobalConnect",
        metric="New enterprise customers signed in the quarter through joint selling",
        unit="logos",
        target=Decimal("10"),
        deadline=year_end,
    )
    b.values(logos, it, maya, dict(zip(q, [2, 3, 1], strict=True)), visibility="private")
    modern = b.objective(
        gc,
        raj,
        "Modernise network operations",
        scope="side",
        description="GlobalConnect's own goal.",
    )
    sites = b.kpi(
        modern,
        raj,
        name="Sites on AI anomaly detection",
        metric="Network sites with the anomaly model in production",
        unit="sites",
        target=Decimal("120"),
        deadline=year_end,
    )
    b.values(sites, gc, raj, dict(zip(q, [40, 55, 60], strict=True)))


def _ride_hailing(ws: Any) -> None:
    b = _Builder(ws, "EasyWeGo × SwiftRide")
    ew, sr = b.sides
    linh, dara = ws.users["linh@easywego.example"], ws.users["dara@swiftride.example"]
    q = _quarters(2)
    rollout = b.objective(
        ew,
        linh,
        "Vietnam driver rollout",
        scope="shared",
        description="Phase one of the phased plan: Vietnam first, Cambodia after the review.",
    )
    drivers = b.kpi(
        rollout,
        linh,
        name="Drivers onboarded in Vietnam",
        metric="Drivers onboarded in the quarter",
        unit="drivers",
        target=Decimal("5000"),
        deadline=periods.parse(q[-1]).end,
        tolerance=Decimal("10"),
        tolerance_kind=KPI.ToleranceKind.PERCENT,
        agreed_definition="A driver counts as onboarded after their first completed ride.",
    )
    b.values(drivers, ew, linh, dict(zip(q, [900, 1350], strict=True)))
    b.values(drivers, sr, dara, dict(zip(q, [900, 1350], strict=True)))
    bookings = b.kpi(
        rollout,
        linh,
        name="Rides booked through EasyWeGo",
        metric="Completed rides booked in the EasyWeGo app",
        unit="rides",
        target=Decimal("60000"),
        deadline=periods.parse(q[-1]).end + timedelta(days=90),
        tolerance=Decimal("5"),
        tolerance_kind=KPI.ToleranceKind.PERCENT,
        agreed_definition="Rides completed (not cancelled), counted from SwiftRide's trip log.",
    )
    b.values(bookings, ew, linh, dict(zip(q, [14000, 26000], strict=True)))
    b.values(bookings, sr, dara, dict(zip(q, [14300, 25500], strict=True)))
    cambodia = b.objective(
        sr,
        dara,
        "Start Cambodia early",
        scope="side",
        visibility="private",
        description="Private to SwiftRide: headquarters wants Cambodia live before the review.",
    )
    cities = b.kpi(
        cambodia,
        dara,
        name="Cambodian cities live",
        metric="Cities with SwiftRide rides bookable",
        unit="cities",
        target=Decimal("2"),
        deadline=timezone.localdate() + timedelta(days=180),
    )
    b.values(cities, sr, dara, {q[-1]: 0}, visibility="private")


def _competitor(ws: Any) -> None:
    b = _Builder(ws, "Altura × Borealis")
    al, bo = b.sides
    she, tom = ws.users["she@altura.example"], ws.users["tom@borealis.example"]
    q = _quarters(3)
    relaunch = b.objective(
        al,
        she,
        "Relaunch joint programs in the two niches",
        scope="shared",
        description="Public-sector data quality and clinical-trial analytics.",
    )
    deals = b.kpi(
        relaunch,
        she,
        name="Joint public-sector deals closed",
        metric="Deals signed with both companies on the contract",
        unit="deals",
        target=Decimal("6"),
        deadline=timezone.localdate() + timedelta(days=270),
        agreed_definition="A deal counts once both companies' contracts are countersigned.",
    )
    b.values(deals, al, she, dict(zip(q, [0, 1, 2], strict=True)))
    b.values(deals, bo, tom, dict(zip(q, [0, 1, 2], strict=True)))
    owed = b.kpi(
        relaunch,
        she,
        name="Outstanding commitments from past programs",
        metric="Open items on the joint list of old commitments",
        unit="items",
        direction=KPI.Direction.LOWER,
        target=Decimal("0"),
        deadline=timezone.localdate() + timedelta(days=180),
    )
    b.values(owed, al, she, dict(zip(q, [9, 7, 5], strict=True)))
    b.values(owed, bo, tom, dict(zip(q, [9, 7, 5], strict=True)))


def _internal(ws: Any) -> None:
    b = _Builder(ws, "Northstar pricing change")
    sa, pr = b.sides
    ana, ben = ws.users["ana@northstar.example"], ws.users["ben@northstar.example"]
    q = _quarters(2)
    pricing = b.objective(
        sa,
        ana,
        "A pricing model both teams can defend",
        scope="shared",
        description="Revenue growth without losing the customers who keep us alive.",
    )
    nrr = b.kpi(
        pricing,
        ana,
        name="Net revenue retention",
        metric="Revenue this quarter from customers of a year ago / their revenue a year ago",
        unit="%",
        target=Decimal("110"),
        deadline=timezone.localdate() + timedelta(days=300),
        tolerance=Decimal("2"),
        agreed_definition="From the finance data mart; one-off services excluded.",
    )
    b.values(nrr, sa, ana, dict(zip(q, [104, 106], strict=True)))
    b.values(nrr, pr, ben, dict(zip(q, [103, 105], strict=True)))
    attrition = b.objective(pr, ben, "Lower attrition", scope="side")
    churn = b.kpi(
        attrition,
        ben,
        name="Monthly logo churn",
        metric="Customers lost in the month / customers at its start",
        unit="%",
        direction=KPI.Direction.LOWER,
        target=Decimal("1.5"),
        deadline=timezone.localdate() + timedelta(days=300),
        frequency=KPI.Frequency.MONTH,
    )
    b.values(churn, pr, ben, dict(zip(_months(4), [2.1, 2.0, 2.2, 1.9], strict=True)))


def _by_month(months: list[str], values: list[float]) -> dict[str, float]:
    return dict(zip(months, values, strict=True))


def _guardrail(b: _Builder, side: Side, actor: Any, kpi: KPI, counter: KPI, **f: Any) -> None:
    g = Guardrail.objects.create(
        alliance=b.alliance, owner_side=side, created_by=actor, kpi=kpi, counter_kpi=counter, **f
    )
    audit.log(actor, "create", g, after=audit.snapshot(g))


def _guardrails(ws: Any) -> None:
    """Guardrail bands (seed 002: push a goal while another metric stays within bounds) and,
    for the Northstar pricing change, eight months of sales and product KPIs, enough for the
    goal-conflict matrix to tell goals that move together from goals that pull apart."""
    b = _Builder(ws, "InnovateTech × GlobalConnect")
    it = b.sides[0]
    maya = ws.users["maya@innovatetech.example"]
    kpis = KPI.objects.filter(objective__alliance=b.alliance)
    _guardrail(
        b, it, maya, kpis.get(name="Joint project ROI"), kpis.get(name="Incident triage time"),
        upper=Decimal("3"),
        notes="Grow the joint return without letting the median triage time of the pilot "
        "regions go above 3 hours: the customers' experience of the network comes first.",
    )  # fmt: skip

    b = _Builder(ws, "Northstar pricing change")
    sa, pr = b.sides
    ana, ben = ws.users["ana@northstar.example"], ws.users["ben@northstar.example"]
    months = _months(8)
    deadline = timezone.localdate() + timedelta(days=300)
    growth = b.objective(sa, ana, "Grow new revenue", scope="side")
    bookings = b.kpi(
        growth, ana, name="New bookings", metric="Signed new and upsell bookings in the month",
        unit="EUR k", target=Decimal("700"), deadline=deadline, frequency=KPI.Frequency.MONTH,
    )  # fmt: skip
    b.values(bookings, sa, ana, _by_month(months, [410, 430, 455, 470, 520, 560, 590, 640]))
    renewals = b.kpi(
        growth, ana, name="Renewal rate", metric="Contracts renewed / contracts up for renewal",
        unit="%", target=Decimal("93"), deadline=deadline + timedelta(days=400),
        frequency=KPI.Frequency.MONTH,
    )  # fmt: skip
    renewal_rates = [92.0, 92.4, 91.8, 92.3, 91.2, 90.8, 90.3, 89.6]
    b.values(renewals, sa, ana, dict(zip(months, renewal_rates, strict=True)))
    happy = b.objective(pr, ben, "Keep customers happy", scope="side")
    csat = b.kpi(
        happy, ben, name="Customer satisfaction", metric="Mean CSAT of support and product "
        "surveys in the month (1-5)", unit="/5", target=Decimal("4.5"), deadline=deadline,
        frequency=KPI.Frequency.MONTH,
    )  # fmt: skip
    b.values(csat, pr, ben, _by_month(months, [4.4, 4.45, 4.3, 4.35, 4.1, 4.0, 3.9, 3.8]))
    tickets = b.kpi(
        happy, ben, name="Support tickets", metric="Tickets opened in the month",
        unit="tickets", direction=KPI.Direction.LOWER, target=Decimal("150"),
        deadline=deadline, frequency=KPI.Frequency.MONTH,
    )  # fmt: skip
    b.values(tickets, pr, ben, _by_month(months, [180, 175, 190, 185, 210, 220, 230, 245]))
    _guardrail(
        b, sa, ana, bookings, csat, lower=Decimal("4"),
        notes="Sales pushes bookings under the new pricing; product asked that satisfaction "
        "stay at 4 or above while it does.",
    )  # fmt: skip
