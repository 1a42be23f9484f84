"""What a draft lacks. Each gap has a stable code (a waiver refers to it) and a plain message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from detente.agreements import document


@dataclass(frozen=True)
class Gap:
    code: str
    part: str
    message: str


def gaps(content: dict[str, Any], sides: list[Any]) -> list[Gap]:
    doc = document.normalised(content)
    out: list[Gap] = []

    def gap(code: str, part: str, message: str) -> None:
        out.append(Gap(code, part, message))

    # 1. Objectives and KPIs
    objectives = doc["objectives"]
    if not objectives:
        gap("objectives", "objectives", "no objectives")
    elif not any(not o.get("side") for o in objectives):
        gap("objectives:shared", "objectives", "no shared objective")
    for o in objectives:
        kpis = [k for k in doc["kpis"] if k.get("objective") == o["key"]]
        if not kpis:
            gap(f"objective:{o['key']}:kpi", "kpis", f"objective '{o['title']}' has no KPI")
    for k in doc["kpis"]:
        for field, words in (
            ("target", "target"),
            ("deadline", "deadline"),
            ("unit", "unit"),
            ("definition", "agreed definition"),
        ):
            if k.get(field) in (None, ""):
                gap(f"kpi:{k['key']}:{field}", "kpis", f"KPI '{k['metric']}' has no {words}")

    # 2. Scope
    if not any(s.get("kind") == "in" for s in doc["scope"]):
        gap("scope:in", "scope", "nothing is listed in scope")
    if not any(s.get("kind") == "out" for s in doc["scope"]):
        gap("scope:out", "scope", "nothing is listed out of scope")
    if not (doc["scope_change"].get("process") or "").strip():
        gap("scope_change", "scope_change", "no scope-change process")

    # 3. Decision rights
    if not doc["decisions"]:
        gap("decisions", "decisions", "no decision rights (who decides what)")
    if not (doc["stalemate"].get("process") or "").strip():
        gap("stalemate", "stalemate", "no stalemate process")

    # 4. Resource commitments, per side
    for side in sides:
        if not any(str(r.get("side")) == str(side.id) for r in doc["resources"]):
            gap(f"resources:side:{side.id}", "resources", f"side {side} has no resource commitment")
    for r in doc["resources"]:
        if r.get("amount") in (None, ""):
            gap(
                f"resource:{r['key']}:amount",
                "resources",
                f"resource '{r['description']}' has no amount",
            )
        if not r.get("per") and not (r.get("start") or r.get("end")):
            gap(
                f"resource:{r['key']}:period",
                "resources",
                f"resource '{r['description']}' has no period",
            )

    # 5. Dispute-resolution ladder
    ladder = document.ladder(doc)
    if not ladder:
        gap("ladder", "ladder", "no dispute-resolution ladder")
    else:
        if len(ladder) < 2:
            gap("ladder:short", "ladder", "dispute ladder has a single rung; nowhere to escalate")
        timed = [r for r in ladder if r.get("days")]
        if not timed:
            gap("ladder:days", "ladder", "dispute ladder has no time limits")
        else:
            for r in ladder:
                if not r.get("days"):
                    gap(f"rung:{r['key']}:days", "ladder", f"rung '{r['name']}' has no time limit")
        for r in ladder:
            if not (r.get("owner") or "").strip():
                gap(f"rung:{r['key']}:owner", "ladder", f"rung '{r['name']}' has no owner")

    # 6. Exit terms
    exit_terms = doc["exit"]
    filled = [
        exit_terms.get("notice_days") not in (None, ""),
        bool(exit_terms.get("triggers")),
        bool((exit_terms.get("customers") or "").strip()),
        bool((exit_terms.get("assets") or "").strip()),
    ]
    if not any(filled):
        gap("exit", "exit", "no exit terms")
    else:
        for present, code, message in zip(
            filled,
            ("exit:notice", "exit:triggers", "exit:customers", "exit:assets"),
            (
                "exit terms give no notice period",
                "exit terms name no triggers",
                "exit terms do not say how shared customers are handled",
                "exit terms do not say how shared assets are handled",
            ),
            strict=True,
        ):
            if not present:
                gap(code, "exit", message)
    return out
