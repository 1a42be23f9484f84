"""The milestone form, shared by the pages and the API: a count of a KPI by a date."""

from __future__ import annotations

from typing import Any

from django import forms

from detente.milestones.models import Milestone
from detente.objectives.forms import kpi_label, visible_kpis
from detente.records.forms import DateInput, RecordForm, choose_from, field
from detente.records.models import Side, Visibility

# Changing any of these asks the other side to accept the milestone again.
TERMS = ("kpi_id", "target", "start", "due", "measured_by_id", "confidence")


class MilestoneForm(RecordForm):
    class Meta:
        model = Milestone
        fields = [
            "title",
            "kpi",
            "target",
            "start",
            "due",
            "measured_by",
            "confidence",
            "notes",
            "visibility",
        ]
        widgets = {"start": DateInput(), "due": DateInput()}
        labels = {"due": "Due by", "measured_by": "Tracked against the values of"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose_from(self, "kpi", visible_kpis(self.access), label=kpi_label)
        self.fields["kpi"].label = "KPI"
        choose_from(self, "measured_by", Side.objects.filter(alliance=self.access.alliance))
        confidence = field(self, "confidence", forms.IntegerField)
        confidence.widget.attrs.update(min=1, max=99)
        self.terms_before = {name: getattr(self.instance, name) for name in TERMS}

    def clean_confidence(self) -> int:
        value: int = self.cleaned_data["confidence"]
        if not 1 <= value <= 99:
            raise forms.ValidationError("Give a percentage between 1 and 99.")
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kpi, start, due = data.get("kpi"), data.get("start"), data.get("due")
        if kpi is not None and not kpi.is_count:
            self.add_error(
                "kpi",
                f"{kpi.name} is a {kpi.kind_short}, read as it stands; a milestone tracks a "
                "count whose values add up (choose a KPI that counts, such as drivers onboarded).",
            )
        if start and due and due <= start:
            self.add_error("due", f"Must come after the start ({start:%d %b %Y}).")
        if kpi is not None:
            objective = kpi.objective
            if objective.is_private:
                if data.get("visibility") == Visibility.JOINT:
                    self.add_error(
                        "visibility",
                        f"The objective '{objective}' is private to {objective.owner_side}, so "
                        "its milestone must be private too.",
                    )
                if self.owner_side_id is not None and self.owner_side_id != objective.owner_side_id:
                    self.add_error(
                        "owner_side" if self.instance.pk is None else "kpi",
                        f"Only {objective.owner_side} may keep a milestone of its objective.",
                    )
        return data

    def save(self, commit: bool = True) -> Any:
        milestone: Milestone = self.instance
        if milestone.visibility == Visibility.PRIVATE:
            milestone.state = Milestone.State.DRAFT
        elif milestone._state.adding or milestone.state == Milestone.State.DRAFT:
            milestone.state = Milestone.State.PROPOSED
        elif any(getattr(milestone, name) != self.terms_before[name] for name in TERMS):
            # New terms need the other side's yes again.
            milestone.state = Milestone.State.PROPOSED
            milestone.accepted_by, milestone.accepted_at = None, None
        return super().save(commit=commit)
