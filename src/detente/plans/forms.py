"""The plan's forms, used by the pages and the API alike."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from detente.commitments.models import Commitment
from detente.objectives.forms import kpi_label, visible_kpis
from detente.objectives.models import Objective
from detente.plans.models import PARENT_SECTION, SECTIONS, SINGULAR, Plan, PlanItem, Section
from detente.records.forms import DateInput, RecordForm, field
from detente.records.models import Visibility
from detente.records.visibility import AllianceAccess

LINKS = ("objectives", "kpis", "commitments")


class StartPlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["format", "title"]
        widgets = {"format": forms.RadioSelect}
        labels = {"format": "Format", "title": "Name of the plan"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = "Left blank, it is called Joint plan."


class PlanItemForm(RecordForm):
    class Meta:
        model = PlanItem
        fields = [
            "section",
            "title",
            "description",
            "parent",
            "owner",
            "target",
            "due_date",
            "objectives",
            "kpis",
            "commitments",
            "feeds",
            "visibility",
        ]
        widgets = {
            "due_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 2}),
            "objectives": forms.CheckboxSelectMultiple,
            "kpis": forms.CheckboxSelectMultiple,
            "commitments": forms.CheckboxSelectMultiple,
        }
        labels = {"due_date": "Date", "kpis": "KPIs", "feeds": "Feeds the joint item"}

    def __init__(self, *args: Any, access: AllianceAccess, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, access=access, **kwargs)
        self.plan = plan
        sections = SECTIONS[Plan.Format(plan.format)]
        field(self, "section", forms.ChoiceField).choices = [(s.value, s.label) for s in sections]
        visible_items = access.records(PlanItem).filter(plan=plan)
        if self.instance.pk:
            visible_items = visible_items.exclude(pk=self.instance.pk)
        parents = visible_items.filter(section__in=[s.value for s in PARENT_SECTION.values()])
        field(self, "parent", forms.ModelChoiceField).queryset = parents
        self.fields["parent"].label = "Belongs to (method or objective)"
        field(self, "feeds", forms.ModelChoiceField).queryset = visible_items.filter(
            visibility=Visibility.JOINT
        )
        self.fields[
            "feeds"
        ].help_text = "Only for your side's internal items: the joint item this one prepares."
        field(self, "owner", forms.ModelChoiceField).queryset = (
            get_user_model()
            .objects.filter(memberships__organisation__in=[s.organisation_id for s in access.sides])
            .distinct()
            .order_by("full_name", "email")
        )
        self.fields["owner"].label = "Owner"
        field(self, "objectives", forms.ModelMultipleChoiceField).queryset = access.records(
            Objective
        )
        kpis = field(self, "kpis", forms.ModelMultipleChoiceField)
        kpis.queryset = visible_kpis(access)
        kpis.label_from_instance = kpi_label  # type: ignore[method-assign, assignment]
        field(self, "commitments", forms.ModelMultipleChoiceField).queryset = access.records(
            Commitment
        )
        self.fields["target"].help_text = "For a measure or key result: how much."

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        section, parent = data.get("section"), data.get("parent")
        joint = data.get("visibility") == Visibility.JOINT
        if parent is not None and section:
            wanted = PARENT_SECTION.get(Section(section))
            if wanted is None:
                self.add_error("parent", f"A {SINGULAR[Section(section)].lower()} has no parent.")
            elif parent.section != wanted:
                self.add_error(
                    "parent", f"Choose a {SINGULAR[wanted].lower()} of the plan, not a "
                    f"{SINGULAR[Section(parent.section)].lower()}."
                )  # fmt: skip
            elif joint and parent.visibility != Visibility.JOINT:
                self.add_error("parent", "A joint item cannot belong to an internal one.")
        feeds = data.get("feeds")
        if feeds is not None and joint:
            self.add_error("feeds", "Only an internal (private) item feeds a joint one.")
        if joint:
            # A joint item shows its links to both sides: it cannot point at a private record.
            for name in LINKS:
                private = [str(r) for r in data.get(name) or [] if self._is_private(r)]
                if private:
                    self.add_error(
                        name, "A joint item cannot link a private record: " + ", ".join(private)
                    )
        return data

    @staticmethod
    def _is_private(record: Any) -> bool:
        kept = record.objective if hasattr(record, "objective") else record
        return bool(kept.visibility != Visibility.JOINT)

    def save(self, commit: bool = True) -> Any:
        self.instance.plan = self.plan
        return super().save(commit=commit)


class ProposeForm(forms.Form):
    summary = forms.CharField(
        required=False,
        max_length=2000,
        label="What this version changes",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
