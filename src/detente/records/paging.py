"""Pages of long lists: the lists that grow with the number of alliances a person sees.

Pages use Django's ``Paginator`` with ``?page=N`` (``page_of``; the template
``_pagination.html`` draws the links and keeps the other query parameters). API lists take
``limit`` and ``offset`` and answer with the total and the next and previous links
(``api_page``).

Page size: 50 by default. One alliance's card on the portfolio is about 0.9 KB of HTML
and a row of the health portfolio about 0.45 KB, so 50 keep a page near 50 KB and its
rendering near a single overview's; a manager scanning by risk sees the worst 50 first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, NoReturn

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from ninja import Field, Query, Schema
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import create_model

PAGE_SIZE = 50
API_LIMIT = 50  # the API's default ``limit``
MAX_LIMIT = 500
MAX_OFFSET = 1_000_000_000  # far past any list; keeps OFFSET + LIMIT inside SQL's integers


def page_of(
    request: HttpRequest,
    items: Sequence[Any] | Any,
    size: int = 0,
    count: int | None = None,
) -> Page:
    """The page ``?page=N`` of ``items`` (a queryset is sliced in SQL); a page number that
    is not a number or past the end gives the nearest page, never an error. ``count``: the
    number of items when the caller has it already (saves the COUNT query)."""
    paginator = Paginator(items, size or PAGE_SIZE)
    if count is not None:
        paginator.count = count  # a cached property: set, it is not computed
    return paginator.get_page(request.GET.get("page"))


class PageOut(Schema):
    """The frame of a paginated API list: ``items`` holds the records."""

    count: int
    next: str | None
    previous: str | None


# The default of a filter naming a side of the alliance (``side``, ``owed_by``): an id that
# is not one of the alliance's sides is a 422, which the schema marks ``x-detente-record``
# (``detente.api.openapi.RECORD_PARAMETERS``).
SIDE: Any = Query(None, description="The id of one of the alliance's sides.")


class Paging(Schema):
    """The two query parameters of every API list (``paging: Query[Paging]``)."""

    limit: int = Field(
        API_LIMIT, ge=1, le=MAX_LIMIT, description=f"How many records, 1 to {MAX_LIMIT}."
    )
    offset: int = Field(
        0, ge=0, le=MAX_OFFSET, description=f"How many records to skip, 0 to {MAX_OFFSET}."
    )


def page_out(item: Any, name: str) -> type[PageOut]:
    """The response schema of a paginated list of ``item``: ``PageOut`` with ``items``."""
    model: type[PageOut] = create_model(name, __base__=PageOut, items=(list[item], ...))
    return model


def refuse(parameter: str, message: str) -> NoReturn:
    """A 422 naming the query parameter, in the API's usual error shape."""
    raise NinjaValidationError([{"loc": ["query", parameter], "msg": message}])


def one_of(parameter: str, value: Any, choices: Iterable[Any]) -> Any:
    """``value`` if it is one of ``choices`` (or empty: no filter), else a 422 naming the
    parameter and the values it takes."""
    if value in (None, ""):
        return None
    allowed = [str(c) for c in choices]
    if str(value) not in allowed:
        refuse(parameter, f"Give one of: {', '.join(allowed)}.")
    return value


def api_list(
    request: HttpRequest,
    items: Any,
    paging: Paging,
    out: Callable[[Any], Any] | None = None,
) -> dict[str, Any]:
    """``api_page`` with the ``Paging`` parameters; ``out`` turns each record of the page
    (and only those) into its answer."""
    page = api_page(request, items, paging.limit, paging.offset)
    if out is not None:
        page["items"] = [out(item) for item in page["items"]]
    return page


def api_page(request: HttpRequest, items: Any, limit: int, offset: int) -> dict[str, Any]:
    """``limit`` records from ``offset`` (a queryset is sliced in SQL and counted with one
    COUNT), with the total and the links to the neighbouring pages. ``items`` must already
    be what the caller may see (through the visibility rule), in an order that ends on a
    unique key, so that pages neither repeat nor skip a record."""
    try:
        count = items.count()
    except TypeError:  # a list
        count = len(items)
    chosen = items[offset : offset + limit]

    def link(at: int) -> str:
        query = request.GET.copy()
        query["limit"], query["offset"] = str(limit), str(at)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": count,
        "next": link(offset + limit) if offset + limit < count else None,
        "previous": link(max(offset - limit, 0)) if offset > 0 else None,
        "items": chosen,
    }


def mine_or_joint(
    rows: list[dict[str, Any]], sides: Iterable[Any], side: int | None, visibility: str | None
) -> list[dict[str, Any]]:
    """The rows (answers with ``side_id`` and ``visibility``) kept by the two filters every
    record list takes: the side that keeps the record, and joint or private."""
    one_of("side", side, [s.pk for s in sides])
    one_of("visibility", visibility, ["joint", "private"])
    return [
        r
        for r in rows
        if (side is None or r["side_id"] == side)
        and (not visibility or r["visibility"] == visibility)
    ]
