"""Forms of the negotiation pages; the API validates its input through the same forms."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from detente.analysis.negotiation.model import Constraint
from detente.analysis.negotiation.validate import violates
from detente.negotiation.models import NegotiationIssue, NegotiationRound, SidePreferences
from detente.records.forms import RecordForm, field
from detente.records.models import Visibility
from detente.records.visibility import AllianceAccess

ISSUE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
MAX_ISSUES = 30
MAX_OPTIONS = 12

ISSUES_HELP = (
    "One issue a line: the issue in your own words, a colon, then its options separated by "
    "commas, e.g. “Number of sites: 2, 5, 10” or “Exclusivity: none, regional, global”."
)


def issue_key(name: str) -> str:
    """The short name detente keeps for an issue written in words: "Number of sites" ->
    "number_of_sites". A name that already is one is kept as it is."""
    if ISSUE_NAME.match(name):
        return name
    key = "_".join(re.findall(r"[a-z0-9]+", slugify(name).lower()))[:60].strip("_")
    if not key:
        return ""  # nothing to name it by: refused by the caller
    return key if key[:1].isalpha() else f"issue_{key}"[:60].strip("_")


def parse_issues(text: str) -> list[tuple[str, list[str]]]:
    """``Issue in words: option, option`` lines -> [(key, [options])], the key derived from
    the words (``issue_labels`` gives the words back); ValidationError names the line."""
    return [(key, options) for key, options, _ in parse_labelled_issues(text)]


def issue_labels(text: str) -> dict[str, str]:
    """key -> the words the issue was written in, where they differ from the key."""
    return {key: label for key, _, label in parse_labelled_issues(text) if label != key}


def parse_labelled_issues(text: str) -> list[tuple[str, list[str], str]]:
    issues: list[tuple[str, list[str], str]] = []
    lines = [line.strip() for line in text.splitlines()]
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        label, colon, rest = line.partition(":")
        label = " ".join(label.split())
        if not colon:
            raise forms.ValidationError(f"Line {number}: write the issue, a colon, then options.")
        if not label or len(label) > 150:
            raise forms.ValidationError(f"Line {number}: name the issue in 1 to 150 characters.")
        name = issue_key(label)
        if not ISSUE_NAME.match(name):
            raise forms.ValidationError(
                f"Line {number}: '{label[:30]}' needs a letter or a digit in its name."
            )
        options = [o.strip() for o in rest.split(",") if o.strip()]
        if len(options) < 2:
            raise forms.ValidationError(f"Line {number}: give at least two options.")
        if len(set(options)) != len(options):
            raise forms.ValidationError(f"Line {number}: an option is listed twice.")
        if len(options) > MAX_OPTIONS or any(len(o) > 60 for o in options):
            raise forms.ValidationError(
                f"Line {number}: at most {MAX_OPTIONS} options of up to 60 characters."
            )
        if any(name == n for n, _, _ in issues):
            raise forms.ValidationError(f"Line {number}: the issue '{label}' is listed twice.")
        issues.append((name, options, label))
    if not issues:
        raise forms.ValidationError("Give at least one issue.")
    if len(issues) > MAX_ISSUES:
        raise forms.ValidationError(f"At most {MAX_ISSUES} issues.")
    return issues


def issues_text(issues: list[NegotiationIssue]) -> str:
    """The issues as the form shows them: in words where the words lead back to the same
    short name (so that saving the form again keeps every issue and its preferences)."""
    return "\n".join(
        f"{i.label if i.label and issue_key(i.label) == i.name else i.name}: {', '.join(i.options)}"
        for i in issues
    )


MAX_CONSTRAINTS = 30

CONSTRAINTS_HELP = (
    "Optional. One constraint a line, e.g. “if exclusivity = global then not revenue_share = "
    "50/50” (several options separated by commas; several issues joined by “and”; “then "
    "revenue_share = 60/40, 70/30” lists the options allowed instead)."
)


def _clauses(text: str, where: str, issues: dict[str, list[str]]) -> dict[str, list[str]]:
    """``issue = option, option and issue = option`` -> {issue: [options]}, checked. An
    issue may be named by its words ("Number of sites") or its short name."""
    out: dict[str, list[str]] = {}
    for clause in text.split(" and "):
        name, equals, rest = clause.partition("=")
        name = name.strip()
        if name not in issues and issue_key(name) in issues:
            name = issue_key(name)
        options = [o.strip() for o in rest.split(",") if o.strip()]
        if not equals or not name or not options:
            raise forms.ValidationError(f"{where}: write “issue = option”.")
        if name not in issues:
            raise forms.ValidationError(f"{where}: '{name[:30]}' is not an issue of the round.")
        for option in options:
            if option not in issues[name]:
                raise forms.ValidationError(f"{where}: '{option[:60]}' is not an option of {name}.")
        if name in out:
            raise forms.ValidationError(f"{where}: the issue '{name}' is named twice.")
        out[name] = options
    return out


def parse_constraints(text: str, issues: list[tuple[str, list[str]]]) -> list[dict[str, Any]]:
    """``if … then [not] …`` lines -> the engine's constraints as JSON
    (``{"if": {issue: [options]}, "then_not": {issue: [options]}}``); a ``then`` (allowed
    options) is stored as the ``then_not`` of every other option, as the engine's file
    format does. ValidationError names the line."""
    known = dict(issues)
    constraints: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = " ".join(line.split())
        if not line:
            continue
        where = f"Line {number}"
        head, then, tail = line.partition(" then ")
        if not head.lower().startswith("if ") or not then:
            raise forms.ValidationError(
                f"{where}: write “if issue = option then not issue = option”."
            )
        when = _clauses(head[3:], where, known)
        negated = tail.lower().startswith("not ")
        consequence = _clauses(tail[4:] if negated else tail, where, known)
        if not negated:
            consequence = {
                name: [o for o in known[name] if o not in allowed]
                for name, allowed in consequence.items()
            }
            if not all(consequence.values()):
                raise forms.ValidationError(f"{where}: “then” must leave out some option.")
        constraints.append({"if": when, "then_not": consequence})
    if len(constraints) > MAX_CONSTRAINTS:
        raise forms.ValidationError(f"At most {MAX_CONSTRAINTS} constraints.")
    return constraints


def constraints_text(constraints: list[dict[str, Any]]) -> str:
    def clauses(mapping: dict[str, list[str]]) -> str:
        return " and ".join(f"{k} = {', '.join(v)}" for k, v in mapping.items())

    return "\n".join(
        f"if {clauses(c['if'])} then not {clauses(c['then_not'])}" for c in constraints
    )


def constraints_from_json(value: Any) -> str:
    """The API's constraints (the engine file format: ``if`` with ``then_not`` or ``then``,
    options as text or lists) -> the form's text. ValueError names the bad entry."""
    if not isinstance(value, list):
        raise ValueError("constraints: give a list.")
    lines = []
    for i, raw in enumerate(value):
        where = f"constraints[{i}]"
        if not isinstance(raw, dict) or set(raw) - {"if", "then", "then_not"}:
            raise ValueError(f"{where}: give {{if, then_not}} or {{if, then}}.")
        if "if" not in raw or ("then" in raw) == ("then_not" in raw):
            raise ValueError(f"{where}: give “if” and exactly one of “then” or “then_not”.")
        parts = []
        for key in ("if", "then" if "then" in raw else "then_not"):
            mapping = raw[key]
            if not isinstance(mapping, dict) or not mapping:
                raise ValueError(f"{where}.{key}: give {{issue: option or [options]}}.")
            clause = []
            for name, options in mapping.items():
                options = [options] if isinstance(options, str) else options
                if not isinstance(options, list) or not all(isinstance(o, str) for o in options):
                    raise ValueError(f"{where}.{key}.{name}: give an option or a list of options.")
                if any("," in o or "=" in o or "\n" in o for o in options) or "\n" in str(name):
                    raise ValueError(f"{where}.{key}.{name}: not an option of the round.")
                clause.append(f"{name} = {', '.join(options)}")
            parts.append(" and ".join(clause))
        verb = "then" if "then" in raw else "then not"
        lines.append(f"if {parts[0]} {verb} {parts[1]}")
    return "\n".join(lines)


class RoundForm(RecordForm):
    """A round and its issues. A round is always joint: both sides negotiate on it."""

    issues = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), help_text=ISSUES_HELP, label="Issues and options"
    )
    constraints = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=CONSTRAINTS_HELP,
        label="Constraints between issues",
    )

    class Meta:
        model = NegotiationRound
        fields = ["title", "purpose", "visibility"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.issue_labels: dict[str, str] = {}
        self.fields.pop("visibility")
        self.instance.visibility = Visibility.JOINT
        if self.instance.pk is not None and not self.is_bound:
            self.initial["issues"] = issues_text(list(self.instance.issues.all()))
            self.initial["constraints"] = constraints_text(self.instance.constraints or [])

    def clean_issues(self) -> list[tuple[str, list[str]]]:
        self.issue_labels = issue_labels(self.cleaned_data["issues"])
        return parse_issues(self.cleaned_data["issues"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        # Constraints name issues and options: checked against the issues as submitted.
        if "issues" in data:
            try:
                data["constraints"] = parse_constraints(
                    data.get("constraints") or "", data["issues"]
                )
            except forms.ValidationError as exc:
                self.add_error("constraints", exc)
        return data

    def save(self, commit: bool = True) -> NegotiationRound:
        self.instance.constraints = self.cleaned_data.get("constraints") or []
        saved: NegotiationRound = super().save(commit=commit)
        return saved


def _weight_field(issue: NegotiationIssue) -> str:
    return f"weight__{issue.name}"


def _score_field(issue: NegotiationIssue, index: int) -> str:
    return f"score__{issue.name}__{index}"


class PreferencesForm(forms.Form):
    """A side's weights (≥ 0, not all zero), option scores (0..1) and walk-away value (0..1)."""

    walk_away = forms.DecimalField(
        min_value=Decimal(0),
        max_value=Decimal(1),
        max_digits=6,
        decimal_places=4,
        label="Walk-away value",
        help_text="The utility (0 to 1) of your best alternative to a deal. Private to your side.",
    )

    def __init__(self, *args: Any, issues: list[NegotiationIssue], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.issues = issues
        for issue in issues:
            self.fields[_weight_field(issue)] = forms.DecimalField(
                min_value=Decimal(0),
                max_digits=8,
                decimal_places=4,
                label=f"Weight of {issue}",
                help_text="How much this issue matters to your side (any scale; normalised).",
            )
            for index, option in enumerate(issue.options):
                self.fields[_score_field(issue, index)] = forms.DecimalField(
                    min_value=Decimal(0),
                    max_value=Decimal(1),
                    max_digits=6,
                    decimal_places=4,
                    label=f"{issue}: {option}",
                )
        self.order_fields([*(f for f in self.fields if f != "walk_away"), "walk_away"])

    @classmethod
    def initial_from(
        cls, prefs: SidePreferences | None, issues: list[NegotiationIssue]
    ) -> dict[str, Any]:
        if prefs is None:
            return {}
        initial: dict[str, Any] = {"walk_away": prefs.walk_away}
        for issue in issues:
            if issue.name in prefs.weights:
                initial[_weight_field(issue)] = prefs.weights[issue.name]
            scores = prefs.scores.get(issue.name, {})
            for index, option in enumerate(issue.options):
                if option in scores:
                    initial[_score_field(issue, index)] = scores[option]
        return initial

    @classmethod
    def data_from_json(
        cls, payload: dict[str, Any], issues: list[NegotiationIssue]
    ) -> tuple[dict[str, Any], list[dict[str, str]]]:
        """API body -> form data, and the errors of keys that name no issue or option."""
        data: dict[str, Any] = {"walk_away": payload.get("walk_away")}
        errors: list[dict[str, str]] = []
        weights = payload.get("weights") or {}
        scores = payload.get("scores") or {}
        known = {i.name: i for i in issues}
        for name in weights:
            if name not in known:
                errors.append({"field": f"weights.{name}", "message": "No such issue."})
        for name, options in scores.items():
            if name not in known:
                errors.append({"field": f"scores.{name}", "message": "No such issue."})
            elif isinstance(options, dict):
                for option in options:
                    if option not in known[name].options:
                        errors.append(
                            {"field": f"scores.{name}.{option}", "message": "No such option."}
                        )
        for issue in issues:
            data[_weight_field(issue)] = weights.get(issue.name)
            given = scores.get(issue.name) or {}
            for index, option in enumerate(issue.options):
                data[_score_field(issue, index)] = (
                    given.get(option) if isinstance(given, dict) else None
                )
        return {k: v for k, v in data.items() if v is not None}, errors

    def api_field(self, field: str) -> str:
        """The API's name of a form field: weight__x -> weights.x, score__x__0 -> scores.x.<option>."""
        if field.startswith("weight__"):
            return "weights." + field.removeprefix("weight__")
        if field.startswith("score__"):
            name, _, index = field.removeprefix("score__").rpartition("__")
            issue = next(i for i in self.issues if i.name == name)
            return f"scores.{name}.{issue.options[int(index)]}"
        return field if field != "__all__" else "weights"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        weights = [data.get(_weight_field(i)) for i in self.issues]
        if all(w is not None for w in weights) and not any(weights):
            raise forms.ValidationError("The weights must not all be zero.")
        return data

    def preferences(self) -> tuple[dict[str, str], dict[str, dict[str, str]], Decimal]:
        """weights, scores (as decimal strings, exact for the engine) and walk-away value."""
        data = self.cleaned_data
        weights = {i.name: str(data[_weight_field(i)].normalize()) for i in self.issues}
        scores = {
            i.name: {o: str(data[_score_field(i, n)].normalize()) for n, o in enumerate(i.options)}
            for i in self.issues
        }
        return weights, scores, data["walk_away"]


class TentativeForm(forms.Form):
    """The package the sides lean toward: one option for every issue, within the round's
    constraints. The fields are ``tentative__<issue>`` (the API sends {issue: option})."""

    def __init__(
        self, *args: Any, rnd: NegotiationRound, issues: list[NegotiationIssue], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.round, self.issues = rnd, issues
        for issue in issues:
            self.fields[f"tentative__{issue.name}"] = forms.ChoiceField(
                choices=[("", "—")] + [(o, o) for o in issue.options], label=str(issue)
            )

    @classmethod
    def data_from_json(
        cls, package: Any, issues: list[NegotiationIssue]
    ) -> tuple[dict[str, Any], list[dict[str, str]]]:
        if not isinstance(package, dict):
            return {}, [{"field": "tentative", "message": "Give the package as {issue: option}."}]
        known = {i.name for i in issues}
        errors = [
            {"field": f"tentative.{name}", "message": "No such issue."}
            for name in package
            if name not in known
        ]
        return {f"tentative__{k}": v for k, v in package.items() if k in known}, errors

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        package = self.package()
        for number, raw in enumerate(self.round.constraints or [], start=1):
            constraint = Constraint(
                when={k: tuple(v) for k, v in raw["if"].items()},
                then_not={k: tuple(v) for k, v in raw["then_not"].items()},
            )
            if violates(constraint, package):
                raise forms.ValidationError(
                    f"This package breaks constraint {number} of the round; pick another."
                )
        return data

    def package(self) -> dict[str, str]:
        return {i.name: self.cleaned_data[f"tentative__{i.name}"] for i in self.issues}


class ConstraintForm(forms.Form):
    """One constraint picked from two lists: "if <issue is option> then not <issue is
    option>". Compound rules (several options, "and") stay on the round's edit form."""

    if_term = forms.ChoiceField(label="If")
    then_not = forms.ChoiceField(label="then not")

    def __init__(self, *args: Any, issues: list[NegotiationIssue], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        terms = [(f"{i.name}={option}", f"{i} is {option}") for i in issues for option in i.options]
        for name in ("if_term", "then_not"):
            field(self, name, forms.ChoiceField).choices = [("", "Choose…"), *terms]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "if_term" in data and "then_not" in data:
            when, _, when_option = data["if_term"].partition("=")
            then, _, then_option = data["then_not"].partition("=")
            if when == then:
                self.add_error("then_not", "Pick an option of another issue than the “If”.")
            else:
                data["constraint"] = {
                    "if": {when: [when_option]},
                    "then_not": {then: [then_option]},
                }
        return data


class AcceptForm(forms.Form):
    package = forms.JSONField(help_text="The proposed package: {issue: option}.")

    def clean_package(self) -> dict[str, str]:
        value = self.cleaned_data["package"]
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise forms.ValidationError("Give the package as {issue: option}.")
        return value


FACILITATOR_WARNING = (
    "The facilitator sees your side's utility of every package on the frontier and your "
    "walk-away value. From those utilities your weights and scores can be partly worked "
    "out, on a small round wholly. Name only someone you would show them to; you can "
    "revoke the grant at any time."
)


class GrantForm(forms.Form):
    """A side names the facilitator: by email, anyone with a detente account (a neutral
    person need not belong to any side), or one of the alliance's members from the list.

    Naming someone gives nothing by itself: the facilitator's view opens only once every
    side has named the same person, and then only that view (see
    ``services.facilitator_access``).
    """

    NO_ACCOUNT = (
        "No detente account uses this email. The facilitator needs an account of their own "
        "first (an operator of this detente creates it); then name them here again."
    )

    email = forms.EmailField(
        required=False,
        label="Facilitator's email",
        help_text="A neutral person with a detente account; they need not belong to any side.",
    )
    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label="Or someone in the alliance",
        help_text=FACILITATOR_WARNING,
    )

    def __init__(self, *args: Any, access: AllianceAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field(self, "user", forms.ModelChoiceField).queryset = (
            get_user_model()
            .objects.filter(memberships__organisation__sides__alliance=access.alliance)
            .distinct()
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        email, user = data.get("email"), data.get("user")
        if self.errors:
            return data
        if email and user:
            raise forms.ValidationError("Give an email or pick someone, not both.")
        if not email and not user:
            self.add_error("email", "Give the facilitator's email.")
            return data
        if email:
            found = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
            if found is None:
                self.add_error("email", self.NO_ACCOUNT)
                return data
            data["user"] = found
        return data
