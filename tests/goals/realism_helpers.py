"""Helpers of the realism tests: a valid check form."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone


def check_form(cast: Any, side: Any, **changes: Any) -> dict[str, Any]:
    """A valid check form: 3 stages, history from the KPI's measurements kept by ``side``."""
    today = timezone.localdate()
    data = {
        "owner_side": side.pk,
        "visibility": "joint",
        "notes": "",
        "target": 40,
        "start": today.isoformat(),
        "deadline": (today + timedelta(days=45)).isoformat(),
        "confidence": 80,
        "weekdays": ["mon", "tue", "wed", "thu", "fri"],
        "holidays": "",
        "funnel": "leads\nmeetings 30/90\nunits 1/2 lag 7",
        "history_from": "measurements",
        "measurements_side": side.pk,
        "measured_stage": "first",
        "daily_history": "",
        "activity": "",
        "phases": "",
        "ramp": "",
        "seed": 3,
    }
    data.update(changes)
    return data
