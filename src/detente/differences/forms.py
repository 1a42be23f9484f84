from __future__ import annotations

from typing import Any

from django import forms

from detente.alliances.forms import stakeholder_label, visible_stakeholders
from detente.differences.models import Difference
from detente.records.forms import DateInput, RecordForm, choose_from
from detente.records.models import Visibility


class DifferenceForm(RecordForm):
    """One text field per side for its view; the owner is a stakeholder the user can see."""

    class Meta:
        model = Difference
        fields = [
            "category",
            "title",
            "likelihood",
            "impact",
            "management",
            "owner",
            "review_date",
            "visibility",
        ]
        widgets = {
            "likelihood": forms.NumberInput(attrs={"min": 1, "max": 5}),
            "impact": forms.NumberInput(attrs={"min": 1, "max": 5}),
            "management": forms.Textarea(attrs={"rows": 3}),
            "review_date": DateInput(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose_from(self, "owner", visible_stakeholders(self.access), stakeholder_label)
        views = self.instance.views or {}
        for side in self.access.sides:
            name = f"view_{side.id}"
            self.fields[name] = forms.CharField(
                label=f"{side}'s view",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=views.get(str(side.id), ""),
            )
        # Views sit after the title, where a reader expects them.
        order = ["owner_side", "category", "title"] + [f"view_{s.id}" for s in self.access.sides]
        self.order_fields([f for f in order if f in self.fields])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        owner = data.get("owner")
        if owner is not None and data.get("visibility") == Visibility.JOINT and owner.is_private:
            self.add_error("owner", "A joint difference cannot be owned by a private stakeholder.")
        return data

    def save(self, commit: bool = True) -> Difference:
        self.instance.views = {
            str(side.id): self.cleaned_data.get(f"view_{side.id}", "").strip()
            for side in self.access.sides
            if self.cleaned_data.get(f"view_{side.id}", "").strip()
        }
        saved: Difference = super().save(commit=commit)
        return saved


class DifferenceFilter(forms.Form):
    category = forms.ChoiceField(
        required=False, choices=[("", "All categories")] + list(Difference.Category.choices)
    )
