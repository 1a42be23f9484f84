"""From database rows to the engine and back, filtered for whoever is looking.

``solve_round`` is the one place that reads both sides' preferences. It returns a
``RoundResult`` that holds both sides' utilities; nothing outside this module hands it to
a template or an API answer. Pages and API routes take ``side_view`` (one side's own
utilities) or ``facilitator_view`` (both, for a facilitator every side granted).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from detente.analysis.files import InputError
from detente.analysis.negotiation import (
    Constraint,
    Issue,
    NegotiationResult,
    Outcome,
    Preferences,
    Problem,
    solve,
)
from detente.analysis.negotiation.report import FAIR_NAMES
from detente.negotiation.models import NegotiationIssue, NegotiationRound, SidePreferences
from detente.records.models import Side

FAIR_KEYS = ("nash", "kalai_smorodinsky", "egalitarian", "max_welfare")
SPREAD = 7  # frontier packages shown besides the fair ones


def party(side: Side) -> str:
    """The engine's name for a side: its id, so no side's name reaches an engine message."""
    return f"side{side.pk}"


def engine_constraints(rnd: NegotiationRound) -> tuple[Constraint, ...]:
    """The round's joint constraints as the engine's (stored as {"if", "then_not"})."""
    return tuple(
        Constraint(
            when={k: tuple(v) for k, v in raw["if"].items()},
            then_not={k: tuple(v) for k, v in raw["then_not"].items()},
        )
        for raw in rnd.constraints or []
    )


def engine_problem(
    issues: list[NegotiationIssue],
    sides: list[Side],
    prefs: dict[int, SidePreferences],
    constraints: tuple[Constraint, ...] = (),
    tentative: dict[str, str] | None = None,
) -> Problem:
    return Problem(
        parties=tuple(party(s) for s in sides),
        issues=tuple(Issue(i.name, tuple(i.options)) for i in issues),
        preferences={
            party(s): Preferences(
                weights={k: float(v) for k, v in prefs[s.pk].weights.items()},
                scores={
                    k: {o: float(x) for o, x in v.items()} for k, v in prefs[s.pk].scores.items()
                },
                walk_away=float(prefs[s.pk].walk_away),
            )
            for s in sides
        },
        constraints=constraints,
        tentative=tentative,
    )


def complete(prefs: SidePreferences | None, issues: list[NegotiationIssue]) -> bool:
    """Whether a side's preferences cover every issue and option of the round as it is now
    (issues may have changed since they were entered)."""
    if prefs is None:
        return False
    for issue in issues:
        if issue.name not in prefs.weights or issue.name not in prefs.scores:
            return False
        if set(prefs.scores[issue.name]) != set(issue.options):
            return False
    return set(prefs.weights) == {i.name for i in issues}


@dataclass
class Proposal:
    key: str  # "nash", …, or "frontier-3"
    label: str
    package: dict[str, str]
    utilities: dict[int, float]  # side id -> utility; filtered before it leaves this module


@dataclass
class RoundResult:
    """Both sides' view of a round. Private to this module's callers that filter it."""

    sides: list[Side]
    ready: bool
    waiting_for: list[Side]
    proposals: list[Proposal]
    result: NegotiationResult | None
    failed: bool = False
    tentative: dict[str, str] | None = None


def _utilities(outcome: Outcome, sides: list[Side]) -> dict[int, float]:
    return {s.pk: outcome.utilities[party(s)] for s in sides}


def _spread(items: list[Outcome], count: int) -> list[Outcome]:
    """At most ``count`` items, evenly spaced, both ends included."""
    if len(items) <= count:
        return items
    step = (len(items) - 1) / (count - 1)
    return [items[round(i * step)] for i in range(count)]


def solve_round(
    rnd: NegotiationRound, sides: list[Side], tentative: dict[str, str] | None = None
) -> RoundResult:
    """Solve ``rnd`` with every side's preferences, within the round's constraints; with
    ``tentative`` (a package checked by ``TentativeForm``), also the improvements on it.

    Reads ``SidePreferences`` of every side directly: this is the neutral ground the engine
    stands on. The caller must pass the result through ``side_view`` or
    ``facilitator_view`` before showing anything.
    """
    issues = list(rnd.issues.all())
    rows = {p.owner_side_id: p for p in SidePreferences.objects.filter(round=rnd)}
    waiting = [s for s in sides if not complete(rows.get(s.pk), issues)]
    if waiting or not issues:
        return RoundResult(sides, False, waiting, [], None)
    try:
        problem = engine_problem(issues, sides, rows, engine_constraints(rnd), tentative)
        result = solve(problem, max_ties=1)
    except InputError:
        # Each side's preferences were checked when saved; what is left (a round too
        # large for the engine) must not be reported with either side's numbers.
        return RoundResult(sides, False, [], [], None, failed=True)
    proposals: list[Proposal] = []
    seen: set[tuple] = set()
    for key in FAIR_KEYS:
        point = getattr(result, key)
        if point is None:
            continue
        proposals.append(
            Proposal(key, FAIR_NAMES[key], point.outcome.package, _utilities(point.outcome, sides))
        )
        seen.add(tuple(sorted(point.outcome.package.items())))
    # Only acceptable packages are proposed: a package below either side's walk-away is
    # dropped without saying whose walk-away excluded it.
    acceptable = [o for o in result.frontier if o.acceptable]
    n = 0
    for outcome in _spread(acceptable, SPREAD):
        ident = tuple(sorted(outcome.package.items()))
        if ident in seen:
            continue
        seen.add(ident)
        n += 1
        proposals.append(
            Proposal(
                f"frontier-{n}",
                f"Frontier package {n}",
                outcome.package,
                _utilities(outcome, sides),
            )
        )
    return RoundResult(sides, True, [], proposals, result, tentative=tentative)


def proposal_key(package: dict[str, str]) -> str:
    return "|".join(f"{k}={v}" for k, v in sorted(package.items()))


def side_view(rr: RoundResult, side: Side) -> dict[str, Any]:
    """What one side sees: the proposals with its own utility, and nothing of the others'."""
    return {
        "ready": rr.ready,
        "waiting_for": [s.name for s in rr.waiting_for],
        "failed": rr.failed,
        "proposals": [
            {
                "key": p.key,
                "label": p.label,
                "package": dict(p.package),
                "my_utility": round(p.utilities[side.pk], 4),
            }
            for p in rr.proposals
        ],
    }


def facilitator_view(rr: RoundResult) -> dict[str, Any]:
    """What a facilitator every side granted sees: both utilities, the frontier, the fair
    points and the walk-away lines (for the chart). Never weights or scores."""
    sides = rr.sides
    data: dict[str, Any] = {
        "ready": rr.ready,
        "waiting_for": [s.name for s in rr.waiting_for],
        "failed": rr.failed,
        "sides": [{"id": s.pk, "name": s.name} for s in sides],
        "proposals": [
            {
                "key": p.key,
                "label": p.label,
                "package": dict(p.package),
                "utilities": {str(k): round(v, 4) for k, v in p.utilities.items()},
            }
            for p in rr.proposals
        ],
        "frontier": [],
        "walk_away": {},
        "fair": {},
    }
    if rr.result is not None:
        res = rr.result
        data["package_count"] = res.package_count
        data["frontier"] = [
            {
                "package": dict(o.package),
                "utilities": {str(k): round(v, 4) for k, v in _utilities(o, sides).items()},
                "acceptable": o.acceptable,
            }
            for o in res.frontier
        ]
        data["walk_away"] = {str(s.pk): res.walk_away[party(s)] for s in sides}
        data["fair"] = {
            key: {str(k): round(v, 4) for k, v in _utilities(point.outcome, sides).items()}
            for key in FAIR_KEYS
            if (point := getattr(res, key)) is not None
        }
    return data


def is_proposed(rr: RoundResult, package: dict[str, str]) -> bool:
    wanted = proposal_key(package)
    return any(proposal_key(p.package) == wanted for p in rr.proposals)


def _improvements(rr: RoundResult) -> Any:
    return rr.result.improvements if rr.result is not None else None


def side_improvements(rr: RoundResult, side: Side) -> dict[str, Any] | None:
    """Improvements on the tentative deal as one side sees them: each package with the
    side's own utility only (the other side's utilities, and by how much it gains, stay
    hidden). None when no tentative deal was given or the round cannot be solved yet."""
    imp = _improvements(rr)
    if imp is None:
        return None
    fair = imp.fair.outcome.package if imp.fair is not None else None
    return {
        "tentative": dict(imp.tentative.package),
        "tentative_my_utility": round(imp.tentative.utilities[party(side)], 4),
        "on_frontier": imp.on_frontier,
        "improvements": [
            {
                "package": dict(o.package),
                "my_utility": round(o.utilities[party(side)], 4),
                "fair": o.package == fair,
            }
            for o in imp.outcomes
        ],
        "fair": dict(fair) if fair is not None else None,
    }


def facilitator_improvements(rr: RoundResult) -> dict[str, Any] | None:
    """Improvements on the tentative deal with both sides' utilities (facilitator only)."""
    imp = _improvements(rr)
    if imp is None:
        return None
    fair = imp.fair.outcome.package if imp.fair is not None else None
    return {
        "tentative": dict(imp.tentative.package),
        "tentative_utilities": {
            str(k): round(v, 4) for k, v in _utilities(imp.tentative, rr.sides).items()
        },
        "on_frontier": imp.on_frontier,
        "improvements": [
            {
                "package": dict(o.package),
                "utilities": {str(k): round(v, 4) for k, v in _utilities(o, rr.sides).items()},
                "fair": o.package == fair,
            }
            for o in imp.outcomes
        ],
        "fair": dict(fair) if fair is not None else None,
    }
