"""One demo story file: its sides and people, its dates relative to today, and clear errors.

A story names its two sides ``a`` and ``b`` (side A is the organisation of the person who
creates the alliance) and each side's person, who writes that side's records. Dates are
written relative to today, so the demo always looks current:

* ``today``, ``30 days ago``, ``in 90 days``;
* an anchor, optionally moved: ``this year's end``, ``last quarter's end + 90 days``
  (the anchors are listed in ``ANCHORS``);
* a moment adds a time of day: ``50 days ago at 9:00``. Without one, a moment is that many
  days before (or after) the present moment.

Every error raised while a story is read or built names the file and the field, e.g.
``10_network_ai.yaml: stakeholders[2].stance: Value 'fan' is not a valid choice.``
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone

from detente import audit
from detente.accounts.models import Organisation, User
from detente.alliances.models import HistoryEntry, Interaction, Signal, Stakeholder
from detente.commitments.models import Commitment
from detente.objectives import periods
from detente.objectives.models import KPI, Objective
from detente.records.models import Alliance, Side

DEMO_PASSWORD = "detente-demo"

# How a story names a record it links to: by the start of this field.
NAMED_BY: dict[type[models.Model], str] = {
    Stakeholder: "name",
    HistoryEntry: "title",
    Interaction: "subject",
    Signal: "title",
    Commitment: "title",
    Objective: "title",
    KPI: "name",
}


class StoryError(ValueError):
    """A story file that cannot be built; the message names the file and the field."""


def _last_q2_end() -> date:
    today = timezone.localdate()
    return periods.quarter(today.year if today.month > 6 else today.year - 1, 2).end


ANCHORS: dict[str, Callable[[], date]] = {
    "today": timezone.localdate,
    "this quarter's start": lambda: periods.quarter_of(timezone.localdate()).start,
    "last quarter's end": lambda: (
        periods.quarter_of(timezone.localdate()).start - timedelta(days=1)
    ),
    "this year's end": lambda: timezone.localdate().replace(month=12, day=31),
    "last Q2's end": _last_q2_end,
}
_AGO = re.compile(r"(\d+) days? ago")
_IN = re.compile(r"in (\d+) days?")
_MOVED = re.compile(r"(.+?) ([+-]) (\d+) days?")
_AT = re.compile(r"(.+) at (\d{1,2}):(\d\d)")


def day(text: Any) -> date:
    """The date that ``text`` (``30 days ago``, ``this year's end + 10 days``, …) names."""
    if isinstance(text, date):
        return text
    text = str(text).strip()
    if m := _AGO.fullmatch(text):
        return timezone.localdate() - timedelta(days=int(m[1]))
    if m := _IN.fullmatch(text):
        return timezone.localdate() + timedelta(days=int(m[1]))
    if m := _MOVED.fullmatch(text):
        shift = timedelta(days=int(m[3]))
        return day(m[1]) + (shift if m[2] == "+" else -shift)
    if text in ANCHORS:
        return ANCHORS[text]()
    raise ValueError(
        f"{text!r} is not a date: write 'today', 'N days ago', 'in N days' or one of "
        f"{', '.join(ANCHORS)} (optionally '+ N days' or '- N days')"
    )


def moment(text: Any) -> datetime:
    """The moment that ``text`` names: ``50 days ago at 9:00``, or ``12 days ago`` (now - 12 days)."""
    if isinstance(text, datetime):
        return text
    if m := _AT.fullmatch(str(text).strip()):
        return timezone.make_aware(datetime.combine(day(m[1]), time(int(m[2]), int(m[3]))))
    return timezone.now() + (day(text) - timezone.localdate())


def at_hour(when: date, hour: int = 10) -> datetime:
    """Dated records (a status change, a meeting) happen at 10:00 on their day."""
    return timezone.make_aware(datetime.combine(when, time(hour)))


def periods_before_today(kind: str, count: int) -> list[periods.Period]:
    """The ``count`` complete quarters (or months) before the current one, oldest first."""
    out = []
    period = periods.of(timezone.localdate(), kind)
    for _ in range(count):
        period = periods.of(period.start - timedelta(days=1), kind)
        out.append(period)
    return out[::-1]


def periods_from(first_day: date, kind: str, count: int) -> list[periods.Period]:
    """``count`` quarters (or months) in a row, from the one holding ``first_day``."""
    out = [periods.of(first_day, kind)]
    while len(out) < count:
        out.append(periods.following(out[-1]))
    return out


@dataclass
class Story:
    """A story file being built: what it says, and the records made from it so far."""

    path: Path
    data: dict[str, Any]
    people: dict[str, User]  # handle (``maya``) -> user, from workspace.yaml
    homes: dict[str, Organisation]  # handle -> the person's organisation
    made: Alliance | None = None  # set by the ``alliance`` section, which comes first
    sides: dict[str, Side] = field(default_factory=dict)
    _where: list[str] = field(default_factory=list)

    @property
    def alliance(self) -> Alliance:
        """The story's alliance; every section after ``alliance`` needs it made."""
        if self.made is None:
            raise self.error("the alliance is not made yet (the story needs an `alliance` section)")
        return self.made

    # -- errors ---------------------------------------------------------------------------

    @contextmanager
    def at(self, *path: str | int) -> Iterator[None]:
        """Errors raised inside name this place of the file (``history[2].date``)."""
        for step in path:
            self._where.append(f"[{step}]" if isinstance(step, int) else f".{step}")
        try:
            yield
        except StoryError:
            raise
        except ValidationError as exc:
            raise self.error(_validation_text(exc)) from exc
        except KeyError as exc:
            raise self.error(f"missing field {exc.args[0]!r}") from exc
        except (ValueError, TypeError, LookupError, ObjectDoesNotExist) as exc:
            raise self.error(str(exc)) from exc
        finally:
            del self._where[len(self._where) - len(path) :]

    def error(self, message: str) -> StoryError:
        where = "".join(self._where).lstrip(".")
        return StoryError(f"{self.path.name}: {where or 'story'}: {message}")

    def each(self, key: str, build: Callable[[Any], Any], items: Any = None) -> list[Any]:
        """``build`` each item of list ``key`` (or of ``items``, found under ``key``), so that
        an error names the item's place."""
        items = self.data.get(key, []) if items is None else items
        if not isinstance(items, list):
            raise self.error(f"{key} must be a list")
        out = []
        for index, item in enumerate(items):
            with self.at(key, index):
                out.append(build(item))
        return out

    # -- who and where --------------------------------------------------------------------

    def side(self, letter: str) -> Side:
        if letter not in self.sides:
            raise ValueError(f"side must be 'a' or 'b', not {letter!r}")
        return self.sides[letter]

    def person(self, handle: str) -> User:
        if handle not in self.people:
            raise ValueError(f"no person {handle!r} in workspace.yaml")
        return self.people[handle]

    def writer(self, letter: str) -> User:
        """The person who writes side ``letter``'s records (``sides`` at the top of the file)."""
        return self.person(self.data["sides"][letter])

    def find(self, model: type[models.Model], prefix: str) -> Any:
        """The record of this alliance whose title (or name, or subject) starts with
        ``prefix``: the first in the model's own order when several do."""
        if model not in NAMED_BY:
            raise ValueError(f"a story cannot name a {model._meta.verbose_name}")
        field = NAMED_BY[model]
        lookup: dict[str, Any] = {f"{field}__startswith": str(prefix)}
        if model is KPI:
            lookup["objective__alliance"] = self.alliance
        else:
            lookup["alliance"] = self.alliance
        found = model._default_manager.filter(**lookup).first()
        if found is None:
            raise ValueError(f"no {model._meta.verbose_name} whose {field} starts with {prefix!r}")
        return found

    # -- records --------------------------------------------------------------------------

    def values(self, model: type[models.Model], item: dict[str, Any]) -> dict[str, Any]:
        """The fields of ``item`` as ``model`` takes them: dates from relative dates,
        decimals from numbers, sides from ``a``/``b``, people and stakeholders from names."""
        out = {}
        for key, raw in item.items():
            with self.at(key):
                out[key] = self._value(_field(model, key), raw)
        return out

    def _value(self, f: Any, raw: Any) -> Any:
        if raw is None:
            return None
        if isinstance(f, models.ManyToManyField):
            return [self.find(_related(f), name) for name in raw]
        if isinstance(f, models.ForeignKey):
            related = _related(f)
            if related is Side:
                return self.side(raw)
            if related is User:
                return self.person(raw)
            return self.find(related, raw)
        if isinstance(f, models.DecimalField):
            return Decimal(str(raw))
        if isinstance(f, models.DateTimeField):
            return moment(raw)
        if isinstance(f, models.DateField):
            return day(raw)
        return raw

    def create(
        self, model: type[models.Model], item: Any, by: str | None = None, **fixed: Any
    ) -> Any:
        """Create a record of this alliance from ``item``, whose ``side`` keeps it; that
        side's person writes it (or side ``by``'s person)."""
        if not isinstance(item, dict):
            raise ValueError(f"expected the fields of a {model._meta.verbose_name}, not {item!r}")
        item = dict(item)
        letter = item.pop("side", None)
        with self.at("side"):
            owner = self.side(letter)
        actor = self.writer(by or letter)
        values = {"alliance": self.alliance, "owner_side": owner, "created_by": actor, **fixed}
        values.update(self.values(model, item))
        return self.save(actor, model, values)

    def save(self, actor: User | None, model: type[models.Model], values: dict[str, Any]) -> Any:
        """Check the record field by field as its form would, save it and audit it as the
        app's save service does (many-to-many links first, so the audit entry has them)."""
        values = dict(values)
        many = {k: values.pop(k) for k in list(values) if _is_many(model, k)}
        record = model(**values)
        record.full_clean(validate_unique=False, validate_constraints=False)
        record.save()
        for name, related in many.items():
            getattr(record, name).set(related)
        audit.log(actor, "create", record, after=audit.snapshot(record), alliance=self.alliance)
        return record


def _field(model: type[models.Model], name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        raise ValueError(f"{model._meta.verbose_name} has no field {name!r}") from None


def _related(
    f: models.ForeignKey[Any, Any] | models.ManyToManyField[Any, Any],
) -> type[models.Model]:
    """The model ``f`` points to (a string such as ``"self"`` is resolved once apps load)."""
    related = f.related_model
    if isinstance(related, str):
        raise TypeError(f"{f.name} points to an unresolved model {related!r}")
    return related


def _is_many(model: type[models.Model], name: str) -> bool:
    return isinstance(_field(model, name), models.ManyToManyField)


def _validation_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)
