"""Turn a loaded YAML/JSON document into a :class:`Problem`, naming the field on bad input.

Only the shape is checked here (types, names, lists); the values (weights, scores,
options that must exist) are checked by ``validate.py`` so that a ``Problem`` built
directly in Python, for example by the Django site, gets the same checks.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from detente.analysis.files import InputError

from .model import Constraint, Issue, Preferences, Problem

# A numeric range offered as steps must stay a handful of options, not a continuum.
MAX_RANGE_STEPS = 1000


def option_label(value: Any, field: str) -> str:
    """Options and score keys are strings; YAML may hand us numbers or booleans."""
    if isinstance(value, bool):
        # YAML 1.1 reads yes/no/on/off/true/false as booleans: ask for quotes, never guess.
        raise InputError(field, f"{value!r} was read as true/false; put the option in quotes")
    if isinstance(value, str):
        if not value.strip():
            raise InputError(field, "must not be empty")
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() else repr(value)
    raise InputError(field, f"must be a text or a number, not {type(value).__name__}")


def number(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(field, f"must be a number, not {_kind(value)}")
    if not math.isfinite(value):
        raise InputError(field, "must be a finite number")
    return float(value)


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


def _mapping(value: Any, field: str) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise InputError(field, f"must be a mapping, not {_kind(value)}")
    return value


def _list(value: Any, field: str) -> list[Any]:
    if not isinstance(value, list):
        raise InputError(field, f"must be a list, not {_kind(value)}")
    return value


def _range_options(spec: Any, field: str) -> tuple[str, ...]:
    spec = _mapping(spec, field)
    for key in ("from", "to", "step"):
        if key not in spec:
            raise InputError(f"{field}.{key}", "is required")
    # Fractions so that 0.1 steps land exactly on the end point.
    start, stop, step = (
        Fraction(str(number(spec[k], f"{field}.{k}"))) for k in ("from", "to", "step")
    )
    if step <= 0:
        raise InputError(f"{field}.step", "must be greater than 0")
    if stop < start:
        raise InputError(f"{field}.to", "must not be below from")
    count = int((stop - start) / step) + 1
    if count > MAX_RANGE_STEPS:
        raise InputError(field, f"gives {count} steps; at most {MAX_RANGE_STEPS} are allowed")
    values = [start + i * step for i in range(count)]
    return tuple(str(v.numerator) if v.denominator == 1 else repr(float(v)) for v in values)


def _issue(raw: Any, field: str) -> Issue:
    raw = _mapping(raw, field)
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"{field}.name", "must be a non-empty text")
    if "range" in raw and "options" in raw:
        raise InputError(field, "give either options or range, not both")
    if "range" in raw:
        options = _range_options(raw["range"], f"{field}.range")
    else:
        if "options" not in raw:
            raise InputError(f"{field}.options", "is required")
        items = _list(raw["options"], f"{field}.options")
        options = tuple(option_label(o, f"{field}.options[{i}]") for i, o in enumerate(items))
    return Issue(name=name, options=options)


def _choice(value: Any, field: str) -> tuple[str, ...]:
    """A constraint names one option or a list of options for an issue."""
    if isinstance(value, list):
        if not value:
            raise InputError(field, "must not be empty")
        return tuple(option_label(v, f"{field}[{i}]") for i, v in enumerate(value))
    return (option_label(value, field),)


def _constraint(raw: Any, field: str, issues: dict[str, Issue]) -> Constraint:
    raw = _mapping(raw, field)
    unknown = set(raw) - {"if", "then", "then_not"}
    if unknown:
        raise InputError(field, f"unknown key {sorted(map(str, unknown))[0]!r}")
    if "if" not in raw:
        raise InputError(f"{field}.if", "is required")
    if ("then" in raw) == ("then_not" in raw):
        raise InputError(field, "needs exactly one of then or then_not")
    when = {
        str(k): _choice(v, f"{field}.if.{k}") for k, v in _mapping(raw["if"], f"{field}.if").items()
    }
    key = "then" if "then" in raw else "then_not"
    consequence = {
        str(k): _choice(v, f"{field}.{key}.{k}")
        for k, v in _mapping(raw[key], f"{field}.{key}").items()
    }
    if key == "then":
        # "then: {issue: allowed}" is "then_not: {issue: every other option}".
        then_not = {}
        for name, allowed in consequence.items():
            if name not in issues:
                raise InputError(f"{field}.then.{name}", "is not an issue")
            for option in allowed:
                if option not in issues[name].options:
                    raise InputError(f"{field}.then.{name}", f"unknown option {option!r}")
            then_not[name] = tuple(o for o in issues[name].options if o not in allowed)
        consequence = then_not
    return Constraint(when=when, then_not=consequence)


def _preferences(raw: Any, field: str) -> Preferences:
    raw = _mapping(raw, field)
    for key in ("weights", "scores"):
        if key not in raw:
            raise InputError(f"{field}.{key}", "is required")
    weights = {
        str(k): number(v, f"{field}.weights.{k}")
        for k, v in _mapping(raw["weights"], f"{field}.weights").items()
    }
    scores: dict[str, dict[str, float]] = {}
    for issue, table in _mapping(raw["scores"], f"{field}.scores").items():
        where = f"{field}.scores.{issue}"
        scores[str(issue)] = {
            option_label(k, where): number(v, f"{where}.{k}")
            for k, v in _mapping(table, where).items()
        }
    walk_away = number(raw.get("walk_away", 0), f"{field}.walk_away")
    return Preferences(weights=weights, scores=scores, walk_away=walk_away)


def problem_from_document(doc: Any) -> Problem:
    """Read the public file format (see docs/engines/negotiation.md)."""
    doc = _mapping(doc, "file")
    if "parties" not in doc:
        raise InputError("parties", "is required")
    parties_raw = _list(doc["parties"], "parties")
    parties = tuple(option_label(p, f"parties[{i}]") for i, p in enumerate(parties_raw))
    if "issues" not in doc:
        raise InputError("issues", "is required")
    issues = tuple(
        _issue(raw, f"issues[{i}]") for i, raw in enumerate(_list(doc["issues"], "issues"))
    )
    by_name = {issue.name: issue for issue in issues}
    if "preferences" not in doc:
        raise InputError("preferences", "is required")
    prefs_raw = _mapping(doc["preferences"], "preferences")
    preferences = {
        str(party): _preferences(raw, f"preferences.{party}") for party, raw in prefs_raw.items()
    }
    constraints = tuple(
        _constraint(raw, f"constraints[{i}]", by_name)
        for i, raw in enumerate(_list(doc.get("constraints") or [], "constraints"))
    )
    tentative = None
    if doc.get("tentative") is not None:
        tentative = {
            str(k): option_label(v, f"tentative.{k}")
            for k, v in _mapping(doc["tentative"], "tentative").items()
        }
    return Problem(
        parties=parties,
        issues=issues,
        preferences=preferences,
        constraints=constraints,
        tentative=tentative,
    )
