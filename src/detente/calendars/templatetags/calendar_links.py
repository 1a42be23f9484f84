"""``{% your_calendar %}`` on the settings page, ``{% alliance_calendar alliance %}`` on an
alliance's Meetings page: the person's secret calendar links and the button that resets them."""

from __future__ import annotations

from typing import Any

from django import template

from detente.calendars import feeds

register = template.Library()


@register.inclusion_tag("calendars/_settings.html", takes_context=True)
def your_calendar(context: Any) -> dict[str, Any]:
    user = context["request"].user
    return {"url": feeds.person_url(user), "request": context["request"]}


@register.inclusion_tag("calendars/_alliance.html", takes_context=True)
def alliance_calendar(context: Any, alliance: Any) -> dict[str, Any]:
    request = context["request"]
    return {"url": feeds.alliance_url(request.user, alliance.pk), "request": request}
