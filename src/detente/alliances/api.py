"""JSON API routes of the alliance workspace. Each starts with the same access helper as the pages,
and writes go through the same forms, so the API and the pages refuse the same bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import Prefetch
from django.forms import ModelForm
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from detente import audit
from detente.alliances import present, services, side_invitations, timeline
from detente.alliances.forms import (
    TIMELINE_FORMS,
    AllianceForm,
    NewAllianceForm,
    StakeholderForm,
    StatusForm,
    require_managed_organisation,
)
from detente.alliances.models import SideInvitation, Signal, Stakeholder
from detente.records import api as records_api
from detente.records import audit_reading
from detente.records.api import (
    Deleted,
    FormInvalid,
    RecordOut,
    RecordRoutes,
    form_data,
    record_base,
    record_form_data,
    save,
)
from detente.records.forms import RecordForm
from detente.records.models import Alliance, Side
from detente.records.paging import (
    API_LIMIT,
    MAX_LIMIT,
    SIDE,
    PageOut,
    Paging,
    api_list,
    mine_or_joint,
    one_of,
    page_out,
)
from detente.records.visibility import AllianceAccess, get_alliance_access

router = Router(tags=["alliances"])


# Schemas --------------------------------------------------------------------------------


class SideOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    label: str


class AllianceOut(Schema):
    id: int
    name: str
    purpose: str
    kind: str
    start_date: dt.date
    status: str
    sides: list[SideOut]
    pending_sides: list[str] = Field(
        ...,
        description="Organisations asked to join as a side, until one of their managers answers.",
    )


class SideInvitationOut(Schema):
    id: int
    alliance_id: int
    alliance: str
    alliance_purpose: str
    organisation_id: int
    organisation: str
    label: str
    invited_by: str | None
    created_at: dt.datetime
    status: str
    answered_at: dt.datetime | None


class SideInvitationAnswerOut(SideInvitationOut):
    side: SideOut | None = Field(..., description="The side created on acceptance.")


class AllianceIn(Schema):
    name: str | None = None
    purpose: str | None = None
    kind: str | None = None
    start_date: dt.date | None = None


class NewAllianceIn(AllianceIn):
    my_organisation_id: int
    partners: list[str] = Field(..., description="Names of the partner organisations.")


class StatusIn(Schema):
    status: str
    reason: str


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    reason: str
    changed_at: dt.datetime


class StakeholderOut(RecordOut):
    name: str
    title: str
    role: str
    influence: int
    stance: str
    email: str
    phone: str
    user_id: int | None
    counterpart_id: int | None


class StakeholderIn(Schema):
    side_id: int | None = Field(None, description="Owner side; defaults to your side.")
    visibility: str | None = None
    name: str | None = None
    title: str | None = None
    role: str | None = None
    influence: int | None = None
    stance: str | None = None
    email: str | None = None
    phone: str | None = None
    user_id: int | None = None
    counterpart_id: int | None = None


class EntryOut(RecordOut):
    kind: str
    date: dt.date
    title: str
    type: str = Field(..., description="Category (history) or kind (signal, interaction).")
    notes: str
    severity: int | None = None
    participant_ids: list[int] | None = None
    response_requested_at: dt.datetime | None = None
    responded_at: dt.datetime | None = None


class EntryIn(Schema):
    side_id: int | None = Field(None, description="Owner side; defaults to your side.")
    visibility: str | None = None
    date: dt.date | None = None
    title: str | None = Field(None, description="History and signals.")
    subject: str | None = Field(None, description="Interactions.")
    category: str | None = Field(None, description="History: went_right, went_wrong, broken, owed.")
    kind: str | None = Field(None, description="Signal or interaction kind.")
    severity: int | None = Field(None, description="Signals: 1 low, 2 medium, 3 high.")
    notes: str | None = None
    participant_ids: list[int] | None = None
    response_requested_at: dt.datetime | None = None
    responded_at: dt.datetime | None = None


class AuditOut(Schema):
    at: dt.datetime
    actor: str | None
    action: str
    model: str
    object_id: str
    object_repr: str
    before: dict | None
    after: dict | None


# Helpers --------------------------------------------------------------------------------

# API field name -> form field name, where they differ (the record core's, and this app's).
RENAMES = {
    **records_api.RENAMES,
    "user_id": "user",
    "counterpart_id": "counterpart",
    "participant_ids": "participants",
    "my_organisation_id": "my_organisation",
}
# Form field name -> API field name, so that errors name what the client sent.
API_NAMES = {form_name: api_name for api_name, form_name in RENAMES.items()}


def _form_data(form_class: type[ModelForm], instance: Any, payload: Schema) -> dict[str, Any]:
    return form_data(form_class, instance, payload, RENAMES)


def _save(access: AllianceAccess, form: ModelForm, before: dict | None = None) -> Any:
    return save(access, form, before, API_NAMES)


def _record_form(
    form_class: type[RecordForm], access: AllianceAccess, payload: Schema, instance=None
):
    data = record_form_data(form_class, access, payload, instance, RENAMES)
    if instance is not None:
        # Current links to stakeholders the user cannot see (the other side has made them
        # private since) are not sent back to the form, which would refuse them and name
        # their ids; the form keeps them (StakeholderForm.save, InteractionForm._save_m2m).
        sent = payload.dict(exclude_unset=True)
        visible = _visible_stakeholder_ids(access)
        if "counterpart_id" not in sent and data.get("counterpart") not in ("", *visible):
            data["counterpart"] = ""
        if "participant_ids" not in sent and "participants" in data:
            data["participants"] = [pk for pk in data["participants"] if pk in visible]
    if form_class._meta.model is Signal and not data.get("severity"):
        data["severity"] = Signal.Severity.MEDIUM
    return form_class(data=data, instance=instance, access=access)


def _alliance_out(alliance: Alliance) -> dict[str, Any]:
    return {
        "id": alliance.pk,
        "name": alliance.name,
        "purpose": alliance.purpose,
        "kind": alliance.kind,
        "start_date": alliance.start_date,
        "status": alliance.status,
        "sides": [_side_out(s) for s in alliance.sides.all()],
        "pending_sides": [i.organisation.name for i in _pending_invitations(alliance)],
    }


def _pending_invitations(alliance: Alliance) -> list[SideInvitation]:
    """Prefetched by the list route (``PENDING_INVITATIONS``), else one query."""
    prefetched = getattr(alliance, "pending_invitations", None)
    if prefetched is not None:
        return prefetched
    return list(
        alliance.side_invitations.filter(status=SideInvitation.Status.PENDING).select_related(
            "organisation"
        )
    )


PENDING_INVITATIONS = Prefetch(
    "side_invitations",
    queryset=SideInvitation.objects.filter(status=SideInvitation.Status.PENDING).select_related(
        "organisation"
    ),
    to_attr="pending_invitations",
)


def _side_invitation_out(invitation: SideInvitation) -> dict[str, Any]:
    return {
        "id": invitation.pk,
        "alliance_id": invitation.alliance_id,
        "alliance": invitation.alliance.name,
        "alliance_purpose": invitation.alliance.purpose,
        "organisation_id": invitation.organisation_id,
        "organisation": invitation.organisation.name,
        "label": invitation.label,
        # As on the portfolio page: the name the asking manager goes by.
        "invited_by": str(invitation.invited_by) if invitation.invited_by else None,
        "created_at": invitation.created_at,
        "status": invitation.status,
        "answered_at": invitation.answered_at,
    }


def _side_out(side: Side) -> dict[str, Any]:
    return {
        "id": side.pk,
        "organisation_id": side.organisation_id,
        "organisation": side.organisation.name,
        "label": side.label,
    }


def _stakeholder_out(s: Stakeholder, visible_ids: set[int]) -> dict[str, Any]:
    return {
        **record_base(s),
        "name": s.name,
        "title": s.title,
        "role": s.role,
        "influence": s.influence,
        "stance": s.stance,
        "email": s.email,
        "phone": s.phone,
        "user_id": s.user_id,
        # A pairing is shown only when the counterpart is visible to the reader.
        "counterpart_id": s.counterpart_id if s.counterpart_id in visible_ids else None,
    }


def _entry_out(entry: timeline.Entry) -> dict[str, Any]:
    r: Any = entry.record
    out = {
        **record_base(r),
        "kind": entry.kind,
        "date": r.date,
        "title": getattr(r, "title", None) or getattr(r, "subject", ""),
        "notes": r.notes,
    }
    if entry.kind == "history":
        out["type"] = r.category
    else:
        out["type"] = r.kind
    if entry.kind == "signal":
        out["severity"] = r.severity
    if entry.kind == "interaction":
        # Prefetched through the visibility rule (timeline.entries).
        out["participant_ids"] = [p.pk for p in r.participants.all()]
        out["response_requested_at"] = r.response_requested_at
        out["responded_at"] = r.responded_at
    return out


def _visible_stakeholder_ids(access: AllianceAccess) -> set[int]:
    return set(access.records(Stakeholder).values_list("id", flat=True))


def _one_entry(access: AllianceAccess, kind: str, pk: int) -> timeline.Entry:
    model = _kind_model(kind)
    qs = access.records(model)
    if kind == "interaction":
        qs = qs.prefetch_related(Prefetch("participants", queryset=access.records(Stakeholder)))
    record = qs.filter(pk=pk).first()
    if record is None:
        raise Http404
    return timeline.Entry(kind, record)


def _kind_model(kind: str) -> Any:
    if kind not in timeline.KINDS:
        raise Http404
    return timeline.KINDS[kind]


def _entry_payload(kind: str, payload: EntryIn) -> EntryIn:
    """Map the shared entry schema onto the form of one kind (title vs subject)."""
    if kind == "interaction" and payload.title is not None and payload.subject is None:
        payload.subject = payload.title
        payload.title = None
    fields = set(TIMELINE_FORMS[kind]._meta.fields or ()) | {"owner_side"}
    sent = payload.dict(exclude_unset=True)
    kept = {k: v for k, v in sent.items() if RENAMES.get(k, k) in fields}
    return EntryIn(**kept)


# Routes ---------------------------------------------------------------------------------


class AlliancePageOut(PageOut):
    items: list[AllianceOut]


@router.get(
    "/alliances",
    response=AlliancePageOut,
    summary="My alliances, a page at a time",
    description=f"Sorted by name, or by latest activity (`sort=activity`); filtered as the "
    "portfolio page is by `status` and `q` (the name contains it). "
    f"`limit` (default {API_LIMIT}, at most {MAX_LIMIT}) alliances "
    "from `offset`; `count` is the total, `next` and `previous` the links to the "
    "neighbouring pages (null at either end, the filters kept).",
)
def list_alliances(
    request: HttpRequest,
    paging: Query[Paging],
    status: str = Query("", pattern="^(" + "|".join(Alliance.Status.values) + ")?$"),
    q: str = Query("", max_length=150),
    sort: Literal["name", "activity"] = Query("name"),
) -> dict[str, Any]:
    chosen = present.portfolio(request.user).chosen(status, q.strip(), sort)
    alliances = chosen.prefetch_related(PENDING_INVITATIONS)
    return api_list(request, alliances, paging, _alliance_out)


@router.post("/alliances", response={201: AllianceOut}, summary="Start an alliance")
def create_alliance(request: HttpRequest, payload: NewAllianceIn) -> tuple[int, dict]:
    require_managed_organisation(request.user)
    data = _form_data(NewAllianceForm, None, payload)
    data["partners"] = "\n".join(payload.partners)
    form = NewAllianceForm(data=data, user=request.user)
    if not form.is_valid():
        raise FormInvalid(form, API_NAMES)
    d = form.cleaned_data
    alliance = services.create_alliance(
        request.user,
        name=d["name"],
        purpose=d["purpose"],
        kind=d["kind"],
        start_date=d["start_date"],
        my_organisation=d["my_organisation"],
        partner_names=d["partners"],
        ask_consent=True,
    )
    return 201, _alliance_out(alliance)


@router.get("/alliances/{alliance_id}", response=AllianceOut)
def get_alliance(request: HttpRequest, alliance_id: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    return _alliance_out(present.overview(access).alliance)


@router.patch("/alliances/{alliance_id}", response=AllianceOut)
def update_alliance(request: HttpRequest, alliance_id: int, payload: AllianceIn) -> dict:
    access = get_alliance_access(request.user, alliance_id, write=True)
    before = audit.snapshot(access.alliance)
    form = AllianceForm(
        data=_form_data(AllianceForm, access.alliance, payload), instance=access.alliance
    )
    _save(access, form, before)
    return _alliance_out(access.alliance)


@router.post("/alliances/{alliance_id}/status", response=StatusChangeOut)
def change_status(request: HttpRequest, alliance_id: int, payload: StatusIn) -> Any:
    access = get_alliance_access(request.user, alliance_id, write=True)
    form = StatusForm(data=payload.dict(), alliance=access.alliance)
    if not form.is_valid():
        raise FormInvalid(form)
    return services.change_status(access, form.cleaned_data["status"], form.cleaned_data["reason"])


@router.get("/alliances/{alliance_id}/sides", response=list[SideOut])
def list_sides(request: HttpRequest, alliance_id: int) -> list[dict[str, Any]]:
    access = get_alliance_access(request.user, alliance_id)
    return [_side_out(s) for s in present.overview(access).sides]


@router.get(
    "/alliances/{alliance_id}/stakeholders",
    response=page_out(StakeholderOut, "StakeholderPageOut"),
    summary="Stakeholders, a page at a time",
    description="By side, most influential first, then name and id. Filters: `side`, "
    "`visibility`, `role`, `stance`, `q` (in the name or title).",
)
def list_stakeholders(
    request: HttpRequest,
    alliance_id: int,
    paging: Query[Paging],
    side: int | None = SIDE,
    visibility: Literal["joint", "private"] | None = None,
    role: str | None = None,
    stance: str | None = None,
    q: str = "",
) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    one_of("role", role, Stakeholder.Role.values)
    one_of("stance", stance, Stakeholder.Stance.values)
    shown = present.overview(access)
    rows = mine_or_joint(
        [_stakeholder_out(s, shown.stakeholder_ids) for s in shown.stakeholders],
        access.sides,
        side,
        visibility,
    )
    text = q.strip().casefold()
    rows = [
        r
        for r in rows
        if (not role or r["role"] == role)
        and (not stance or r["stance"] == stance)
        and (not text or text in r["name"].casefold() or text in r["title"].casefold())
    ]
    rows.sort(key=lambda r: (r["side_id"], -r["influence"], r["name"], r["id"]))
    return api_list(request, rows, paging)


STAKEHOLDERS = RecordRoutes(
    form=lambda access, payload, instance: _record_form(StakeholderForm, access, payload, instance),
    out=lambda access, s: _stakeholder_out(s, _visible_stakeholder_ids(access)),
    api_names=API_NAMES,
    side_fixed=True,
)


@router.post("/alliances/{alliance_id}/stakeholders", response={201: StakeholderOut})
def create_stakeholder(request: HttpRequest, alliance_id: int, payload: StakeholderIn) -> Any:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return STAKEHOLDERS.create(access, payload)


@router.get("/alliances/{alliance_id}/stakeholders/{pk}", response=StakeholderOut)
def get_stakeholder(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    stakeholder = access.get_record(Stakeholder, pk)
    return _stakeholder_out(stakeholder, _visible_stakeholder_ids(access))


@router.patch("/alliances/{alliance_id}/stakeholders/{pk}", response=StakeholderOut)
def update_stakeholder(
    request: HttpRequest, alliance_id: int, pk: int, payload: StakeholderIn
) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return STAKEHOLDERS.update(access, access.get_record(Stakeholder, pk, write=True), payload)


@router.delete("/alliances/{alliance_id}/stakeholders/{pk}", response=Deleted)
def delete_stakeholder(request: HttpRequest, alliance_id: int, pk: int) -> dict[str, bool]:
    access = get_alliance_access(request.user, alliance_id, write=True)
    return STAKEHOLDERS.delete(access, access.get_record(Stakeholder, pk, write=True))


@router.get(
    "/alliances/{alliance_id}/timeline",
    response=page_out(EntryOut, "EntryPageOut"),
    summary="The timeline, a page at a time",
    description="Newest first (date, then time of entry, kind and id). Filters, as on the "
    "overview: `kind` (history, signal, interaction), `visibility`, `side`, `since` and "
    "`until` (dates, inclusive), `q` (in the title or notes).",
)
def list_timeline(
    request: HttpRequest,
    alliance_id: int,
    paging: Query[Paging],
    kind: str = "",
    visibility: str = "",
    side: str = "",
    since: str = "",
    until: str = "",
    q: str = "",
) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    # The overview's filter form: a bad value is a 422 naming the parameter.
    sent = {"kind": kind, "visibility": visibility, "side": side, "since": since}
    form = timeline.TimelineFilter({**sent, "until": until, "q": q}, access=access)
    if not form.is_valid():
        raise FormInvalid(form)
    shown = present.overview(access, form.cleaned_data)
    return api_list(request, shown.entries, paging, _entry_out)


def _entry_routes(kind: str) -> RecordRoutes:
    """The write routes of one kind of timeline entry, over the shared entry schema."""
    return RecordRoutes(
        form=lambda access, payload, instance: _record_form(
            TIMELINE_FORMS[kind], access, _entry_payload(kind, payload), instance
        ),
        out=lambda access, record: _entry_out(_one_entry(access, kind, record.pk)),
        api_names=API_NAMES,
        side_fixed=True,
    )


ENTRIES = {kind: _entry_routes(kind) for kind in TIMELINE_FORMS}


@router.post("/alliances/{alliance_id}/timeline/{kind}", response={201: EntryOut})
def create_entry(request: HttpRequest, alliance_id: int, kind: str, payload: EntryIn) -> Any:
    _kind_model(kind)
    access = get_alliance_access(request.user, alliance_id, write=True)
    return ENTRIES[kind].create(access, payload)


@router.get("/alliances/{alliance_id}/timeline/{kind}/{pk}", response=EntryOut)
def get_entry(request: HttpRequest, alliance_id: int, kind: str, pk: int) -> dict[str, Any]:
    _kind_model(kind)
    access = get_alliance_access(request.user, alliance_id)
    return _entry_out(present.entry(access, kind, pk))


@router.patch("/alliances/{alliance_id}/timeline/{kind}/{pk}", response=EntryOut)
def update_entry(
    request: HttpRequest, alliance_id: int, kind: str, pk: int, payload: EntryIn
) -> dict[str, Any]:
    model = _kind_model(kind)
    access = get_alliance_access(request.user, alliance_id, write=True)
    return ENTRIES[kind].update(access, access.get_record(model, pk, write=True), payload)


@router.delete("/alliances/{alliance_id}/timeline/{kind}/{pk}", response=Deleted)
def delete_entry(request: HttpRequest, alliance_id: int, kind: str, pk: int) -> dict[str, bool]:
    model = _kind_model(kind)
    access = get_alliance_access(request.user, alliance_id, write=True)
    return ENTRIES[kind].delete(access, access.get_record(model, pk, write=True))


@router.get(
    "/alliances/{alliance_id}/audit",
    response=page_out(AuditOut, "AuditPageOut"),
    summary="The audit, a page at a time",
    description="Newest first (time, then id), with the audit page's filters: `kind` (a "
    "record kind, like alliances.stakeholder), `action` (create, update or delete), "
    "`person` (the id of who made the change), `since` and `until` (dates, inclusive).",
)
def list_audit(
    request: HttpRequest,
    alliance_id: int,
    paging: Query[Paging],
    kind: str = Query("", description="A record kind, like alliances.stakeholder."),
    action: str = Query("", description="create, update or delete."),
    person: str = Query("", description="The id of the person who made the change."),
    since: str = Query("", description="From this day (inclusive)."),
    until: str = Query("", description="To this day (inclusive)."),
) -> dict[str, Any]:
    access = get_alliance_access(request.user, alliance_id)
    # The same form and functions as the audit page: references to hidden records are blanked.
    sent = {"kind": kind, "action": action, "person": person, "since": since, "until": until}
    form = audit_reading.AuditFilter(
        {k: v for k, v in sent.items() if v not in (None, "")}, access=access
    )
    if not form.is_valid():
        raise FormInvalid(form)
    entries = audit_reading.matching(access, form.cleaned_data)
    page = api_list(request, entries, paging)
    page["items"] = [
        {
            "at": e.at,
            "actor": e.actor.email if e.actor else None,
            "action": e.action,
            "model": e.model,
            "object_id": e.object_id,
            "object_repr": e.object_repr,
            "before": e.before,
            "after": e.after,
        }
        for e in audit_reading.redacted(access, list(page["items"]))
    ]
    return page


# Side invitations: the invited organisation's managers are not in the alliance yet, so
# access goes through the organisation (detente.alliances.side_invitations), as on the
# portfolio page.


@router.get(
    "/side-invitations",
    response=page_out(SideInvitationOut, "SideInvitationPageOut"),
    summary="Alliances asking an organisation I manage to join, a page at a time",
)
def list_side_invitations(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    invitations = present.portfolio(request.user).side_invitations
    return api_list(request, invitations, paging, _side_invitation_out)


@router.post("/side-invitations/{pk}/accept", response=SideInvitationAnswerOut)
def accept_side_invitation(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _answer_side_invitation(request, pk, accept=True)


@router.post("/side-invitations/{pk}/decline", response=SideInvitationAnswerOut)
def decline_side_invitation(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _answer_side_invitation(request, pk, accept=False)


def _answer_side_invitation(request: HttpRequest, pk: int, *, accept: bool) -> dict[str, Any]:
    invitation = side_invitations.get_to_answer(request.user, pk)
    side = services.answer_side_invitation(request.user, invitation, accept)
    invitation.refresh_from_db()
    return {**_side_invitation_out(invitation), "side": _side_out(side) if side else None}
