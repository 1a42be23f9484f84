"""JSON API of the customer overlap: the relay the CLI and the browser talk to.

The server relays blinded messages only. A run's request is handed to the answering side,
its reply to the asking side; the result posted back is counts, never accounts. A message
that does not parse, or does not fit the run, is a 422 naming the part of it that is wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from detente.analysis.files import InputError
from detente.overlap import present, services
from detente.overlap.forms import EngagementRuleForm
from detente.overlap.models import EngagementRule, OverlapRun
from detente.records.api import RecordRoutes, record_form
from detente.records.visibility import get_alliance_access

router = Router(tags=["overlap"])

OV = "/alliances/{alliance_id}/overlap"
R = OV + "/runs/{pk}"


class StartIn(Schema):
    request: dict[str, Any] = Field(..., description="The request `detente overlap prepare` wrote.")
    side_id: int | None = Field(None, description="The asking side; defaults to your side.")


class ReplyIn(Schema):
    reply: dict[str, Any] = Field(..., description="The reply `detente overlap respond` wrote.")


class ResultIn(Schema):
    counts: dict[str, dict[str, int]] = Field(
        ...,
        description="{your kind: {their kind: count}} as `detente overlap finish --json` gives.",
    )


class RuleIn(Schema):
    side_id: int | None = None
    visibility: str | None = Field(None, description="joint (default) or private")
    title: str | None = None
    leader: str | None = Field(None, description="owner, first or joint")
    handover: str | None = None


def _refusal(exc: InputError) -> tuple[int, dict[str, Any]]:
    return 422, {"errors": [{"field": exc.field, "message": exc.problem}]}


def _step(call: Callable[[], OverlapRun], access: Any) -> tuple[int, dict[str, Any]]:
    try:
        run = call()
    except InputError as exc:
        return _refusal(exc)
    return 200, present.run_summary(access, run)


@router.get(OV, summary="Customer overlap runs and rules of engagement")
def overlap_home_data(request: HttpRequest, alliance_id: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return present.home(access)


@router.post(
    OV + "/runs", response={201: dict, 422: dict}, summary="Ask the other side (relay a request)"
)
def start_run(request: HttpRequest, alliance_id: int, payload: StartIn) -> tuple[int, Any]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    try:
        run = services.start(access, payload.request, payload.side_id)
    except InputError as exc:
        return _refusal(exc)
    return 201, present.run_summary(access, run)


@router.get(R, summary="A run: its status, sizes and counts")
def get_run(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return present.run(access, pk)


@router.get(R + "/request", summary="The blinded request, for the answering side to answer")
def get_run_request(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    run: dict[str, Any] = services.get_run(access, pk).request
    return run


@router.post(R + "/reply", response={200: dict, 422: dict}, summary="Answer a run (relay a reply)")
def answer_run(
    request: HttpRequest, alliance_id: int, pk: int, payload: ReplyIn
) -> tuple[int, Any]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return _step(lambda: services.answer(access, pk, payload.reply), access)


@router.get(R + "/reply", summary="The blinded reply, for the asking side to finish")
def get_run_reply(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    run = services.get_run(access, pk)
    return run.reply or {}


@router.post(R + "/decline", response={200: dict, 422: dict}, summary="Decline to answer a run")
def decline_run(request: HttpRequest, alliance_id: int, pk: int) -> tuple[int, Any]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return _step(lambda: services.decline(access, pk), access)


@router.post(
    R + "/result", response={200: dict, 422: dict}, summary="Post the counts (asking side)"
)
def finish_run(
    request: HttpRequest, alliance_id: int, pk: int, payload: ResultIn
) -> tuple[int, Any]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return _step(lambda: services.finish(access, pk, payload.counts), access)


@router.post(R + "/conflict", response={201: dict}, summary="Raise a customer-ownership conflict")
def raise_overlap_conflict(request: HttpRequest, alliance_id: int, pk: int) -> tuple[int, Any]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    conflict = services.raise_conflict(access, pk)
    return 201, {"id": conflict.pk, "title": conflict.title, "description": conflict.description}


RULES = RecordRoutes(
    form=lambda access, payload, instance: record_form(
        EngagementRuleForm, access, payload, instance
    ),
    out=lambda access, rule: present.rule_summary(rule),
)


@router.post(OV + "/rules", response={201: dict}, summary="Record a rule of engagement")
def create_rule(request: HttpRequest, alliance_id: int, payload: RuleIn) -> tuple[int, Any]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return RULES.create(access, payload)


@router.delete(OV + "/rules/{pk}", summary="Delete a rule of engagement")
def delete_rule(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, bool]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return RULES.delete(access, access.get_record(EngagementRule, pk, write=True))
