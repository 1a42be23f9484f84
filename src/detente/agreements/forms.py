"""Forms of the agreement. Pages (formsets) and the API (lists of clauses) validate every
clause through the same form, so both refuse the same bad input with the same message."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms

from detente.agreements import document
from detente.agreements.models import AgreementVersion
from detente.records.forms import DateInput, RecordForm, choose_from, field
from detente.records.visibility import AllianceAccess

KEY_RE = re.compile(r"^[a-z0-9]{1,16}$")


class ClauseForm(forms.Form):
    key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=16)

    def __init__(self, *args: Any, sides: list[Any], objectives: list[dict], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.sides = sides
        side_choices = [(str(s.id), str(s)) for s in sides]
        if "side" in self.fields:
            if isinstance(self, ObjectiveForm):
                field(self, "side", forms.ChoiceField).choices = [
                    ("", "Shared by all sides")
                ] + side_choices
            else:
                field(self, "side", forms.ChoiceField).choices = [
                    ("", "Choose a side")
                ] + side_choices
        if "objective" in self.fields:
            field(self, "objective", forms.ChoiceField).choices = [("", "Choose an objective")] + [
                (o["key"], o.get("title", "")) for o in objectives
            ]

    def clause(self) -> dict[str, Any]:
        """The cleaned clause as JSON-safe values."""
        out: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name in ("DELETE", "ORDER"):
                continue
            if isinstance(value, Decimal):
                value = format(value.normalize(), "f")
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            out[name] = value
        return out


class ObjectiveForm(ClauseForm):
    title = forms.CharField(max_length=200)
    side = forms.ChoiceField(required=False, label="Whose objective")
    description = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class KpiForm(ClauseForm):
    objective = forms.ChoiceField()
    metric = forms.CharField(max_length=200)
    unit = forms.CharField(required=False, max_length=40, help_text="e.g. %, EUR, days")
    direction = forms.ChoiceField(
        choices=[("higher", "Higher is better"), ("lower", "Lower is better")]
    )
    target = forms.DecimalField(required=False, max_digits=18, decimal_places=4)
    deadline = forms.DateField(required=False, widget=DateInput)
    definition = forms.CharField(
        required=False,
        max_length=2000,
        label="Agreed definition",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ScopeForm(ClauseForm):
    kind = forms.ChoiceField(choices=[("in", "In scope"), ("out", "Out of scope")])
    item = forms.CharField(max_length=300)
    notes = forms.CharField(required=False, max_length=1000)


class DecisionForm(ClauseForm):
    topic = forms.CharField(max_length=200, label="Decision")
    decider = forms.CharField(max_length=200, label="Decided by")
    rule = forms.CharField(
        required=False, max_length=500, label="How", help_text="e.g. unanimous, after consulting"
    )


class ResourceForm(ClauseForm):
    side = forms.ChoiceField()
    kind = forms.ChoiceField(
        choices=[
            ("money", "Money"),
            ("people", "People"),
            ("technology", "Technology"),
            ("other", "Other"),
        ]
    )
    description = forms.CharField(max_length=300, label="What")
    amount = forms.DecimalField(required=False, max_digits=18, decimal_places=2, min_value=0)
    unit = forms.CharField(required=False, max_length=40, help_text="e.g. EUR, FTE, servers")
    per = forms.ChoiceField(
        required=False,
        choices=[
            ("", "—"),
            ("once", "Once"),
            ("month", "Per month"),
            ("quarter", "Per quarter"),
            ("year", "Per year"),
        ],
    )
    start = forms.DateField(required=False, widget=DateInput, label="From")
    end = forms.DateField(required=False, widget=DateInput, label="Until")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The period cannot end before it starts.")
        return data


class RungForm(ClauseForm):
    step = forms.IntegerField(min_value=1, max_value=99, help_text="1 is the first rung.")
    name = forms.CharField(max_length=200, label="Rung")
    owner = forms.CharField(required=False, max_length=200)
    days = forms.IntegerField(
        required=False, min_value=1, max_value=3650, label="Time limit (days)"
    )


class ScopeChangeForm(forms.Form):
    process = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="How a change is requested",
    )
    approver = forms.CharField(required=False, max_length=200, label="Who approves")
    days = forms.IntegerField(
        required=False, min_value=1, max_value=3650, label="Answer within (days)"
    )


class StalemateForm(forms.Form):
    process = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="How a stalemate is broken",
    )
    days = forms.IntegerField(required=False, min_value=1, max_value=3650, label="Within (days)")


class ExitForm(forms.Form):
    notice_days = forms.IntegerField(
        required=False, min_value=0, max_value=3650, label="Notice (days)"
    )
    triggers = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One trigger per line.",
    )
    customers = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Shared customers",
    )
    assets = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Shared assets and IP",
    )

    def clean_triggers(self) -> list[str]:
        value = self.cleaned_data["triggers"]
        if isinstance(value, list):
            value = "\n".join(str(v) for v in value)
        return [line.strip() for line in value.splitlines() if line.strip()]


CLAUSE_FORMS: dict[str, type[ClauseForm]] = {
    "objectives": ObjectiveForm,
    "kpis": KpiForm,
    "scope": ScopeForm,
    "decisions": DecisionForm,
    "resources": ResourceForm,
    "ladder": RungForm,
}
SINGLE_FORMS: dict[str, type[forms.Form]] = {
    "scope_change": ScopeChangeForm,
    "stalemate": StalemateForm,
    "exit": ExitForm,
}


class PartInvalid(Exception):
    """Errors of a part, by field path ("kpis[1].target"); ``errors`` looks like a form's."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


def assign_keys(clauses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    for clause in clauses:
        key = clause.get("key") or ""
        if not KEY_RE.match(key) or key in seen:
            key = document.new_key()
        clause["key"] = key
        seen.add(key)
    return clauses


def validate_part(part: str, value: Any, *, sides: list[Any], doc: dict[str, Any]) -> Any:
    """The cleaned value of one part, or PartInvalid naming each bad field."""
    if part in SINGLE_FORMS:
        if not isinstance(value, dict):
            raise PartInvalid({part: ["Give an object of fields."]})
        data = dict(value)
        if part == "exit" and isinstance(data.get("triggers"), list):
            data["triggers"] = "\n".join(str(t) for t in data["triggers"])
        form = SINGLE_FORMS[part](data={k: "" if v is None else v for k, v in data.items()})
        if not form.is_valid():
            raise PartInvalid(
                {f"{part}.{f}": [str(m) for m in ms] for f, ms in form.errors.items()}
            )
        return dict(form.cleaned_data)
    if part not in CLAUSE_FORMS:
        raise PartInvalid({part: ["No such part of the agreement."]})
    if not isinstance(value, list):
        raise PartInvalid({part: ["Give a list of clauses."]})
    errors: dict[str, list[str]] = {}
    clauses = []
    objectives = doc.get("objectives", [])
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            errors[f"{part}[{i}]"] = ["Give an object of fields."]
            continue
        data = {k: "" if v is None else v for k, v in item.items()}
        form = CLAUSE_FORMS[part](data=data, sides=sides, objectives=objectives)
        if not form.is_valid():
            for field, messages in form.errors.items():
                name = f"{part}[{i}]" if field == "__all__" else f"{part}[{i}].{field}"
                errors[name] = [str(m) for m in messages]
            continue
        clauses.append(form.clause())
    if errors:
        raise PartInvalid(errors)
    if part == "ladder":
        clauses.sort(key=lambda c: c["step"])
        for n, clause in enumerate(clauses, start=1):
            clause["step"] = n
    return assign_keys(clauses)


def apply_part(doc: dict[str, Any], part: str, cleaned: Any) -> dict[str, Any]:
    """A new document with one part replaced; KPIs of removed objectives are refused."""
    new = document.normalised(doc)
    new[part] = cleaned
    if part == "objectives":
        keys = {o["key"] for o in cleaned}
        orphans = [k for k in new["kpis"] if k.get("objective") not in keys]
        if orphans:
            names = ", ".join(f"'{k['metric']}'" for k in orphans)
            raise PartInvalid(
                {
                    "objectives": [
                        f"Remove or move the KPIs of the objectives you removed first: {names}."
                    ]
                }
            )
    return new


class VersionForm(RecordForm):
    class Meta:
        model = AgreementVersion
        fields = ["title", "summary", "visibility"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, access: AllianceAccess, **kwargs: Any) -> None:
        super().__init__(*args, access=access, **kwargs)
        self.fields[
            "visibility"
        ].help_text = "A private draft is seen only by your side until you share or propose it."


class NewDraftForm(VersionForm):
    based_on = forms.ModelChoiceField(
        queryset=AgreementVersion.objects.none(),
        required=False,
        label="Start from",
        help_text="Copy this version's clauses; leave empty for a blank agreement.",
    )

    class Meta(VersionForm.Meta):
        fields = ["title", "summary", "based_on", "visibility"]

    def __init__(self, *args: Any, access: AllianceAccess, **kwargs: Any) -> None:
        super().__init__(*args, access=access, **kwargs)
        # Only versions the user may see: a foreign or private id is refused as invalid.
        choose_from(self, "based_on", access.records(AgreementVersion), label=str)


class WaiverForm(forms.Form):
    code = forms.CharField(max_length=120, widget=forms.HiddenInput)
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, gaps: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gaps = gaps

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        if code not in self.gaps:
            raise forms.ValidationError("This draft has no such open gap.")
        return code

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if len(reason) < 5:
            raise forms.ValidationError("Say why the gap is acceptable, in a few words.")
        return reason
