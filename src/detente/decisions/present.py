"""What the decision pages show: one function per page builds it for the page and its JSON twin.

``decisions`` is the decisions page and ``GET .../decisions``; ``conditions`` is a decision's
page and ``GET .../decisions/{pk}/conditions``; ``guardrails`` is its guardrails page and
``GET .../decisions/{pk}/guardrails``. Each reads through the visibility rule (a decision the
reader may not see is a 404); the computing is ``detente.decisions.analysis``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from detente.decisions import analysis
from detente.decisions.models import Decision
from detente.records.visibility import AllianceAccess


@dataclass
class Decisions:
    decisions: list[Decision]

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [analysis.decision_json(d) for d in self.decisions]


@dataclass
class DecisionPage:
    decision: Decision
    data: dict[str, Any]  # what the JSON twin returns


def decisions(access: AllianceAccess) -> Decisions:
    return Decisions(list(access.records(Decision).select_related("owner_side__organisation")))


def conditions(access: AllianceAccess, pk: Any) -> DecisionPage:
    """What needs to be true for each option, from the weights the reader may see."""
    decision = access.get_record(Decision, pk)
    return DecisionPage(decision, analysis.conditions(access, decision))


def guardrails(access: AllianceAccess, pk: Any) -> DecisionPage:
    """Guardrail bands and the goal-conflict matrix, from the series the reader may see."""
    decision = access.get_record(Decision, pk)
    return DecisionPage(decision, analysis.guardrails(access, decision))
