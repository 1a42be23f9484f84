"""Actions on meetings. Each runs in one transaction and writes one audit entry per record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from detente import audit
from detente.accounts.models import Role
from detente.commitments.forms import CommitmentForm
from detente.health import services as health_services
from detente.health.forms import CycleForm
from detente.health.models import Cycle
from detente.meetings import agenda, cadence, digest
from detente.meetings.models import AgendaItem, Cadence, Meeting, MeetingAction, ProgressDigest
from detente.notifications.events import Event, publish
from detente.notifications.models import Kind
from detente.records.models import Alliance, Side
from detente.records.services import save_form
from detente.records.visibility import JOINT, PRIVATE, AllianceAccess

# Generating the agenda ------------------------------------------------------------------


def reader_for(meeting: Meeting) -> agenda.Reader:
    """A joint meeting reads joint records only; a preparation meeting its side's too."""
    side_id = meeting.owner_side_id if meeting.visibility == PRIVATE else None
    return agenda.Reader(alliance=meeting.alliance, side_id=side_id, on=meeting.starts_at.date())


def _child(meeting: Meeting, **fields: Any) -> dict[str, Any]:
    return {
        "meeting": meeting,
        "alliance_id": meeting.alliance_id,
        "owner_side_id": meeting.owner_side_id,
        "visibility": meeting.visibility,
        **fields,
    }


def add_generated_items(actor: Any, meeting: Meeting) -> list[AgendaItem]:
    """Add the generated items the agenda does not hold yet (same source and link)."""
    have = {(i.source, i.url, i.title) for i in meeting.items.all()}
    last = max((i.position for i in meeting.items.all()), default=0)
    made = []
    for item in agenda.generate(reader_for(meeting)):
        if (item.source, item.url, item.title) in have:
            continue
        last += 10
        row = AgendaItem.objects.create(
            **_child(
                meeting,
                position=last,
                source=item.source,
                title=item.title[:300],
                detail=item.detail,
                url=item.url,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
        )
        after = audit.snapshot(row)
        if not getattr(actor, "is_authenticated", False):
            after["done_by"] = CADENCE_ACTOR
        audit.log(actor, "create", row, after=after)
        made.append(row)
    return made


@transaction.atomic
def create_meeting(access: AllianceAccess, form: Any) -> Meeting:
    meeting: Meeting = save_form(access, form)
    add_generated_items(access.user, meeting)
    notify(meeting, actor_id=access.user.pk)
    return meeting


@transaction.atomic
def refresh_agenda(access: AllianceAccess, meeting: Meeting) -> list[AgendaItem]:
    return add_generated_items(access.user, meeting)


# Editing the agenda ---------------------------------------------------------------------


@transaction.atomic
def add_item(access: AllianceAccess, meeting: Meeting, title: str, detail: str = "") -> AgendaItem:
    last = max((i.position for i in meeting.items.all()), default=0)
    row = AgendaItem.objects.create(
        **_child(meeting, position=last + 10, title=title, detail=detail, created_by=access.user)
    )
    audit.log(access.user, "create", row, after=audit.snapshot(row))
    return row


@transaction.atomic
def remove_item(access: AllianceAccess, item: AgendaItem) -> None:
    before = audit.snapshot(item)
    pk = item.pk
    item.delete()
    item.pk = pk
    audit.log(access.user, "delete", item, before=before)


@transaction.atomic
def reorder(access: AllianceAccess, meeting: Meeting, ids: list[int]) -> None:
    """Put the items in the order of ``ids`` (every item of the meeting, once each)."""
    items = {i.pk: i for i in meeting.items.all()}
    if sorted(ids) != sorted(items):
        raise ValueError("Give every item of this agenda once, in the new order.")
    for position, pk in enumerate(ids, start=1):
        item = items[pk]
        if item.position != position * 10:
            before = audit.snapshot(item)
            item.position = position * 10
            item.save(update_fields=["position", "updated_at"])
            audit.log(access.user, "update", item, before=before, after=audit.snapshot(item))


def move(access: AllianceAccess, meeting: Meeting, item: AgendaItem, direction: str) -> None:
    ids = [i.pk for i in meeting.items.all()]
    at = ids.index(item.pk)
    to = at - 1 if direction == "up" else at + 1
    if 0 <= to < len(ids):
        ids[at], ids[to] = ids[to], ids[at]
        reorder(access, meeting, ids)


# Minutes, decisions and actions ---------------------------------------------------------


@transaction.atomic
def save_minutes(
    access: AllianceAccess, meeting: Meeting, minutes: dict[int, str], decisions: str | None
) -> None:
    for item in meeting.items.all():
        if item.pk in minutes and minutes[item.pk] != item.minutes:
            before = audit.snapshot(item)
            item.minutes = minutes[item.pk]
            item.save(update_fields=["minutes", "updated_at"])
            audit.log(access.user, "update", item, before=before, after=audit.snapshot(item))
    if decisions is not None and decisions != meeting.decisions:
        before = audit.snapshot(meeting)
        meeting.decisions = decisions
        meeting.save(update_fields=["decisions", "updated_at"])
        audit.log(access.user, "update", meeting, before=before, after=audit.snapshot(meeting))
    if meeting.items.exclude(minutes="").exists() or meeting.decisions:
        notify(meeting, actor_id=access.user.pk, minutes=True)


class ActionsInvalid(Exception):
    """A row of actions was refused; nothing was saved. ``errors`` name row and field."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class ActionRow:
    title: str
    side_id: Any
    owner_id: Any
    due_date: Any


def _owner(meeting: Meeting, side: Side | None, owner_id: Any) -> Any:
    if side is None or owner_id in (None, ""):
        return None
    return (
        get_user_model()
        .objects.filter(pk=owner_id, memberships__organisation_id=side.organisation_id)
        .exclude(memberships__role=Role.READONLY)
        .first()
        if str(owner_id).isdigit()
        else None
    )


@transaction.atomic
def create_actions(
    access: AllianceAccess, meeting: Meeting, rows: list[ActionRow]
) -> list[MeetingAction]:
    """Turn the rows into commitments of the ledger, all of them or none."""
    if not rows:
        raise ActionsInvalid(["Add at least one action."])
    errors: list[str] = []
    forms = []
    for n, row in enumerate(rows, start=1):
        side = next((s for s in access.sides if str(s.pk) == str(row.side_id)), None)
        if meeting.visibility == PRIVATE and side is not None and side.pk != meeting.owner_side_id:
            errors.append(f"Row {n}, side: a preparation meeting's actions are its own side's.")
            continue
        owner = _owner(meeting, side, row.owner_id)
        data = {
            "owner_side": meeting.owner_side_id,
            "owed_by": side.pk if side else "",
            "owed_by_person": owner.pk if owner else "",
            "kind": "deliverable",
            "title": row.title,
            "description": f"From the meeting '{meeting.title}'",
            "due_date": row.due_date or "",
            "status": "open",
            "visibility": meeting.visibility,
        }
        form = CommitmentForm(data=data, access=access)
        if not form.is_valid():
            for name, messages in form.errors.items():
                label = {"owed_by": "side", "owner_side": "side", "owed_by_person": "owner"}.get(
                    name, name
                )
                errors.append(f"Row {n}, {label}: {' '.join(str(m) for m in messages)}")
            continue
        if owner is None:
            errors.append(f"Row {n}, owner: choose a person of the side that owes it.")
            continue
        forms.append((form, owner))
    if errors:
        raise ActionsInvalid(errors)
    made = []
    for form, owner in forms:
        commitment = save_form(access, form)
        action = MeetingAction.objects.create(
            **_child(meeting, commitment=commitment, owner=owner, created_by=access.user)
        )
        audit.log(access.user, "create", action, after=audit.snapshot(action))
        made.append(action)
    return made


# Notifying ------------------------------------------------------------------------------


def people_of(alliance: Alliance, side_id: int | None = None) -> list[int]:
    sides = alliance.sides.all() if side_id is None else alliance.sides.filter(pk=side_id)
    return list(
        get_user_model()
        .objects.filter(memberships__organisation__sides__in=sides)
        .values_list("pk", flat=True)
        .distinct()
    )


def managers_of(alliance: Alliance, side_id: int | None = None) -> list[int]:
    """The managers (and admins) of the alliance's sides, or of one side."""
    sides = alliance.sides.all() if side_id is None else alliance.sides.filter(pk=side_id)
    return list(
        get_user_model()
        .objects.filter(
            memberships__organisation__sides__in=sides,
            memberships__role__in=[Role.MANAGER, Role.ADMIN],
        )
        .values_list("pk", flat=True)
        .distinct()
    )


def meeting_url(meeting: Meeting) -> str:
    return reverse("meeting_detail", args=[meeting.alliance_id, meeting.pk])


def notify(meeting: Meeting, *, actor_id: int | None = None, minutes: bool = False) -> None:
    """Tell the meeting's attendees, or the managers of the sides concerned while it has
    none (publish checks each against the meeting's visibility)."""
    side = meeting.owner_side_id if meeting.visibility == PRIVATE else None
    attendees = list(meeting.attendees.values_list("pk", flat=True))
    when = timezone.localtime(meeting.starts_at).strftime("%d %b %Y %H:%M")
    text = (
        f"Minutes of '{meeting.title}' are shared."
        if minutes
        else f"'{meeting.title}' is scheduled for {when}."
    )
    publish(
        Event(
            kind=Kind.MEETING,
            key=f"meeting-{'minutes' if minutes else 'new'}:{meeting.pk}",
            text=text,
            url=meeting_url(meeting),
            alliance_id=meeting.alliance_id,
            visibility=meeting.visibility,
            owner_side_id=meeting.owner_side_id,
            actor_id=actor_id,
            user_ids=attendees or managers_of(meeting.alliance, side),
        )
    )


# The cadence's job ----------------------------------------------------------------------


# Who did it, in the audit rows the jobs write (they have no person as actor).
CADENCE_ACTOR = "the alliance's meeting cadence (a scheduled job)"
DIGEST_ACTOR = "the monthly progress digest (a scheduled job)"


def system_access(alliance: Alliance) -> AllianceAccess:
    """The access the cadence acts with: no person, a manager of the alliance's first side
    (the health service opens a cycle for a side that manages it). Its audit rows have no
    person as actor and say ``done_by``: the cadence."""
    sides = list(alliance.sides.select_related("organisation"))
    return AllianceAccess(
        alliance=alliance, user=None, roles={sides[0].pk: Role.MANAGER}, sides=sides
    )


def _open_cycle(access: AllianceAccess, start: dt.date) -> Cycle:
    plan = health_services.plan_for(access.alliance)
    period = cadence.health_period(start, plan.period_kind)
    found = Cycle.objects.filter(alliance=access.alliance, period=period).first()
    if found is not None:
        return found
    data = {"period": period, "opens_on": start, "closes_on": start + dt.timedelta(days=13)}
    form = CycleForm(data=data, access=access, plan=plan)
    if not form.is_valid():
        raise ValueError(f"Cannot open the health check {period}: {form.errors.as_text()}")
    cycle: Cycle = health_services.create_cycle(access, form)
    publish(
        Event(
            kind=Kind.SURVEY,
            key=f"cycle-open:{cycle.pk}",
            text=f"The health check {period} of {access.alliance} is open for answers.",
            url=reverse("cycle_detail", args=[access.alliance.pk, cycle.pk]),
            alliance_id=access.alliance.pk,
            visibility=JOINT,
            owner_side_id=cycle.owner_side_id,
            user_ids=people_of(access.alliance),
        )
    )
    return cycle


def run_cadence_for(alliance: Alliance, now: dt.datetime | None = None) -> list[Meeting]:
    """Open this period's health check and schedule each rhythm's meeting, once each."""
    now = now or timezone.now()
    stored = cadence.cadence_for(alliance)
    if not stored.active or not alliance.sides.exists():
        return []
    made = []
    for rhythm, label, starts_at in cadence.next_meetings(stored, now):
        key = f"{rhythm.kind}:{label}"
        if starts_at < now:
            continue  # this period's meeting day has passed: the cadence starts with the next
        if Meeting.objects.filter(alliance=alliance, cadence_key=key).exists():
            continue
        try:
            with transaction.atomic():
                access = system_access(alliance)
                cycle = None
                if rhythm.kind == "health_check":
                    start = cadence.period_start(
                        now.astimezone(cadence.zone(stored)).date(), rhythm.months
                    )
                    cycle = _open_cycle(access, start)
                meeting = Meeting.objects.create(
                    alliance=alliance,
                    owner_side=access.sides[0],
                    visibility=JOINT,
                    kind=rhythm.meeting_kind,
                    title=f"{rhythm.title} {label}",
                    starts_at=starts_at,
                    cycle=cycle,
                    cadence_key=key,
                    purpose="Scheduled by the alliance's meeting cadence.",
                )
                meeting.attendees.set(managers_of(alliance))
                after = audit.snapshot(meeting) | {"done_by": CADENCE_ACTOR}
                audit.log(None, "create", meeting, after=after)
                add_generated_items(None, meeting)
                notify(meeting)
        except IntegrityError:  # another worker scheduled it at the same moment
            continue
        made.append(meeting)
    return made


@transaction.atomic
def save_cadence(access: AllianceAccess, form: Any, before: dict | None = None) -> Cadence:
    cadence_row = form.instance
    if cadence_row.pk is None:
        cadence_row.owner_side = access.default_side
        cadence_row.visibility = JOINT
    saved: Cadence = save_form(access, form, before=before)
    return saved


# The monthly progress digest -------------------------------------------------------------


def send_digest(alliance: Alliance, month: digest.Month | None = None) -> ProgressDigest | None:
    """Send ``month``'s digest (last month by default, on the cadence's dates) to both sides'
    managers, once: None when it was sent already or the alliance has no side yet."""
    sides = list(alliance.sides.order_by("pk"))
    if not sides:
        return None
    if month is None:
        today = timezone.now().astimezone(cadence.zone(cadence.cadence_for(alliance))).date()
        month = digest.last_month(today)
    if ProgressDigest.objects.filter(alliance=alliance, period=month.label).exists():
        return None
    built = digest.build(alliance, month)
    try:
        with transaction.atomic():
            row = ProgressDigest.objects.create(
                alliance=alliance,
                owner_side=sides[0],
                visibility=JOINT,
                period=month.label,
                summary=built.text(),
            )
            audit.log(None, "create", row, after=audit.snapshot(row) | {"done_by": DIGEST_ACTOR})
            publish(
                Event(
                    kind=Kind.PROGRESS,
                    key=f"progress-digest:{alliance.pk}:{month.label}",
                    text=built.text(),
                    url=reverse("meetings_digest", args=[alliance.pk]) + f"?month={month.label}",
                    alliance_id=alliance.pk,
                    visibility=JOINT,
                    owner_side_id=sides[0].pk,
                    user_ids=managers_of(alliance),
                )
            )
    except IntegrityError:  # another worker sent it at the same moment
        return None
    return row
