"""Helpers of the health-check tests: start a cycle, invite, answer through the link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from detente.health import services
from detente.health.forms import CycleForm
from detente.health.models import Cycle, Measure, SurveyInvitation
from detente.records.visibility import get_alliance_access


def new_cycle(cast: Any, period: str, *, opens: date | None = None, closes: date | None = None,
              who: str = "alice") -> Cycle:  # fmt: skip
    """A health check started by ``who`` through the same form and service as the page."""
    today = timezone.localdate()
    access = get_alliance_access(getattr(cast, who), cast.alliance.pk, manage=True)
    form = CycleForm(
        data={
            "period": period,
            "opens_on": (opens or today - timedelta(days=3)).isoformat(),
            "closes_on": (closes or today + timedelta(days=10)).isoformat(),
            "notes": "",
        },
        access=access,
        plan=services.plan_for(cast.alliance),
    )
    assert form.is_valid(), form.errors
    return services.create_cycle(access, form)


def invite(cast: Any, cycle: Cycle, side: str, emails: list[str]) -> list[SurveyInvitation]:
    who = "alice" if side == "a" else "bob"
    access = get_alliance_access(getattr(cast, who), cast.alliance.pk, manage=True)
    target = cast.side_a if side == "a" else cast.side_b
    return services.invite(access, cycle, target, [("", e) for e in emails])


def link(invitation: SurveyInvitation) -> str:
    return f"/health/survey/{services.make_token(invitation)}/"


def survey_data(invitation: SurveyInvitation, values: dict[str, Any], comment: str = "") -> dict:
    """Form data answering every measure asked of the invitation's side."""
    data = {}
    for m in services.measures_for_side(invitation.alliance, invitation.owner_side_id):
        default = 4 if m.scale == Measure.Scale.SCORE else 90
        data[f"m_{m.key}"] = values.get(m.key, default)
        data[f"c_{m.key}"] = comment
    return data


def answer(invitation: SurveyInvitation, values: dict[str, Any], comment: str = "") -> Any:
    return Client().post(link(invitation), survey_data(invitation, values, comment))


@dataclass
class Quarter:
    period: str
    a: dict[str, list[float]]  # measure -> side A's answers
    b: dict[str, list[float]]


def run_quarters(cast: Any, quarters: list[Quarter], today: date) -> list[Cycle]:
    """Each quarter: a cycle that is open on ``today``, every answer given through the
    survey link, then closed. Returns the cycles."""
    cycles = []
    for q in quarters:
        cycle = new_cycle(cast, q.period, opens=today - timedelta(days=1), closes=today)
        for side, table in (("a", q.a), ("b", q.b)):
            n = len(next(iter(table.values())))
            invitations = invite(
                cast, cycle, side, [f"p{i}-{side}-{q.period}@example.com" for i in range(n)]
            )
            for i, invitation in enumerate(invitations):
                response = answer(invitation, {k: v[i] for k, v in table.items()})
                assert response.status_code == 200, response.content[:500]
        access = get_alliance_access(cast.alice, cast.alliance.pk, manage=True)
        services.close_cycle(access, cycle)
        cycles.append(cycle)
    return cycles


def quarters_before(count: int) -> list[str]:
    """The ``count`` quarter labels before today's, so that the tests mean the same any day."""
    today = timezone.localdate()
    now = today.year * 4 + (today.month - 1) // 3
    return [f"{o // 4}Q{o % 4 + 1}" for o in range(now - count, now)]


def seed_quarters() -> list[Quarter]:
    """Seed 001's scorecard over the three quarters before this one, five people a side,
    side means = the seed's figures."""
    labels = quarters_before(3)
    return [
        Quarter(
            labels[0],
            {"alignment": [5, 5, 4, 5, 4], "adherence": [95] * 5, "roi": [12] * 5,
             "satisfaction": [4, 4, 4, 5, 4]},
            {"alignment": [5, 4, 4, 5, 4], "adherence": [93, 97, 95, 95, 95],
             "roi": [12] * 5, "satisfaction": [4, 5, 4, 4, 4]},
        ),
        Quarter(
            labels[1],
            {"alignment": [4, 4, 4, 4, 4], "adherence": [90] * 5, "roi": [10] * 5,
             "satisfaction": [4, 4, 4, 3, 4]},
            {"alignment": [3, 5, 4, 4, 4], "adherence": [88, 92, 90, 90, 90],
             "roi": [10] * 5, "satisfaction": [4, 4, 3, 4, 4]},
        ),
        Quarter(
            labels[2],
            {"alignment": [3, 3, 3, 2, 3], "adherence": [80] * 5, "roi": [7] * 5,
             "satisfaction": [3, 3, 3, 3, 3]},
            {"alignment": [4, 4, 3, 4, 3], "adherence": [78, 82, 80, 80, 80],
             "roi": [7] * 5, "satisfaction": [3, 3, 3, 3, 3]},
        ),
    ]  # fmt: skip
