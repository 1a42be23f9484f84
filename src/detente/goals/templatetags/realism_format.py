"""Numbers as the realism pages write them."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def pct(value: Any, digits: int = 1) -> str:
    """0.2351 -> '23.5%'; tiny but non-zero values are not rounded to a false 0."""
    if value is None:
        return "—"
    percent = float(value) * 100
    if 0 < percent < 10**-digits:
        return f"<{10**-digits:.{digits}f}%"
    return f"{percent:.{digits}f}%"


@register.filter
def points(value: Any) -> str:
    """A standard error in percentage points: 0.0031 -> '0.31'."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.2f}"


@register.filter
def num(value: Any, digits: int = 1) -> str:
    """1234.5 -> '1,234.5'; whole numbers without decimals."""
    if value is None:
        return "—"
    value = float(value)
    if value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.{digits}f}"
