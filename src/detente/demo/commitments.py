"""Demo commitments for each demo alliance, with late ones and a history of adherence.

From the seeds: GlobalConnect's production API quota, promised for Q2 and still owed
(seed 001); the outstanding commitments of an old competitor relationship (seed 003);
the phased ride-hailing rollout (seed 000). Dates are relative to today.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from detente import audit
from detente.alliances.models import HistoryEntry, Interaction
from detente.commitments.models import Commitment
from detente.objectives import periods
from detente.records.models import Side


def _day(days_from_today: int) -> date:
    return timezone.localdate() + timedelta(days=days_from_today)


class _Ledger:
    def __init__(self, ws: Any, alliance_name: str) -> None:
        self.alliance = next(
            a for name, a in ws.alliances.items() if name.startswith(alliance_name)
        )
        self.sides = list(Side.objects.filter(alliance=self.alliance).order_by("id"))

    def history(self, title_start: str) -> HistoryEntry | None:
        return HistoryEntry.objects.filter(
            alliance=self.alliance, title__startswith=title_start
        ).first()

    def interaction(self, subject_start: str) -> Interaction | None:
        return Interaction.objects.filter(
            alliance=self.alliance, subject__startswith=subject_start, visibility="joint"
        ).first()

    def add(
        self,
        actor: Any,
        kept_by: Side,
        owed_by: Side,
        title: str,
        due: date,
        *,
        done_after: int | None = None,
        **f: Any,
    ) -> Commitment:
        """``done_after``: days after the due date it was done (negative: early)."""
        if done_after is not None:
            f.setdefault("status", Commitment.Status.DONE)
            f["done_on"] = min(due + timedelta(days=done_after), timezone.localdate())
        commitment = Commitment.objects.create(
            alliance=self.alliance,
            owner_side=kept_by,
            owed_by=owed_by,
            title=title,
            due_date=due,
            created_by=actor,
            **f,
        )
        audit.log(actor, "create", commitment, after=audit.snapshot(commitment))
        return commitment


def build(ws: Any) -> None:
    _ai_and_telecom(ws)
    _ride_hailing(ws)
    _competitor(ws)
    _internal(ws)


def _ai_and_telecom(ws: Any) -> None:
    led = _Ledger(ws, "InnovateTech × GlobalConnect")
    it, gc = led.sides
    maya, raj = ws.users["maya@innovatetech.example"], ws.users["raj@globalconnect.example"]
    today = timezone.localdate()
    current = periods.quarter_of(today)
    # Five past quarters of routine commitments: InnovateTech keeps delivering, GlobalConnect
    # slips more each quarter after its acquisition (seed 001: 95% -> 90% -> 80% adherence).
    quarter = current
    past = []
    for _ in range(5):
        quarter = periods.quarter_of(quarter.start - timedelta(days=1))
        past.append(quarter)
    past.reverse()
    gc_slips = [0, 0, 1, 2, 3]  # commitments done late (or not at all) per quarter, of 4
    for i, q in enumerate(past):
        for j, (title, kind) in enumerate(
            [
                ("Network capacity allocation for the pilot regions", "resources"),
                ("Joint pipeline review", "deliverable"),
                ("Network telemetry export", "deliverable"),
                ("Sign-off of the enterprise offer sheet", "decision"),
            ]
        ):
            due = q.start + timedelta(days=20 + 20 * j)
            late = j < gc_slips[i]
            led.add(
                raj,
                gc,
                gc,
                f"{title}, {q.label}",
                due,
                kind=kind,
                done_after=(18 if late else -2) if not (late and i == 4 and j == 0) else None,
                status="open" if (late and i == 4 and j == 0) else "done",
                source_clause="4.2 Resource commitments" if kind == "resources" else "",
            )
        for j, title in enumerate(["Model update for the pilot regions", "Joint pipeline report"]):
            due = q.start + timedelta(days=30 + 30 * j)
            led.add(
                maya,
                it,
                it,
                f"{title}, {q.label}",
                due,
                done_after=9 if (i == 3 and j == 1) else -1,
                evidence="Release notes in the shared drive." if j == 0 else "",
            )
    q2 = periods.parse(f"{today.year if today.month > 6 else today.year - 1}Q2")
    led.add(
        maya,
        it,
        gc,
        "Production API quota: 10,000 calls a minute",
        q2.end,
        kind="resources",
        description="Promised for Q2 in the charter; GlobalConnect still serves the pilot quota.",
        source_clause="4.1 Technology commitments",
        source_history=led.history("GlobalConnect owes the production API quota"),
    )
    led.add(
        maya,
        it,
        gc,
        "Decide which AI unit leads enterprise accounts",
        _day(-20),
        kind="decision",
        status="disputed",
        description="InnovateTech reads the charter as giving it the lead; GlobalConnect wants "
        "to review after the acquisition.",
        source_interaction=led.interaction("Quarterly"),
    )
    led.add(maya, it, it, "Anomaly model v3 for the core network", _day(45))
    led.add(
        raj,
        gc,
        gc,
        "Re-plan the API quota after the acquisition review",
        _day(30),
        kind="decision",
        visibility="private",
        description="Private to GlobalConnect: the acquired unit asks for the same capacity.",
    )
    led.add(
        maya,
        it,
        it,
        "Joint marketing budget for the enterprise launch",
        current.start + timedelta(days=10),
        kind="resources",
        status="waived",
        description="Waived by both managers when the launch moved.",
    )


def _ride_hailing(ws: Any) -> None:
    led = _Ledger(ws, "EasyWeGo × SwiftRide")
    ew, sr = led.sides
    linh, dara = ws.users["linh@easywego.example"], ws.users["dara@swiftride.example"]
    led.add(dara, sr, sr, "Driver onboarding kits in Vietnamese", _day(-150), done_after=-3)
    led.add(
        linh, ew, ew, "Ride booking placed on the EasyWeGo home screen", _day(-120), done_after=12
    )
    led.add(
        linh,
        ew,
        sr,
        "Weekly onboarding numbers counted as first rides",
        _day(-35),
        description="Agreed at the monthly review so both sides count the same thing.",
        source_interaction=led.interaction("Monthly milestone review"),
    )
    led.add(
        dara,
        sr,
        sr,
        "Driver support hotline in Ho Chi Minh City",
        _day(-60),
        done_after=0,
        kind="resources",
    )
    led.add(
        linh,
        ew,
        ew,
        "Decision on the Cambodia start after the Vietnam review",
        _day(40),
        kind="decision",
        source_clause="2.3 Phasing",
    )


def _competitor(ws: Any) -> None:
    led = _Ledger(ws, "Altura × Borealis")
    al, bo = led.sides
    she, tom = ws.users["she@altura.example"], ws.users["tom@borealis.example"]
    led.add(
        she,
        al,
        bo,
        "Return the shared test datasets of the old program",
        _day(-400),
        description="Owed since the last program ended; part of mending fences.",
    )
    led.add(tom, bo, al, "Pay the last invoice of the 2019 program", _day(-300), done_after=150)
    led.add(she, al, al, "Name a joint program lead", _day(-50), done_after=-5, kind="decision")
    led.add(tom, bo, bo, "Clinical-trial data-quality benchmark", _day(25))


def _internal(ws: Any) -> None:
    led = _Ledger(ws, "Northstar pricing change")
    sa, pr = led.sides
    ana, ben = ws.users["ana@northstar.example"], ws.users["ben@northstar.example"]
    led.add(ana, sa, sa, "Pipeline impact estimate of usage pricing", _day(-20), done_after=-1)
    led.add(ben, pr, pr, "Attrition analysis by customer segment", _day(-3))
    led.add(ana, sa, pr, "Usage metering in the billing system", _day(35), kind="deliverable")
