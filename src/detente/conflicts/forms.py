"""Forms of the conflicts capability, shared by the pages and the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

from detente.alliances.models import Signal
from detente.analysis.restructuring import OPTIONS
from detente.commitments.models import Commitment
from detente.conflicts.models import (
    Comparison,
    Conflict,
    ConflictView,
    ExitPlan,
    LadderStep,
    OptionEstimate,
    SideWeights,
)
from detente.conflicts.restructuring import flows_text, parse_flows
from detente.objectives.models import KPI, Objective
from detente.records.forms import DateInput, RecordForm, choose_from, field
from detente.records.models import Side, Visibility


class ConflictForm(RecordForm):
    class Meta:
        model = Conflict
        fields = [
            "title",
            "source",
            "kind",
            "description",
            "opened_on",
            "objectives",
            "kpis",
            "commitments",
            "signals",
            "decision_asked",
            "recommendation",
            "visibility",
        ]
        widgets = {
            "opened_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "decision_asked": forms.Textarea(attrs={"rows": 2}),
            "recommendation": forms.Textarea(attrs={"rows": 2}),
            "objectives": forms.CheckboxSelectMultiple(),
            "kpis": forms.CheckboxSelectMultiple(),
            "commitments": forms.CheckboxSelectMultiple(),
            "signals": forms.CheckboxSelectMultiple(),
        }

    LINKS = ("objectives", "kpis", "commitments", "signals")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        access = self.access
        # Only records the user may see are offered; a foreign or private id is refused.
        offered: dict[str, models.QuerySet[Any]] = {
            "objectives": access.records(Objective),
            "kpis": KPI.objects.filter(objective__in=access.records(Objective)),
            "commitments": access.records(Commitment),
            "signals": access.records(Signal),
        }
        for name in self.LINKS:
            choose_from(self, name, offered[name])
        self.fields[
            "visibility"
        ].help_text = (
            "Start private while your side prepares; raising it jointly starts the ladder."
        )
        if self.instance.pk is not None and self.instance.raised_at is not None:
            # A conflict raised jointly stays joint: the other side has seen it.
            self.fields.pop("visibility")
        self.hidden_links: dict[str, list[Any]] = {}
        if self.instance.pk is not None:
            for name in self.LINKS:
                visible = offered[name].values("pk")
                self.hidden_links[name] = list(getattr(self.instance, name).exclude(pk__in=visible))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        visibility = data.get("visibility", getattr(self.instance, "visibility", None))
        if visibility == Visibility.JOINT:
            for name in ("objectives", "commitments", "signals"):
                private = [str(r) for r in data.get(name) or [] if r.is_private]
                if private:
                    self.add_error(
                        name, "A joint conflict cannot link private records: " + ", ".join(private)
                    )
            private = [str(k) for k in data.get("kpis") or [] if k.objective.is_private]
            if private:
                self.add_error(
                    "kpis", "A joint conflict cannot link private KPIs: " + ", ".join(private)
                )
        return data

    def _save_m2m(self) -> None:
        # Links the user cannot see (the other side's, made private since) are kept.
        super()._save_m2m()  # type: ignore[misc]  # the stubs omit ModelForm._save_m2m
        for name, hidden in self.hidden_links.items():
            if hidden:
                getattr(self.instance, name).add(*hidden)


class ConflictViewForm(RecordForm):
    class Meta:
        model = ConflictView
        fields = ["position", "interests", "data", "visibility"]
        widgets = {
            "position": forms.Textarea(attrs={"rows": 3}),
            "interests": forms.Textarea(attrs={"rows": 3}),
            "data": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, conflict: Conflict, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conflict = conflict

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("visibility") == Visibility.JOINT and self.conflict.is_private:
            self.add_error("visibility", "The conflict is still private, so your view must be too.")
        return data

    def save(self, commit: bool = True) -> Any:
        self.instance.conflict = self.conflict
        return super().save(commit=commit)


class StepRecordForm(forms.ModelForm):
    """The dated record of one rung: who met, what was agreed, what is still open."""

    class Meta:
        model = LadderStep
        fields = ["met_on", "who_met", "agreed", "still_open"]
        widgets = {
            "met_on": DateInput(),
            "who_met": forms.Textarea(attrs={"rows": 2}),
            "agreed": forms.Textarea(attrs={"rows": 3}),
            "still_open": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not any(data.get(f) for f in self.Meta.fields):
            raise forms.ValidationError("Record at least when the rung met or what it agreed.")
        return data


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(Conflict.Status.RESOLVED, "Resolved"), (Conflict.Status.UNRESOLVED, "Unresolved")]
    )


class EscalateForm(forms.Form):
    reason = forms.CharField(max_length=500, help_text="Why the rung cannot settle it.")


class ComparisonForm(RecordForm):
    class Meta:
        model = Comparison
        fields = [
            "title",
            "question",
            "conflict",
            "discount_rate",
            "periods",
            "period_label",
            "currency",
            "chosen_option",
            "decision_notes",
            "visibility",
        ]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 2}),
            "decision_notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field(self, "conflict", forms.ModelChoiceField).queryset = self.access.records(Conflict)
        self.fields["chosen_option"].label = "Option chosen (when decided)"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        conflict = data.get("conflict")
        if (
            conflict is not None
            and data.get("visibility") == Visibility.JOINT
            and conflict.is_private
        ):
            self.add_error("conflict", "A joint comparison cannot refer to a private conflict.")
        return data


class FlowsField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "One value per period, period 0 first, separated by commas.")
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return flows_text(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> Any:
        if isinstance(value, list):
            values = value
        else:
            text = super().to_python(value) or ""  # empty_value is "", never None
            try:
                values = parse_flows(text)
            except ValueError as exc:
                raise forms.ValidationError(str(exc)) from None
        try:
            return [float(v) for v in values]
        except (TypeError, ValueError):
            raise forms.ValidationError("Every value must be a number.") from None


class EstimateForm(RecordForm):
    flows_likely = FlowsField(label="Cash flows, likely")
    flows_low = FlowsField(label="Cash flows, low", required=False)
    flows_high = FlowsField(label="Cash flows, high", required=False)

    class Meta:
        model = OptionEstimate
        fields = [
            "option",
            "flows_likely",
            "flows_low",
            "flows_high",
            "relationship",
            "reputation",
            "strategic_option",
            "notes",
            "visibility",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, comparison: Comparison, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.comparison = comparison
        for f in ("relationship", "reputation", "strategic_option"):
            self.fields[f].help_text = "-2 much worse than today … 0 no change … +2 much better"
            self.fields[f].widget.attrs.update(min=-2, max=2)
        self.fields["flows_low"].help_text = "Leave empty when the estimate is certain."

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        n = self.comparison.periods
        likely = data.get("flows_likely")
        if likely is not None and len(likely) != n:
            self.add_error(
                "flows_likely", f"Give {n} values, one per period (you gave {len(likely)})."
            )
            return data
        for name in ("flows_low", "flows_high"):
            values = data.get(name)
            if not values and likely is not None:
                data[name] = list(likely)
            elif values and len(values) != n:
                self.add_error(name, f"Give {n} values, one per period (you gave {len(values)}).")
        if (
            likely
            and len(data.get("flows_low") or []) == n
            and len(data.get("flows_high") or []) == n
        ):
            for t, (lo, mid, hi) in enumerate(
                zip(data["flows_low"], likely, data["flows_high"], strict=True)
            ):
                if lo > mid:
                    self.add_error(
                        "flows_low", f"Period {t}: low ({lo:g}) is above likely ({mid:g})."
                    )
                    break
                if hi < mid:
                    self.add_error(
                        "flows_high", f"Period {t}: high ({hi:g}) is below likely ({mid:g})."
                    )
                    break
        option, side_id = data.get("option"), self.owner_side_id
        duplicate = (
            option
            and side_id
            and self.instance.pk is None
            and OptionEstimate.objects.filter(
                comparison=self.comparison, owner_side_id=side_id, option=option
            ).exists()
        )
        if duplicate and option:
            self.add_error(
                "option", f"Your side has already estimated '{OPTIONS[option]}'; edit it instead."
            )
        if data.get("visibility") == Visibility.JOINT and self.comparison.is_private:
            self.add_error("visibility", "The comparison is private, so its estimates must be too.")
        return data

    def save(self, commit: bool = True) -> Any:
        self.instance.comparison = self.comparison
        return super().save(commit=commit)


class WeightsForm(RecordForm):
    class Meta:
        model = SideWeights
        fields = ["relationship", "reputation", "strategic_option", "per_point", "visibility"]

    def __init__(self, *args: Any, comparison: Comparison, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.comparison = comparison
        for f in ("relationship", "reputation", "strategic_option"):
            self.fields[f].help_text = "0 (does not matter) to 10"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        side_id = self.owner_side_id
        if (
            side_id
            and self.instance.pk is None
            and SideWeights.objects.filter(
                comparison=self.comparison, owner_side_id=side_id
            ).exists()
        ):
            self.add_error(None, "Your side has already given its weights; edit them instead.")
        return data

    def save(self, commit: bool = True) -> Any:
        self.instance.comparison = self.comparison
        return super().save(commit=commit)


class ExitPlanForm(RecordForm):
    class Meta:
        model = ExitPlan
        fields = [
            "title",
            "status",
            "notice_on",
            "notice_days",
            "customers",
            "projects",
            "visibility",
        ]
        widgets = {
            "notice_on": DateInput(),
            "customers": forms.Textarea(attrs={"rows": 3}),
            "projects": forms.Textarea(attrs={"rows": 3}),
        }


class ActionForm(forms.Form):
    """An action agreed in a dialogue, written to the commitments ledger."""

    title = forms.CharField(max_length=200)
    owed_by: forms.ModelChoiceField[Side] = forms.ModelChoiceField(queryset=None, label="Owed by")
    due_date = forms.DateField(widget=DateInput())

    def __init__(self, *args: Any, access: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field(self, "owed_by", forms.ModelChoiceField).queryset = Side.objects.filter(
            alliance=access.alliance
        )
