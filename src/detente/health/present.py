"""What the health pages show: one function per page builds it for the page and its JSON twin.

* ``health``: the health page (scorecard, charts, recent alerts); ``GET .../scorecard``;
* ``cycle``: one health check's results; ``GET .../cycles/{pk}/summary``;
* ``alerts``: the early-warning alerts; ``GET .../alerts``.

Each reads through the visibility rule (``access.records``/``access.get_record``); the
scorecard shows a side's figures only from the plan's minimum number of answers up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from detente.analysis.warning.periods import period_ordinal
from detente.health import scorecard, warning
from detente.health.models import Alert, Cycle, SurveyInvitation
from detente.health.next_actions import next_actions
from detente.records.visibility import AllianceAccess


def _ordinal(period: str) -> int:
    return period_ordinal(period)[1]


def cycle_data(c: Cycle) -> dict[str, Any]:
    return {
        "id": c.pk,
        "period": c.period,
        "opens_on": c.opens_on,
        "closes_on": c.closes_on,
        "closed_at": c.closed_at,
        "is_open": c.is_open,
        "notes": c.notes,
    }


def alert_data(a: Alert, status: str) -> dict[str, Any]:
    return {
        "id": a.pk,
        "period": a.period,
        "measure": a.measure,
        "label": warning.label(a),
        "rule": a.rule,
        "severity": a.get_severity_display().lower(),
        "sides": a.sides,
        "visibility": a.visibility,
        "evidence": a.evidence,
        "next_step": a.next_step,
        "next_actions": [action.data() for action in next_actions(a)],
        "p_value": a.p_value,
        "values": a.values,
        "status": status,
    }


@dataclass
class Health:
    card: scorecard.Scorecard
    rows: list[dict[str, Any]]  # scorecard.table
    charts: dict[str, Any]
    recent: list[Alert]  # warnings and alerts of the last two periods, newest first
    triage: dict[int, Any]
    labels: dict[int, str]

    @property
    def data(self) -> dict[str, Any]:
        card = self.card
        return {
            "min_answers": card.plan.min_answers,
            "sides": [{"id": s.pk, "name": str(s)} for s in card.sides],
            "periods": [c.period for c in card.cycles],
            "measures": self.rows,
            "charts": self.charts,
        }


def health(access: AllianceAccess) -> Health:
    card = scorecard.build(access)
    alerts = list(access.records(Alert).order_by("-severity", "-period", "measure")[:200])
    # The last two periods: the latest health check and the behaviour since.
    periods = sorted({a.period for a in alerts}, key=_ordinal)[-2:]
    recent = [a for a in alerts if a.period in periods and a.severity >= Alert.Severity.WARNING]
    recent.sort(key=lambda a: (-_ordinal(a.period), -a.severity, a.measure))
    return Health(
        card=card,
        rows=scorecard.table(card),
        charts=scorecard.chart_data(card),
        recent=recent,
        triage=warning.triage(access.user, recent),
        labels={a.pk: warning.label(a) for a in recent},
    )


@dataclass
class CyclePage:
    cycle: Cycle
    card: scorecard.Scorecard
    invitations: list[SurveyInvitation]

    @property
    def measures(self) -> list[dict[str, Any]]:
        card, cycle = self.card, self.cycle
        return [
            {
                "measure": m,
                "cells": [(side, card.cell(cycle, m, side)) for side in card.sides],
                "gap_note": scorecard.gap_note(card.gap(cycle, m), card.gap_sides, m),
            }
            for m in card.measures
        ]

    @property
    def rates(self) -> list[tuple[Any, int, int]]:
        """(side, invited, answered) for each side."""
        card, pk = self.card, self.cycle.pk
        return [
            (side, card.invited.get((pk, side.pk), 0), card.answered.get((pk, side.pk), 0))
            for side in card.sides
        ]

    @property
    def answers_so_far(self) -> str:
        """The rule and where each side stands, in one sentence for the people who invite."""
        need = self.card.plan.min_answers
        sides = "; ".join(
            f"{side}: {answered} of {need} answers so far"
            if invited
            else f"{side}: nobody invited yet"
            for side, invited, answered in self.rates
        )
        return (
            f"A side's results show once at least {need} of its people have answered "
            f"(invite a few more: not everyone answers). {sides}."
        )

    @property
    def data(self) -> dict[str, Any]:
        """Each measure's per-side mean, spread and count, shown only from N answers up."""
        rows = []
        for row in scorecard.table(self.card):
            this = next(c for c in row["cycles"] if c["cycle_id"] == self.cycle.pk)
            rows.append({k: row[k] for k in ("measure", "label", "unit", "visibility")} | this)
        return {
            "cycle": cycle_data(self.cycle),
            "min_answers": self.card.plan.min_answers,
            "measures": rows,
            "response": [
                {"side_id": s.pk, "side": str(s), "invited": invited, "answered": answered}
                for s, invited, answered in self.rates
            ],
        }


def cycle(access: AllianceAccess, pk: Any) -> CyclePage:
    found = access.get_record(Cycle, pk)
    return CyclePage(
        cycle=found,
        card=scorecard.build(access),
        invitations=list(access.records(SurveyInvitation).filter(cycle=found)),
    )


@dataclass
class Alerts:
    alerts: list[Alert]  # stored order: newest period, most severe first
    triage: dict[int, Any]

    @property
    def by_period(self) -> list[Alert]:
        return sorted(self.alerts, key=lambda a: (-_ordinal(a.period), -a.severity, a.measure))

    @property
    def labels(self) -> dict[int, str]:
        return {a.pk: warning.label(a) for a in self.alerts}

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [alert_data(a, self.triage[a.pk].status) for a in self.alerts]


def alerts(access: AllianceAccess, min_severity: int = 1) -> Alerts:
    """The alerts the reader may see, from ``min_severity`` up, with the reader's triage."""
    found = list(
        access.records(Alert)
        .filter(severity__gte=min_severity)
        .order_by("-period", "-severity", "measure", "id")
    )
    return Alerts(alerts=found, triage=warning.triage(access.user, found))
