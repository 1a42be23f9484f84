"""Helpers for the agreement tests (imported by the test modules): a complete agreement and drafts."""

from __future__ import annotations

from typing import Any

from detente.agreements import services
from detente.agreements.models import AgreementVersion
from detente.records.visibility import get_alliance_access


def complete_content(side_a: Any, side_b: Any) -> dict[str, Any]:
    """An agreement with nothing missing: the completeness check finds no gap."""
    return {
        "objectives": [
            {"key": "obj1", "title": "Joint revenue", "side": "", "description": "Grow together"},
            {"key": "obj2", "title": "Market reach", "side": str(side_a.id), "description": ""},
        ],
        "kpis": [
            {
                "key": "kpi1",
                "objective": "obj1",
                "metric": "Joint revenue",
                "unit": "EUR",
                "direction": "higher",
                "target": "2000000",
                "deadline": "2026-12-31",
                "definition": "Invoiced revenue from joint deals",
            },
            {
                "key": "kpi2",
                "objective": "obj2",
                "metric": "New enterprise customers",
                "unit": "customers",
                "direction": "higher",
                "target": "40",
                "deadline": "2026-12-31",
                "definition": "Signed contracts",
            },
        ],
        "scope": [
            {"key": "sc1", "kind": "in", "item": "Enterprise network AI", "notes": ""},
            {"key": "sc2", "kind": "out", "item": "Consumer products", "notes": ""},
        ],
        "scope_change": {
            "process": "Written request to the steering committee",
            "approver": "Steering committee",
            "days": 30,
        },
        "decisions": [
            {"key": "d1", "topic": "Roadmap", "decider": "Steering committee", "rule": "unanimous"}
        ],
        "stalemate": {"process": "Escalate to the sponsors, then mediation", "days": 30},
        "resources": [
            {
                "key": "r1",
                "side": str(side_a.id),
                "kind": "people",
                "description": "Engineers",
                "amount": "6",
                "unit": "FTE",
                "per": "year",
                "start": "",
                "end": "",
            },
            {
                "key": "r2",
                "side": str(side_b.id),
                "kind": "money",
                "description": "Integration budget",
                "amount": "1500000",
                "unit": "EUR",
                "per": "year",
                "start": "",
                "end": "",
            },
        ],
        "ladder": [
            {
                "key": "l1",
                "step": 1,
                "name": "Working team",
                "owner": "Integration leads",
                "days": 10,
            },
            {
                "key": "l2",
                "step": 2,
                "name": "Alliance managers",
                "owner": "Alliance managers",
                "days": 15,
            },
            {
                "key": "l3",
                "step": 3,
                "name": "Executive sponsors",
                "owner": "CEO and EVP",
                "days": 30,
            },
            {"key": "l4", "step": 4, "name": "Mediation", "owner": "Agreed mediator", "days": 60},
            {"key": "l5", "step": 5, "name": "Arbitration", "owner": "ICC arbitrator", "days": 120},
        ],
        "exit": {
            "notice_days": 90,
            "triggers": ["Change of control"],
            "customers": "Stay with the side that signed them",
            "assets": "Joint IP licensed to both",
        },
    }


def make_draft(
    cast: Any, who: str = "alice", content: dict | None = None, **kw: Any
) -> AgreementVersion:
    access = get_alliance_access(getattr(cast, who), cast.alliance.pk, write=True)
    side = cast.side_a if who in ("alice", "rita") else cast.side_b
    draft = services.create_draft(access, owner_side=side, title=kw.pop("title", "Charter"), **kw)
    if content is not None:
        AgreementVersion.objects.filter(pk=draft.pk).update(content=content)
        draft.refresh_from_db()
    return draft


def in_force(cast: Any, content: dict | None = None) -> AgreementVersion:
    """A version proposed by side A and signed by both sides."""
    draft = make_draft(cast, content=content or complete_content(cast.side_a, cast.side_b))
    a = get_alliance_access(cast.alice, cast.alliance.pk, write=True)
    b = get_alliance_access(cast.bob, cast.alliance.pk, write=True)
    services.propose(a, draft)
    services.sign(a, draft, cast.side_a)
    services.sign(b, draft, cast.side_b)
    draft.refresh_from_db()
    return draft
