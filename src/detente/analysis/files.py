"""Reading engine input files (YAML, JSON) with errors that name the problem."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

# libyaml's parser when PyYAML was built with it (5-7x faster on a large negotiation file),
# else the pure-Python one; both build the same safe types and report the same line.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _dates_as_text(base: type) -> type:
    """PyYAML's safe loader ``base``, except that an impossible date (2027-13-04,
    2027-02-30) stays the string it was written as, so the engine's own check names the
    field; PyYAML would raise a bare ValueError from deep inside the parse."""

    class Loader(base):
        def construct_yaml_timestamp(self, node: yaml.Node) -> Any:
            try:
                return super().construct_yaml_timestamp(node)
            except ValueError:
                return self.construct_scalar(node)

    Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_timestamp)
    return Loader


_Loader = _dates_as_text(_SafeLoader)


class InputError(ValueError):
    """Bad engine input. The message names the field (as a dotted path) and the problem."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}" if field else problem)


def load_document(path: str | Path) -> Any:
    """Load a YAML or JSON file (chosen by suffix; YAML is a superset, so it is the fallback)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("", f"file not found: {path}") from None
    except UnicodeDecodeError:
        raise InputError("", f"{path} is not UTF-8 text") from None
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (a safe loader)
    except json.JSONDecodeError as exc:
        raise InputError("", f"{path} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise InputError("", f"{path} is not valid YAML{where}") from None
