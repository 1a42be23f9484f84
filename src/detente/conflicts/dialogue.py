"""The facilitated-dialogue kit: an agenda built from a conflict as the reader sees it."""

from __future__ import annotations

from typing import Any

from detente.conflicts import linked
from detente.conflicts.models import Conflict, ConflictView
from detente.records.visibility import AllianceAccess

# In the spirit of seed 001: questions that uncover the why behind a divergence.
OPEN_QUESTIONS = [
    "What has changed in your strategic landscape since we started?",
    "How does this alliance fit your top three priorities now?",
    "What data are you looking at, and can we look at it together?",
    "Which of the original shared goals do you still hold?",
    "What would have to be true for you to commit more, or less?",
    "Where do our goals still overlap, even if the whole no longer does?",
]

SOURCE_QUESTIONS = {
    "market_change": "Which market change matters most to you, and on what timescale?",
    "internal_shift": "What did the change inside your organisation decide, and what is still open?",
    "resource_allocation": "Which resources feel disproportionate to you, and against what?",
    "customer_ownership": "Which customers or segments do you see as yours, and why?",
    "performance_metrics": "Which metric do you trust, and how is it defined on your side?",
    "brand_perception": "What did the market hear, and what would repair it?",
}


def agenda(access: AllianceAccess, conflict: Conflict) -> dict[str, Any]:
    views = list(
        access.records(ConflictView).filter(conflict=conflict).select_related("owner_side")
    )
    perspectives = []
    for side in access.sides:
        mine = [v for v in views if v.owner_side_id == side.pk]
        perspectives.append({"side": str(side), "views": mine})
    questions = []
    if conflict.source in SOURCE_QUESTIONS:
        questions.append(SOURCE_QUESTIONS[conflict.source])
    questions += OPEN_QUESTIONS
    return {
        "ground_rules": [
            "Meet on neutral ground: a place and a chair that favour neither side; a facilitator if trust is thin.",
            "The aim is to understand each side's why, not to assign blame.",
            "Listen to understand, not to reply: each side restates the other's view before answering.",
            "Agreed actions go into the commitments ledger, with an owner and a date, before the meeting ends.",
        ],
        "perspectives": perspectives,
        "questions": questions,
        "data": linked.visible_links(access, conflict),
    }
