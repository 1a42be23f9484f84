"""Health across a user's alliances: sparklines and a ranking by risk.

A fixed number of queries whatever the number of alliances, each through the visibility
rule (``visible_to(user)``), and the same N-answers rule as the scorecard.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from detente.alliances.models import Stakeholder
from detente.health.models import Alert, Answer, Cycle, HealthPlan, Measure, Response
from detente.health.warning import is_recent, triage
from detente.records.models import Alliance

SPARK_CYCLES = 8
MIN_ANSWERS = HealthPlan._meta.get_field("min_answers").default


@dataclass
class Health:
    alliance_id: int
    periods: list[str] = field(default_factory=list)
    alignment: list[float | None] = field(default_factory=list)
    open_alerts: list[Alert] = field(default_factory=list)

    @property
    def top_severity(self) -> int:
        return max((a.severity for a in self.open_alerts), default=0)

    @property
    def latest_alignment(self) -> float | None:
        shown = [v for v in self.alignment if v is not None]
        return shown[-1] if shown else None

    @property
    def risk_key(self) -> tuple:
        latest = self.latest_alignment
        return (
            -self.top_severity,
            -sum(a.severity for a in self.open_alerts),
            latest if latest is not None else 99,
        )

    @property
    def spark_id(self) -> str:
        return f"spark-{self.alliance_id}"

    def spark(self) -> dict[str, Any]:
        return {"labels": self.periods, "data": self.alignment}

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for a in self.open_alerts:
            out[a.get_severity_display().lower()] += 1
        return dict(out)


def summaries(user: Any, alliances: Iterable[Alliance]) -> dict[int, Health]:
    ids = [a.pk for a in alliances]
    out = {pk: Health(pk) for pk in ids}
    if not ids:
        return out
    cycles: dict[int, list[tuple[int, str]]] = defaultdict(list)
    visible_cycles = Cycle.objects.visible_to(user).filter(alliance_id__in=ids)
    for pk, alliance_id, period in visible_cycles.order_by("opens_on", "id").values_list(
        "pk", "alliance_id", "period"
    ):
        cycles[alliance_id].append((pk, period))
    plans = HealthPlan.objects.filter(alliance_id=OuterRef("response__alliance_id"))
    # Per (cycle, side): how many alignment answers and their sum, counted in SQL. A side's
    # answers count only when at least N of its people answered (the scorecard's rule).
    groups = (
        Answer.objects.filter(
            response__in=Response.objects.visible_to(user).filter(alliance_id__in=ids),
            measure__in=Measure.objects.visible_to(user).filter(
                alliance_id__in=ids, key="alignment"
            ),
        )
        .annotate(min_n=Coalesce(Subquery(plans.values("min_answers")[:1]), MIN_ANSWERS))
        .values_list("response__cycle_id", "response__owner_side_id", "min_n")
        .annotate(n=Count("id"), total=Sum("value"))
        .order_by()
    )
    shown: dict[int, list[float]] = defaultdict(lambda: [0, 0.0])  # cycle -> [n, total]
    for cycle_id, _side, min_n, n, total in groups:
        if n >= min_n:
            shown[cycle_id][0] += n
            shown[cycle_id][1] += total
    for alliance_id, its_cycles in cycles.items():
        health = out[alliance_id]
        for cycle_id, period in its_cycles[-SPARK_CYCLES:]:
            n, total = shown.get(cycle_id, (0, 0.0))
            health.periods.append(period)
            health.alignment.append(round(total / n, 2) if n else None)
    alerts = list(
        Alert.objects.visible_to(user)
        .filter(alliance_id__in=ids, severity__gte=Alert.Severity.WARNING)
        .only("id", "alliance_id", "severity", "period")  # not the evidence of thousands
    )
    alerts = [a for a in alerts if is_recent(a.period)]
    status = triage(user, alerts)
    for a in alerts:
        if status[a.pk].status == "open":
            out[a.alliance_id].open_alerts.append(a)
    return out


@dataclass
class Filters:
    status: str = ""
    owner: str = ""
    severity: int = 0

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Filters:
        try:
            severity = int(query.get("severity") or 0)
        except ValueError:
            severity = 0
        statuses = set(Alliance.Status.values)
        status = query.get("status", "")
        return cls(status if status in statuses else "", query.get("owner", "")[:150], severity)


def owners(user: Any, alliances: Iterable[Alliance]) -> dict[int, list[str]]:
    """Alliance id -> the names of its alliance managers the user may see."""
    out: dict[int, list[str]] = defaultdict(list)
    people = Stakeholder.objects.visible_to(user).filter(
        alliance_id__in=[a.pk for a in alliances], role=Stakeholder.Role.ALLIANCE_MANAGER
    )
    for alliance_id, name in people.order_by("name").values_list("alliance_id", "name"):
        out[alliance_id].append(name)
    return dict(out)


def rank(user: Any, alliances: list[Alliance], filters: Filters) -> list[dict[str, Any]]:
    health = summaries(user, alliances)
    managers = owners(user, alliances)
    rows: list[dict[str, Any]] = []
    for alliance in alliances:
        h = health[alliance.pk]
        names = managers.get(alliance.pk, [])
        if filters.status and alliance.status != filters.status:
            continue
        if filters.owner and filters.owner not in names:
            continue
        if filters.severity and h.top_severity < filters.severity:
            continue
        rows.append({"alliance": alliance, "health": h, "owners": names})
    rows.sort(key=lambda r: (r["health"].risk_key, r["alliance"].name))
    return rows
