"""Forms of the decisions app. The pages and the API validate through these, and the
engine's own checks (single option, identical options, all weights zero) run inside them,
so every route gives the same message naming the field."""

from __future__ import annotations

import math
import re
from typing import Any

from django import forms

from detente.analysis.conditions import Consideration, Estimate, Party, Problem
from detente.analysis.files import InputError
from detente.decisions.models import Decision, GoalSeries, PartyWeights
from detente.records.forms import RecordForm, field
from detente.records.models import Visibility

_RANGE = re.compile(r"^\s*(-?[\d.eE+]+)\s*(?:\.\.|to)\s*(-?[\d.eE+]+)\s*$")


def _number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def parse_value(text: str) -> list[float]:
    """'12' -> [12, 12]; '0.06..0.09' or '0.06 to 0.09' -> [0.06, 0.09]."""
    match = _RANGE.match(text)
    if match:
        low, high = _number(match.group(1)), _number(match.group(2))
        if low > high:
            raise ValueError(f"the range {text.strip()} has its low end above its high end")
        return [low, high]
    value = _number(text.strip())
    return [value, value]


def value_text(pair: list[float]) -> str:
    low, high = pair
    return f"{low:g}" if low == high else f"{low:g}..{high:g}"


def considerations_text(decision: Decision) -> str:
    lines = []
    for c in decision.considerations:
        values = [value_text(c["values"][o]) for o in decision.options]
        lines.append(" | ".join([c["name"], c["direction"], c.get("unit", ""), *values]))
    return "\n".join(lines)


def problem_of(options: list[str], considerations: list[dict], parties: list[Party]) -> Problem:
    """The engine's Problem for a decision's stored options, considerations and parties."""
    return Problem(
        options=list(options),
        considerations=[
            Consideration(
                c["name"],
                c["direction"],
                {o: Estimate(*c["values"][o]) for o in options},
            )
            for c in considerations
        ],
        parties=parties,
    )


class DecisionForm(RecordForm):
    options_text = forms.CharField(
        label="Options",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One option per line, at least two.",
    )
    considerations_text = forms.CharField(
        label="Considerations",
        widget=forms.Textarea(attrs={"rows": 5, "class": "mono"}),
        help_text="One per line: name | higher or lower | unit | a value per option, in the "
        "order of the options. A range is written low..high, e.g. "
        "'annual attrition | lower | % | 10 | 6..9'.",
    )

    class Meta:
        model = Decision
        fields = ["title", "question", "visibility"]
        widgets = {"question": forms.Textarea(attrs={"rows": 2})}

    periods_text = forms.CharField(
        label="Periods",
        required=False,
        help_text="Optional, for goal and guardrail series: period labels separated by "
        "commas, e.g. 2025Q1, 2025Q2, 2025Q3, 2025Q4.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.initial["options_text"] = "\n".join(self.instance.options)
            self.initial["considerations_text"] = considerations_text(self.instance)
            self.initial["periods_text"] = ", ".join(self.instance.periods)

    def clean_periods_text(self) -> list[str]:
        periods = [p.strip() for p in self.cleaned_data["periods_text"].split(",") if p.strip()]
        if len(set(periods)) != len(periods):
            raise forms.ValidationError("Each period may appear once.")
        changed = self.instance.pk is not None and periods != self.instance.periods
        if changed and self.instance.series.exists():
            raise forms.ValidationError(
                "Goal series already use these periods; remove them before changing periods."
            )
        return periods

    def clean_options_text(self) -> list[str]:
        names = [line.strip() for line in self.cleaned_data["options_text"].splitlines()]
        names = [n for n in names if n]
        if len(names) < 2:
            raise forms.ValidationError(
                "Give at least two options to compare (one per line); there is "
                f"{'only one' if names else 'none'}."
            )
        if len(set(names)) != len(names):
            raise forms.ValidationError("Each option needs its own name; two have the same one.")
        if any(len(n) > 100 for n in names):
            raise forms.ValidationError("An option's name may be at most 100 characters.")
        return names

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        options = data.get("options_text")
        text = data.get("considerations_text")
        if not options or text is None:
            return data
        considerations = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            cells = [cell.strip() for cell in line.split("|")]
            where = f"Line {number}"
            if len(cells) != 3 + len(options):
                self.add_error(
                    "considerations_text",
                    f"{where}: expected name | direction | unit and {len(options)} values "
                    f"(one per option), found {len(cells)} cells.",
                )
                continue
            name, direction, unit, *raw = cells
            if not name:
                self.add_error("considerations_text", f"{where}: the name is empty.")
                continue
            if direction not in ("higher", "lower"):
                self.add_error(
                    "considerations_text",
                    f"{where}: the direction must be 'higher' or 'lower', not '{direction}'.",
                )
                continue
            values = {}
            for option, cell in zip(options, raw, strict=True):
                try:
                    values[option] = parse_value(cell)
                except ValueError as exc:
                    reason = str(exc) if "range" in str(exc) else f"'{cell}' is not a number"
                    self.add_error(
                        "considerations_text",
                        f"{where}, option {option}: {reason} (write 12, or 6..9 for a range).",
                    )
                    break
            else:
                considerations.append(
                    {"name": name, "direction": direction, "unit": unit, "values": values}
                )
        if self.errors:
            return data
        if not considerations:
            self.add_error("considerations_text", "Give at least one consideration.")
            return data
        # The engine's own checks, so a decision the engine cannot analyse is never stored.
        dummy = Party("check", {c["name"]: 1.0 for c in considerations})
        try:
            problem_of(options, considerations, [dummy]).validate()
        except InputError as exc:
            field = "options_text" if exc.field == "options" else "considerations_text"
            self.add_error(field, _sentence(exc.problem))
            return data
        data["considerations"] = considerations
        return data

    def save(self, commit: bool = True) -> Decision:
        self.instance.options = self.cleaned_data["options_text"]
        self.instance.considerations = self.cleaned_data["considerations"]
        self.instance.periods = self.cleaned_data["periods_text"]
        saved: Decision = super().save(commit=commit)
        return saved


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "."


DISCLOSURE_WARNING = (
    "If you tick this, the other side sees the conditions under which your preference "
    "flips (the weight shares, ratios and values at which it changes). Those conditions "
    "are exact, and together they give your weights away: the other side can work them "
    "out. Untick it to hide them again."
)


class WeightsForm(RecordForm):
    """A side's weights: one field per consideration of the decision, and whether the side
    lets the other side see the conditions of private weights (see DISCLOSURE_WARNING)."""

    class Meta:
        model = PartyWeights
        fields = ["visibility", "conditions_disclosed"]

    def __init__(self, *args: Any, decision: Decision, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decision = decision
        self.fields["visibility"].help_text = (
            "Private: the other side sees which option you prefer, and nothing from which "
            "your weights could be worked out."
        )
        self.fields["conditions_disclosed"].label = "Let the other side see my conditions"
        self.fields["conditions_disclosed"].help_text = DISCLOSURE_WARNING
        current = self.instance.weights if self.instance.pk else {}
        self.weight_fields: dict[str, str] = {}
        for i, name in enumerate(decision.consideration_names):
            key = f"weight_{i}"
            self.weight_fields[key] = name
            self.fields[key] = forms.FloatField(
                label=f"Weight of {name}",
                min_value=0,
                initial=current.get(name, 0),
                help_text="Any non-negative number; weights are compared as shares.",
            )
        if self.instance.pk is None:
            # A side enters its weights once per decision; taken sides are not offered.
            taken = PartyWeights.objects.filter(decision=decision).values("owner_side_id")
            side = field(self, "owner_side", forms.ModelChoiceField)
            assert side.queryset is not None  # RecordForm offers the sides the user writes for
            side.queryset = side.queryset.exclude(id__in=taken)
            self.fields["owner_side"].label = "Weights of"
            self.fields["owner_side"].help_text = "The side (party) whose weights these are."

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        given = {name: data.get(key) for key, name in self.weight_fields.items()}
        weights: dict[str, float] = {name: w for name, w in given.items() if w is not None}
        if len(weights) < len(given) or not all(math.isfinite(w) for w in weights.values()):
            return data
        if self.weight_fields and sum(weights.values()) <= 0:
            first = next(iter(self.weight_fields))
            self.add_error(
                first,
                "All weights are zero: give at least one consideration a positive weight.",
            )
        data["weights"] = weights
        return data

    def save(self, commit: bool = True) -> PartyWeights:
        self.instance.decision = self.decision
        self.instance.weights = self.cleaned_data["weights"]
        saved: PartyWeights = super().save(commit=commit)
        return saved


class SeriesForm(RecordForm):
    history_text = forms.CharField(
        label="History",
        help_text="One value per period of the decision, separated by commas; leave a gap "
        "empty when a reading is missing.",
    )

    class Meta:
        model = GoalSeries
        fields = ["name", "direction", "horizon", "guards", "at_least", "at_most", "visibility"]

    def __init__(self, *args: Any, decision: Decision, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decision = decision
        # Only goals the user can see, of this decision, may be guarded (foreign ids refused).
        field(self, "guards", forms.ModelChoiceField).queryset = (
            self.access.records(GoalSeries)
            .filter(decision=decision, guards__isnull=True)
            .exclude(pk=self.instance.pk)
        )
        if self.instance.pk is not None and not self.is_bound:
            self.initial["history_text"] = ", ".join(
                "" if v is None else f"{v:g}" for v in self.instance.history
            )

    def clean_history_text(self) -> list[float | None]:
        cells = [c.strip() for c in self.cleaned_data["history_text"].split(",")]
        periods = self.decision.periods
        if len(cells) != len(periods):
            raise forms.ValidationError(
                f"Give {len(periods)} values, one per period ({', '.join(periods)}); "
                f"found {len(cells)}."
            )
        out: list[float | None] = []
        for period, cell in zip(periods, cells, strict=True):
            if not cell:
                out.append(None)
                continue
            try:
                out.append(_number(cell))
            except ValueError:
                raise forms.ValidationError(f"{period}: '{cell}' is not a number.") from None
        return out

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        guards = data.get("guards")
        low, high = data.get("at_least"), data.get("at_most")
        if guards is not None:
            if low is None and high is None:
                self.add_error("at_least", "A guardrail needs a bound: at least, at most, or both.")
            elif low is not None and high is not None and not low < high:
                self.add_error("at_most", "The upper bound must be above the lower bound.")
            if (
                guards.visibility == Visibility.PRIVATE
                and data.get("visibility") == Visibility.JOINT
            ):
                self.add_error("guards", "A joint guardrail cannot guard a private goal.")
        elif low is not None or high is not None:
            self.add_error("guards", "Bounds belong to a guardrail: choose the goal it guards.")
        return data

    def save(self, commit: bool = True) -> GoalSeries:
        self.instance.decision = self.decision
        self.instance.history = self.cleaned_data["history_text"]
        saved: GoalSeries = super().save(commit=commit)
        return saved
