"""A side's preferences in a round as a kind of record the side approves internally before
accepting a package (see ``detente.approvals``)."""

from __future__ import annotations

from detente.approvals.registry import ApprovalKind, register
from detente.negotiation.models import SidePreferences

KIND = "negotiation_preferences"

register(
    ApprovalKind(
        key=KIND,
        label="Negotiation preferences",
        model=SidePreferences,
        url_name="negotiation_round",
        url_args=lambda prefs: [prefs.round_id],
        content=lambda p: {"weights": p.weights, "scores": p.scores, "walk_away": p.walk_away},
        describe=lambda p: f"your preferences in '{p.round}'",
    )
)
