"""The realism file format, parsed into plain dataclasses; every error names its field."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from detente.analysis.files import InputError

from .calendar import WEEKDAY_NAMES, WorkCalendar, weekday_numbers

ACTIVITY_MODELS = ("bootstrap", "resample", "poisson")
DEFAULT_STDERR = 0.003  # 0.3 percentage points
DEFAULT_MAX_TRIALS = 400_000


@dataclass(frozen=True)
class Stage:
    """A funnel stage. Later stages convert from the previous one at ``rate`` (fixed) or at an
    uncertain rate estimated from ``trials`` and ``successes``."""

    name: str
    rate: Fraction | None = None
    trials: int | None = None
    successes: int | None = None
    lag_days: int = 0

    @property
    def is_uncertain(self) -> bool:
        return self.trials is not None

    @property
    def point_rate(self) -> Fraction:
        """The rate used by the back-calculation: the fixed rate or successes / trials."""
        if self.rate is not None:
            return self.rate
        assert self.trials is not None and self.successes is not None
        return Fraction(self.successes, self.trials)

    @property
    def beta(self) -> tuple[float, float]:
        """Beta posterior of an observed rate under a uniform Beta(1, 1) prior."""
        assert self.trials is not None and self.successes is not None
        return self.successes + 1.0, self.trials - self.successes + 1.0


@dataclass(frozen=True)
class Phase:
    name: str
    share: float
    end: dt.date | None = None


@dataclass(frozen=True)
class PastGoal:
    planned: float
    actual: float


@dataclass(frozen=True)
class Plan:
    target: int
    start: dt.date
    deadline: dt.date
    confidence: float
    calendar: WorkCalendar
    stages: tuple[Stage, ...]
    history: tuple[int, ...]
    activity: str = "bootstrap"
    horizon: dt.date | None = None
    reference_class: tuple[PastGoal, ...] = ()
    reference_kind: str = "value"  # "value" (planned vs achieved) or "duration"
    phases: tuple[Phase, ...] = ()
    ramp: float | str = 1.0
    target_stderr: float = DEFAULT_STDERR
    max_trials: int = DEFAULT_MAX_TRIALS
    notes: tuple[str, ...] = field(default=())

    @property
    def conversion(self) -> list[Stage]:
        return list(self.stages[1:])

    @property
    def total_lag(self) -> int:
        return sum(stage.lag_days for stage in self.stages)


# --- small typed readers -------------------------------------------------------------


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(where, "must be a mapping")
    return value


def _list(value: Any, where: str, *, allow_empty: bool = False) -> list[Any]:
    if not isinstance(value, list):
        raise InputError(where, "must be a list")
    if not value and not allow_empty:
        raise InputError(where, "must not be empty")
    return value


def _date(value: Any, where: str) -> dt.date:
    # YAML turns 2027-01-04 into a date already; JSON gives a string.
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise InputError(where, f"must be a date as YYYY-MM-DD, got {value!r}")


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(where, f"must be a number, got {value!r}")
    return float(value)


def _integer(value: Any, where: str, *, minimum: int = 0) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(where, f"must be a whole number, got {value!r}")
    if value < minimum:
        raise InputError(where, f"must be at least {minimum}, got {value}")
    return value


def _probability(value: Any, where: str, *, allow_one: bool) -> float:
    number = _number(value, where)
    if not (0 < number < 1 or (allow_one and number == 1)):
        bound = "1]" if allow_one else "1)"
        raise InputError(where, f"must lie in (0, {bound}, got {value!r}")
    return number


def _check_keys(data: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        prefix = f"{where}." if where else ""
        raise InputError(f"{prefix}{unknown[0]}", f"unknown field (allowed: {sorted(allowed)})")


# --- sections -------------------------------------------------------------------------


def _calendar(value: Any) -> WorkCalendar:
    if value is None:
        return WorkCalendar()
    data = _mapping(value, "calendar")
    _check_keys(data, {"weekdays", "holidays"}, "calendar")
    weekdays = frozenset(range(5))
    if "weekdays" in data:
        names = _list(data["weekdays"], "calendar.weekdays")
        for i, name in enumerate(names):
            if not isinstance(name, str) or name.lower()[:3] not in WEEKDAY_NAMES:
                raise InputError(f"calendar.weekdays[{i}]", f"must be one of {WEEKDAY_NAMES}")
        weekdays = weekday_numbers(name.lower()[:3] for name in names)
    holidays = _list(data.get("holidays", []), "calendar.holidays", allow_empty=True)
    return WorkCalendar(
        weekdays=weekdays,
        holidays=frozenset(_date(h, f"calendar.holidays[{i}]") for i, h in enumerate(holidays)),
    )


def _stage(value: Any, index: int) -> Stage:
    where = f"funnel[{index}]"
    data = _mapping(value, where)
    _check_keys(data, {"name", "rate", "observed", "lag_days"}, where)
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"{where}.name", "must be a non-empty text")
    if index == 0:
        for key in ("rate", "observed", "lag_days"):
            if key in data:
                raise InputError(
                    f"{where}.{key}", "the first stage is the activity itself; it has no " + key
                )
        return Stage(name=name)
    lag = _integer(data.get("lag_days", 0), f"{where}.lag_days")
    has_rate, has_observed = "rate" in data, "observed" in data
    if has_rate == has_observed:
        raise InputError(where, "give exactly one of rate (fixed) or observed (trials, successes)")
    if has_rate:
        rate = _probability(data["rate"], f"{where}.rate", allow_one=True)
        # Fraction of the decimal text keeps 0.1 exact, so 90 / 0.1 is exactly 900.
        return Stage(name=name, rate=Fraction(str(rate)), lag_days=lag)
    observed = _mapping(data["observed"], f"{where}.observed")
    _check_keys(observed, {"trials", "successes"}, f"{where}.observed")
    for key in ("trials", "successes"):
        if key not in observed:
            raise InputError(f"{where}.observed.{key}", "is required")
    trials = _integer(observed["trials"], f"{where}.observed.trials", minimum=1)
    successes = _integer(observed["successes"], f"{where}.observed.successes")
    if successes > trials:
        raise InputError(f"{where}.observed.successes", f"must not exceed trials ({trials})")
    if successes == 0:
        raise InputError(
            f"{where}.observed.successes",
            "is 0, so the back-calculation would need infinite volume; observe more trials",
        )
    return Stage(name=name, trials=trials, successes=successes, lag_days=lag)


def _history(value: Any, calendar: WorkCalendar, notes: list[str]) -> tuple[int, ...]:
    items = _list(value, "history")
    if all(not isinstance(item, dict) for item in items):
        return tuple(_integer(item, f"history[{i}]") for i, item in enumerate(items))
    counts: dict[dt.date, int] = {}
    for i, item in enumerate(items):
        data = _mapping(item, f"history[{i}]")
        _check_keys(data, {"date", "count"}, f"history[{i}]")
        if "date" not in data or "count" not in data:
            raise InputError(f"history[{i}]", "needs both date and count")
        day = _date(data["date"], f"history[{i}].date")
        counts[day] = counts.get(day, 0) + _integer(data["count"], f"history[{i}].count")
    days = calendar.working_days(min(counts), max(counts))
    if not days:
        raise InputError("history", "no working day lies between the first and the last date")
    daily = dict.fromkeys(days, 0)
    moved = []
    for day, count in sorted(counts.items()):
        if day in daily:
            daily[day] += count
            continue
        # Activity on a day off is real activity: book it on the next working day so the
        # total is kept and the count of working days is not inflated.
        later = [d for d in days if d > day]
        daily[later[0] if later else days[-1]] += count
        moved.append(day.isoformat())
    if moved:
        notes.append(
            f"activity on non-working days ({', '.join(moved)}) was added to the next working day"
        )
    return tuple(daily[d] for d in days)


def _reference_class(value: Any) -> tuple[tuple[PastGoal, ...], str]:
    items = _list(value, "reference_class")
    goals, kinds = [], set()
    for i, item in enumerate(items):
        where = f"reference_class[{i}]"
        data = _mapping(item, where)
        if "planned" in data or "achieved" in data:
            _check_keys(data, {"planned", "achieved", "name"}, where)
            keys, kind = ("planned", "achieved"), "value"
        else:
            _check_keys(data, {"planned_days", "actual_days", "name"}, where)
            keys, kind = ("planned_days", "actual_days"), "duration"
        for key in keys:
            if key not in data:
                raise InputError(f"{where}.{key}", "is required")
        planned = _number(data[keys[0]], f"{where}.{keys[0]}")
        actual = _number(data[keys[1]], f"{where}.{keys[1]}")
        if planned <= 0:
            raise InputError(f"{where}.{keys[0]}", "must be greater than 0")
        if actual < 0:
            raise InputError(f"{where}.{keys[1]}", "must not be negative")
        goals.append(PastGoal(planned, actual))
        kinds.add(kind)
    if len(kinds) > 1:
        raise InputError("reference_class", "mixes value goals and duration goals; use one kind")
    return tuple(goals), kinds.pop()


def _phases(value: Any, start: dt.date, deadline: dt.date) -> tuple[Phase, ...]:
    items = _list(value, "phases")
    phases: list[Phase] = []
    for i, item in enumerate(items):
        where = f"phases[{i}]"
        data = _mapping(item, where)
        _check_keys(data, {"name", "share", "end"}, where)
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"{where}.name", "must be a non-empty text")
        if "share" not in data:
            raise InputError(f"{where}.share", "is required")
        share = _probability(data["share"], f"{where}.share", allow_one=True)
        end = _date(data["end"], f"{where}.end") if "end" in data else None
        if end is not None and not start <= end <= deadline:
            raise InputError(f"{where}.end", "must lie between start and deadline")
        if end is not None and phases and phases[-1].end is not None and end <= phases[-1].end:
            raise InputError(f"{where}.end", "must come after the previous phase's end")
        phases.append(Phase(name=name, share=share, end=end))
    total = sum(p.share for p in phases)
    if abs(total - 1) > 1e-9:
        raise InputError("phases", f"shares must add up to 1, they add up to {total:g}")
    with_end = [p.end is not None for p in phases]
    if any(with_end) and not all(with_end[:-1]):
        raise InputError("phases", "give an end for every phase but the last, or for none")
    return tuple(phases)


TOP_LEVEL = {
    "target",
    "start",
    "deadline",
    "confidence",
    "calendar",
    "funnel",
    "history",
    "activity",
    "horizon",
    "reference_class",
    "phases",
    "ramp",
    "simulation",
}


def parse_plan(document: Any) -> Plan:
    """Validate a realism document (already loaded from YAML or JSON) into a :class:`Plan`."""
    data = _mapping(document, "")
    _check_keys(data, TOP_LEVEL, "")
    for key in ("target", "start", "deadline", "funnel", "history"):
        if key not in data:
            raise InputError(key, "is required")
    notes: list[str] = []
    target = _integer(data["target"], "target", minimum=1)
    start = _date(data["start"], "start")
    deadline = _date(data["deadline"], "deadline")
    if deadline < start:
        raise InputError("deadline", f"must not be before start ({start})")
    confidence = _probability(data.get("confidence", 0.8), "confidence", allow_one=False)
    calendar = _calendar(data.get("calendar"))
    if not calendar.weekdays:
        raise InputError("calendar.weekdays", "must name at least one working weekday")
    stages = tuple(_stage(s, i) for i, s in enumerate(_list(data["funnel"], "funnel")))
    names = [s.name for s in stages]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise InputError(f"funnel[{i}].name", f"repeats the stage name {name!r}")
    history = _history(data["history"], calendar, notes)
    activity = data.get("activity", "bootstrap")
    if activity not in ACTIVITY_MODELS:
        raise InputError("activity", f"must be one of {ACTIVITY_MODELS}, got {activity!r}")
    horizon = _date(data["horizon"], "horizon") if "horizon" in data else None
    if horizon is not None and horizon < deadline:
        raise InputError("horizon", "must not be before the deadline")
    reference: tuple[PastGoal, ...] = ()
    kind = "value"
    if data.get("reference_class") is not None:
        reference, kind = _reference_class(data["reference_class"])
    phases = _phases(data["phases"], start, deadline) if data.get("phases") is not None else ()
    ramp: float | str = 1.0
    if "ramp" in data:
        if data["ramp"] == "history":
            ramp = "history"
        else:
            ramp = _number(data["ramp"], "ramp")
            if ramp <= 0:
                raise InputError("ramp", "must be greater than 0 (or the word history)")
    simulation = _mapping(data.get("simulation", {}), "simulation")
    _check_keys(simulation, {"stderr", "max_trials"}, "simulation")
    target_stderr = _number(simulation.get("stderr", DEFAULT_STDERR), "simulation.stderr")
    if not 0 < target_stderr < 0.5:
        raise InputError("simulation.stderr", "must lie in (0, 0.5)")
    max_trials = _integer(
        simulation.get("max_trials", DEFAULT_MAX_TRIALS), "simulation.max_trials", minimum=1000
    )
    return Plan(
        target=target,
        start=start,
        deadline=deadline,
        confidence=confidence,
        calendar=calendar,
        stages=stages,
        history=history,
        activity=activity,
        horizon=horizon,
        reference_class=reference,
        reference_kind=kind,
        phases=phases,
        ramp=ramp,
        target_stderr=target_stderr,
        max_trials=max_trials,
        notes=tuple(notes),
    )
