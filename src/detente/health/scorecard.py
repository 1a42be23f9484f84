"""The scorecard: per cycle, measure and side, the mean, spread and number of answers.

Anonymity: a side's results for a cycle are shown only when at least N of its people
answered (``HealthPlan.min_answers``). Below N nothing about the answers is shown (not a
mean, not the count, not a comment), and the perception gap is "not enough answers". The
early-warning engine is fed from the same shown cells, so an alert cannot reveal the few.

Everything is read through the visibility rule: cycles, responses and measures come from
``access.records``; answers are reached only through a visible response and measure.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from detente.health.models import Answer, Cycle, HealthPlan, Measure, Response, SurveyInvitation
from detente.health.services import plan_for
from detente.records.models import Alliance, Side
from detente.records.visibility import AllianceAccess


@dataclass
class Cell:
    """One side's answers to one measure in one cycle, as the reader may see them."""

    shown: bool
    n: int | None = None  # None when hidden: even the count of the few is not shown
    mean: float | None = None
    spread: float | None = None  # sample standard deviation
    comments: list[str] = field(default_factory=list)
    source: str = "survey"


@dataclass
class Gap:
    value: float | None  # first side's mean minus the second's; None: not enough answers
    usual: float | None  # the mean gap of earlier cycles
    earlier: int  # how many earlier cycles the usual gap is built on


@dataclass
class Scorecard:
    plan: HealthPlan
    sides: list[Side]
    measures: list[Measure]
    cycles: list[Cycle]
    cells: dict[tuple[int, int, int], Cell]  # (cycle, measure, side) -> cell
    pooled: dict[tuple[int, int], float | None]  # (cycle, measure) -> mean over shown sides
    invited: dict[tuple[int, int], int]  # (cycle, side) -> invitations
    answered: dict[tuple[int, int], int]  # (cycle, side) -> responses

    def cell(self, cycle: Cycle, measure: Measure, side: Side) -> Cell:
        return self.cells.get((cycle.pk, measure.pk, side.pk)) or Cell(shown=False)

    def response_rate(self, cycle: Cycle, side: Side) -> float | None:
        invited = self.invited.get((cycle.pk, side.pk), 0)
        if not invited:
            return None
        return 100.0 * self.answered.get((cycle.pk, side.pk), 0) / invited

    @property
    def gap_sides(self) -> tuple[Side, Side] | None:
        return (self.sides[0], self.sides[1]) if len(self.sides) >= 2 else None

    def gap(self, cycle: Cycle, measure: Measure) -> Gap:
        pair = self.gap_sides
        if pair is None:
            return Gap(None, None, 0)
        history = []
        for earlier in self.cycles:
            if earlier.pk == cycle.pk:
                break
            value = self._raw_gap(earlier, measure, pair)
            if value is not None:
                history.append(value)
        usual = statistics.fmean(history) if history else None
        return Gap(self._raw_gap(cycle, measure, pair), usual, len(history))

    def _raw_gap(self, cycle: Cycle, measure: Measure, pair: tuple[Side, Side]) -> float | None:
        a, b = (self.cell(cycle, measure, side) for side in pair)
        if a.shown and b.shown and a.mean is not None and b.mean is not None:
            return a.mean - b.mean
        return None


def _mean_spread(values: list[float]) -> tuple[float, float | None]:
    mean = statistics.fmean(values)
    return mean, (statistics.stdev(values) if len(values) > 1 else None)


def build(access: AllianceAccess) -> Scorecard:
    """The scorecard as the user of ``access`` may see it."""
    return build_from(access.alliance, access.sides, access.records)


def build_for_side(alliance: Alliance, side_id: int | None) -> Scorecard:
    """The scorecard as a member of ``side_id`` sees it (joint data only when None)."""

    def records(model: Any) -> Any:
        return model.objects.visible_to_side(side_id).filter(alliance=alliance)

    return build_from(alliance, list(alliance.sides.select_related("organisation")), records)


def build_from(alliance: Alliance, sides: list[Side], records: Callable[[Any], Any]) -> Scorecard:
    plan = plan_for(alliance)
    measures = list(records(Measure).order_by("position", "id"))
    cycles = list(records(Cycle).order_by("opens_on", "id"))
    rows = Answer.objects.filter(
        response__in=records(Response), measure__in=records(Measure)
    ).values_list("response__cycle_id", "measure_id", "response__owner_side_id", "value", "comment")
    grouped: dict[tuple[int, int, int], list[tuple[float, str]]] = defaultdict(list)
    for cycle_id, measure_id, side_id, value, comment in rows:
        grouped[(cycle_id, measure_id, side_id)].append((value, comment))
    cells, pooled_values = _cells(grouped, plan.min_answers)
    if plan.adherence_source == HealthPlan.AdherenceSource.LEDGER:
        _ledger_cells(cells, pooled_values, records, measures, cycles)
    pooled = {key: statistics.fmean(v) if v else None for key, v in pooled_values.items()}
    invited: dict[tuple[int, int], int] = defaultdict(int)
    answered: dict[tuple[int, int], int] = defaultdict(int)
    for cycle_id, side_id, answered_at in records(SurveyInvitation).values_list(
        "cycle_id", "owner_side_id", "answered_at"
    ):
        invited[(cycle_id, side_id)] += 1
        answered[(cycle_id, side_id)] += answered_at is not None
    return Scorecard(plan, sides, measures, cycles, cells, pooled, invited, answered)


def _cells(
    grouped: dict[tuple[int, int, int], list[tuple[float, str]]], min_answers: int
) -> tuple[dict[tuple[int, int, int], Cell], dict[tuple[int, int], list[float]]]:
    cells: dict[tuple[int, int, int], Cell] = {}
    pooled: dict[tuple[int, int], list[float]] = defaultdict(list)
    for (cycle_id, measure_id, side_id), answers in grouped.items():
        values = [v for v, _ in answers]
        if len(values) < min_answers:
            cells[(cycle_id, measure_id, side_id)] = Cell(shown=False)
            pooled.setdefault((cycle_id, measure_id), [])
            continue
        mean, spread = _mean_spread(values)
        # Comments are shown unattributed and sorted, so their order says nothing either.
        comments = sorted(c for _, c in answers if c)
        cells[(cycle_id, measure_id, side_id)] = Cell(True, len(values), mean, spread, comments)
        pooled[(cycle_id, measure_id)].extend(values)
    return cells, pooled


def _ledger_cells(
    cells: dict[tuple[int, int, int], Cell],
    pooled: dict[tuple[int, int], list[float]],
    records: Callable[[Any], Any],
    measures: list[Measure],
    cycles: list[Cycle],
) -> None:
    """Resource commitment adherence from the commitments ledger: per side and cycle, the
    share of the commitments due in the period that were done on time (visible ones only)."""
    measure = next((m for m in measures if m.key == "adherence"), None)
    if measure is None or not cycles:
        return
    try:
        from detente.commitments.adherence import Facts, adherence
        from detente.commitments.models import Commitment
        from detente.objectives.periods import parse
    except ImportError:  # no ledger in this installation
        return
    facts = [
        Facts(c.owed_by_id, c.due_date, c.status, c.done_on)
        for c in records(Commitment).only("owed_by_id", "due_date", "status", "done_on")
    ]
    periods = [parse(c.period) for c in cycles]
    for side_id, points in adherence(facts, periods, timezone.localdate()).items():
        for cycle, point in zip(cycles, points, strict=True):
            if point.percent is None:
                continue
            cells[(cycle.pk, measure.pk, side_id)] = Cell(
                True, point.due, point.percent, None, source="ledger"
            )
            pooled[(cycle.pk, measure.pk)].append(point.percent)


# Pictures -------------------------------------------------------------------------------


def _r(value: float | None, digits: int = 2) -> float | None:
    return None if value is None or math.isnan(value) else round(value, digits)


def chart_data(card: Scorecard) -> dict[str, Any]:
    """Data for the charts (json_script): trend lines per measure and side, the latest
    cycle's two sides on the 1-5 scores (radar), the perception gap over time."""
    periods = [c.period for c in card.cycles]
    trends = []
    for m in card.measures:
        series = [
            {
                "label": str(side),
                "data": [_r(card.cell(c, m, side).mean) for c in card.cycles],
            }
            for side in card.sides
        ]
        series = [s for s in series if any(v is not None for v in s["data"])]
        if series:
            trends.append({"measure": m.label, "unit": m.unit, "key": m.key, "series": series})
    latest = _latest_with_answers(card)
    radar = None
    if latest is not None:
        scores = [m for m in card.measures if m.scale == Measure.Scale.SCORE]
        radar = {
            "period": latest.period,
            "labels": [m.label for m in scores],
            "series": [
                {"label": str(s), "data": [_r(card.cell(latest, m, s).mean) for m in scores]}
                for s in card.sides
            ],
        }
    gaps = []
    pair = card.gap_sides
    if pair:
        for m in card.measures:
            data = [_r(card.gap(c, m).value) for c in card.cycles]
            if any(v is not None for v in data):
                gaps.append({"label": m.label, "data": data})
    return {
        "periods": periods,
        "trends": trends,
        "radar": radar,
        "gaps": gaps,
        "gap_title": f"{pair[0]} minus {pair[1]}" if pair else "",
        "response_rates": [
            {"label": str(s), "data": [_r(card.response_rate(c, s), 0) for c in card.cycles]}
            for s in card.sides
        ],
    }


def _latest_with_answers(card: Scorecard) -> Cycle | None:
    for cycle in reversed(card.cycles):
        if any(k[0] == cycle.pk and cell.shown for k, cell in card.cells.items()):
            return cycle
    return None


def table(card: Scorecard) -> list[dict[str, Any]]:
    """The scorecard as rows (the page and the API's JSON twin): one per measure, with each
    cycle's pooled mean and each side's cell, and the gap with its usual value."""
    rows = []
    for m in card.measures:
        cycles: list[dict[str, Any]] = []
        for c in card.cycles:
            gap = card.gap(c, m)
            cycles.append(
                {
                    "cycle_id": c.pk,
                    "period": c.period,
                    "mean": _r(card.pooled.get((c.pk, m.pk))),
                    "sides": [
                        _cell_out(side, card.cell(c, m, side), card.plan.min_answers)
                        for side in card.sides
                    ],
                    "gap": _r(gap.value),
                    "usual_gap": _r(gap.usual),
                    "gap_note": gap_note(gap, card.gap_sides, m),
                }
            )
        rows.append(
            {
                "measure": m.key,
                "label": m.label,
                "unit": m.unit,
                "visibility": m.visibility,
                "cycles": cycles,
                "trend": trend_words(m, [cyc["mean"] for cyc in cycles]),
            }
        )
    return rows


def _cell_out(side: Side, cell: Cell, min_answers: int) -> dict[str, Any]:
    return {
        "side_id": side.pk,
        "side": str(side),
        "shown": cell.shown,
        "n": cell.n,
        "mean": _r(cell.mean),
        "spread": _r(cell.spread),
        "source": cell.source,
        "note": "" if cell.shown else f"not enough answers (fewer than {min_answers})",
    }


def gap_note(gap: Gap, pair: tuple[Side, Side] | None, measure: Measure) -> str:
    if pair is None:
        return "one side only"
    if gap.value is None:
        return "not enough answers on both sides to compare"
    unit = measure.unit or " points"
    text = f"{pair[0]} {_signed(gap.value, unit)} vs {pair[1]}"
    if gap.usual is None:
        return text + "; no earlier cycle to compare with"
    change = gap.value - gap.usual
    return (
        text
        + f"; usually {_signed(gap.usual, unit)} over {gap.earlier} earlier cycle"
        + ("s" if gap.earlier != 1 else "")
        + f" (the gap moved {_signed(change, unit)})"
    )


def _signed(value: float, unit: str) -> str:
    return f"{value:+.1f}%" if unit == "%" else f"{value:+.2f}{unit}"


def trend_words(measure: Measure, means: Iterable[float | None]) -> str:
    shown = [v for v in means if v is not None]
    if len(shown) < 2:
        return ""
    unit = measure.unit
    return " → ".join(f"{v:g}{unit}" for v in (round(x, 2) for x in shown))
