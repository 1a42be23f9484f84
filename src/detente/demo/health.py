"""Demo data for the health check (issue 5).

InnovateTech × GlobalConnect reproduces seed 001's Alliance Health Check over the three
quarters before this one (alignment 4.5 → 4.0 → 3.2, adherence 95 → 90 → 80 %, ROI
12 → 10 → 7 %, satisfaction 4.2 → 3.8 → 3.0), from five people a side whose individual
answers average exactly to the seed's figures; the team added trust and communication,
and InnovateTech privately asks its own people how much they trust GlobalConnect's
roadmap. This quarter's check is open: a few answers are in, not yet enough to show.
EasyWeGo × SwiftRide is a healthy alliance whose checks raise nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from detente import audit
from detente.health import warning
from detente.health.models import (
    AlertAction,
    Answer,
    Cycle,
    HealthPlan,
    Measure,
    Response,
    SurveyInvitation,
)
from detente.health.services import DEFAULT_MEASURES
from detente.records.models import Alliance, Side

# Spread added to percentage answers of one side (sums to zero: the side's mean is kept).
PERCENT_OFFSETS = {5: [-3.0, 2.0, 0.0, 3.0, -2.0], 3: [-2.0, 0.0, 2.0]}


def _quarters_before(today: date, count: int) -> list[tuple[str, date, date]]:
    """The ``count`` quarters before today's: (label, first day, last day)."""
    q = (today.year * 4 + (today.month - 1) // 3) - count
    out = []
    for ordinal in range(q, q + count):
        year, index = divmod(ordinal, 4)
        first = date(year, index * 3 + 1, 1)
        nxt = date(year + (index == 3), (index * 3 + 3) % 12 + 1, 1)
        out.append((f"{year}Q{index + 1}", first, nxt - timedelta(days=1)))
    return out


def _scores(total: int, n: int) -> list[float]:
    """``n`` whole scores from 1 to 5 that add up to ``total``, spread a little."""
    base, extra = divmod(total, n)
    values = [base + (1 if i < extra else 0) for i in range(n)]
    for i in range(n // 2):
        j = n - 1 - i
        if values[i] < 5 and values[j] > 1 and i % 2 == 0:
            values[i] += 1
            values[j] -= 1
    return [float(v) for v in values]


def _percents(mean: float, n: int, scale: float = 1.0) -> list[float]:
    return [round(mean + o * scale, 1) for o in PERCENT_OFFSETS[n]]


def _moment(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _create(actor: Any, model: type, **values: Any) -> Any:
    record = model.objects.create(created_by=actor, **values)
    audit.log(actor, "create", record, after=audit.snapshot(record))
    return record


def _measures(alliance: Alliance, side: Side, actor: Any, extra: list[tuple]) -> dict[str, Measure]:
    out = {}
    rows = [(k, lbl, q, sc, "joint", side) for k, lbl, q, sc in DEFAULT_MEASURES] + extra
    for position, (key, label, question, scale, visibility, owner) in enumerate(rows):
        out[key] = _create(
            actor,
            Measure,
            alliance=alliance,
            owner_side=owner,
            visibility=visibility,
            key=key,
            label=label,
            question=question,
            scale=scale,
            position=position * 10,
        )
    return out


def _cycle(alliance: Alliance, side: Side, actor: Any, label: str, first: date, last: date,
           closes: date | None = None) -> Cycle:  # fmt: skip
    opens = last - timedelta(days=14)
    return _create(
        actor,
        Cycle,
        alliance=alliance,
        owner_side=side,
        period=label,
        opens_on=opens,
        closes_on=closes or last,
        notes="Quarterly Alliance Health Check, separate from the operational review.",
    )


def _answer(cycle: Cycle, side: Side, actor: Any, person: tuple[str, str],
            values: dict[Measure, tuple[float, str]] | None, sent: date) -> None:  # fmt: skip
    """Invite ``person`` for ``side``; with ``values``, record their answers too."""
    name, email = person
    invitation = _create(
        actor,
        SurveyInvitation,
        alliance=cycle.alliance,
        owner_side=side,
        cycle=cycle,
        name=name,
        email=email,
        sent_at=_moment(sent),
    )
    if values is None:
        return
    response = Response.objects.create(
        alliance=cycle.alliance,
        owner_side=side,
        cycle=cycle,
        invitation=invitation,
    )
    Answer.objects.bulk_create(
        Answer(response=response, measure=m, value=v, comment=c) for m, (v, c) in values.items()
    )
    invitation.answered_at = _moment(sent + timedelta(days=2), 15)
    invitation.save(update_fields=["answered_at"])
    audit.log(None, "create", response, after={"cycle_id": cycle.pk, "owner_side_id": side.pk})


def _fill(cycle: Cycle, side: Side, actor: Any, people: list[tuple[str, str]],
          columns: dict[Measure, list[float]], comments: dict[str, list[str]] | None = None,
          answered: int | None = None) -> None:  # fmt: skip
    """People of ``side`` answer ``cycle``: person i gives columns[measure][i]."""
    comments = comments or {}
    answered = len(people) if answered is None else answered
    for i, person in enumerate(people):
        values = None
        if i < answered:
            values = {}
            for m, column in columns.items():
                notes = comments.get(m.key, [])
                values[m] = (column[i], notes[i] if i < len(notes) else "")
        _answer(cycle, side, actor, person, values, cycle.opens_on)


IT_PEOPLE = [
    ("Priya Raman", "priya@innovatetech.example"),
    ("Maya Okafor", "maya@innovatetech.example"),
    ("Jonas Weber", "jonas@innovatetech.example"),
    ("Leo Brandt", "leo@innovatetech.example"),
    ("Ama Boateng", "ama@innovatetech.example"),
    ("Tariq Aziz", "tariq@innovatetech.example"),
]
GC_PEOPLE = [
    ("Helen Park", "helen@globalconnect.example"),
    ("Raj Menon", "raj@globalconnect.example"),
    ("Sofia Lindqvist", "sofia@globalconnect.example"),
    ("Kenji Sato", "kenji@globalconnect.example"),
    ("Nadia Haddad", "nadia@globalconnect.example"),
    ("Owen Price", "owen@globalconnect.example"),
]

# Per quarter: each side's total of five 1-5 scores (pooled over ten = the seed's mean),
# and each side's mean percentage (pooled = the seed's figure).
SEED = {
    "alignment": [(23, 22), (20, 20), (14, 18)],  # 4.5, 4.0, 3.2
    "satisfaction": [(21, 21), (19, 19), (14, 16)],  # 4.2, 3.8, 3.0
    "trust": [(22, 22), (20, 21), (16, 18)],
    "communication": [(20, 20), (19, 20), (17, 19)],
    "adherence": [(94.0, 96.0), (88.0, 92.0), (76.0, 84.0)],  # 95, 90, 80 %
    "roi": [(13.0, 11.0), (11.0, 9.0), (8.0, 6.0)],  # 12, 10, 7 %
    "roadmap_confidence": [(22, None), (18, None), (12, None)],  # InnovateTech only
}
Q3_COMMENTS = {
    "alignment": [
        "Since the acquisition we learn about GlobalConnect's AI plans from the press.",
        "",
        "The joint roadmap has not been discussed for two months.",
    ],
    "adherence": ["", "Two engineers were moved off the joint team without notice."],
}
Q3_COMMENTS_GC = {
    "alignment": [
        "Priorities are being reset after the acquisition; the alliance is part of that review.",
    ],
    "satisfaction": ["", "InnovateTech's specialised models still beat ours for enterprise."],
}


def _seed_alliance(ws: Any) -> None:
    alliance = ws.alliances["InnovateTech × GlobalConnect network AI"]
    it, gc = list(alliance.sides.order_by("id"))
    maya = ws.users["maya@innovatetech.example"]
    raj = ws.users["raj@globalconnect.example"]
    _create(maya, HealthPlan, alliance=alliance, owner_side=it)
    score = Measure.Scale.SCORE
    measures = _measures(
        alliance,
        it,
        maya,
        [
            (
                "trust",
                "Trust",
                "How much do you trust the partner to keep its word?",
                score,
                "joint",
                it,
            ),
            (
                "communication",
                "Communication",
                "How open and timely is communication between the sides?",
                score,
                "joint",
                gc,
            ),
            (
                "roadmap_confidence",
                "Confidence in GlobalConnect's roadmap",
                "How confident are you that GlobalConnect's AI roadmap still has a place for us?",
                score,
                "private",
                it,
            ),
        ],  # fmt: skip
    )
    today = timezone.localdate()
    for q, (label, first, last) in enumerate(_quarters_before(today, 3)):
        cycle = _cycle(alliance, it, maya, label, first, last)
        # The last quarter one person a side did not answer: 5 of 6.
        for side, people, actor, col in ((it, IT_PEOPLE, maya, 0), (gc, GC_PEOPLE, raj, 1)):
            columns = {}
            for key, per_quarter in SEED.items():
                target = per_quarter[q][col]
                if target is None:
                    continue
                m = measures[key]
                if m.scale == score:
                    columns[m] = _scores(int(target), 5)
                else:
                    columns[m] = _percents(target, 5, 1.0 if key == "adherence" else 0.5)
            comments = (Q3_COMMENTS if side == it else Q3_COMMENTS_GC) if q == 2 else None
            people_now = people if q == 2 else people[:5]
            _fill(cycle, side, actor, people_now, columns, comments, answered=5)
    # This quarter's check is open: a few answers are in, not enough yet to show.
    label = _quarters_before(today + timedelta(days=92), 1)[0][0]
    current = _create(
        maya,
        Cycle,
        alliance=alliance,
        owner_side=it,
        period=label,
        opens_on=today - timedelta(days=6),
        closes_on=today + timedelta(days=12),
        notes="Open now; the results show once three people of a side have answered.",
    )
    _fill(current, it, maya, IT_PEOPLE[:5], {measures["alignment"]: [3.0, 2.0]}, answered=2)
    _fill(current, gc, raj, GC_PEOPLE[:5], {measures["alignment"]: [4.0]}, answered=1)
    warning.scan_alliance(alliance, notify=False)
    # GlobalConnect has acknowledged the adherence alert; InnovateTech has not.
    adherence = alliance_alert(alliance, "adherence")
    if adherence is not None:
        _create(
            raj,
            AlertAction,
            alliance=alliance,
            owner_side=gc,
            visibility="private",
            alert=adherence,
            kind=AlertAction.Kind.ACKNOWLEDGE,
            reason="Resource plan under review with network operations; answer at the dialogue.",
        )


def alliance_alert(alliance: Alliance, measure: str) -> Any:
    from detente.health.models import Alert

    return (
        Alert.objects.filter(alliance=alliance, measure=measure, visibility="joint")
        .order_by("-period", "-severity")
        .first()
    )


def _healthy_alliance(ws: Any) -> None:
    alliance = ws.alliances["EasyWeGo × SwiftRide driver rollout"]
    ew, sr = list(alliance.sides.order_by("id"))
    linh, dara = ws.users["linh@easywego.example"], ws.users["dara@swiftride.example"]
    _create(linh, HealthPlan, alliance=alliance, owner_side=ew)
    measures = _measures(alliance, ew, linh, [])
    people = {
        ew: [("Linh Tran", "linh@easywego.example"), ("Quang Nguyen", "quang@easywego.example"),
             ("Mai Pham", "mai@easywego.example")],
        sr: [("Dara Sok", "dara@swiftride.example"), ("Vanna Chea", "vanna@swiftride.example"),
             ("Sokha Lim", "sokha@swiftride.example")],
    }  # fmt: skip
    # Steady: alignment 4.3, satisfaction 4.2, adherence about 95 %, ROI about 9 %.
    steady = {
        "alignment": [(13, 13), (13, 13), (13, 12)],
        "satisfaction": [(12, 13), (13, 12), (12, 13)],
        "adherence": [(95.0, 96.0), (96.0, 95.0), (95.0, 95.0)],
        "roi": [(9.0, 9.5), (9.5, 9.0), (9.0, 9.5)],
    }
    for q, (label, first, last) in enumerate(_quarters_before(timezone.localdate(), 3)):
        cycle = _cycle(alliance, ew, linh, label, first, last)
        for col, (side, actor) in enumerate(((ew, linh), (sr, dara))):
            columns = {}
            for key, per_quarter in steady.items():
                m = measures[key]
                target = per_quarter[q][col]
                if m.scale == Measure.Scale.SCORE:
                    columns[m] = _scores(int(target), 3)
                else:
                    columns[m] = _percents(target, 3, 0.3)
            _fill(cycle, side, actor, people[side], columns)
    warning.scan_alliance(alliance, notify=False)


def build(ws: Any) -> None:
    """Add health-check cycles, responses and alerts to the workspace ``ws`` (see demo.build)."""
    _seed_alliance(ws)
    _healthy_alliance(ws)
