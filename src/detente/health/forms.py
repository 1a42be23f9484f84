"""Forms of the health check. The API validates through the same forms."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django import forms
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.text import slugify

from detente.alliances.models import Stakeholder
from detente.analysis.warning import ALL_SIGNAL_KINDS, CATALOGUE
from detente.analysis.warning.periods import period_ordinal
from detente.health.models import AlertAction, AlertPreference, Cycle, HealthPlan, Measure
from detente.records.forms import DateInput, RecordForm, field
from detente.records.visibility import AllianceAccess


class HealthPlanForm(forms.ModelForm):
    class Meta:
        model = HealthPlan
        fields = [
            "period_months",
            "min_answers",
            "reminder_days",
            "false_alarm_rate",
            "adherence_source",
        ]


class MeasureForm(RecordForm):
    """A dimension the team adds (trust, communication, ...), answered on a 1–5 score."""

    class Meta:
        model = Measure
        fields = ["label", "question", "visibility"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["label"].help_text = "A short name, e.g. Trust or Communication."
        self.fields["question"].help_text = "The question respondents rate from 1 to 5."

    def clean_label(self) -> str:
        label: str = self.cleaned_data["label"].strip()
        key = slugify(label).replace("-", "_")[:40]
        if not key:
            raise forms.ValidationError("Use at least one letter or digit.")
        if key in CATALOGUE or key in ALL_SIGNAL_KINDS:
            raise forms.ValidationError(f"'{label}' is a built-in measure; choose another name.")
        clash = Measure.objects.filter(alliance=self.access.alliance, key=key)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"The alliance already has a measure called '{label}'.")
        self.instance.key = key
        return label


def _period_label(day: Any, kind: str) -> str:
    """The period a day falls in: 2026-12 (a month) or 2026Q4 (a quarter)."""
    if kind == "month":
        return f"{day.year}-{day.month:02d}"
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def _next_period(label: str) -> str:
    if "Q" in label:
        year, quarter = (int(x) for x in label.split("Q"))
        return f"{year + quarter // 4}Q{quarter % 4 + 1}"
    year, month = (int(x) for x in label.split("-"))
    return f"{year + month // 12}-{month % 12 + 1:02d}"


class CycleForm(forms.ModelForm):
    class Meta:
        model = Cycle
        fields = ["period", "opens_on", "closes_on", "notes"]
        widgets = {
            "opens_on": DateInput(),
            "closes_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, access: AllianceAccess, plan: HealthPlan, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.access, self.plan = access, plan
        example = "2026-09" if plan.period_kind == "month" else "2026Q3"
        self.fields["period"].help_text = f"Like {example}."
        if self.instance.pk is None and not self.is_bound:
            # Defaults for the common case: this period (or the next one free), open from
            # today for two weeks.
            today = timezone.localdate()
            taken = set(
                Cycle.objects.filter(alliance=access.alliance).values_list("period", flat=True)
            )
            period = _period_label(today, plan.period_kind)
            for _ in range(4):
                if period not in taken:
                    break
                period = _next_period(period)
            self.initial.setdefault("period", period)
            self.initial.setdefault("opens_on", today.isoformat())
            self.initial.setdefault("closes_on", (today + timedelta(days=14)).isoformat())

    def clean_period(self) -> str:
        text: str = self.cleaned_data["period"].strip().upper().replace(" ", "")
        try:
            kind, _ = period_ordinal(text)
        except ValueError:
            kind = None
        if kind != self.plan.period_kind:
            example = "2026-09" if self.plan.period_kind == "month" else "2026Q3"
            raise forms.ValidationError(
                f"'{text}' is not a period like {example} (the alliance checks "
                f"{self.plan.get_period_months_display().lower()})."
            )
        clash = Cycle.objects.filter(alliance=self.access.alliance, period=text)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"There is already a health check for {text}.")
        return text

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "The closing date cannot come before the opening date.")
        return data


_PERSON = re.compile(r"^\s*(?P<name>[^<>]*?)\s*<(?P<email>[^<>\s]+)>\s*$")


class InviteForm(forms.Form):
    """Invite people of one of the user's own sides: stakeholders with an email, and others."""

    side = forms.TypedChoiceField(coerce=int, label="For side")
    stakeholders = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Stakeholders"
    )
    others = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Other people",
        help_text="One a line: Name <email@example.com>, or just the email.",
    )

    def __init__(self, *args: Any, access: AllianceAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.access = access
        sides = [s for s in access.sides if access.can_manage_on(s.id)]
        field(self, "side", forms.ChoiceField).choices = [(s.id, str(s)) for s in sides]
        people = access.records(Stakeholder).filter(owner_side_id__in=[s.id for s in sides])
        self.people = {str(p.pk): p for p in people.exclude(email="")}
        field(self, "stakeholders", forms.ChoiceField).choices = [
            (pk, f"{p.name} <{p.email}> ({p.owner_side})") for pk, p in self.people.items()
        ]
        if not self.people:  # no empty heading: say where the list comes from instead
            del self.fields["stakeholders"]
            self.fields["others"].label = "People to invite"
            self.fields["others"].help_text = (
                "One a line: Name <email@example.com>, or just the email. Stakeholders of your "
                "side with an email address would be listed here to tick."
            )

    def clean_others(self) -> list[tuple[str, str]]:
        out = []
        for number, line in enumerate(self.cleaned_data["others"].splitlines(), start=1):
            if not line.strip():
                continue
            match = _PERSON.match(line)
            name, email = (match["name"], match["email"]) if match else ("", line.strip())
            try:
                validate_email(email)
            except forms.ValidationError:
                raise forms.ValidationError(
                    f"Line {number}: '{line.strip()[:60]}' has no valid email address."
                ) from None
            out.append((name[:150], email.lower()))
        return out

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        side_id = data.get("side")
        chosen = [self.people[pk] for pk in data.get("stakeholders", [])]
        wrong = [p.name for p in chosen if p.owner_side_id != side_id]
        if wrong:
            self.add_error("stakeholders", "Not on the chosen side: " + ", ".join(wrong))
        people = [(p.name, p.email.lower()) for p in chosen] + data.get("others", [])
        if not self.errors and not people:
            self.add_error("others", "Choose at least one stakeholder or give an email address.")
        data["people"] = list(dict((email, (name, email)) for name, email in people).values())
        return data


class SurveyForm(forms.Form):
    """The survey one respondent fills in: a value and a comment per measure."""

    def __init__(self, *args: Any, measures: list[Measure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.measures = measures
        for m in measures:
            low, high = m.bounds
            if m.scale == Measure.Scale.SCORE:
                field: forms.Field = forms.TypedChoiceField(
                    choices=[("", "Don't know")] + [(str(i), str(i)) for i in range(1, 6)],
                    coerce=float,
                    empty_value=None,
                    required=False,
                    label=m.question,
                    help_text="1 = very poor, 5 = excellent; leave “Don't know” if you can't say.",
                )
            else:
                field = forms.FloatField(
                    min_value=low,
                    max_value=high,
                    required=False,
                    label=m.question,
                    help_text="In percent; leave it empty if you don't know.",
                    widget=forms.NumberInput(attrs={"step": "0.1"}),
                )
            self.fields[f"m_{m.key}"] = field
            self.fields[f"c_{m.key}"] = forms.CharField(
                required=False,
                max_length=2000,
                label="Comment (optional)",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def pairs(self) -> list[tuple[Measure, forms.BoundField, forms.BoundField]]:
        return [(m, self[f"m_{m.key}"], self[f"c_{m.key}"]) for m in self.measures]

    def answers(self) -> list[tuple[Measure, float, str]]:
        """The questions answered; a "don't know" is left out, not counted as a value."""
        d = self.cleaned_data
        return [
            (m, float(d[f"m_{m.key}"]), d[f"c_{m.key}"].strip())
            for m in self.measures
            if d.get(f"m_{m.key}") is not None
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        if not self.errors and not self.answers():
            raise forms.ValidationError(
                "Answer at least one question (“Don't know” on all of them says nothing)."
            )
        return self.cleaned_data


class AlertActionForm(forms.Form):
    kind = forms.ChoiceField(choices=AlertAction.Kind.choices, widget=forms.HiddenInput)
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    snoozed_until = forms.DateField(required=False, widget=DateInput(), label="Snooze until")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        until = data.get("snoozed_until")
        if data.get("kind") == AlertAction.Kind.SNOOZE:
            today = timezone.localdate()
            if until is None:
                if "snoozed_until" not in self.errors:
                    self.add_error("snoozed_until", "Give the date until which to snooze.")
            elif until <= today:
                self.add_error("snoozed_until", "Snooze until a date after today.")
            elif until > today + timedelta(days=366):
                self.add_error("snoozed_until", "Snooze for at most a year.")
        else:
            data["snoozed_until"] = None
        return data


class AlertPreferenceForm(forms.ModelForm):
    class Meta:
        model = AlertPreference
        fields = ["mode"]
        widgets = {"mode": forms.RadioSelect}
        labels = {"mode": "Alert emails"}
