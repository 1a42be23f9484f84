"""The demo's milestones section (issue 18): milestones made through the milestone form and
services as on the pages, accepted by the other side, and tracked against the KPI's values.

An item either names its terms (``kpi``, ``title``, ``target``; ``measured_months``: the
milestone began with the last N complete months, whose values count towards it, and ends
with the current month) or takes them in one click from a phase of a realism check
(``from_check``: the start of the check's notes, ``phase``: its index). ``accepted_by``
is the other side's letter when that side has accepted it.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from detente.demo.story import Story, moment, periods_before_today
from detente.goals.models import RealismCheck
from detente.milestones import services
from detente.milestones.forms import MilestoneForm
from detente.milestones.models import Milestone
from detente.objectives import periods
from detente.objectives.models import KPI
from detente.records.visibility import get_alliance_access


def milestones(story: Story) -> None:
    story.each("milestones", lambda item: _milestone(story, dict(item)))


def _check(story: Story, notes: str) -> RealismCheck:
    found = RealismCheck.objects.filter(alliance=story.alliance, notes__startswith=notes).first()
    if found is None:
        raise ValueError(f"no realism check whose notes start with {notes!r}")
    return found


def _milestone(story: Story, item: dict[str, Any]) -> None:
    letter = item.pop("side")
    access = get_alliance_access(story.writer(letter), story.alliance.pk, write=True)
    accepted_by = item.pop("accepted_by", None)
    check = _check(story, item.pop("from_check")) if "from_check" in item else None
    if "phase" in item:
        assert check is not None, "a phase needs from_check"
        made = services.from_check(access, check, int(item.pop("phase")))
    else:
        kpi = story.find(KPI, item.pop("kpi"))
        months = periods_before_today(kpi.frequency, int(item.pop("measured_months")))
        today = timezone.localdate()
        current = periods.parse(
            f"{today.year}Q{(today.month - 1) // 3 + 1}"
            if kpi.frequency == periods.QUARTER
            else f"{today:%Y-%m}"
        )
        data = {
            "owner_side": story.side(letter).pk,
            "visibility": item.pop("visibility", "joint"),
            "kpi": kpi.pk,
            "start": months[0].start.isoformat(),
            "due": current.end.isoformat(),
            "measured_by": story.side(item.pop("measured_by", letter)).pk,
            "confidence": item.pop("confidence", 80),
            **item,
        }
        form = MilestoneForm(data=data, access=access)
        if not form.is_valid():
            raise ValueError(form.errors.as_text())
        form.instance.source_check = check
        made = services.save(access, form)
    if accepted_by is not None:
        other = get_alliance_access(story.writer(accepted_by), story.alliance.pk, write=True)
        services.answer(other, made, accept=True)
        Milestone.objects.filter(pk=made.pk).update(accepted_at=moment("9 days ago"))
