"""What the negotiation pages show: one function per page builds it for the page and its JSON
twin.

* ``rounds``: the negotiation page; ``GET .../negotiation/rounds``;
* ``round``: a round's page; ``GET .../rounds/{pk}`` and ``GET .../rounds/{pk}/proposals``;
* ``preferences``: my side's preferences; ``GET .../rounds/{pk}/preferences``;
* ``facilitator``: the facilitator's page; ``GET .../rounds/{pk}/facilitator``.

Each reads through the visibility rule (``access.records``/``access.get_record``) or, for a
neutral facilitator, through ``services.facilitator_access``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from detente.negotiation import proposals, services
from detente.negotiation.models import Acceptance, FacilitatorGrant, NegotiationRound
from detente.records.visibility import AllianceAccess

Json = dict[str, Any]


def round_data(access: AllianceAccess, rnd: NegotiationRound) -> Json:
    """A round as the API returns it: issues, and the acceptances and grants the reader sees."""
    return {
        "id": rnd.pk,
        "side_id": rnd.owner_side_id,
        "title": rnd.title,
        "purpose": rnd.purpose,
        "status": rnd.status,
        "issues": [{"name": i.name, "options": list(i.options)} for i in rnd.issues.all()],
        "constraints": rnd.constraints or [],
        "agreed_package": rnd.agreed_package,
        "agreement_version_id": rnd.agreement_version_id,
        "acceptances": [
            {"side_id": a.owner_side_id, "package": a.package}
            for a in access.records(Acceptance).filter(round=rnd)
        ],
        "facilitator_grants": [
            {"id": g.pk, "side_id": g.owner_side_id, "user_id": g.user_id}
            for g in access.records(FacilitatorGrant).filter(round=rnd)
        ],
    }


@dataclass
class Rounds:
    access: AllianceAccess
    rounds: list[NegotiationRound]

    @property
    def rows(self) -> list[Json]:
        return [round_data(self.access, r) for r in self.rounds]


def rounds(access: AllianceAccess) -> Rounds:
    return Rounds(access, list(access.records(NegotiationRound).prefetch_related("issues")))


@dataclass
class RoundPage:
    access: AllianceAccess
    round: NegotiationRound
    my_side: Any
    acceptances: list[Acceptance]
    grants: list[FacilitatorGrant]

    @cached_property
    def view(self) -> Json:
        """The proposals with my side's utility (solved on first use: the round's JSON
        without its proposals does not need them)."""
        return proposals.side_view(
            proposals.solve_round(self.round, self.access.sides), self.my_side
        )

    @property
    def data(self) -> Json:
        return round_data(self.access, self.round)

    @property
    def proposals_data(self) -> Json:
        return {"side_id": self.my_side.pk, **self.view}

    @cached_property
    def issues(self) -> list[Any]:
        return list(self.round.issues.all())

    @property
    def constraint_sentences(self) -> list[str]:
        """Each constraint between issues as a sentence, the issues named in words."""
        words = {i.name: str(i) for i in self.issues}

        def clause(mapping: dict[str, list[str]], joiner: str) -> str:
            return f" {joiner} ".join(
                f"{words.get(k, k)} is {' or '.join(v)}" for k, v in mapping.items()
            )

        return [
            f"If {clause(c['if'], 'and')}, then not: {clause(c['then_not'], 'nor')}."
            for c in self.round.constraints or []
        ]

    @property
    def comparison(self) -> list[dict[str, Any]]:
        """The proposals as rows of one table, an issue a column: each cell with whether it
        differs from the first proposal's (so the eye finds what changes), and my side's
        utility as a share of its best package."""
        proposals_ = self.view["proposals"]
        if not proposals_:
            return []
        first = proposals_[0]["package"]
        return [
            {
                **p,
                "cells": [
                    {
                        "option": p["package"].get(i.name, ""),
                        "differs": p["package"].get(i.name) != first.get(i.name),
                    }
                    for i in self.issues
                ],
                "percent": int(100 * p["my_utility"] + 0.5),  # (round is this module's page)
            }
            for p in proposals_
        ]


def round(access: AllianceAccess, pk: Any) -> RoundPage:
    rnd = access.get_record(NegotiationRound, pk)
    my_side = access.default_side
    return RoundPage(
        access=access,
        round=rnd,
        my_side=my_side,
        acceptances=list(access.records(Acceptance).filter(round=rnd).select_related("owner_side")),
        grants=list(
            access.records(FacilitatorGrant).filter(round=rnd).select_related("owner_side", "user")
        ),
    )


@dataclass
class PreferencesPage:
    round: NegotiationRound
    side: Any
    issues: list[Any]
    prefs: Any

    @property
    def data(self) -> Json:
        if self.prefs is None:
            return {"side_id": self.side.pk, "entered": False}
        return {
            "side_id": self.side.pk,
            "entered": True,
            "method": self.prefs.method,
            "weights": self.prefs.weights,
            "scores": self.prefs.scores,
            "walk_away": str(self.prefs.walk_away),
        }


def preferences(access: AllianceAccess, pk: Any) -> PreferencesPage:
    """The preferences of the side the reader writes for (private to that side)."""
    rnd = access.get_record(NegotiationRound, pk)
    side = services.writable_side(access)
    return PreferencesPage(
        round=rnd,
        side=side,
        issues=list(rnd.issues.all()),
        prefs=services.my_preferences(access, rnd, side),
    )


@dataclass
class FacilitatorPage:
    facilitator: Any  # services.facilitator_access
    data: Json  # proposals.facilitator_view
    improve: Json | None


def facilitator(granted: Any, tentative: Json | None = None) -> FacilitatorPage:
    """Both sides' utilities and the frontier; ``granted`` is ``services.facilitator_access``
    (a facilitator's access to one round), and ``tentative`` a deal to improve on."""
    rr = proposals.solve_round(granted.round, granted.sides, tentative)
    return FacilitatorPage(
        facilitator=granted,
        data=proposals.facilitator_view(rr),
        improve=proposals.facilitator_improvements(rr),
    )
