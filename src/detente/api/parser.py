"""The JSON parser of the API: text that cannot be stored is refused before any route runs,
and so is a whole number wider than a database column (64 bits).

JSON may spell a lone UTF-16 surrogate (``"x\\ud800"``); Python decodes it into a ``str``
that no database can store (UTF-8 cannot encode it), and PostgreSQL refuses the NUL
character in text. Left to the route, either is a 500 at save time. The parser walks the
decoded body and names every such field; ``errors.install`` answers 422 with those names.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser


class UnencodableText(ValueError):
    def __init__(self, fields: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in fields))
        self.fields = fields  # (dotted field path, message)


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored, or None."""
    if "\x00" in text:
        return "contains a NUL character (\\u0000), which cannot be stored."
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return (
            "contains an unpaired UTF-16 surrogate (e.g. \\ud800 without its partner), "
            "which is not text; send valid Unicode."
        )
    return None


# The widest integer a database column holds (a signed 64-bit "bigint"). A larger one in an
# id list reached the database and failed there (OverflowError on SQLite, a 500).
INT_MIN, INT_MAX = -(2**63), 2**63 - 1


def unencodable_fields(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    """(dotted path, message) for every string in a decoded JSON value, keys included,
    and every integer, that cannot be stored."""
    if isinstance(value, int) and not isinstance(value, bool):
        if not INT_MIN <= value <= INT_MAX:
            yield (
                ".".join(path),
                f"is out of range: give a whole number from {INT_MIN} to {INT_MAX}.",
            )
    elif isinstance(value, str):
        problem = text_problem(value)
        if problem:
            yield ".".join(path), problem
    elif isinstance(value, dict):
        for key, item in value.items():
            key_problem = text_problem(key)
            name = key if key_problem is None else key.encode("utf-8", "replace").decode()
            if key_problem:
                yield ".".join((*path, name)), "the field's name " + key_problem
            yield from unencodable_fields(item, (*path, name))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from unencodable_fields(item, (*path, str(i)))


class StrictJSONParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        problems = list(unencodable_fields(data))
        if problems:
            # ninja wraps any parser error in HttpError(400) "from" it; the handler in
            # errors.install turns this cause into a 422 naming the fields.
            raise UnencodableText(problems)
        return data
