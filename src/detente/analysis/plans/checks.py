"""The checks a joint plan must pass before the sides can rely on it.

* every priority (a V2MOM method, an OKR objective) has an owner and at least one measure;
* every measure (a V2MOM measure, a key result) has a target and a date;
* every obstacle names the method that addresses it;
* two priorities kept by different sides whose KPIs move against each other (the
  goal-conflict map's "against" cells) are flagged, and each such pair needs a guardrail
  between the two KPIs; a guarded pair is still shown, as handled.

The caller hands in only what its reader may see, so a finding never reveals an item, a
KPI or a guardrail the reader cannot see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field


def pair(a: str, b: str) -> frozenset[str]:
    """An unordered pair of KPI keys (a conflict or a guardrail holds either way round)."""
    return frozenset((a, b))


@dataclass(frozen=True)
class Priority:
    key: str
    label: str  # as the reader sees it: "Method 2: Launch in Vietnam"
    side: str | None  # the side that put it in the plan
    owner: str | None  # the person who owns it
    measures: tuple[str, ...] = ()  # keys of the measures that measure it
    kpis: tuple[str, ...] = ()  # keys of the KPIs it is linked to (these measure it too)


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    target: float | None
    due: dt.date | None


@dataclass(frozen=True)
class Obstacle:
    key: str
    label: str
    methods: tuple[str, ...] = ()  # keys of the methods that address it


@dataclass(frozen=True)
class PlanInput:
    priorities: list[Priority] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    obstacles: list[Obstacle] = field(default_factory=list)
    against: frozenset[frozenset[str]] = frozenset()  # KPI pairs that move against each other
    guarded: frozenset[frozenset[str]] = frozenset()  # KPI pairs joined by a guardrail


@dataclass(frozen=True)
class Finding:
    code: str  # no_owner, no_measure, no_target, no_date, no_method, conflict, guarded_conflict
    item: str  # the key of the item it is about
    message: str
    other: str | None = None  # the second item of a conflict
    kpis: tuple[str, ...] = ()  # the KPI pair of a conflict
    needs_action: bool = True  # False for a conflict already held by a guardrail


def _priority_checks(p: Priority) -> Iterable[Finding]:
    if not p.owner:
        yield Finding("no_owner", p.key, f"{p.label} has no owner: name the person who owns it.")
    if not p.measures and not p.kpis:
        yield Finding(
            "no_measure",
            p.key,
            f"{p.label} has no measure: add one, or link a KPI that measures it.",
        )


def _measure_checks(m: Measure) -> Iterable[Finding]:
    if m.target is None:
        yield Finding("no_target", m.key, f"{m.label} has no target: say how much, or link a KPI.")
    if m.due is None:
        yield Finding("no_date", m.key, f"{m.label} has no date: say by when, or link a KPI.")


def _conflicts(plan: PlanInput) -> Iterable[Finding]:
    ps = plan.priorities
    for i, a in enumerate(ps):
        for b in ps[i + 1 :]:
            if a.side is None or b.side is None or a.side == b.side:
                continue
            clashes = sorted(
                (ka, kb) for ka in a.kpis for kb in b.kpis if pair(ka, kb) in plan.against
            )
            if not clashes:
                continue
            open_ = [c for c in clashes if pair(*c) not in plan.guarded]
            ka, kb = (open_ or clashes)[0]
            if open_:
                yield Finding(
                    "conflict",
                    a.key,
                    f"{a.label} ({a.side}) and {b.label} ({b.side}) pull against each other: "
                    "their KPIs move against each other on the goal-conflict map. Agree a "
                    "guardrail between them.",
                    other=b.key,
                    kpis=(ka, kb),
                )
            else:
                yield Finding(
                    "guarded_conflict",
                    a.key,
                    f"{a.label} ({a.side}) and {b.label} ({b.side}) pull against each other; "
                    "a guardrail between their KPIs holds the line.",
                    other=b.key,
                    kpis=(ka, kb),
                    needs_action=False,
                )


def check_plan(plan: PlanInput) -> list[Finding]:
    """Every finding of the plan, in the order of the plan: priorities, measures, obstacles,
    then the conflicts between the sides' priorities."""
    out: list[Finding] = []
    for p in plan.priorities:
        out += _priority_checks(p)
    for m in plan.measures:
        out += _measure_checks(m)
    for o in plan.obstacles:
        if not o.methods:
            out.append(
                Finding(
                    "no_method",
                    o.key,
                    f"{o.label} has no method: name the method that addresses it.",
                )  # fmt: skip
            )
    out += _conflicts(plan)
    return out
