"""Forms for objectives, KPIs and measurements. Pages, the API and the importer all validate
through them, so each refuses the same bad input with the same message."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from detente.objectives import kinds, periods
from detente.objectives.models import KPI, Guardrail, Measurement, Objective
from detente.records.forms import DateInput, RecordForm, choose_from, field
from detente.records.models import Visibility
from detente.records.visibility import AllianceAccess

# SQLite keeps a decimal as a float, exact to 15 significant digits; with 4 decimal places
# that leaves 11 before the point. A value of 14 digits was accepted, stored rounded up to
# 10**14, and then every read of the record failed (decimal.InvalidOperation, a 500 on the
# KPI, objectives, goal-conflict and exit-signal routes). Every database stores this range.
LARGEST_AMOUNT = Decimal("99999999999.9999")


class AmountField(forms.DecimalField):
    """A decimal every supported database stores and reads back exactly."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.validators.append(MinValueValidator(-LARGEST_AMOUNT))
        self.validators.append(MaxValueValidator(LARGEST_AMOUNT))


def visible_kpis(access: AllianceAccess) -> models.QuerySet[KPI]:
    """KPIs of the objectives the user may see (a KPI has no visibility of its own)."""
    return KPI.objects.filter(objective__in=access.records(Objective)).select_related("objective")


def kpi_label(kpi: KPI) -> str:
    """A KPI in a picker: its name and its objective."""
    return f"{kpi.name} ({kpi.objective})"


class ObjectiveForm(RecordForm):
    class Meta:
        model = Objective
        fields = ["title", "scope", "description", "visibility"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("scope") == Objective.Scope.SHARED and data.get("visibility") == (
            Visibility.PRIVATE
        ):
            self.add_error(
                "visibility", "A shared objective is joint; only a side's own objective is private."
            )
        if (
            data.get("visibility") == Visibility.PRIVATE
            and self.instance.pk
            and Measurement.objects.filter(kpi__objective=self.instance)
            .exclude(owner_side_id=self.instance.owner_side_id)
            .exists()
        ):
            # Another side reported on it; hiding the objective would orphan its values.
            self.add_error(
                "visibility",
                "Another side has reported values for this objective's KPIs; it stays joint.",
            )
        return data


class KPIForm(forms.ModelForm):
    class Meta:
        model = KPI
        fields = [
            "objective",
            "name",
            "metric",
            "unit",
            "kind",
            "direction",
            "target",
            "deadline",
            "frequency",
            "tolerance",
            "tolerance_kind",
            "agreed_definition",
        ]
        widgets = {
            "deadline": DateInput(),
            "agreed_definition": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"target": AmountField, "tolerance": AmountField}

    def __init__(self, *args: Any, access: AllianceAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.access = access
        # Only objectives the user may change: a KPI belongs to its objective's owner side.
        objectives = access.records(Objective).filter(owner_side_id__in=access.writable_side_ids)
        field(self, "objective", forms.ModelChoiceField).queryset = objectives
        if self.instance.pk is None and not self.initial.get("objective"):
            only = list(objectives.values_list("pk", flat=True)[:2])
            if len(only) == 1:  # the only objective one may add a KPI to: already chosen
                self.initial["objective"] = only[0]
        field(self, "kind", forms.ChoiceField).choices = [
            ("", "Infer it from the unit and name"),
            *kinds.CHOICES,
        ]

    def clean_tolerance(self) -> Any:
        tolerance = self.cleaned_data["tolerance"]
        if tolerance is not None and tolerance < 0:
            raise forms.ValidationError("The tolerance cannot be negative.")
        return tolerance

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        frequency = data.get("frequency")
        if (
            self.instance.pk
            and frequency
            and frequency != self.instance.frequency
            and self.instance.measurements.exists()
        ):
            self.add_error("frequency", "The KPI has measurements; its period kind stays.")
        return data


class MeasurementForm(RecordForm):
    class Meta:
        model = Measurement
        fields = ["kpi", "period", "value", "notes", "visibility"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
        field_classes = {"value": AmountField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose_from(self, "kpi", visible_kpis(self.access), label=kpi_label)
        self.fields["kpi"].label = "KPI"
        if self.instance.pk is None and not self.initial.get("kpi"):
            only = list(visible_kpis(self.access).values_list("pk", flat=True)[:2])
            if len(only) == 1:  # the alliance's only KPI: already chosen
                self.initial["kpi"] = only[0]
        self.fields["period"].help_text = "A quarter (2026Q1) or a month (2026-03)."
        if "owner_side" in self.fields:
            self.fields["owner_side"].label = "Reported by"

    def clean_period(self) -> str:
        try:
            return periods.parse(self.cleaned_data["period"]).label
        except periods.PeriodError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kpi, period = data.get("kpi"), data.get("period")
        side_id = self.owner_side_id
        if kpi is not None and period:
            kind = periods.parse(period).kind
            if kind != kpi.frequency:
                example = "2026Q1" if kpi.frequency == periods.QUARTER else "2026-03"
                self.add_error(
                    "period",
                    f"{kpi.name} is measured by {kpi.get_frequency_display().split()[0].lower()} "
                    f"period; write the period like {example}.",
                )
            elif side_id is not None:
                clash = Measurement.objects.filter(kpi=kpi, owner_side_id=side_id, period=period)
                if self.instance.pk:
                    clash = clash.exclude(pk=self.instance.pk)
                if clash.exists():
                    self.add_error(
                        "period", f"Your side already reported {kpi.name} for {period}; edit it."
                    )
        if (
            kpi is not None
            and kpi.objective.is_private
            and data.get("visibility") == Visibility.JOINT
        ):
            self.add_error("visibility", "A value of a private objective's KPI is private.")
        return data


class GuardrailForm(RecordForm):
    """A counter-metric KPI with bounds, kept while a primary KPI is pursued.

    A guardrail is never more visible than its KPIs: on a private objective's KPI it is
    private to that objective's side (and kept by it).
    """

    class Meta:
        model = Guardrail
        fields = [
            "kpi",
            "counter_kpi",
            "lower",
            "lower_strict",
            "upper",
            "upper_strict",
            "notes",
            "visibility",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
        labels = {"kpi": "Primary KPI", "lower": "Lower bound", "upper": "Upper bound"}
        field_classes = {"lower": AmountField, "upper": AmountField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("kpi", "counter_kpi"):
            choose_from(self, name, visible_kpis(self.access), label=kpi_label)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kpi, counter = data.get("kpi"), data.get("counter_kpi")
        lower, upper = data.get("lower"), data.get("upper")
        if lower is None and upper is None:
            self.add_error("lower", "Give a lower bound, an upper bound, or both.")
        elif lower is not None and upper is not None and lower >= upper:
            self.add_error("upper", "The upper bound must be above the lower bound.")
        if kpi is None or counter is None:
            return data
        if kpi == counter:
            self.add_error("counter_kpi", "The counter-metric must be another KPI.")
        elif kpi.frequency != counter.frequency:
            self.add_error(
                "counter_kpi",
                f"{counter.name} is measured by {counter.get_frequency_display().split()[0].lower()} "
                f"period and {kpi.name} by {kpi.get_frequency_display().split()[0].lower()} "
                "period; a guardrail pairs KPIs of one period kind.",
            )
        private_sides = {
            k.objective.owner_side_id for k in (kpi, counter) if k.objective.is_private
        }
        if private_sides:
            if len(private_sides) > 1:
                self.add_error("counter_kpi", "The two KPIs are private to different sides.")
            elif self.owner_side_id not in private_sides:
                self.add_error(
                    "visibility",
                    "A guardrail on a private objective's KPI is kept by that objective's side.",
                )
            elif data.get("visibility") == Visibility.JOINT:
                self.add_error("visibility", "A guardrail on a private objective's KPI is private.")
        side_id = self.owner_side_id
        if side_id is not None and not self.errors:
            clash = Guardrail.objects.filter(owner_side_id=side_id, kpi=kpi, counter_kpi=counter)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("counter_kpi", "Your side already keeps this guardrail; edit it.")
        return data
