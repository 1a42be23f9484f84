"""The realism check form: a KPI's target and deadline, the funnel, the calendar, and where the
history comes from. It turns its fields into the engine's own file format (the document that
``detente realism`` reads), so the page, the API and the command run on the same input.

The funnel and the phases are typed one per line, as people write them on a napkin:

    introductions
    first meetings 10%          a fixed rate (or 0.10)
    evaluations 30/90           an observed rate: 30 successes of 90 trials
    sales 10 of 30 lag 14       lag: calendar days from the previous stage

    Vietnam 40% 2027-02-13      a phase: name, share of the target, optional end date
    Cambodia 60%
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models
from django.utils import timezone

from detente.analysis.files import InputError
from detente.analysis.realism import parse_plan
from detente.analysis.realism.calendar import WEEKDAY_NAMES, WorkCalendar, weekday_numbers
from detente.goals.models import RealismCheck
from detente.goals.questions import funnel_refusal
from detente.objectives.charts import visible_measurements
from detente.objectives.models import KPI, Measurement
from detente.records.forms import DateInput, RecordForm, field
from detente.records.models import Side, Visibility
from detente.records.visibility import AllianceAccess

WEEKDAY_CHOICES = [
    (name, label)
    for name, label in zip(
        WEEKDAY_NAMES, ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), strict=True
    )
]
FROM_MEASUREMENTS = "measurements"
FROM_DAILY = "daily"

# The sources of an organisation's reference class (issue 18): each is a function
# ``(access, side) -> past goals`` in the engine's format (``{"name", "planned",
# "achieved"}``), of the organisation of ``side``. Apps above goals (milestones) register
# theirs from their ``AppConfig.ready``, so this module imports none of them.
ReferenceSource = Callable[[AllianceAccess, Side], list[dict[str, Any]]]
REFERENCE_SOURCES: list[ReferenceSource] = []


def reference_class_for(access: AllianceAccess, side: Side) -> list[dict[str, Any]]:
    """The past goals of ``side``'s organisation, from every registered source."""
    return [goal for source in REFERENCE_SOURCES for goal in source(access, side)]


_NUMBER = r"-?\d+(?:\.\d+)?"
_STAGE_LINE = re.compile(
    rf"^(?P<name>.+?)"
    rf"(?:\s+(?:(?P<percent>{_NUMBER})\s*%|(?P<successes>-?\d+)\s*(?:/|\s+of\s+)\s*(?P<trials>-?\d+)"
    # A bare rate needs its decimal point (0.10, 1.0), so "stage 2" stays a stage's name.
    r"|(?P<rate>-?\d*\.\d+)))?"
    rf"(?:\s+lag\s+(?P<lag>-?\d+)(?:\s*days?)?)?\s*$",
    re.IGNORECASE,
)
_PHASE_LINE = re.compile(
    rf"^(?P<name>.+?)\s+(?:(?P<percent>{_NUMBER})\s*%|(?P<share>{_NUMBER}))"
    r"(?:\s+(?P<end>\d{4}-\d{2}-\d{2}))?\s*$"
)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def parse_funnel(text: str) -> list[dict[str, Any]]:
    """Funnel lines as the engine's ``funnel`` list; errors say which line and why."""
    stages: list[dict[str, Any]] = []
    lines = _lines(text)
    if not lines:
        raise forms.ValidationError(
            "The funnel is empty: give the activity on the first line (e.g. introductions), "
            "then one line per stage with its rate."
        )
    for number, line in enumerate(lines, start=1):
        match = _STAGE_LINE.match(line)
        assert match is not None  # the name alone always matches
        name = match["name"].strip()
        where = f"line {number} ({name})"
        stage: dict[str, Any] = {"name": name}
        rate: float | None = None
        if match["percent"] is not None:
            rate = float(match["percent"]) / 100
        elif match["rate"] is not None:
            rate = float(match["rate"])
        has_rate = rate is not None or match["successes"] is not None
        if number == 1:
            if has_rate or match["lag"] is not None:
                raise forms.ValidationError(
                    f"{where}: the first stage is the activity itself; give it no rate or lag."
                )
            stages.append(stage)
            continue
        if not has_rate:
            raise forms.ValidationError(
                f"{where}: give the rate from the previous stage, fixed (10% or 0.10) or "
                "observed (30/90: 30 of 90 went on)."
            )
        if rate is not None:
            if not 0 < rate <= 1:
                raise forms.ValidationError(
                    f"{where}: the rate {_plain(rate)} must lie above 0 and at most 1 (100%)."
                )
            stage["rate"] = rate
        else:
            successes, trials = int(match["successes"]), int(match["trials"])
            if successes < 0 or trials < 1:
                raise forms.ValidationError(
                    f"{where}: {successes}/{trials} must count successes (0 or more) of "
                    "trials (1 or more)."
                )
            if successes > trials:
                raise forms.ValidationError(
                    f"{where}: {successes} successes cannot exceed {trials} trials."
                )
            if successes == 0:
                raise forms.ValidationError(
                    f"{where}: 0 successes would need infinite volume; observe more trials."
                )
            stage["observed"] = {"trials": trials, "successes": successes}
        if match["lag"] is not None:
            lag = int(match["lag"])
            if lag < 0:
                raise forms.ValidationError(f"{where}: the lag cannot be negative ({lag} days).")
            stage["lag_days"] = lag
        stages.append(stage)
    names = [s["name"] for s in stages]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise forms.ValidationError(f"line {i + 1}: the stage name {name!r} is repeated.")
    return stages


def funnel_text(stages: list[dict[str, Any]]) -> str:
    """The engine's ``funnel`` list written back as lines (for the form's initial value)."""
    lines = []
    for stage in stages:
        line = stage["name"]
        if "rate" in stage:
            line += f" {_plain(float(stage['rate']) * 100)}%"
        elif "observed" in stage:
            line += f" {stage['observed']['successes']}/{stage['observed']['trials']}"
        if stage.get("lag_days"):
            line += f" lag {stage['lag_days']}"
        lines.append(line)
    return "\n".join(lines)


def parse_phases(text: str) -> list[dict[str, Any]]:
    phases = []
    for number, line in enumerate(_lines(text), start=1):
        match = _PHASE_LINE.match(line)
        if match is None:
            raise forms.ValidationError(
                f"line {number}: write a phase as its name and its share, e.g. 'Vietnam 40%' "
                "or 'Vietnam 40% 2027-02-13' with its end date."
            )
        share = (
            float(match["percent"]) / 100 if match["percent"] is not None else float(match["share"])
        )
        name = match["name"].strip()
        if not 0 < share <= 1:
            raise forms.ValidationError(
                f"line {number} ({name}): the share {_plain(share)} must lie above 0 and at most "
                "1 (100%)."
            )
        phase: dict[str, Any] = {"name": name, "share": share}
        if match["end"]:
            try:
                phase["end"] = dt.date.fromisoformat(match["end"]).isoformat()
            except ValueError:
                raise forms.ValidationError(
                    f"line {number} ({name}): {match['end']} is not a date."
                ) from None
        phases.append(phase)
    if phases and abs(sum(p["share"] for p in phases) - 1) > 1e-6:
        total = sum(p["share"] for p in phases)
        raise forms.ValidationError(f"The shares add up to {_plain(total * 100)}%, not 100%.")
    return phases


def phases_text(phases: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{p['name']} {_plain(p['share'] * 100)}%" + (f" {p['end']}" if p.get("end") else "")
        for p in phases
    )


def parse_counts(text: str) -> list[int]:
    counts = []
    for token in re.split(r"[\s,;]+", (text or "").strip()):
        if not token:
            continue
        try:
            value = int(token)
        except ValueError:
            raise forms.ValidationError(
                f"{token!r} is not a whole number of the day's activity."
            ) from None
        if value < 0:
            raise forms.ValidationError(f"{value}: a day's activity cannot be negative.")
        counts.append(value)
    return counts


def parse_dates(text: str) -> list[str]:
    days = []
    for token in re.split(r"[\s,;]+", (text or "").strip()):
        if not token:
            continue
        try:
            days.append(dt.date.fromisoformat(token).isoformat())
        except ValueError:
            raise forms.ValidationError(f"{token!r} is not a date as YYYY-MM-DD.") from None
    return days


def _plain(value: float) -> str:
    return f"{value:.6g}"


def measurement_history(
    measurements: list[Measurement],
    calendar: WorkCalendar,
    start: dt.date,
    stages: list[dict[str, Any]],
    measured_stage: str,
    unit: str,
) -> tuple[list[int], str]:
    """Daily activity of the first stage from a KPI's period values, and how it was made.

    A measurement gives only a period's total, so the total is spread evenly over the
    period's working days; the day-to-day spread is unknown (hence the Poisson model by
    default). When the KPI counts the funnel's last stage, the activity is the value divided
    by the funnel's overall rate.
    """
    ended = [m for m in measurements if m.period_end < start]
    if not ended:
        raise forms.ValidationError(
            f"No measurement covers a period that ended before {start:%d %b %Y}."
        )
    factor = Fraction(1)
    if measured_stage == "last":
        for stage in stages[1:]:
            if "rate" in stage:
                factor *= Fraction(str(stage["rate"]))
            else:
                factor *= Fraction(stage["observed"]["successes"], stage["observed"]["trials"])
    counts: list[int] = []
    measured_total = 0.0
    for m in ended:
        days = calendar.count(m.period_start, m.period_end)
        if days == 0:
            continue
        total = round(Fraction(str(m.value)) / factor)
        measured_total += float(m.value)
        # Day i gets floor((i+1)·T/n) − floor(i·T/n): whole counts that add up to T exactly.
        counts += [(i + 1) * total // days - i * total // days for i in range(days)]
    if not counts:
        raise forms.ValidationError("The measured periods have no working day in this calendar.")
    periods = f"{ended[0].period} to {ended[-1].period}" if len(ended) > 1 else ended[0].period
    note = (
        f"{len(ended)} measurement{'s' if len(ended) > 1 else ''} ({periods}): "
        f"{_plain(measured_total)} {unit}, spread evenly over {len(counts)} working days"
    )
    if measured_stage == "last" and len(stages) > 1:
        note += (
            f"; at the funnel's rates ({_plain(float(1 / factor))} {stages[0]['name']} for "
            f"each of the {stages[-1]['name']}) that is {sum(counts):,} {stages[0]['name']}"
        )
    return counts, note


# Engine field paths -> the form field that holds them.
ENGINE_FIELDS = [
    ("target", "target"),
    ("start", "start"),
    ("deadline", "deadline"),
    ("confidence", "confidence"),
    ("calendar.weekdays", "weekdays"),
    ("calendar.holidays", "holidays"),
    ("calendar", "weekdays"),
    ("funnel", "funnel"),
    ("history", "daily_history"),
    ("activity", "activity"),
    ("phases", "phases"),
    ("ramp", "ramp"),
]


if TYPE_CHECKING:  # for the type checker a FoldedForm is a form; at run time, its mixin
    _FormBase = forms.Form
else:
    _FormBase = object


class FoldedForm(_FormBase):
    """A form shown as a few common fields, with the rest under "Advanced"."""

    basic: tuple[str, ...] = ()

    def basic_fields(self) -> list[Any]:
        return [self[name] for name in self.basic if name in self.fields]

    def advanced_fields(self) -> list[Any]:
        return [f for f in self.visible_fields() if f.name not in self.basic]

    def advanced_has_errors(self) -> bool:
        return any(f.errors for f in self.advanced_fields())

    def error_summary(self) -> list[dict[str, Any]]:
        """Every error with the field it belongs to, for the list at the top of the form."""
        summary = [{"id": "", "label": "", "message": e} for e in self.non_field_errors()]
        for bound in self.visible_fields():
            for error in bound.errors:
                summary.append({"id": bound.id_for_label, "label": bound.label, "message": error})
        return summary


class RealismCheckForm(FoldedForm, RecordForm):
    """Inputs of one realism check of ``kpi``. ``cleaned_data['document']`` is the engine file.

    It serves a cumulative count where higher is better; any other KPI is refused with the
    reason (``questions.funnel_refusal``), since its values must not be added up.
    """

    basic = ("target", "deadline", "measurements_side")

    target = forms.IntegerField(min_value=1, help_text="Units of the funnel's last stage.")
    start = forms.DateField(widget=DateInput(), help_text="The first day counted.")
    deadline = forms.DateField(widget=DateInput(), help_text="The last day counted.")
    confidence = forms.FloatField(
        min_value=1,
        max_value=99,
        initial=80,
        label="Confidence (%)",
        help_text="How sure the realistic target, date and plan must be.",
    )
    weekdays = forms.MultipleChoiceField(
        choices=WEEKDAY_CHOICES,
        initial=["mon", "tue", "wed", "thu", "fri"],
        widget=forms.CheckboxSelectMultiple,
        label="Working days",
    )
    holidays = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Dates as YYYY-MM-DD, separated by spaces, commas or lines.",
    )
    funnel = forms.CharField(
        required=False,  # an empty funnel gets its own message in clean_funnel
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One stage per line, the activity first: 'introductions', then e.g. "
        "'first meetings 10%' (fixed rate), 'evaluations 30/90' (30 of 90 observed), "
        "'sales 10/30 lag 14' (14 days after the previous stage).",
    )
    history_from = forms.ChoiceField(
        choices=[
            (FROM_MEASUREMENTS, "The KPI's measurements"),
            (FROM_DAILY, "Daily counts typed below"),
        ],
        initial=FROM_MEASUREMENTS,
        label="History from",
        widget=forms.RadioSelect,
    )
    measurements_side = forms.ModelChoiceField(
        queryset=Side.objects.none(),
        required=False,
        label="Measurements reported by",
        help_text="Whose ledger of the KPI to read.",
    )
    measured_stage = forms.ChoiceField(
        choices=[
            ("last", "the funnel's last stage (the KPI itself)"),
            ("first", "the funnel's first stage (the activity)"),
        ],
        initial="last",
        label="The measurements count",
    )
    daily_history = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Daily counts",
        help_text="The first stage's activity on past working days, zero days included.",
    )
    activity = forms.ChoiceField(
        choices=[
            ("", "Automatic (Poisson from measurements, bootstrap from daily counts)"),
            ("bootstrap", "Bootstrap of the observed days"),
            ("resample", "Resample the observed days as the whole truth"),
            ("poisson", "Poisson days at an uncertain rate"),
        ],
        required=False,
        label="Activity model",
    )
    phases = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional, one per line: 'Vietnam 40% 2027-02-13' then 'Cambodia 60%'.",
    )
    ramp = forms.CharField(
        required=False,
        max_length=20,
        help_text="Pace multiplier from one phase to the next (e.g. 1.2), or 'history'.",
    )
    seed = forms.IntegerField(min_value=0, initial=0, help_text="Same seed, same numbers.")
    use_reference_class = forms.BooleanField(
        required=False,
        label="Use our reference class",
        help_text="Judge the target by your organisation's completed milestones and past "
        "projects, as `detente realism` does with a reference class. They stay private to "
        "your organisation, so the check must be private.",
    )

    class Meta:
        model = RealismCheck
        fields = ["visibility", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, access: AllianceAccess, kpi: KPI, **kwargs: Any) -> None:
        super().__init__(*args, access=access, **kwargs)
        self.kpi = kpi
        self.measurements_used: list[Measurement] = []
        self.history_note = ""
        field(self, "measurements_side", forms.ModelChoiceField).queryset = Side.objects.filter(
            alliance=access.alliance
        ).select_related("organisation")
        self.order_fields(["owner_side", "visibility", "target", "start", "deadline", "confidence"])

    # Single fields ----------------------------------------------------------------------

    def clean_deadline(self) -> dt.date:
        deadline: dt.date = self.cleaned_data["deadline"]
        today = timezone.localdate()
        if deadline < today:
            raise forms.ValidationError(
                f"The deadline {deadline:%d %b %Y} is before today ({today:%d %b %Y}); a "
                "realism check looks forward. Give a later deadline."
            )
        return deadline

    def clean_funnel(self) -> list[dict[str, Any]]:
        return parse_funnel(self.cleaned_data.get("funnel", ""))

    def clean_phases(self) -> list[dict[str, Any]]:
        return parse_phases(self.cleaned_data.get("phases", ""))

    def clean_holidays(self) -> list[str]:
        return parse_dates(self.cleaned_data.get("holidays", ""))

    def clean_daily_history(self) -> list[int]:
        return parse_counts(self.cleaned_data.get("daily_history", ""))

    def clean_ramp(self) -> float | str | None:
        text = (self.cleaned_data.get("ramp") or "").strip().lower()
        if not text:
            return None
        if text == "history":
            return "history"
        try:
            ramp = float(text)
        except ValueError:
            raise forms.ValidationError("Give a number such as 1.2, or the word history.") from None
        if ramp <= 0:
            raise forms.ValidationError(f"The ramp {text} must be greater than 0.")
        return ramp

    # The whole form ---------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        refusal = funnel_refusal(self.kpi)
        if refusal:
            raise forms.ValidationError(refusal)
        if self.errors:
            return data
        calendar = WorkCalendar(
            weekdays=weekday_numbers(data["weekdays"]),
            holidays=frozenset(dt.date.fromisoformat(d) for d in data["holidays"]),
        )
        history = self._history(data, calendar)
        if history is None:
            return data
        self._check_visibility(data)
        if self.errors:
            return data
        document: dict[str, Any] = {
            "target": data["target"],
            "start": data["start"].isoformat(),
            "deadline": data["deadline"].isoformat(),
            "confidence": data["confidence"] / 100,
            "calendar": {"weekdays": list(data["weekdays"]), "holidays": data["holidays"]},
            "funnel": data["funnel"],
            "history": history,
            "activity": data["activity"]
            or ("poisson" if data["history_from"] == FROM_MEASUREMENTS else "bootstrap"),
        }
        if data["phases"]:
            document["phases"] = data["phases"]
            if data["ramp"] is not None:
                document["ramp"] = data["ramp"]
        if data.get("use_reference_class"):
            past = self._reference_class(data)
            if past is None:
                return data
            document["reference_class"] = past
        try:
            parse_plan(document)
        except InputError as exc:
            self.add_error(self._form_field(exc.field), exc.problem)
            return data
        data["document"] = document
        return data

    def _reference_class(self, data: dict[str, Any]) -> list[dict[str, Any]] | None:
        """The organisation's past goals, for a private check only (else None, with an error)."""
        if data.get("visibility") != Visibility.PRIVATE:
            self.add_error(
                "use_reference_class",
                "Your organisation's reference class is private to it: keep the check private "
                "to use it.",
            )
            return None
        side_id = self.owner_side_id
        if side_id is None:
            return None  # the owner side's own error says why
        side = Side.objects.select_related("organisation").get(pk=side_id)
        past = reference_class_for(self.access, side)
        if not past:
            self.add_error(
                "use_reference_class",
                f"{side.organisation} has no completed milestone or past project yet: import "
                "past projects on the reference class page (Goal realism, Milestones).",
            )
            return None
        return past

    def _history(self, data: dict[str, Any], calendar: WorkCalendar) -> list[int] | None:
        if data["history_from"] == FROM_DAILY:
            if not data["daily_history"]:
                self.add_error("daily_history", "Give at least one day's count.")
                return None
            daily: list[int] = data["daily_history"]
            self.history_note = f"{len(daily)} daily counts typed in the form"
            return daily
        side = data.get("measurements_side")
        if side is None:
            self.add_error("measurements_side", "Choose whose measurements to read.")
            return None
        measurements = list(
            visible_measurements(self.access)
            .filter(kpi=self.kpi, owner_side=side)
            .order_by("period_start")
        )
        if not measurements:
            self.add_error(
                "measurements_side",
                f"{side} has reported no value of {self.kpi.name} that you may see; "
                "choose another side or type daily counts.",
            )
            return None
        try:
            counts, note = measurement_history(
                measurements,
                calendar,
                data["start"],
                data["funnel"],
                data["measured_stage"],
                self.kpi.unit,
            )
        except forms.ValidationError as exc:
            self.add_error("history_from", exc)
            return None
        self.measurements_used = [m for m in measurements if m.period_end < data["start"]]
        self.history_note = f"{side}: {note}"
        return counts

    def _check_visibility(self, data: dict[str, Any]) -> None:
        """A check is never more visible than its objective or the measurements it read."""
        objective = self.kpi.objective
        side_id = self.owner_side_id
        private_sources = [m for m in self.measurements_used if m.is_private]
        if objective.is_private:
            if data.get("visibility") == Visibility.JOINT:
                self.add_error(
                    "visibility",
                    f"The objective '{objective}' is private to {objective.owner_side}, so its "
                    "check must be private too.",
                )
            if side_id != objective.owner_side_id:
                self.add_error(
                    "owner_side", f"Only {objective.owner_side} may keep a check of its objective."
                )
        if private_sources:
            source_side = private_sources[0].owner_side
            if data.get("visibility") == Visibility.JOINT:
                self.add_error(
                    "visibility",
                    f"The history reads measurements private to {source_side}, so the check "
                    "must be private too.",
                )
            if side_id != private_sources[0].owner_side_id:
                self.add_error(
                    "owner_side",
                    f"The history reads measurements private to {source_side}; only that side "
                    "may keep the check.",
                )

    def _form_field(self, engine_field: str) -> str | None:
        for prefix, name in ENGINE_FIELDS:
            if (
                engine_field == prefix
                or engine_field.startswith(prefix + ".")
                or (engine_field.startswith(prefix + "["))
            ):
                if name == "daily_history" and self.cleaned_data.get("history_from") != FROM_DAILY:
                    return "history_from"
                return name
        return None


def initial_values(access: AllianceAccess, kpi: KPI, previous: RealismCheck | None) -> dict:
    """The form's starting values: the last visible check's inputs, else the KPI's own."""
    today = timezone.localdate()
    initial: dict[str, Any] = {
        "target": max(1, int(kpi.target)),
        # ISO text: a browser's date input shows nothing for any other format.
        "start": today.isoformat(),
        "deadline": max(kpi.deadline, today).isoformat(),
        "confidence": 80,
        "weekdays": ["mon", "tue", "wed", "thu", "fri"],
        "history_from": FROM_MEASUREMENTS,
        "measured_stage": "last",
        "seed": 0,
        "funnel": kpi.metric.strip().replace("\n", " ")[:60] or kpi.name,
        "visibility": kpi.objective.visibility,
    }
    measured = visible_measurements(access).filter(kpi=kpi).values_list("owner_side_id", flat=True)
    sides = set(measured)
    mine = [s for s in access.my_sides if s.id in sides]
    initial["measurements_side"] = mine[0].id if mine else next(iter(sorted(sides)), None)
    if previous is not None:
        doc = previous.inputs
        calendar = doc.get("calendar", {})
        initial.update(
            target=doc["target"],
            confidence=round(doc.get("confidence", 0.8) * 100, 4),
            weekdays=calendar.get("weekdays", ["mon", "tue", "wed", "thu", "fri"]),
            holidays="\n".join(calendar.get("holidays", [])),
            funnel=funnel_text(doc["funnel"]),
            phases=phases_text(doc.get("phases", [])),
            ramp=str(doc.get("ramp", "")),
            seed=previous.seed,
            visibility=previous.visibility,
        )
        if dt.date.fromisoformat(doc["deadline"]) >= today:
            initial["deadline"] = doc["deadline"]
        source = previous.history_source
        if source.get("from") == FROM_DAILY:
            initial["history_from"] = FROM_DAILY
            initial["daily_history"] = " ".join(str(c) for c in doc["history"])
        else:
            initial["measured_stage"] = source.get("measured_stage", "last")
            if source.get("side_id") in sides:
                initial["measurements_side"] = source["side_id"]
    return initial


class TrendForm(FoldedForm, forms.Form):
    """The trend check of a level, rate or duration KPI: the target, the date, whose values."""

    basic = ("target", "deadline", "measurements_side")

    target = forms.DecimalField(max_digits=18, decimal_places=4)
    deadline = forms.DateField(widget=DateInput(), label="By")
    measurements_side = forms.ModelChoiceField(
        queryset=Side.objects.none(),
        label="Whose values",
        help_text="Whose ledger of the KPI to follow.",
    )
    confidence = forms.FloatField(
        min_value=1,
        max_value=99,
        initial=80,
        label="Confidence (%)",
        help_text="How sure the realistic value at the date must be.",
    )

    def __init__(self, *args: Any, access: AllianceAccess, kpi: KPI, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.access, self.kpi = access, kpi
        field(self, "measurements_side", forms.ModelChoiceField).queryset = Side.objects.filter(
            alliance=access.alliance
        ).select_related("organisation")
        self.fields["target"].label = f"Target ({kpi.unit})" if kpi.unit else "Target"
        better = "at most" if kpi.lower_is_better else "at least"
        self.fields["target"].help_text = f"The value to reach: {better} this by the date."

    def clean_deadline(self) -> dt.date:
        deadline = self.cleaned_data["deadline"]
        today = timezone.localdate()
        if deadline < today:
            raise forms.ValidationError(
                f"The date {deadline:%d %b %Y} is before today ({today:%d %b %Y}); give a later "
                "date."
            )
        return deadline


def trend_initial(access: AllianceAccess, kpi: KPI) -> dict[str, Any]:
    """The trend form's starting values: the KPI's target and deadline, and your side's
    values (else the side with the most values you may see)."""
    today = timezone.localdate()
    sides = list(
        visible_measurements(access)
        .filter(kpi=kpi)
        .values("owner_side_id")
        .annotate(n=models.Count("id"))
        .order_by("-n", "owner_side_id")
        .values_list("owner_side_id", flat=True)
    )
    mine = [s.id for s in access.my_sides if s.id in sides]
    return {
        "target": kpi.target.normalize(),
        "deadline": max(kpi.deadline, today).isoformat(),
        "measurements_side": mine[0] if mine else next(iter(sides), None),
        "confidence": 80,
    }


def sides_with_values(access: AllianceAccess, kpi: KPI) -> int:
    """How many sides have values of ``kpi`` that the user may see (0: nothing to read)."""
    return visible_measurements(access).filter(kpi=kpi).values("owner_side_id").distinct().count()
