"""JSON API of the differences register; writes go through the page's form."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from detente.differences import present
from detente.differences.forms import DifferenceForm
from detente.differences.models import Difference
from detente.records.api import FormInvalid, RecordRoutes
from detente.records.paging import SIDE, Paging, api_list, mine_or_joint, one_of, page_out
from detente.records.visibility import JOINT, AllianceAccess, get_alliance_access

router = Router(tags=["differences"])

P = "/alliances/{alliance_id}/differences"


class DifferenceOut(Schema):
    id: int
    side_id: int
    visibility: str
    category: str
    title: str
    views: dict[str, str] = Field(..., description="Each side's view, by side id.")
    likelihood: int
    impact: int
    score: int
    management: str
    owner_id: int | None = Field(..., description="A stakeholder you can see, else null.")
    review_date: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime


class DifferenceIn(Schema):
    side_id: int | None = Field(None, description="Owner side; defaults to your side.")
    visibility: str | None = None
    category: str | None = None
    title: str | None = None
    views: dict[str, str] | None = Field(None, description="Each side's view, by side id.")
    likelihood: int | None = None
    impact: int | None = None
    management: str | None = None
    owner_id: int | None = None
    review_date: dt.date | None = None


class Deleted(Schema):
    deleted: bool


class _Errors:
    """Errors shaped like a form's, for a field the form itself does not have."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors


RENAMES = {"side_id": "owner_side", "owner_id": "owner"}


def _one(access: AllianceAccess, pk: int) -> dict[str, Any]:
    return present.difference(access, pk).data


def _form(
    access: AllianceAccess, payload: DifferenceIn, instance: Difference | None
) -> DifferenceForm:
    data: dict[str, Any] = {}
    if instance is not None:
        data = {
            "category": instance.category,
            "title": instance.title,
            "likelihood": instance.likelihood,
            "impact": instance.impact,
            "management": instance.management,
            "owner": instance.owner_id or "",
            "review_date": instance.review_date or "",
            "visibility": instance.visibility,
        }
        data |= {f"view_{k}": v for k, v in (instance.views or {}).items()}
    else:
        data = {
            "owner_side": access.default_side.pk,
            "visibility": JOINT,
        }
    sent = payload.dict(exclude_unset=True)
    if instance is not None:
        sent.pop("side_id", None)  # the keeper of a record does not change
    for key, value in sent.items():
        if key == "views":
            sides = {str(s.id) for s in access.sides}
            unknown = [k for k in (value or {}) if str(k) not in sides]
            if unknown:
                raise FormInvalid(
                    _Errors({f"views.{unknown[0]}": ["No such side in this alliance."]})
                )
            for side_id, text in (value or {}).items():
                data[f"view_{side_id}"] = text or ""
            continue
        data[RENAMES.get(key, key)] = "" if value is None else value
    return DifferenceForm(data=data, instance=instance, access=access)


# Errors name the form's fields, as they always have here.
DIFFERENCES = RecordRoutes(form=_form, out=lambda access, d: _one(access, d.pk), api_names={})


@router.get(
    P,
    response=page_out(DifferenceOut, "DifferencePageOut"),
    summary="The differences register, a page at a time",
    description="Most likely first, then most impact, title and id. Filters: `category`, "
    "`side`, `visibility`.",
)
def list_differences(
    request: HttpRequest,
    alliance_id: int,
    paging: Query[Paging],
    category: str | None = None,
    side: int | None = SIDE,
    visibility: Literal["joint", "private"] | None = None,
) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    one_of("category", category, Difference.Category.values)
    rows = mine_or_joint(
        present.register(access, category or "").rows, access.sides, side, visibility
    )
    rows.sort(key=lambda r: (-r["likelihood"], -r["impact"], r["title"], r["id"]))
    return api_list(request, rows, paging)


@router.post(P, response={201: DifferenceOut}, summary="Add a difference")
def create_difference(
    request: HttpRequest, alliance_id: int, payload: DifferenceIn
) -> tuple[int, dict]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return DIFFERENCES.create(access, payload)


@router.get(P + "/{pk}", response=DifferenceOut)
def get_difference(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return present.difference(access, pk).data


@router.patch(P + "/{pk}", response=DifferenceOut)
def update_difference(
    request: HttpRequest, alliance_id: int, pk: int, payload: DifferenceIn
) -> dict:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return DIFFERENCES.update(access, access.get_record(Difference, pk, write=True), payload)


@router.delete(P + "/{pk}", response=Deleted)
def delete_difference(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, bool]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return DIFFERENCES.delete(access, access.get_record(Difference, pk, write=True))
