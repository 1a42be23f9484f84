"""The early-warning engine's inputs of many alliances at once, in a fixed number of queries.

``warning.inputs(alliance, side_id)`` reads one alliance as one side sees it through the ORM
(the scorecard, interactions, timeline signals, the commitments ledger, milestones): some
forty queries an alliance and scope. A scan of a portfolio needs the inputs of every
alliance in every scope (joint, and each side), and the noise pools need them again. A
``Snapshot`` reads the rows of all those alliances once, one query a table whatever their
number, and computes each (alliance, scope) input in memory by the same rules:

* the visibility rule, row by row (``side_sees``): the joint scope reads joint rows only; a
  side's scope reads joint rows and that side's private rows, never the other side's;
* the scorecard's N-answers rule: a side's cell counts only with at least
  ``HealthPlan.min_answers`` answers, and an answer counts only through a visible response
  AND a visible measure of the same alliance;
* response rates per cycle and side from the visible invitations, counted once a cycle is
  no longer open; ledger adherence when the plan takes it from the ledger;
* interactions' response days, timeline signals, overdue commitments and off-track
  milestones as ``warning.inputs`` reads them, in the same order.

``warning.inputs`` stays the reference: tests/health/test_health_batch.py checks that both
give equal inputs for every alliance and scope of a varied workspace.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.utils import timezone

from detente.alliances.models import Interaction
from detente.alliances.models import Signal as TimelineSignal
from detente.analysis import warning as engine
from detente.analysis.warning.measures import spec_for
from detente.health.models import Answer, Cycle, HealthPlan, Measure, SurveyInvitation
from detente.health.warning import SIGNAL_KINDS, Inputs, period_of
from detente.records.models import Side
from detente.records.visibility import JOINT

Scope = int | None  # a side's id, or None for joint data only


def _sees(scope: Scope, visibility: str, owner_side_id: int) -> bool:
    """``side_sees`` on a row's two columns."""
    return visibility == JOINT or (scope is not None and owner_side_id == scope)


@dataclass(slots=True)
class _Measure:
    id: int
    key: str
    label: str
    visibility: str
    owner: int


@dataclass(slots=True)
class _Cycle:
    id: int
    period: str
    opens_on: date
    closes_on: date
    closed: bool
    visibility: str
    owner: int

    def is_open(self, today: date) -> bool:
        """``Cycle.is_open`` on ``today``."""
        return not self.closed and self.opens_on <= today <= self.closes_on


@dataclass
class _Rows:
    """One alliance's rows, each with its visibility and owner side, in the reference's order."""

    plan: HealthPlan
    sides: list[Side] = field(default_factory=list)
    measures: list[_Measure] = field(default_factory=list)  # by position, id
    cycles: list[_Cycle] = field(default_factory=list)  # by opens_on, id
    # (cycle, measure, response's side, value, response's visibility); the measure is one
    # of this alliance's
    answers: list[tuple[int, int, int, float, str]] = field(default_factory=list)
    invitations: list[tuple[int, int, bool, str]] = field(default_factory=list)
    # (owed by, due date, status, done on, visibility, owner side)
    commitments: list[tuple[int, date, str, date | None, str, int]] = field(default_factory=list)
    # (date, response days, visibility, owner side), newest first like Interaction's ordering
    interactions: list[tuple[date, float, str, int]] = field(default_factory=list)
    # (date, kind, title, visibility, owner side), oldest first
    signals: list[tuple[date, str, str, str, int]] = field(default_factory=list)
    milestones: list[Any] = field(default_factory=list)  # off-track ones, by due, id


class Snapshot:
    """The rows of ``alliance_ids`` as of now, read in a fixed number of queries; ``inputs``
    computes (and keeps) each alliance's inputs in each scope."""

    def __init__(self, alliance_ids: Iterable[int], today: date | None = None) -> None:
        self.today = today or timezone.localdate()
        ids = sorted(set(alliance_ids))
        self.rows: dict[int, _Rows] = {}
        self._inputs: dict[tuple[int, Scope], Inputs] = {}
        if not ids:
            return
        plans = {p.alliance_id: p for p in HealthPlan.objects.filter(alliance_id__in=ids)}
        for pk in ids:
            self.rows[pk] = _Rows(plans.get(pk) or HealthPlan(alliance_id=pk))
        self._read(ids)

    # Reading -----------------------------------------------------------------------------

    def _read(self, ids: list[int]) -> None:
        rows = self.rows
        for side in Side.objects.filter(alliance_id__in=ids).select_related("organisation"):
            rows[side.alliance_id].sides.append(side)  # by id (Side's ordering)
        measures = Measure.objects.filter(alliance_id__in=ids).order_by("position", "id")
        measure_alliance: dict[int, int] = {}
        for pk, alliance_id, key, label, visibility, owner in measures.values_list(
            "id", "alliance_id", "key", "label", "visibility", "owner_side_id"
        ):
            rows[alliance_id].measures.append(_Measure(pk, key, label, visibility, owner))
            measure_alliance[pk] = alliance_id
        cycles = Cycle.objects.filter(alliance_id__in=ids).order_by("opens_on", "id")
        for pk, alliance_id, period, opens, closes, closed_at, visibility, owner in (
            cycles.values_list(
                "id", "alliance_id", "period", "opens_on", "closes_on", "closed_at",
                "visibility", "owner_side_id",
            )
        ):  # fmt: skip
            rows[alliance_id].cycles.append(
                _Cycle(pk, period, opens, closes, closed_at is not None, visibility, owner)
            )
        answers = Answer.objects.filter(response__alliance_id__in=ids).values_list(
            "response__alliance_id", "response__cycle_id", "measure_id",
            "response__owner_side_id", "value", "response__visibility",
        )  # fmt: skip
        for alliance_id, cycle_id, measure_id, side_id, value, visibility in answers:
            # The reference reaches answers through its alliance's responses and measures.
            if measure_alliance.get(measure_id) == alliance_id:
                rows[alliance_id].answers.append((cycle_id, measure_id, side_id, value, visibility))
        invitations = SurveyInvitation.objects.filter(alliance_id__in=ids).values_list(
            "alliance_id", "cycle_id", "owner_side_id", "answered_at", "visibility"
        )
        for alliance_id, cycle_id, side_id, answered_at, visibility in invitations:
            rows[alliance_id].invitations.append(
                (cycle_id, side_id, answered_at is not None, visibility)
            )
        interactions = (
            Interaction.objects.filter(
                alliance_id__in=ids,
                response_requested_at__isnull=False,
                responded_at__isnull=False,
            )
            .order_by("-date", "-id")
            .values_list(
                "alliance_id", "date", "response_requested_at", "responded_at", "visibility",
                "owner_side_id",
            )
        )  # fmt: skip
        for alliance_id, day, asked, answered, visibility, owner in interactions:
            assert asked is not None and answered is not None  # filtered above
            # Interaction.response_hours, then days, exactly as the reference computes them.
            hours = (answered - asked).total_seconds() / 3600
            rows[alliance_id].interactions.append((day, (hours or 0.0) / 24, visibility, owner))
        signals = (
            TimelineSignal.objects.filter(alliance_id__in=ids, kind__in=list(SIGNAL_KINDS))
            .order_by("date", "id")
            .values_list("alliance_id", "date", "kind", "title", "visibility", "owner_side_id")
        )
        for alliance_id, day, kind, title, visibility, owner in signals:
            rows[alliance_id].signals.append((day, kind, title, visibility, owner))
        self._read_ledger(ids)
        self._read_milestones(ids)

    def _read_ledger(self, ids: list[int]) -> None:
        try:
            from detente.commitments.models import Commitment  # noqa: PLC0415
        except ImportError:  # no ledger in this installation
            return
        commitments = Commitment.objects.filter(alliance_id__in=ids).values_list(
            "alliance_id", "owed_by_id", "due_date", "status", "done_on", "visibility",
            "owner_side_id",
        )  # fmt: skip
        for alliance_id, *rest in commitments:
            self.rows[alliance_id].commitments.append(tuple(rest))  # type: ignore[arg-type]

    def _read_milestones(self, ids: list[int]) -> None:
        try:
            from detente.milestones.models import Milestone  # noqa: PLC0415
        except ImportError:  # no milestones in this installation
            return
        off_track = (
            Milestone.objects.filter(
                alliance_id__in=ids,
                status__in=[Milestone.Status.AT_RISK, Milestone.Status.MISSED],
                state__in=[Milestone.State.AGREED, Milestone.State.DRAFT],
            )
            .order_by("due", "id")
            .only(
                "alliance_id", "title", "status", "achieved", "target", "probability",
                "as_of", "visibility", "owner_side_id",
            )
        )  # fmt: skip
        for m in off_track:
            self.rows[m.alliance_id].milestones.append(m)

    # What the scan reads ------------------------------------------------------------------

    def sides(self, alliance_id: int) -> list[Side]:
        return self.rows[alliance_id].sides

    def plan(self, alliance_id: int) -> HealthPlan:
        return self.rows[alliance_id].plan

    def labels(self, alliance_id: int) -> dict[str, str]:
        """Every measure's label by key (``warning.scan_alliance``'s ``labels``)."""
        return {m.key: m.label for m in self.rows[alliance_id].measures}

    def measure_specs(self, alliance_id: int) -> dict[str, engine.MeasureSpec]:
        """``warning.measure_specs``: the team's own dimensions under their own names."""
        specs = {}
        for m in self.rows[alliance_id].measures:
            if m.key not in engine.CATALOGUE:
                specs[m.key] = replace(spec_for(m.key), label=m.label[:1].lower() + m.label[1:])
        return specs

    def inputs(self, alliance_id: int, scope: Scope) -> Inputs:
        """What the engine reads of the alliance as a member of side ``scope`` sees it (joint
        data only when None): equal to ``warning.inputs(alliance, scope)``."""
        key = (alliance_id, scope)
        found = self._inputs.get(key)
        if found is None:
            found = self._inputs[key] = self._compute(alliance_id, scope)
        return found

    # Computing -----------------------------------------------------------------------------

    def _compute(self, alliance_id: int, scope: Scope) -> Inputs:
        rows = self.rows[alliance_id]
        plan, today = rows.plan, self.today
        name = str(alliance_id)
        out = Inputs()
        measures = [m for m in rows.measures if _sees(scope, m.visibility, m.owner)]
        cycles = [c for c in rows.cycles if _sees(scope, c.visibility, c.owner)]
        means = self._means(rows, scope, measures, cycles)
        invited: dict[tuple[int, int], int] = defaultdict(int)
        answered: dict[tuple[int, int], int] = defaultdict(int)
        for cycle_id, side_id, done, visibility in rows.invitations:
            if _sees(scope, visibility, side_id):
                invited[(cycle_id, side_id)] += 1
                answered[(cycle_id, side_id)] += done
        for cycle in cycles:
            for side in rows.sides:
                label = str(side)
                for m in measures:
                    mean = means.get((cycle.id, m.id, side.pk))
                    if mean is not None:
                        out.observations.append(
                            engine.Observation(name, cycle.period, label, m.key, mean)
                        )
                asked = invited.get((cycle.id, side.pk), 0)
                # An open cycle's rate is still climbing: it counts once the cycle closes.
                if asked and not cycle.is_open(today):
                    rate = 100.0 * answered.get((cycle.id, side.pk), 0) / asked
                    out.observations.append(
                        engine.Observation(name, cycle.period, label, "response_rate", rate)
                    )
        days: dict[str, list[float]] = defaultdict(list)
        for day, value, visibility, owner in rows.interactions:
            if _sees(scope, visibility, owner):
                days[period_of(day, plan)].append(value)
        for period, values in days.items():
            out.observations.append(
                engine.Observation(
                    name, period, "joint", "response_days", sum(values) / len(values)
                )
            )
        names = {s.pk: str(s) for s in rows.sides}
        for day, kind, title, visibility, owner in rows.signals:
            if _sees(scope, visibility, owner):
                out.signals.append(
                    engine.Signal(
                        name, period_of(day, plan), SIGNAL_KINDS[kind], names[owner], title
                    )
                )
        overdue = sum(
            1
            for _, due, status, _, visibility, owner in rows.commitments
            if due < today and status in ("open", "disputed") and _sees(scope, visibility, owner)
        )
        if overdue:
            out.observations.append(
                engine.Observation(name, period_of(today, plan), "joint", "overdue", float(overdue))
            )
        for m in rows.milestones:
            if not _sees(scope, m.visibility, m.owner_side_id):
                continue
            chance = f", {m.probability:.0%} likely" if m.probability is not None else ""
            note = (
                f"{m.title}: {m.get_status_display().lower()} "
                f"({m.achieved:,} of {m.target:,}{chance})"
            )
            out.signals.append(
                engine.Signal(
                    name,
                    period_of(m.as_of or today, plan),
                    "milestones_off_track",
                    names.get(m.owner_side_id, ""),
                    note,
                )
            )
        return out

    def _means(
        self, rows: _Rows, scope: Scope, measures: list[_Measure], cycles: list[_Cycle]
    ) -> dict[tuple[int, int, int], float]:
        """The shown cells' means by (cycle, measure, side): the scorecard's ``build_from``
        on visible rows (at least ``min_answers`` answers, else no cell)."""
        visible = {m.id for m in measures}
        grouped: dict[tuple[int, int, int], list[float]] = defaultdict(list)
        for cycle_id, measure_id, side_id, value, visibility in rows.answers:
            # A response's owner side is the side its person answered for.
            if measure_id in visible and _sees(scope, visibility, side_id):
                grouped[(cycle_id, measure_id, side_id)].append(value)
        least = rows.plan.min_answers
        means = {
            key: statistics.fmean(values) for key, values in grouped.items() if len(values) >= least
        }
        if rows.plan.adherence_source == HealthPlan.AdherenceSource.LEDGER:
            self._ledger_means(rows, scope, means, measures, cycles)
        return means

    def _ledger_means(
        self,
        rows: _Rows,
        scope: Scope,
        means: dict[tuple[int, int, int], float],
        measures: list[_Measure],
        cycles: list[_Cycle],
    ) -> None:
        """The scorecard's ``_ledger_cells``: adherence from the visible commitments."""
        measure = next((m for m in measures if m.key == "adherence"), None)
        if measure is None or not cycles:
            return
        try:
            from detente.commitments.adherence import Facts, adherence  # noqa: PLC0415
            from detente.objectives.periods import parse  # noqa: PLC0415
        except ImportError:  # no ledger in this installation
            return
        facts = [
            Facts(owed_by, due, status, done_on)
            for owed_by, due, status, done_on, visibility, owner in rows.commitments
            if _sees(scope, visibility, owner)
        ]
        periods = [parse(c.period) for c in cycles]
        for side_id, points in adherence(facts, periods, self.today).items():
            for cycle, point in zip(cycles, points, strict=True):
                if point.percent is not None:
                    means[(cycle.id, measure.id, side_id)] = point.percent
