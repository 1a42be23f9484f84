"""JSON API of the agreement: versions, drafts, the sign-off flow and the diff.

Each route starts with the same access helper as the pages; clauses are validated through the
same forms, so a bad clause is refused with its path ("kpis[1].target") and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db import transaction
from django.forms.models import model_to_dict
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from detente.agreements import completeness, diff, document, present, services
from detente.agreements.forms import NewDraftForm, PartInvalid, VersionForm
from detente.agreements.models import AgreementVersion
from detente.agreements.views import create_draft_from
from detente.records.api import FormInvalid
from detente.records.paging import SIDE, Paging, api_list, mine_or_joint, one_of, page_out
from detente.records.visibility import JOINT, AllianceAccess, get_alliance_access

router = Router(tags=["agreements"])

P = "/alliances/{alliance_id}/agreement"


class SignatureOut(Schema):
    side_id: int
    signed_by: str | None
    signed_at: dt.datetime


class WaiverOut(Schema):
    code: str
    gap: str
    reason: str
    waived_by: str | None
    waived_at: dt.datetime


class GapOut(Schema):
    code: str
    part: str
    message: str
    waived: bool


class VersionSummaryOut(Schema):
    id: int
    number: int | None
    label: str
    title: str
    summary: str
    status: str
    side_id: int
    visibility: str
    based_on_id: int | None
    proposed_at: dt.datetime | None
    in_force_at: dt.datetime | None
    ended_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    signatures: list[SignatureOut]


class VersionOut(VersionSummaryOut):
    content: dict[str, Any] = Field(..., description="The six parts, see docs/agreements.md.")
    gaps: list[GapOut] = Field(..., description="What the version lacks (drafts: open or waived).")
    waivers: list[WaiverOut]


class Parts(Schema):
    objectives: list[dict[str, Any]] | None = None
    kpis: list[dict[str, Any]] | None = None
    scope: list[dict[str, Any]] | None = None
    scope_change: dict[str, Any] | None = None
    decisions: list[dict[str, Any]] | None = None
    stalemate: dict[str, Any] | None = None
    resources: list[dict[str, Any]] | None = None
    ladder: list[dict[str, Any]] | None = None
    exit: dict[str, Any] | None = None


class DraftIn(Parts):
    side_id: int | None = Field(
        None, description="The side that keeps the draft; defaults to yours."
    )
    based_on_id: int | None = Field(None, description="Copy this version's clauses.")
    title: str | None = None
    summary: str | None = None
    visibility: str | None = None


class DraftUpdateIn(Parts):
    title: str | None = None
    summary: str | None = None
    visibility: str | None = None


class SignIn(Schema):
    side_id: int | None = Field(None, description="The side you sign for; defaults to yours.")


class WaiverIn(Schema):
    code: str
    reason: str


class DiffOut(Schema):
    a: int
    b: int
    parts: list[dict[str, Any]]


class Deleted(Schema):
    deleted: bool


def _email(user: Any) -> str | None:
    return user.email if user is not None else None


def _summary(v: AgreementVersion, visible: set[int]) -> dict[str, Any]:
    return {
        "id": v.pk,
        "number": v.number,
        "label": v.label,
        "title": v.title,
        "summary": v.summary,
        "status": v.status,
        "side_id": v.owner_side_id,
        "visibility": v.visibility,
        # A version built on another side's private draft does not reveal that draft.
        "based_on_id": v.based_on_id if v.based_on_id in visible else None,
        "proposed_at": v.proposed_at,
        "in_force_at": v.in_force_at,
        "ended_at": v.ended_at,
        "created_at": v.created_at,
        "updated_at": v.updated_at,
        "signatures": [
            {"side_id": s.side_id, "signed_by": _email(s.signed_by), "signed_at": s.signed_at}
            for s in v.signatures.all()
        ],
    }


def _visible_ids(access: AllianceAccess) -> set[int]:
    return set(access.records(AgreementVersion).values_list("id", flat=True))


def _full(access: AllianceAccess, v: AgreementVersion) -> dict[str, Any]:
    waivers = list(v.waivers.select_related("waived_by"))
    waived = {w.code for w in waivers}
    gaps = completeness.gaps(v.content, access.sides)
    return {
        **_summary(v, _visible_ids(access)),
        "content": document.normalised(v.content),
        "gaps": [
            {"code": g.code, "part": g.part, "message": g.message, "waived": g.code in waived}
            for g in gaps
        ],
        "waivers": [
            {
                "code": w.code,
                "gap": w.gap,
                "reason": w.reason,
                "waived_by": _email(w.waived_by),
                "waived_at": w.waived_at,
            }
            for w in waivers
        ],
    }


def _parts(payload: Parts) -> dict[str, Any]:
    sent = payload.dict(exclude_unset=True)
    return {p: sent[p] for p in document.PARTS if p in sent}


def _refused(exc: services.Refused) -> HttpError:
    return HttpError(409, " ".join(exc.messages))


@router.get(
    P + "/versions",
    response=page_out(VersionSummaryOut, "VersionSummaryPageOut"),
    summary="Versions of the agreement, a page at a time",
    description="Drafts first, then the highest number (then id). Filters: `status`, `side`, "
    "`visibility`.",
)
def list_versions(
    request: HttpRequest,
    alliance_id: int,
    paging: Query[Paging],
    status: str | None = None,
    side: int | None = SIDE,
    visibility: Literal["joint", "private"] | None = None,
) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    one_of("status", status, AgreementVersion.Status.values)
    page = present.home(access)
    rows = [_summary(v, page.visible_ids) for v in page.versions]
    rows = [
        r
        for r in mine_or_joint(rows, access.sides, side, visibility)
        if not status or r["status"] == status
    ]
    return api_list(request, rows, paging)


@router.post(P + "/versions", response={201: VersionOut}, summary="Start a draft")
def create_draft(request: HttpRequest, alliance_id: int, payload: DraftIn) -> tuple[int, dict]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    sent = payload.dict(exclude_unset=True)
    data = {
        "owner_side": sent.get("side_id") or access.default_side.pk,
        "title": sent.get("title") or "",
        "summary": sent.get("summary") or "",
        "visibility": sent.get("visibility") or JOINT,
        "based_on": sent.get("based_on_id") or "",
    }
    form = NewDraftForm(data=data, access=access)
    if not form.is_valid():
        raise FormInvalid(form)
    try:
        with transaction.atomic():
            draft = create_draft_from(access, form)
            parts = _parts(payload)
            if parts:
                draft = services.update_draft(access, draft, parts=parts)
    except PartInvalid as exc:
        raise FormInvalid(exc) from None
    return 201, _full(access, draft)


@router.get(P + "/versions/{pk}", response=VersionOut, summary="One version with its clauses")
def get_version(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return _full(access, present.version(access, pk).version)


@router.patch(P + "/versions/{pk}", response=VersionOut, summary="Change a draft")
def update_draft(request: HttpRequest, alliance_id: int, pk: int, payload: DraftUpdateIn) -> dict:
    """Each part sent replaces that part whole; parts not sent are kept."""
    access = get_alliance_access(request.user, alliance_id, write=True)
    version = access.get_record(AgreementVersion, pk, write=True)
    services.require_draft(version)
    sent = payload.dict(exclude_unset=True)
    data = {
        k: ("" if v is None else v)
        for k, v in model_to_dict(version, fields=VersionForm.Meta.fields).items()
    }
    data.update(
        {
            k: ("" if sent[k] is None else sent[k])
            for k in ("title", "summary", "visibility")
            if k in sent
        }
    )
    form = VersionForm(
        data=data, instance=AgreementVersion.objects.get(pk=version.pk), access=access
    )
    if not form.is_valid():
        raise FormInvalid(form)
    try:
        version = services.update_draft(
            access,
            version,
            parts=_parts(payload),
            title=form.cleaned_data["title"],
            summary=form.cleaned_data["summary"],
            visibility=form.cleaned_data["visibility"],
        )
    except PartInvalid as exc:
        raise FormInvalid(exc) from None
    return _full(access, version)


@router.delete(P + "/versions/{pk}", response=Deleted, summary="Delete a draft")
def delete_draft(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, bool]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    services.delete_draft(access, access.get_record(AgreementVersion, pk, write=True))
    return {"deleted": True}


@router.post(P + "/versions/{pk}/waivers", response={201: WaiverOut}, summary="Waive a gap")
def waive_gap(
    request: HttpRequest, alliance_id: int, pk: int, payload: WaiverIn
) -> tuple[int, dict]:
    from detente.agreements.forms import WaiverForm

    access = get_alliance_access(request.user, alliance_id, write=True)
    version = access.get_record(AgreementVersion, pk, write=True)
    services.require_draft(version)
    gaps = {g.code: g.message for g in completeness.gaps(version.content, access.sides)}
    form = WaiverForm(data=payload.dict(), gaps=gaps)
    if not form.is_valid():
        raise FormInvalid(form)
    w = services.waive(access, version, form.cleaned_data["code"], form.cleaned_data["reason"])
    return 201, {
        "code": w.code,
        "gap": w.gap,
        "reason": w.reason,
        "waived_by": _email(w.waived_by),
        "waived_at": w.waived_at,
    }


@router.post(P + "/versions/{pk}/propose", response=VersionOut, summary="Propose a draft")
def propose(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, Any]:
    """Refused (409) while a gap is neither resolved nor waived, or another proposal is pending."""
    access = get_alliance_access(request.user, alliance_id, write=True)
    version = access.get_record(AgreementVersion, pk, write=True)
    services.require_draft(version)
    try:
        version = services.propose(access, version)
    except services.Refused as exc:
        raise _refused(exc) from None
    return _full(access, version)


@router.post(
    P + "/versions/{pk}/sign", response=VersionOut, summary="Sign a proposal for your side"
)
def sign(request: HttpRequest, alliance_id: int, pk: int, payload: SignIn) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    version = access.get_record(AgreementVersion, pk)
    side_id = payload.side_id or access.default_side.pk
    side = next((s for s in access.sides if s.id == side_id), None)
    if side is None:
        raise FormInvalid(PartInvalid({"side_id": ["Choose a side of this alliance."]}))
    try:
        services.sign(access, version, side)
    except services.Refused as exc:
        raise _refused(exc) from None
    version.refresh_from_db()
    return _full(access, version)


@router.post(P + "/versions/{pk}/withdraw", response=VersionOut, summary="Withdraw a proposal")
def withdraw(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    version = access.get_record(AgreementVersion, pk)
    try:
        version = services.withdraw(access, version)
    except services.Refused as exc:
        raise _refused(exc) from None
    return _full(access, version)


@router.get(P + "/diff", response=DiffOut, summary="What changed between two versions")
def version_diff(request: HttpRequest, alliance_id: int, a: int, b: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    page = present.compare(access, a, b)
    assert page.a is not None and page.b is not None  # both asked for, both visible
    return {"a": page.a.pk, "b": page.b.pk, "parts": diff.as_json(page.parts)}
