"""JSON API of the negotiation section: the data twins of its pages.

Each route starts with the access helper (the facilitator's with ``facilitator_access``,
the one narrow path by which a neutral facilitator reaches a round); writes are validated by the same forms as the pages. A side's
answers carry its own utilities only.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from detente.negotiation import present, proposals, services
from detente.negotiation.forms import (
    AcceptForm,
    GrantForm,
    PreferencesForm,
    RoundForm,
    TentativeForm,
    constraints_from_json,
)
from detente.negotiation.models import NegotiationRound
from detente.records.api import FormInvalid
from detente.records.paging import Paging, api_list, one_of, page_out
from detente.records.visibility import get_alliance_access

router = Router(tags=["negotiation"])

P = "/alliances/{alliance_id}/negotiation/rounds"
Json = dict[str, Any]


class RoundIn(Schema):
    title: str
    purpose: str = ""
    issues: dict[str, list[str]] = Field(..., description="{issue key: [options]} in order.")
    constraints: list[Any] = Field(
        default_factory=list,
        description='Between issues: [{"if": {issue: option}, "then_not": {issue: [options]}}] '
        '(or "then": the options allowed), as in the engine\'s file format.',
    )


class PreferencesIn(Schema):
    weights: dict[str, Any] = Field(default_factory=dict, description="{issue: weight ≥ 0}")
    scores: dict[str, Any] = Field(default_factory=dict, description="{issue: {option: 0..1}}")
    walk_away: Any = None


class TentativeIn(Schema):
    tentative: dict[str, Any] = Field(..., description="The package the sides lean toward.")


class AcceptIn(Schema):
    package: dict[str, str]


class GrantIn(Schema):
    email: str | None = Field(
        None, description="The facilitator's email: anyone with a detente account."
    )
    user_id: int | None = Field(None, description="Or the id of someone in the alliance.")


_round_out = present.round_data


def _refused(exc: services.Refused) -> tuple[int, Json]:
    return 409, {"detail": str(exc)}


@router.get(
    P,
    response=page_out(Json, "RoundPageOut"),
    summary="Negotiation rounds, a page at a time",
    description="Newest first (time, then id). Filters: `status`.",
)
def list_rounds(
    request: HttpRequest,
    alliance_id: int,
    paging: Query[Paging],
    status: str | None = None,
) -> Json:
    access = get_alliance_access(request.user, alliance_id)
    one_of("status", status, NegotiationRound.Status.values)
    shown = present.rounds(access)
    rounds = [r for r in shown.rounds if not status or r.status == status]
    return api_list(request, rounds, paging, lambda r: present.round_data(access, r))


@router.post(P, response={201: Json, 409: Json, 422: Json}, summary="Open a round")
def create_round(request: HttpRequest, alliance_id: int, payload: RoundIn) -> tuple[int, Json]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    issues = "\n".join(f"{name}: {', '.join(opts)}" for name, opts in payload.issues.items())
    try:
        constraints = constraints_from_json(payload.constraints)
    except ValueError as exc:
        field, _, message = str(exc).partition(": ")
        return 422, {"errors": [{"field": field, "message": message}]}
    form = RoundForm(
        data={
            "title": payload.title,
            "purpose": payload.purpose,
            "issues": issues,
            "constraints": constraints,
            "owner_side": access.default_side.pk,
        },
        access=access,
    )
    if not form.is_valid():
        raise FormInvalid(form)
    rnd = services.save_round(access, form)
    return 201, _round_out(access, rnd)


@router.get(P + "/{pk}", response=Json, summary="One round: issues, acceptances, grants")
def get_round(request: HttpRequest, alliance_id: int, pk: int) -> Json:
    access = get_alliance_access(request.user, alliance_id)
    return present.round(access, pk).data


@router.get(P + "/{pk}/preferences", response=Json, summary="My side's preferences")
def get_preferences(request: HttpRequest, alliance_id: int, pk: int) -> Json:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return present.preferences(access, pk).data


@router.put(
    P + "/{pk}/preferences",
    response={200: Json, 409: Json, 422: Json},
    summary="Set my side's preferences",
)
def put_preferences(
    request: HttpRequest, alliance_id: int, pk: int, payload: PreferencesIn
) -> tuple[int, Json]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    rnd = access.get_record(NegotiationRound, pk)
    services.writable_side(access)
    issues = list(rnd.issues.all())
    data, errors = PreferencesForm.data_from_json(payload.dict(), issues)
    form = PreferencesForm(data=data, issues=issues)
    valid = form.is_valid()
    if errors or not valid:
        errors += [
            {"field": form.api_field(f), "message": str(m)}
            for f, ms in form.errors.items()
            for m in ms
        ]
        return 422, {"errors": errors}
    try:
        prefs = services.save_preferences(access, rnd, form)
    except services.Refused as exc:
        return _refused(exc)
    return 200, {"side_id": prefs.owner_side_id, "entered": True}


@router.get(P + "/{pk}/proposals", response=Json, summary="Proposals with my side's utility")
def get_proposals(request: HttpRequest, alliance_id: int, pk: int) -> Json:
    access = get_alliance_access(request.user, alliance_id)
    return present.round(access, pk).proposals_data


@router.post(
    P + "/{pk}/accept", response={200: Json, 409: Json}, summary="Accept a proposed package"
)
def accept(request: HttpRequest, alliance_id: int, pk: int, payload: AcceptIn) -> tuple[int, Json]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    rnd = access.get_record(NegotiationRound, pk)
    form = AcceptForm(data={"package": json.dumps(payload.package)})
    if not form.is_valid():
        raise FormInvalid(form)
    try:
        services.accept(access, rnd, form.cleaned_data["package"])
    except services.Refused as exc:
        return _refused(exc)
    rnd.refresh_from_db()
    return 200, _round_out(access, rnd)


@router.post(
    P + "/{pk}/facilitators", response={201: Json}, summary="Name the facilitator for my side"
)
def grant_facilitator(
    request: HttpRequest, alliance_id: int, pk: int, payload: GrantIn
) -> tuple[int, Json]:
    access = get_alliance_access(request.user, alliance_id, manage=True)
    rnd = access.get_record(NegotiationRound, pk)
    form = GrantForm(
        data={"email": payload.email or "", "user": payload.user_id or ""}, access=access
    )
    if not form.is_valid():
        raise FormInvalid(form, {"user": "user_id"})
    record = services.grant(access, rnd, form.cleaned_data["user"])
    return 201, {"id": record.pk, "side_id": record.owner_side_id, "user_id": record.user_id}


def _tentative(rnd: NegotiationRound, payload: TentativeIn) -> dict[str, str] | Json:
    """The checked tentative package, or the 422 answer naming the bad field."""
    issues = list(rnd.issues.all())
    data, errors = TentativeForm.data_from_json(payload.tentative, issues)
    form = TentativeForm(data=data, rnd=rnd, issues=issues)
    if errors or not form.is_valid():
        errors += [
            {
                "field": f.replace("tentative__", "tentative.") if f != "__all__" else "tentative",
                "message": str(m),
            }
            for f, ms in form.errors.items()
            for m in ms
        ]
        return {"errors": errors}
    return form.package()


@router.post(
    P + "/{pk}/improvements",
    response={200: Json, 422: Json},
    summary="Improve on a tentative deal (my side's utility)",
)
def improvements(
    request: HttpRequest, alliance_id: int, pk: int, payload: TentativeIn
) -> tuple[int, Json]:
    access = get_alliance_access(request.user, alliance_id)
    rnd = access.get_record(NegotiationRound, pk)
    side = access.default_side
    package = _tentative(rnd, payload)
    if "errors" in package:
        return 422, package
    rr = proposals.solve_round(rnd, access.sides, package)
    view = proposals.side_view(rr, side)
    return 200, {
        "side_id": side.pk,
        "ready": view["ready"],
        "waiting_for": view["waiting_for"],
        **(proposals.side_improvements(rr, side) or {}),
    }


@router.delete(
    P + "/{pk}/facilitators/{grant_id}",
    response={204: None},
    summary="Revoke my side's facilitator grant",
)
def revoke_facilitator(
    request: HttpRequest, alliance_id: int, pk: int, grant_id: int
) -> tuple[int, None]:
    access = get_alliance_access(request.user, alliance_id, manage=True)
    rnd = access.get_record(NegotiationRound, pk)
    services.revoke(access, rnd, grant_id)
    return 204, None


@router.get(
    P + "/{pk}/facilitator", response=Json, summary="Both utilities and the frontier (facilitator)"
)
def facilitator(request: HttpRequest, alliance_id: int, pk: int) -> Json:
    # Not get_alliance_access: a neutral facilitator belongs to no side (see the helper).
    granted = services.facilitator_access(request.user, alliance_id, pk)
    return present.facilitator(granted).data


@router.post(
    P + "/{pk}/facilitator/improvements",
    response={200: Json, 422: Json},
    summary="Improve on a tentative deal: both utilities (facilitator)",
)
def facilitator_improvements(
    request: HttpRequest, alliance_id: int, pk: int, payload: TentativeIn
) -> tuple[int, Json]:
    granted = services.facilitator_access(request.user, alliance_id, pk)
    package = _tentative(granted.round, payload)
    if "errors" in package:
        return 422, package
    rr = proposals.solve_round(granted.round, granted.sides, package)
    return 200, {
        "ready": rr.ready,
        "waiting_for": [s.name for s in rr.waiting_for],
        **(proposals.facilitator_improvements(rr) or {}),
    }
