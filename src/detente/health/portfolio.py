"""Health across a user's alliances: sparklines and a ranking by risk.

A fixed number of queries whatever the number of alliances, each through the visibility
rule (``visible_to(user)``), and the same N-answers rule as the scorecard.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import (
    Count,
    Exists,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from detente.alliances.models import Stakeholder
from detente.analysis.warning.periods import period_ordinal
from detente.health.models import (
    Alert,
    AlertAction,
    Cycle,
    HealthPlan,
    Measure,
    Response,
)
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
    plans = HealthPlan.objects.filter(alliance_id=OuterRef("alliance_id"))
    # Per (cycle, side): how many alignment answers and their sum, counted in SQL from the
    # alignment measures' answers (an index), with the alliance's N. A side's answers count
    # only when at least N of its people answered (the scorecard's rule).
    groups = (
        Response.objects.visible_to(user)
        .filter(
            alliance_id__in=ids,
            answers__measure__in=Measure.objects.visible_to(user).filter(
                alliance_id__in=ids, key="alignment"
            ),
        )
        .values("alliance_id", "cycle_id", "owner_side_id")
        .annotate(min_n=Coalesce(Subquery(plans.values("min_answers")[:1]), MIN_ANSWERS))
        .values_list("cycle_id", "owner_side_id", "min_n")
        .annotate(n=Count("answers__id"), total=Sum("answers__value"))
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
    text: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Filters:
        try:
            severity = int(query.get("severity") or 0)
        except ValueError:
            severity = 0
        statuses = set(Alliance.Status.values)
        status = query.get("status", "")
        return cls(
            status if status in statuses else "",
            query.get("owner", "")[:150],
            severity,
            query.get("q", "").strip()[:150],
        )


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
        if filters.text and filters.text.casefold() not in alliance.name.casefold():
            continue
        rows.append({"alliance": alliance, "health": h, "owners": names})
    rows.sort(key=lambda r: (r["health"].risk_key, r["alliance"].name))
    return rows


# The ranking in SQL ---------------------------------------------------------------------
#
# ``rank`` above builds every alliance's health in Python and sorts; it stays as the
# reference the tests hold ``ranked`` to. ``ranked`` computes the same key as annotations on
# the alliances (each one a correlated subquery through the visibility rule) so that the
# database sorts and the page takes its 50 with LIMIT/OFFSET.


def recent_periods(user: Any, today: date | None = None) -> list[str]:
    """The alert period labels ``is_recent`` accepts, among the labels of the alerts the user
    may see: this quarter (month) and the one before, however the label is spelt. One query
    over distinct labels (a handful)."""
    today = today or timezone.localdate()
    labels = Alert.objects.visible_to(user).values_list("period", flat=True).distinct()
    out = []
    for label in labels.order_by():
        try:
            period_ordinal(label)
        except ValueError:
            continue
        if is_recent(label, today):
            out.append(label)
    return out


def still_open(user: Any, alerts: QuerySet[Alert], today: date | None = None) -> QuerySet[Alert]:
    """``alerts`` whose latest action visible to the user (their own side's: actions are
    private) is neither an acknowledgement nor a snooze still running: ``triage``'s "open",
    in SQL. Another side's actions do not count (the visibility rule hides them)."""
    today = today or timezone.localdate()
    actions = AlertAction.objects.visible_to(user)
    latest = actions.filter(alert_id=OuterRef("alert_id")).order_by("-created_at", "-id")
    closing = actions.filter(
        Q(kind=AlertAction.Kind.ACKNOWLEDGE) | Q(snoozed_until__gt=today),
        alert_id=OuterRef("pk"),
        pk=Subquery(latest.values("pk")[:1]),
    )
    return alerts.filter(~Exists(closing))


def open_alerts(user: Any, today: date | None = None) -> QuerySet[Alert]:
    """The alerts the ranking counts, as ``summaries`` keeps them: visible to the user,
    warning or worse, of a recent period, and open for the user's side."""
    recent = Alert.objects.visible_to(user).filter(
        severity__gte=Alert.Severity.WARNING, period__in=recent_periods(user, today)
    )
    return still_open(user, recent, today)


def latest_alignments(user: Any) -> dict[int, float]:
    """Alliance id -> its latest shown alignment, as ``Health.latest_alignment`` has it (the
    last shown value of the last ``SPARK_CYCLES`` visible cycles, rounded), for every
    alliance of the user that has one. Three queries: the visible cycles, the plans' N, and
    the alignment answers summed per (cycle, side) in SQL, read from the alignment measures'
    answers (an index) rather than from every response."""
    mine = Alliance.objects.for_user(user).values("pk")
    cycles: dict[int, list[int]] = defaultdict(list)
    visible_cycles = Cycle.objects.visible_to(user).filter(alliance_id__in=mine)
    for pk, alliance_id in visible_cycles.order_by("opens_on", "id").values_list(
        "pk", "alliance_id"
    ):
        cycles[alliance_id].append(pk)
    min_n = dict(
        HealthPlan.objects.filter(alliance_id__in=mine).values_list("alliance_id", "min_answers")
    )
    groups = (
        Response.objects.visible_to(user)
        .filter(answers__measure__in=Measure.objects.visible_to(user).filter(key="alignment"))
        .values_list("alliance_id", "cycle_id", "owner_side_id")
        .annotate(n=Count("answers__id"), total=Sum("answers__value"))
        .order_by()
    )
    shown: dict[int, list[float]] = defaultdict(lambda: [0, 0.0])  # cycle -> [n, total]
    for alliance_id, cycle_id, _side, n, total in groups:
        if n >= min_n.get(alliance_id, MIN_ANSWERS):
            shown[cycle_id][0] += n
            shown[cycle_id][1] += total
    out: dict[int, float] = {}
    for alliance_id, its_cycles in cycles.items():
        for cycle_id in reversed(its_cycles[-SPARK_CYCLES:]):
            n, total = shown.get(cycle_id, (0, 0.0))
            if n:
                out[alliance_id] = round(total / n, 2)
                break
    return out


def risks(user: Any, today: date | None = None) -> dict[int, tuple[int, int]]:
    """Alliance id -> (top severity, sum of severities) of its open recent alerts, for the
    alliances that have any: one query grouped by alliance in SQL."""
    grouped = (
        open_alerts(user, today)
        .values("alliance_id")
        .annotate(top=Max("severity"), total=Sum("severity"))
        .order_by()
        .values_list("alliance_id", "top", "total")
    )
    return {pk: (top, total) for pk, top, total in grouped}


def chosen(user: Any, filters: Filters) -> QuerySet[Alliance]:
    """The user's alliances that pass the filters that do not need the alerts: status, name
    contains, alliance manager (a visible stakeholder)."""
    out = Alliance.objects.for_user(user)
    if filters.status:
        out = out.filter(status=filters.status)
    if filters.text:
        out = out.filter(name__icontains=filters.text)
    if filters.owner:
        managers = Stakeholder.objects.visible_to(user).filter(
            alliance_id=OuterRef("pk"), role=Stakeholder.Role.ALLIANCE_MANAGER, name=filters.owner
        )
        out = out.filter(Exists(managers))
    return out


def ranked(user: Any, filters: Filters | None = None, today: date | None = None) -> list[int]:
    """The ids of the user's alliances that pass ``filters``, riskiest first: the order of
    ``rank`` (the top severity of the open recent alerts, then the sum of their severities,
    both descending, then the latest shown alignment, lowest first and none last, then the
    name). The keys come from SQL aggregates grouped per alliance (``risks``,
    ``latest_alignments``) and the filters from SQL (``chosen``): a fixed number of queries.
    Only (key, id) pairs are sorted here; no alliance object is built."""
    filters = filters or Filters()
    latest = latest_alignments(user)
    alerts = risks(user, today)
    keyed = []
    for pk, name in chosen(user, filters).values_list("pk", "name"):
        top, total = alerts.get(pk, (0, 0))
        if top >= filters.severity:
            keyed.append(((-top, -total, latest.get(pk, 99), name, pk), pk))
    keyed.sort()
    return [pk for _key, pk in keyed]
