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

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from ninja import Schema

PAGE_SIZE = 50
API_LIMIT = 50  # the API's default ``limit``
MAX_LIMIT = 500


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


def api_page(request: HttpRequest, items: Any, limit: int, offset: int) -> dict[str, Any]:
    """``limit`` records from ``offset`` (a queryset is sliced in SQL and counted with one
    COUNT), with the total and the links to the neighbouring pages."""
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
