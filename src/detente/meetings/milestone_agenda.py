"""The agenda source of milestones at risk or missed (issue 18).

Through the agenda's reader, a joint meeting lists joint milestones only (agreed ones, and
proposed ones waiting for an answer are not tracked as commitments yet, so they are left
out); a side's preparation meeting adds that side's private drafts.
"""

from __future__ import annotations

from django.urls import reverse

from detente.meetings.agenda import Item, Reader, agenda_source
from detente.milestones.models import Milestone
from detente.records.models import Alliance
from detente.records.visibility import JOINT


@agenda_source("milestone")
def milestones_at_risk(alliance: Alliance, reader: Reader, joint_only: bool) -> list[Item]:
    found = reader.records(Milestone).filter(
        status__in=[Milestone.Status.AT_RISK, Milestone.Status.MISSED],
        state__in=[Milestone.State.AGREED, Milestone.State.DRAFT],
    )
    if joint_only:
        found = found.filter(visibility=JOINT)
    items = []
    for m in found.select_related("kpi").order_by("due", "id"):
        chance = (
            f"; {m.probability:.0%} likely at the pace so far" if m.probability is not None else ""
        )
        items.append(
            Item(
                "milestone",
                f"Milestone {m.get_status_display().lower()}: {m.title} (due {m.due:%d %b %Y})",
                f"{m.achieved:,} of {m.target:,} {m.kpi.unit} of {m.kpi.name} so far{chance}.",
                reverse("milestone_detail", args=[alliance.pk, m.pk]),
            )
        )
    return items
