"""The five exit signals of seed 001, each checked against the alliance's data with its
evidence, and a salvage-or-exit recommendation with its reasoning.

Every signal reads only what the reader may see (through ``AllianceAccess``), so side A's
assessment never rests on side B's private records. The rules, as shown on the page:

1. Persistent unresolved conflicts: an active or unresolved conflict that has passed the
   top rung of its ladder, or that has been open longer than ``max_age_days``.
2. A partner repeatedly missing commitments: in at least two of the side's last three
   quarters with commitments due, adherence was below ``adherence_floor`` percent.
3. The alliance no longer serving its core objectives: at least half of the shared KPIs
   with two or more measured periods are short of target and moved away from it over
   their last (up to three) periods.
4. Cost outweighing benefit: in the latest restructuring comparison, continuing as is
   has a negative likely combined value for a side, or is worth less to it than exit.
5. A shift in the market or regulation: a high-severity signal in the last year that
   names the market or regulation, or an active conflict whose source is a market change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from detente.alliances.models import Signal
from detente.commitments import adherence
from detente.commitments.ledger import visible as visible_commitments
from detente.conflicts.models import Comparison, Conflict
from detente.objectives import periods
from detente.objectives.charts import visible_measurements
from detente.objectives.models import KPI, Objective
from detente.records.visibility import AllianceAccess

MAX_AGE_DAYS = 180
ADHERENCE_FLOOR = 80.0


@dataclass
class ExitSignal:
    key: str
    name: str
    rule: str
    fired: bool
    evidence: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Assessment:
    signals: list[ExitSignal]
    recommendation: str  # "salvage", "restructure" or "exit"
    reasoning: str

    @property
    def fired_count(self) -> int:
        return sum(s.fired for s in self.signals)

    def as_json(self) -> dict:
        return {
            "signals": [s.as_json() for s in self.signals],
            "fired": self.fired_count,
            "recommendation": self.recommendation,
            "reasoning": self.reasoning,
        }


def persistent_conflicts(access: AllianceAccess, today: date, max_age_days: int) -> ExitSignal:
    rule = (
        f"An open or unresolved conflict past the top rung of its ladder, or open for more "
        f"than {max_age_days} days."
    )
    evidence = []
    live = access.records(Conflict).filter(
        status__in=[*Conflict.ACTIVE_STATUSES, Conflict.Status.UNRESOLVED]
    )
    for c in live:
        age = (today - c.opened_on).days
        if c.past_top_at is not None:
            evidence.append(f"'{c.title}' passed the top rung on {c.past_top_at:%d %b %Y}.")
        elif age > max_age_days:
            evidence.append(f"'{c.title}' has been open {age} days (since {c.opened_on:%d %b %Y}).")
    return ExitSignal(
        "conflicts", "Persistent unresolved conflicts", rule, bool(evidence), evidence
    )


def missed_commitments(access: AllianceAccess, today: date, floor: float) -> ExitSignal:
    rule = (
        f"A side's adherence was below {floor:g}% in at least two of its last three quarters "
        "with commitments due."
    )
    rows = list(
        visible_commitments(access).values_list("owed_by_id", "due_date", "status", "done_on")
    )
    facts = [adherence.Facts(*row) for row in rows]
    evidence = []
    fired = False
    if facts:
        first = min(f.due_date for f in facts)
        span = periods.span(max(first, today - timedelta(days=3 * 365)), today)
        result = adherence.adherence(facts, span, today)
        for side in access.sides:
            points = [p for p in result.get(side.pk, []) if p.due]
            last = points[-3:]
            low = [p for p in last if p.percent is not None and p.percent < floor]
            if last:
                trail = ", ".join(f"{p.period} {p.percent:g}% ({p.on_time}/{p.due})" for p in last)
                evidence.append(f"{side}: {trail}.")
            if len(low) >= 2:
                fired = True
                evidence[-1] = evidence[-1] + f" Below {floor:g}% in {len(low)} of {len(last)}."
    if not evidence:
        evidence.append("No commitment has fallen due yet.")
    return ExitSignal(
        "commitments", "A partner repeatedly missing commitments", rule, fired, evidence
    )


def _off_and_away(kpi: KPI, values: list[Decimal]) -> tuple[bool, str]:
    recent = values[-3:]
    latest, first = recent[-1], recent[0]
    higher = kpi.direction == KPI.Direction.HIGHER
    short = latest < kpi.target if higher else latest > kpi.target
    away = latest < first if higher else latest > first
    text = " → ".join(f"{v.normalize():f}" for v in recent)
    return (
        short and away,
        f"{kpi.name}: {text} {kpi.unit} against a target of {kpi.target.normalize():f}",
    )


def objectives_not_served(access: AllianceAccess) -> ExitSignal:
    rule = (
        "At least half of the shared KPIs with two or more measured periods are short of "
        "target and moved away from it over their last periods."
    )
    shared = access.records(Objective).filter(scope=Objective.Scope.SHARED)
    kpis = KPI.objects.filter(objective__in=shared).select_related("objective")
    measurements = (
        visible_measurements(access).filter(kpi__in=kpis).order_by("period_start", "owner_side_id")
    )
    per_kpi: dict[int, dict[str, list[Decimal]]] = {}
    for m in measurements:
        per_kpi.setdefault(m.kpi_id, {}).setdefault(m.period, []).append(m.value)
    evidence, off = [], 0
    counted = 0
    for kpi in kpis:
        by_period = per_kpi.get(kpi.pk, {})
        if len(by_period) < 2:
            continue
        counted += 1
        # Where both sides reported a period, their mean stands for it.
        values = [sum(v, Decimal(0)) / len(v) for _, v in sorted(by_period.items())]
        is_off, text = _off_and_away(kpi, values)
        off += is_off
        evidence.append(
            text + (": short and moving away." if is_off else ": on track or recovering.")
        )
    fired = counted > 0 and off * 2 >= counted
    if not counted:
        evidence.append("No shared KPI has two measured periods yet.")
    return ExitSignal(
        "objectives", "The alliance no longer serving core objectives", rule, fired, evidence
    )


def cost_over_benefit(access: AllianceAccess) -> ExitSignal:
    from detente.conflicts import restructuring

    rule = (
        "In the latest restructuring comparison, continuing as is has a negative likely "
        "value for a side, or is worth less to it than exit."
    )
    comparison = access.records(Comparison).first()
    if comparison is None:
        return ExitSignal(
            "cost", "Cost outweighing benefit", rule, False, ["No restructuring comparison yet."]
        )
    data = restructuring.result(access, comparison)
    rows = {r["option"]: r for r in data["options"]}
    evidence, fired = [], False
    cur = data["currency"]
    for i, side in enumerate(data["sides"]):
        cont = rows.get("continue", {}).get("values", [None] * 9)[i]
        exit_ = rows.get("exit", {}).get("values", [None] * 9)[i]
        if cont is None:
            continue
        line = f"{side['side']}: continuing is worth {cont['value_likely']:,.0f} {cur} (likely)"
        if cont["value_likely"] < 0:
            fired = True
        if exit_ is not None:
            line += f", exit {exit_['value_likely']:,.0f} {cur}"
            if exit_["value_likely"] > cont["value_likely"]:
                fired = True
        evidence.append(line + f" ('{comparison.title}').")
    if not evidence:
        evidence.append(f"'{comparison.title}' has no visible estimate of continuing as is.")
    return ExitSignal("cost", "Cost outweighing benefit", rule, fired, evidence)


def market_shift(access: AllianceAccess, today: date) -> ExitSignal:
    rule = (
        "A high-severity signal in the last year that names the market or regulation, or an "
        "active conflict whose source is a market change."
    )
    words = Q()
    for word in ("market", "regulat"):
        words |= Q(title__icontains=word) | Q(notes__icontains=word)
    signals = access.records(Signal).filter(
        words, severity=Signal.Severity.HIGH, date__gte=today - timedelta(days=365)
    )
    evidence = [f"Signal of {s.date:%d %b %Y}: {s.title}." for s in signals]
    conflicts = access.records(Conflict).filter(
        source=Conflict.Source.MARKET_CHANGE,
        status__in=[*Conflict.ACTIVE_STATUSES, Conflict.Status.UNRESOLVED],
    )
    evidence += [f"Conflict from a market change: '{c.title}'." for c in conflicts]
    return ExitSignal(
        "market", "A shift in the market or regulation", rule, bool(evidence), evidence
    )


def assess(
    access: AllianceAccess,
    today: date | None = None,
    max_age_days: int = MAX_AGE_DAYS,
    adherence_floor: float = ADHERENCE_FLOOR,
) -> Assessment:
    today = today or timezone.localdate()
    signals = [
        persistent_conflicts(access, today, max_age_days),
        missed_commitments(access, today, adherence_floor),
        objectives_not_served(access),
        cost_over_benefit(access),
        market_shift(access, today),
    ]
    fired = [s for s in signals if s.fired]
    names = ", ".join(s.name.lower() for s in fired)
    rescue = salvage_option(access)
    if len(fired) >= 3 and rescue is None:
        rec = "exit"
        why = (
            f"{len(fired)} of the 5 exit signals fire ({names}), and no restructuring option "
            "in the latest comparison is worth more than exit to every side. When the core "
            "value is gone, a swift, professional exit that follows the agreement's exit "
            "terms usually costs both sides less than prolonging it."
        )
    elif fired:
        rec = "restructure"
        why = f"{len(fired)} of the 5 exit signals fire ({names}). "
        if rescue is not None:
            why += (
                f"Yet '{rescue}' is worth more than exit to every side in the latest "
                "comparison, so the mutual value proposition still exists: salvage the "
                "alliance by restructuring it, and address these signals first."
            )
        else:
            why += (
                "The alliance can be salvaged if its core rationale still holds: compare the "
                "restructuring options and address these signals first."
            )
    else:
        rec = "salvage"
        why = (
            "None of the 5 exit signals fires on the data you can see: keep working the conflicts."
        )
    return Assessment(signals, rec, why)


def salvage_option(access: AllianceAccess) -> str | None:
    """The restructuring option (not continuing, not exit) of the latest comparison that is
    worth more than exit to every side with visible values, the best for both together."""
    from detente.conflicts import restructuring

    comparison = access.records(Comparison).first()
    if comparison is None:
        return None
    data = restructuring.result(access, comparison)
    rows = {r["option"]: r for r in data["options"]}
    exit_values = rows.get("exit", {}).get("values")
    # The sides with any visible estimate in the comparison; each must gain.
    with_data = [i for i in range(len(data["sides"])) if any(r["values"][i] for r in rows.values())]
    best, best_total = None, None
    for key, row in rows.items():
        values = [row["values"][i] for i in with_data]
        if key in ("continue", "exit") or not values or any(v is None for v in values):
            continue
        floors = [
            exit_values[i]["value_likely"] if exit_values and exit_values[i] else 0.0
            for i in with_data
        ]
        if all(v["value_likely"] > f for v, f in zip(values, floors, strict=True)):
            total = sum(v["value_likely"] for v in values)
            if best_total is None or total > best_total:
                best, best_total = row["label"], total
    return best
