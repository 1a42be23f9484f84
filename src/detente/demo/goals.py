"""Demo realism checks: the ride-hailing rollout's "5,000 drivers onboarded in the first
quarter" (seed 000) against today's pace of about 15 drivers a day, through the seed's funnel
(10 onboarded <- 30 document checks <- 90 screening calls <- 900 driver leads), and the phased
plan, Vietnam then Cambodia, that both sides can believe.

The checks are made through the same form and service as the page, so they are exactly what
a user would get; their dates are then moved back to show how the probability moved.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from detente import audit
from detente.goals import services
from detente.goals.forms import RealismCheckForm
from detente.goals.models import RealismCheck
from detente.objectives import periods
from detente.objectives.models import KPI, Measurement, Objective
from detente.records.models import Side
from detente.records.visibility import get_alliance_access

FUNNEL = (
    "driver leads\nscreening calls 90/900\ndocument checks 30/90\ndrivers onboarded 10/30 lag 7"
)
SIX_DAY_WEEK = ["mon", "tue", "wed", "thu", "fri", "sat"]


def _drivers_kpi(ws: Any, alliance: Any, easywego: Side) -> KPI:
    """The objectives demo's 5,000-drivers KPI, or our own when that demo has none."""
    kpi = KPI.objects.filter(
        objective__alliance=alliance, unit="drivers", target=Decimal("5000")
    ).first()
    if kpi is not None:
        return kpi
    linh = ws.users["linh@easywego.example"]
    objective = Objective.objects.create(
        alliance=alliance, owner_side=easywego, created_by=linh, title="Vietnam driver rollout"
    )
    audit.log(linh, "create", objective, after=audit.snapshot(objective))
    kpi = KPI.objects.create(
        objective=objective,
        name="Drivers onboarded in the first quarter",
        metric="Drivers onboarded",
        unit="drivers",
        target=Decimal("5000"),
        deadline=timezone.localdate() + timedelta(days=90),
    )
    audit.log(linh, "create", kpi, after=audit.snapshot(kpi), alliance=alliance)
    quarter = periods.quarter_of(timezone.localdate())
    previous = periods.quarter_of(quarter.start - timedelta(days=1))
    older = periods.quarter_of(previous.start - timedelta(days=1))
    for period, value in ((older.label, 900), (previous.label, 1350)):
        m = Measurement.objects.create(
            alliance=alliance, owner_side=easywego, created_by=linh, kpi=kpi, period=period,
            value=Decimal(value),
        )  # fmt: skip
        audit.log(linh, "create", m, after=audit.snapshot(m))
    return kpi


def _form(user: Any, alliance: Any, kpi: KPI, days_ago: int, **fields: Any) -> Any:
    access = get_alliance_access(user, alliance.pk, write=True)
    today = timezone.localdate()
    start = today - timedelta(days=days_ago)
    deadline = today + timedelta(days=90)
    tet = [f"{deadline.year}-02-{day:02d}" for day in (5, 6, 8, 9, 10)]
    data = {
        "owner_side": access.default_side.pk,
        "visibility": "joint",
        "target": 5000,
        "start": start.isoformat(),
        "deadline": deadline.isoformat(),
        "confidence": 80,
        "weekdays": SIX_DAY_WEEK,
        "holidays": " ".join(tet),
        "funnel": FUNNEL,
        "history_from": "measurements",
        "measurements_side": access.default_side.pk,
        "measured_stage": "last",
        "seed": 1,
        **fields,
    }
    form = RealismCheckForm(data=data, access=access, kpi=kpi)
    if not form.is_valid():
        raise ValueError(f"demo realism check is invalid: {form.errors.as_json()}")
    return access, form


def _check(user: Any, alliance: Any, kpi: KPI, days_ago: int, **fields: Any) -> RealismCheck:
    access, form = _form(user, alliance, kpi, days_ago, **fields)
    check = services.create_check(access, form)
    RealismCheck.objects.filter(pk=check.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    return check


def build(ws: Any) -> None:
    """Add this capability's demo records to the workspace ``ws`` (see demo.build)."""
    alliance = next(a for name, a in ws.alliances.items() if name.startswith("EasyWeGo"))
    easywego, swiftride = list(Side.objects.filter(alliance=alliance).order_by("id"))
    kpi = _drivers_kpi(ws, alliance, easywego)
    linh, dara = ws.users["linh@easywego.example"], ws.users["dara@swiftride.example"]
    phases = "Vietnam 40% {end}\nCambodia 60%"
    vietnam_end = (timezone.localdate() + timedelta(days=38)).isoformat()
    # 1. The target as SwiftRide's headquarters set it: 5,000 in the quarter.
    _check(linh, alliance, kpi, 21, notes="The target as set: 5,000 drivers in the quarter.")
    # 2. The same target split into markets: Vietnam first, then Cambodia.
    split = {"phases": phases.format(end=vietnam_end), "ramp": "history"}
    _check(
        linh,
        alliance,
        kpi,
        10,
        notes="Phased: Vietnam first, then Cambodia, at the pace's own growth.",
        **split,
    )
    # 3. The plan the engine proposes from today (each milestone at least 80% likely),
    # checked as the new target.
    _, form = _form(linh, alliance, kpi, 0, **split)
    proposed = services.run(form.cleaned_data["document"], 1)["phases"]["proposed"]["total"]
    _check(
        linh,
        alliance,
        kpi,
        0,
        target=proposed,
        **split,
        notes=f"The phased plan proposed to SwiftRide: {proposed:,} drivers, each milestone "
        "at least 80% likely.",
    )
    # SwiftRide's private look at the target from its own reports.
    _check(
        dara,
        alliance,
        kpi,
        3,
        visibility="private",
        measurements_side=swiftride.pk,
        notes="Private to SwiftRide: the target against our own reports.",
    )
