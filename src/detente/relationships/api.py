"""JSON twin of the relationship-health page, and setting a pair's cadence."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from detente.records.api import FormInvalid
from detente.records.visibility import get_alliance_access
from detente.relationships import present, services
from detente.relationships.forms import CadenceForm

router = Router(tags=["relationships"])

R = "/alliances/{alliance_id}/relationships"


class CounterpartOut(Schema):
    id: int
    name: str
    title: str
    side: str


class StanceStepOut(Schema):
    since: dt.date
    stance: str
    label: str


class PairStancesOut(Schema):
    stakeholder: list[StanceStepOut]
    counterpart: list[StanceStepOut]


class CounterpartPairOut(Schema):
    key: str
    stakeholder: CounterpartOut
    counterpart: CounterpartOut
    private: bool
    cadence_days: int
    cadence_set: bool
    cadence_kept_by: str
    interactions: int
    last_contact: dt.date | None
    next_due: dt.date | None
    overdue_days: int
    response_hours: list[float]
    median_response_hours: float | None
    stance: PairStancesOut
    may_set: bool


class RelationshipHealthOut(Schema):
    today: dt.date
    default_cadence_days: int
    pairs: list[CounterpartPairOut]


class ContactCadenceIn(Schema):
    days: int = Field(..., description="A check-in at least every this many days (1 to 365).")


@router.get(
    R, response=RelationshipHealthOut, summary="Relationship health of each counterpart pair"
)
def relationship_health(request: HttpRequest, alliance_id: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return present.health(access)


@router.put(
    R + "/{stakeholder_id}/{counterpart_id}/cadence",
    response=CounterpartPairOut,
    summary="Set how often a pair should check in",
)
def set_relationship_cadence(
    request: HttpRequest,
    alliance_id: int,
    stakeholder_id: int,
    counterpart_id: int,
    payload: ContactCadenceIn,
) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    pair = services.pair(access, stakeholder_id, counterpart_id)
    form = CadenceForm(data=payload.dict())
    if not form.is_valid():
        raise FormInvalid(form)
    services.set_cadence(access, pair, form.cleaned_data["days"])
    return next(r for r in present.health(access)["pairs"] if r["key"] == pair.key)
