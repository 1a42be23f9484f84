"""Small filters for the health pages."""

from __future__ import annotations

from typing import Any

from django import template

from detente.health.next_actions import next_actions

register = template.Library()


@register.simple_tag
def alert_actions(alert: Any) -> list[Any]:
    """The buttons of an alert's next step (health.next_actions)."""
    return next_actions(alert)


@register.filter
def get(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def chance(p: float | None) -> str:
    """A p-value in words a manager reads: 'about 1 in 1,600'."""
    if p is None:
        return ""
    if p <= 0:
        return "practically nil"
    if p >= 0.5:
        return f"{p:.0%}"
    if p < 1e-6:
        return "less than 1 in a million"
    return f"about 1 in {round(1 / p):,}"


@register.filter
def num(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    text = f"{value:.1f}" if unit == "%" else f"{value:.2f}"
    return text + unit
