"""Threads in the API: the same data as the page (``present.threads``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from detente.records.visibility import get_alliance_access
from detente.threads import present, services
from detente.threads.targets import get_record

router = Router(tags=["threads"])
T = "/alliances/{alliance_id}/threads/{kind}/{pk}"
C = "/alliances/{alliance_id}/comments/{pk}"


class CommentIn(Schema):
    thread: str = "joint"
    body: str


class CommentEdit(Schema):
    body: str


def _refused(refused: services.Refused) -> tuple[int, dict[str, Any]]:
    return 422, {"errors": [{"field": refused.field, "message": str(refused)}]}


@router.get(T, response=dict, summary="A record's threads: joint, and your side's internal one")
def get_threads(request: HttpRequest, alliance_id: int, kind: str, pk: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return present.threads(access, kind, get_record(access, kind, pk))


@router.post(T, response={201: dict, 422: dict}, summary="Comment on a record")
def post_comment(
    request: HttpRequest, alliance_id: int, kind: str, pk: int, payload: CommentIn
) -> tuple[int, dict[str, Any]]:
    access = get_alliance_access(request.user, alliance_id)
    record = get_record(access, kind, pk)
    try:
        comment = services.post(access, kind, record, payload.thread, payload.body)
    except services.Refused as refused:
        return _refused(refused)
    return 201, present.comment_item(access, comment)


@router.patch(C, response={200: dict, 422: dict}, summary="Edit your comment")
def edit_comment(
    request: HttpRequest, alliance_id: int, pk: int, payload: CommentEdit
) -> tuple[int, dict[str, Any]]:
    access = get_alliance_access(request.user, alliance_id)
    comment = services.get_own(access, pk)
    record = get_record(access, comment.target_kind, comment.target_id)
    try:
        services.edit(access, comment, record, payload.body)
    except services.Refused as refused:
        return _refused(refused)
    return 200, present.comment_item(access, comment)


@router.delete(C, response=dict, summary="Delete your comment")
def delete_comment(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, bool]:
    access = get_alliance_access(request.user, alliance_id)
    services.delete(access, services.get_own(access, pk))
    return {"deleted": True}
