"""Which changes are events, and who they are for.

Every action of the capability apps writes its audit entry itself (``detente.audit.log``);
``on_audit_entry`` reads the new entry and, for the changes below, publishes an event. The
entry carries the visibility of the record (private when it ever was), which the event
keeps, so the people told are those who may see the record. Nothing in the capability apps
knows about notifications.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from detente.audit.models import AuditEntry
from detente.notifications import audience
from detente.notifications.events import Event, publish
from detente.notifications.models import Kind

log = logging.getLogger(__name__)


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _event(entry: AuditEntry, kind: str, key: str, text: str, url: str, user_ids: Any) -> Event:
    return Event(
        kind=kind,
        key=key,
        text=text,
        url=url,
        alliance_id=entry.alliance_id,
        visibility=entry.visibility,
        owner_side_id=entry.owner_side_id,
        actor_id=entry.actor_id,
        user_ids=user_ids,
    )


def _side_name(side_id: Any) -> str:
    side = (
        apps.get_model("alliances", "Side")
        .objects.filter(pk=side_id)
        .select_related("organisation")
        .first()
    )
    return str(side) if side else "A side"


def round_opened(entry: AuditEntry) -> Event | None:
    if entry.action != "create":
        return None
    a = entry.alliance_id
    if a is None:
        return None  # an entry of no alliance has nobody to tell
    return _event(
        entry,
        Kind.ROUND,
        f"round-open:{entry.object_id}",
        f"Negotiation round '{entry.object_repr}' is open: it waits for your side's preferences.",
        _url("negotiation_round", a, entry.object_id),
        audience.people_of(audience.other_sides(a, entry.owner_side_id)),
    )


def package_accepted(entry: AuditEntry) -> Event | None:
    after = entry.after or {}
    round_id = after.get("round_id")
    if entry.action not in ("create", "update") or round_id is None:
        return None
    a = entry.alliance_id
    if a is None:
        return None  # an entry of no alliance has nobody to tell
    rnd = apps.get_model("negotiation", "NegotiationRound").objects.filter(pk=round_id).first()
    title = rnd.title if rnd else "the round"
    return _event(
        entry,
        Kind.ROUND,
        f"acceptance:{entry.pk}",
        f"{_side_name(entry.owner_side_id)} accepted a package in '{title}': "
        "it waits for your side's answer.",
        _url("negotiation_round", a, round_id),
        audience.people_of(audience.other_sides(a, entry.owner_side_id)),
    )


def version_proposed(entry: AuditEntry) -> Event | None:
    before, after = entry.before or {}, entry.after or {}
    if not (before.get("status") == "draft" and after.get("status") == "proposed"):
        return None
    a = entry.alliance_id
    if a is None:
        return None  # an entry of no alliance has nobody to tell
    event = _event(
        entry,
        Kind.AGREEMENT,
        f"version-proposed:{entry.object_id}",
        f"Agreement version {after.get('number') or ''} '{after.get('title', '')}' was proposed: "
        "it waits for your side's signature.",
        _url("agreement_version", a, entry.object_id),
        audience.people_of(audience.all_sides(a)),
    )
    # Proposing makes a private draft joint (every side reads what it signs). The entry is
    # private because the draft was, but the event says only what is joint now: its number
    # and title after the change.
    if after.get("visibility") == "joint":
        event.visibility = "joint"
    return event


def version_signed(entry: AuditEntry) -> Event | None:
    after = entry.after or {}
    version_id = after.get("version_id")
    if entry.action != "create" or version_id is None:
        return None
    a = entry.alliance_id
    if a is None:
        return None  # an entry of no alliance has nobody to tell
    signed = apps.get_model("agreements", "Signature").objects.filter(version_id=version_id)
    waiting = set(audience.all_sides(a)) - set(signed.values_list("side_id", flat=True))
    if not waiting:
        return None  # the last signature: the version is in force
    version = apps.get_model("agreements", "AgreementVersion").objects.get(pk=version_id)
    return _event(
        entry,
        Kind.AGREEMENT,
        f"signature:{entry.object_id}",
        f"{_side_name(after.get('side_id'))} signed {version.label} '{version.title}': "
        "it waits for your side's signature.",
        _url("agreement_version", a, version_id),
        audience.people_of(waiting),
    )


def survey_invited(entry: AuditEntry) -> Event | None:
    after = entry.after or {}
    if entry.action != "create" or not after.get("email"):
        return None
    from django.contrib.auth import get_user_model

    users = list(
        get_user_model().objects.filter(email__iexact=after["email"]).values_list("pk", flat=True)
    )
    cycle = apps.get_model("health", "Cycle").objects.filter(pk=after.get("cycle_id")).first()
    period = f" {cycle.period}" if cycle else ""
    return _event(
        entry,
        Kind.SURVEY,
        f"survey:{entry.object_id}",
        f"The health check{period} is open for you: answer through the link in your email.",
        _url("health_home", entry.alliance_id),
        users,
    )


def alert_raised(entry: AuditEntry) -> Event | None:
    """A new warning or alert: the managers of the sides that may see it. Read from the
    entry's snapshot (a scan creates thousands of alerts: no second read of each)."""
    if entry.action != "create":
        return None
    after = entry.after or {}
    if "severity" not in after:  # an entry written without its snapshot: read the alert
        alert = apps.get_model("health", "Alert").objects.filter(pk=entry.object_id).first()
        if alert is None:
            return None
        after = {f: getattr(alert, f) for f in ("severity", "label", "measure", "period")}
        after["evidence"] = alert.evidence
    if after["severity"] < 2:  # watch-level notes stay on the alerts page
        return None
    from detente.health.warning import label_of

    a = entry.alliance_id
    if a is None:
        return None
    severity = apps.get_model("health", "Alert").Severity(after["severity"]).label
    # The sides that may see it: every side for a joint alert, its owner for a private one.
    sides = audience.all_sides(a) if entry.visibility == "joint" else [entry.owner_side_id or 0]
    return _event(
        entry,
        Kind.ALERT,
        f"alert:{entry.object_id}",
        f"{severity}: {label_of(after.get('label', ''), after.get('measure', ''))} "
        f"({after.get('period', '')}). {after.get('evidence', '')}",
        _url("health_alerts", a) + f"#alert-{entry.object_id}",
        audience.people_of(sides, audience.MANAGERS),
    )


def ladder_notice(entry: AuditEntry) -> Event | None:
    after = entry.after or {}
    if entry.action != "create" or not after.get("recipient_id"):
        return None
    notice = apps.get_model("conflicts", "Notification").objects.filter(pk=entry.object_id).first()
    return _event(
        entry,
        Kind.LADDER,
        f"conflict-notice:{entry.object_id}",
        after.get("text", ""),
        notice.url if notice else "",
        [after["recipient_id"]],
    )


def partner_joined(entry: AuditEntry) -> Event | None:
    after = entry.after or {}
    if entry.action != "create" or entry.actor_id is None:
        return None
    Membership = apps.get_model("accounts", "Membership")
    org = after.get("organisation_id")
    if not Membership.objects.filter(user_id=entry.actor_id, organisation_id=org).exists():
        return None  # added by the other side, not joined: its people are told "added"
    a = entry.alliance_id
    if a is None:
        return None  # an entry of no alliance has nobody to tell
    return _event(
        entry,
        Kind.PARTNER_JOINED,
        f"side-joined:{entry.object_id}",
        f"{entry.object_repr} joined the alliance.",
        _url("alliance_overview", a),
        audience.people_of(audience.other_sides(a, int(entry.object_id)), audience.EVERYONE),
    )


def member_added(entry: AuditEntry) -> Event | None:
    after = entry.after or {}
    if entry.action != "create" or not after.get("user_id"):
        return None
    org = (
        apps.get_model("accounts", "Organisation")
        .objects.filter(pk=after.get("organisation_id"))
        .first()
    )
    return Event(
        kind=Kind.ADDED,
        key=f"membership:{entry.object_id}",
        text=f"You were added to {org} ({after.get('role', 'member')}): its alliances are open to you.",
        url=_url("portfolio"),
        user_ids=[after["user_id"]],
    )


def approval_step(entry: AuditEntry) -> Event | None:
    """A colleague named as approver is asked (again); the requester hears each answer.
    The entry is private to the side, and so is the event."""
    after = entry.after or {}
    request_id, user_id, decision = (
        after.get("request_id"),
        after.get("user_id"),
        after.get("decision"),
    )
    if entry.action not in ("create", "update") or request_id is None or entry.alliance_id is None:
        return None
    request = apps.get_model("approvals", "ApprovalRequest").objects.filter(pk=request_id).first()
    if request is None:
        return None
    url = _url("approval_detail", entry.alliance_id, request_id)
    if decision == "pending":
        return _event(
            entry,
            Kind.APPROVAL,
            f"approval-ask:{request_id}:{request.round}:{user_id}",
            f"{request.requested_by or 'A colleague'} asks for your approval of {request.title} "
            "before it goes to the partner.",
            url,
            [user_id],
        )
    if request.requested_by_id is None or request.requested_by_id == user_id:
        return None
    answered = "approved" if decision == "approved" else "asked for changes to"
    return _event(
        entry,
        Kind.APPROVAL,
        f"approval-answer:{entry.pk}",
        f"{entry.actor or 'A colleague'} {answered} {request.title}.",
        url,
        [request.requested_by_id],
    )


def check_in_overdue(entry: AuditEntry) -> Event | None:
    """The daily scan raised a watch: tell the side that sees the pair overdue (the person
    linked to its end of the pair, else its managers). Private to that side, as the watch is."""
    if entry.action != "create" or entry.alliance_id is None or entry.owner_side_id is None:
        return None
    watch = (
        apps.get_model("relationships", "CheckInWatch")
        .objects.filter(pk=entry.object_id)
        .select_related("stakeholder", "counterpart")
        .first()
    )
    if watch is None:
        return None
    ends = (watch.stakeholder, watch.counterpart)
    ours = [s.user_id for s in ends if s.owner_side_id == entry.owner_side_id and s.user_id]
    people = ours or audience.people_of([entry.owner_side_id], audience.MANAGERS)
    last = f"last contact {watch.last_contact:%d %b %Y}" if watch.last_contact else "no contact yet"
    return _event(
        entry,
        Kind.CHECK_IN,
        f"check-in:{watch.pk}",
        f"A check-in between {watch.stakeholder.name} and {watch.counterpart.name} is overdue "
        f"(every {watch.days} days; {last}).",
        _url("relationship_health", entry.alliance_id)
        + f"#pair-{watch.stakeholder_id}-{watch.counterpart_id}",
        people,
    )


RULES: dict[str, Callable[[AuditEntry], Event | None]] = {
    "negotiation.negotiationround": round_opened,
    "negotiation.acceptance": package_accepted,
    "agreements.agreementversion": version_proposed,
    "agreements.signature": version_signed,
    "health.surveyinvitation": survey_invited,
    "health.alert": alert_raised,
    "conflicts.notification": ladder_notice,
    "alliances.side": partner_joined,
    "accounts.membership": member_added,
    "approvals.approver": approval_step,
    "relationships.checkinwatch": check_in_overdue,
}


def on_audit_entry(sender: Any, instance: AuditEntry, created: bool, **kwargs: Any) -> None:
    rule = RULES.get(instance.model)
    if not created or rule is None:
        return
    event = rule(instance)
    if event is not None and event.user_ids:
        publish(event)


# The joint plan and milestones (issue 18) -------------------------------------------------


def plan_version_step(entry: AuditEntry) -> Event | None:
    """A plan version proposed: the other sides' managers sign it off. In force: the managers
    of the sides other than the one whose signature put it in force hear it is settled."""
    before, after = entry.before or {}, entry.after or {}
    a = entry.alliance_id
    if a is None or after.get("visibility", "joint") != "joint":
        return None
    number = after.get("number") or ""
    url = _url("plan_version", a, entry.object_id)
    if entry.action == "create" and after.get("status") == "proposed":
        return _event(
            entry,
            Kind.PLAN,
            f"plan-proposed:{entry.object_id}",
            f"{_side_name(entry.owner_side_id)} proposed version {number} of the joint plan: "
            "it waits for your side's sign-off.",
            url,
            audience.people_of(audience.other_sides(a, entry.owner_side_id), audience.MANAGERS),
        )
    if before.get("status") == "proposed" and after.get("status") == "in_force":
        last = (
            apps.get_model("plans", "PlanSignature")
            .objects.filter(version_id=entry.object_id)
            .order_by("-signed_at", "-id")
            .first()
        )
        signer = last.side_id if last else entry.owner_side_id
        return _event(
            entry,
            Kind.PLAN,
            f"plan-in-force:{entry.object_id}",
            f"Version {number} of the joint plan is in force: {_side_name(signer)} signed it last.",
            url,
            audience.people_of(audience.other_sides(a, signer), audience.MANAGERS),
        )
    return None


def milestone_step(entry: AuditEntry) -> Event | None:
    """A joint milestone proposed (or proposed again after its terms changed): the other
    sides' writers answer it. Accepted or declined: the proposing side hears. A private
    draft is its side's own: it never reaches this rule's audience."""
    before, after = entry.before or {}, entry.after or {}
    a = entry.alliance_id
    side = entry.owner_side_id
    if a is None or side is None or entry.action not in ("create", "update"):
        return None
    if after.get("visibility", "joint") != "joint":
        return None
    url = _url("milestone_detail", a, entry.object_id)
    title = after.get("title") or entry.object_repr
    was, now = before.get("state"), after.get("state")
    if now == "proposed" and (entry.action == "create" or was != "proposed"):
        event = _event(
            entry,
            Kind.MILESTONE,
            f"milestone-proposed:{entry.pk}",
            f"{_side_name(entry.owner_side_id)} proposed the milestone '{title}': "
            "it waits for your side to accept or decline it.",
            url,
            audience.people_of(audience.other_sides(a, entry.owner_side_id)),
        )
        # A draft made joint: the entry is private because the draft was; the event says
        # only what is joint now.
        event.visibility = "joint"
        return event
    if was == "proposed" and now in ("agreed", "declined"):
        answered = "accepted" if now == "agreed" else "declined"
        return _event(
            entry,
            Kind.MILESTONE,
            f"milestone-{answered}:{entry.pk}",
            f"The other side {answered} the milestone '{title}'.",
            url,
            audience.people_of([side]),
        )
    return None


RULES["plans.planversion"] = plan_version_step
RULES["milestones.milestone"] = milestone_step
