"""JSON API of the vision and the ideas. Routes start with the same access helper as the
pages, write through the same forms and services, and read through the same present
functions (``GET .../vision`` is the page's data, ``GET .../vision/versions/{pk}`` a
version's)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from detente.records.api import Deleted, FormInvalid, RecordRoutes, record_form
from detente.records.visibility import get_alliance_access
from detente.vision import present, services
from detente.vision.forms import IdeaForm, VisionForm
from detente.vision.models import Idea, VisionVersion

router = Router(tags=["vision"])

Json = dict[str, Any]
V = "/alliances/{alliance_id}/vision"


class VersionIn(Schema):
    text: str = Field(..., description="The whole vision as this revision puts it.")
    summary: str = Field("", description="What this revision changes, and why.")
    side_id: int | None = Field(None, description="The proposing side; defaults to yours.")


class IdeaIn(Schema):
    side_id: int | None = Field(None, description="The side that keeps it; defaults to yours.")
    visibility: str | None = Field(None, description="joint (default) or private")
    title: str | None = None
    description: str | None = None
    status: str | None = Field(None, description="new, discussion, adopted or dropped")


class VoteIn(Schema):
    vote: Literal["up", "down", "none"] = Field(..., description="none takes the vote back")


class ConvertIn(Schema):
    target: str = Field(..., description="What the idea becomes, e.g. negotiation_issue.")
    choice: int = Field(
        ...,
        description="Where it goes: one of the target's choices (a negotiation round, or the plan).",
    )


def _refused(exc: services.Refused) -> tuple[int, Json]:
    return 409, {"detail": str(exc)}


@router.get(V, response=Json, summary="The shared vision, its versions and the ideas")
def get_vision(request: HttpRequest, alliance_id: int, status: str = "") -> Json:
    access = get_alliance_access(request.user, alliance_id)
    return present.home(access, status).data


@router.post(
    V + "/versions", response={201: Json, 409: Json, 422: Json}, summary="Propose a revision"
)
def propose_version(request: HttpRequest, alliance_id: int, payload: VersionIn) -> tuple[int, Json]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    current = services.current_vision(access)
    data = {
        "text": payload.text,
        "summary": payload.summary,
        "side": payload.side_id or access.default_side.pk,
    }
    form = VisionForm(data=data, access=access, current=current.text if current else "")
    if not form.is_valid():
        raise FormInvalid(form, {"side": "side_id"})
    try:
        version = services.propose(access, form)
    except services.Refused as exc:
        return _refused(exc)
    return 201, present.version(access, version.pk).data


@router.get(V + "/versions/{pk}", response=Json, summary="A version and its diff")
def get_version(request: HttpRequest, alliance_id: int, pk: int) -> Json:
    access = get_alliance_access(request.user, alliance_id)
    return present.version(access, pk).data


@router.post(
    V + "/versions/{pk}/accept", response={200: Json, 409: Json}, summary="Accept a proposal"
)
def accept_version(request: HttpRequest, alliance_id: int, pk: int) -> tuple[int, Json]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    version = access.get_record(VisionVersion, pk)
    try:
        services.accept(access, version)
    except services.Refused as exc:
        return _refused(exc)
    return 200, present.version(access, pk).data


IDEA_ROUTES = RecordRoutes(
    form=lambda access, payload, instance: record_form(IdeaForm, access, payload, instance),
    out=lambda access, idea: present.idea(access, idea.pk).__dict__,
    side_fixed=True,
)


@router.post(V + "/ideas", response={201: Json, 422: Json}, summary="Add an idea")
def create_idea(request: HttpRequest, alliance_id: int, payload: IdeaIn) -> tuple[int, Json]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return IDEA_ROUTES.create(access, payload)


@router.patch(V + "/ideas/{pk}", response={200: Json, 422: Json}, summary="Change an idea")
def update_idea(request: HttpRequest, alliance_id: int, pk: int, payload: IdeaIn) -> Json:
    access = get_alliance_access(request.user, alliance_id, write=True)
    idea = access.get_record(Idea, pk, write=True)
    result: Json = IDEA_ROUTES.update(access, idea, payload)
    return result


@router.delete(V + "/ideas/{pk}", response=Deleted, summary="Delete an idea")
def delete_idea(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, bool]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return IDEA_ROUTES.delete(access, access.get_record(Idea, pk, write=True))


@router.put(V + "/ideas/{pk}/vote", response=Json, summary="My vote on an idea (one a person)")
def vote_idea(request: HttpRequest, alliance_id: int, pk: int, payload: VoteIn) -> Json:
    access = get_alliance_access(request.user, alliance_id, write=True)
    idea = access.get_record(Idea, pk)
    services.vote(access, idea, services.VOTES[payload.vote])
    return present.idea(access, pk).__dict__


@router.post(
    V + "/ideas/{pk}/convert",
    response={200: Json, 409: Json},
    summary="Turn a shared idea into a negotiation issue (or another registered target)",
)
def convert_idea(
    request: HttpRequest, alliance_id: int, pk: int, payload: ConvertIn
) -> tuple[int, Json]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    idea = access.get_record(Idea, pk)
    try:
        services.convert(access, idea, payload.target, payload.choice)
    except services.Refused as exc:
        return _refused(exc)
    return 200, present.idea(access, pk).__dict__
