"""The next steps of an alert as things to do: each one a button to the page where it is
done (log the conversation, add a commitment, raise a conflict and open its dialogue kit,
take the dispute ladder's first step). Read from the alert's own next step, so an alert
offers what its advice asks for; every alert may log an interaction."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from detente.analysis.warning.measures import DIALOGUE, ESCALATION
from detente.health.models import Alert


@dataclass(frozen=True)
class NextAction:
    label: str
    url: str

    def data(self) -> dict[str, str]:
        return {"label": self.label, "url": self.url}


def next_actions(alert: Alert) -> list[NextAction]:
    a = alert.alliance_id
    step = alert.next_step.lower()
    found = [NextAction("Log an interaction", reverse("entry_new", args=[a, "interaction"]))]
    if any(word in step for word in ("commitment", "resource", "review")):
        found.append(NextAction("Add a commitment", reverse("commitment_new", args=[a])))
    if DIALOGUE.lower()[:40] in step or "joint session" in step or "dialogue" in step:
        found.append(
            NextAction(
                "Raise a conflict and open its dialogue kit", reverse("conflict_new", args=[a])
            )
        )
    if ESCALATION.strip().lower()[:40] in step:
        found.append(NextAction("Open the dispute ladder", reverse("conflicts_home", args=[a])))
    if not any(action.label == "Add a commitment" for action in found):
        found.append(NextAction("Add a commitment", reverse("commitment_new", args=[a])))
    return found
