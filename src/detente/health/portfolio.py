"""Health across a user's alliances: sparklines and a ranking by risk.

A fixed number of queries whatever the number of alliances, each through the visibility
rule (``visible_to(user)``), and the same N-answers rule as the scorecard.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from detente.alliances.models import Stakeholder
from detente.health.models import Alert, Answer, Cycle, HealthPlan, Measure, Response
from detente.health.warning import is_recent, triage
from detente.records.models import Alliance

SPARK_CYCLES = 8


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
    min_n = dict(
        HealthPlan.objects.filter(alliance_id__in=ids).values_list("alliance_id", "min_answers")
    )
    cycles: dict[int, list[Cycle]] = defaultdict(list)
    for c in Cycle.objects.visible_to(user).filter(alliance_id__in=ids).order_by("opens_on", "id"):
        cycles[c.alliance_id].append(c)
    values: dict[tuple[int, int], list[float]] = defaultdict(list)
    rows = Answer.objects.filter(
        response__in=Response.objects.visible_to(user).filter(alliance_id__in=ids),
        measure__in=Measure.objects.visible_to(user).filter(alliance_id__in=ids, key="alignment"),
    ).values_list("response__cycle_id", "response__owner_side_id", "value")
    for cycle_id, side_id, value in rows:
        values[(cycle_id, side_id)].append(value)
    for alliance_id, its_cycles in cycles.items():
        n = min_n.get(alliance_id, 3)
        health = out[alliance_id]
        for c in its_cycles[-SPARK_CYCLES:]:
            shown = [
                v
                for (cid, _s), vals in values.items()
                if cid == c.pk and len(vals) >= n
                for v in vals
            ]
            health.periods.append(c.period)
            health.alignment.append(round(statistics.fmean(shown), 2) if shown else None)
    alerts = list(
        Alert.objects.visible_to(user).filter(
            alliance_id__in=ids, severity__gte=Alert.Severity.WARNING
        )
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
