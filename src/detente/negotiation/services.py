"""Actions on negotiation rounds. Each runs in one transaction and writes its audit entries."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from detente import audit
from detente.approvals import gate
from detente.negotiation import forms as issue_forms
from detente.negotiation import proposals
from detente.negotiation.forms import MAX_CONSTRAINTS, PreferencesForm, RoundForm
from detente.negotiation.models import (
    Acceptance,
    FacilitatorGrant,
    NegotiationIssue,
    NegotiationRound,
    SidePreferences,
)
from detente.records.models import Alliance, Side
from detente.records.visibility import JOINT, AllianceAccess, get_alliance_access

log = logging.getLogger(__name__)


class Refused(Exception):
    """An action that cannot be taken now; the message says why (and names no private value)."""


# The facilitator rule --------------------------------------------------------------------


def is_facilitator(access: AllianceAccess, rnd: NegotiationRound) -> bool:
    """True when every side of the alliance has granted ``access.user`` this round."""
    granted = set(
        access.records(FacilitatorGrant)
        .filter(round=rnd, user=access.user)
        .values_list("owner_side_id", flat=True)
    )
    return bool(access.sides) and granted >= {s.pk for s in access.sides}


@dataclass(frozen=True)
class FacilitatorAccess:
    """What the facilitator of one round may use: the round and the names of the sides (to
    label the utilities). Nothing else of the alliance.

    Deliberately not an ``AllianceAccess``: it has no ``records()`` and no ``get_record()``,
    so a view holding it cannot reach any other record. It is built only by
    ``facilitator_access`` and used only by the facilitator's page and API route.
    """

    alliance: Alliance
    user: Any
    round: NegotiationRound
    sides: list[Side]
    is_member: bool  # False for a neutral facilitator with no side in the alliance


def facilitator_access(user: Any, alliance_id: Any, round_id: Any) -> FacilitatorAccess:
    """The access helper of the facilitator's page and API route.

    A member of the alliance goes through the alliance's access rule (a foreign round is a
    404) and then needs a grant from every side (else 403).

    A neutral facilitator, who belongs to no side, is let in through the grants alone: the
    round opens only when every side of the alliance has granted this user this round;
    until then it is a 404, as for any outsider, so naming someone reveals nothing before
    every side agrees. ``get_alliance_access`` is not loosened: to every other page and
    route of the alliance the facilitator stays an outsider.
    """
    try:
        access = get_alliance_access(user, alliance_id)
    except Http404:
        access = None
    if access is not None:
        rnd = access.get_record(NegotiationRound, round_id)
        if not is_facilitator(access, rnd):
            raise PermissionDenied(
                "Only a facilitator granted by every side may see both utilities."
            )
        return FacilitatorAccess(access.alliance, user, rnd, access.sides, is_member=True)
    if not getattr(user, "is_authenticated", False):
        raise Http404("No such alliance.")
    try:
        rnd = NegotiationRound.objects.select_related("alliance").get(
            pk=round_id, alliance_id=alliance_id, visibility=JOINT
        )
    except (NegotiationRound.DoesNotExist, ValueError, TypeError):
        raise Http404("No such alliance.") from None
    # Same order as ``AllianceAccess.sides``, so the engine sees the parties in the same order.
    sides = list(rnd.alliance.sides.select_related("organisation"))
    granted = set(
        FacilitatorGrant.objects.filter(
            alliance_id=rnd.alliance_id, round=rnd, user=user, visibility=JOINT
        ).values_list("owner_side_id", flat=True)
    )
    if not sides or not granted >= {s.pk for s in sides}:
        raise Http404("No such alliance.")
    return FacilitatorAccess(rnd.alliance, user, rnd, sides, is_member=False)


# Rounds ----------------------------------------------------------------------------------


def _write_issues(
    access: AllianceAccess,
    rnd: NegotiationRound,
    issues: list[tuple[str, list[str]]],
    labels: dict[str, str] | None = None,
) -> None:
    labels = labels or {}
    existing = {i.name: i for i in rnd.issues.all()}
    wanted = {name for name, _ in issues}
    for name, gone in existing.items():
        if name not in wanted:
            before = audit.snapshot(gone)
            pk = gone.pk
            gone.delete()
            gone.pk = pk
            audit.log(access.user, "delete", gone, before=before, alliance=access.alliance)
    for position, (name, options) in enumerate(issues):
        issue = existing.get(name)
        if issue is None:
            issue = NegotiationIssue.objects.create(
                round=rnd, name=name, label=labels.get(name, ""), options=options, position=position
            )
            audit.log(
                access.user, "create", issue, after=audit.snapshot(issue), alliance=access.alliance
            )
        elif (
            issue.options != options
            or issue.position != position
            or issue.label != labels.get(name, issue.label)
        ):
            before = audit.snapshot(issue)
            issue.options, issue.position = options, position
            issue.label = labels.get(name, issue.label)
            issue.save()
            audit.log(
                access.user,
                "update",
                issue,
                before=before,
                after=audit.snapshot(issue),
                alliance=access.alliance,
            )


@transaction.atomic
def save_round(
    access: AllianceAccess, form: RoundForm, *, before: dict | None = None
) -> NegotiationRound:
    is_new = before is None
    rnd = form.save(commit=False)
    if is_new:
        rnd.alliance = access.alliance
        rnd.created_by = access.user
    elif not rnd.is_open:
        raise Refused("This round is closed; its issues can no longer change.")
    rnd.visibility = JOINT
    rnd.save()
    audit.log(
        access.user, "create" if is_new else "update", rnd, before=before, after=audit.snapshot(rnd)
    )
    _write_issues(access, rnd, form.cleaned_data["issues"], form.issue_labels)
    # Changed issues invalidate what was accepted on the old ones.
    for acceptance in access.records(Acceptance).filter(round=rnd):
        _delete(access, acceptance)
    return rnd


@transaction.atomic
def set_constraints(
    access: AllianceAccess, rnd: NegotiationRound, constraints: list[dict[str, Any]]
) -> None:
    """Replace the round's constraints (one added or one removed on the round's page).
    Like any change of the terms, it cancels the acceptances given on the old ones."""
    if not rnd.is_open:
        raise Refused("This round is closed; its constraints can no longer change.")
    if len(constraints) > MAX_CONSTRAINTS:
        raise Refused(f"At most {MAX_CONSTRAINTS} constraints.")
    before = audit.snapshot(rnd)
    rnd.constraints = constraints
    rnd.save(update_fields=["constraints", "updated_at"])
    audit.log(access.user, "update", rnd, before=before, after=audit.snapshot(rnd))
    for acceptance in access.records(Acceptance).filter(round=rnd):
        _delete(access, acceptance)


def _delete(access: AllianceAccess, record: Any) -> None:
    before = audit.snapshot(record)
    pk = record.pk
    record.delete()
    record.pk = pk
    audit.log(access.user, "delete", record, before=before, alliance=access.alliance)


def writable_side(access: AllianceAccess) -> Side:
    """The side the user writes for (403 for a read-only member)."""
    sides = access.writable_sides
    if not sides:
        raise PermissionDenied("Your role in this alliance is read-only.")
    return sides[0]


def my_preferences(
    access: AllianceAccess, rnd: NegotiationRound, side: Side
) -> SidePreferences | None:
    return access.records(SidePreferences).filter(round=rnd, owner_side=side).first()


@transaction.atomic
def save_preferences(
    access: AllianceAccess,
    rnd: NegotiationRound,
    form: PreferencesForm,
    method: str = SidePreferences.Method.DIRECT,
) -> SidePreferences:
    if not rnd.is_open:
        raise Refused("This round is closed.")
    side = writable_side(access)
    weights, scores, walk_away = form.preferences()
    prefs = my_preferences(access, rnd, side)
    before = audit.snapshot(prefs) if prefs else None
    if prefs is None:
        prefs = SidePreferences(
            alliance=access.alliance, owner_side=side, round=rnd, created_by=access.user
        )
    prefs.weights, prefs.scores, prefs.walk_away, prefs.method = weights, scores, walk_away, method
    prefs.save()  # always private (see the model)
    audit.log(
        access.user,
        "create" if before is None else "update",
        prefs,
        before=before,
        after=audit.snapshot(prefs),
    )
    # New preferences move every utility: acceptances made on the old ones lapse.
    for acceptance in access.records(Acceptance).filter(round=rnd):
        _delete(access, acceptance)
    return prefs


@transaction.atomic
def grant(access: AllianceAccess, rnd: NegotiationRound, user: Any) -> FacilitatorGrant:
    """A manager of a side names the facilitator of the round for that side."""
    access.require_manage()
    side = next(s for s in access.sides if access.can_manage_on(s.pk))
    existing = (
        access.records(FacilitatorGrant).filter(round=rnd, owner_side=side, user=user).first()
    )
    if existing:
        return existing
    record = FacilitatorGrant.objects.create(
        alliance=access.alliance,
        owner_side=side,
        round=rnd,
        user=user,
        visibility=JOINT,
        created_by=access.user,
    )
    audit.log(access.user, "create", record, after=audit.snapshot(record))
    return record


@transaction.atomic
def revoke(access: AllianceAccess, rnd: NegotiationRound, grant_id: Any) -> None:
    record = access.get_record(FacilitatorGrant, grant_id, write=True)
    if record.round_id != rnd.pk:
        raise Http404("No such grant.")
    if not access.can_manage_on(record.owner_side_id):
        raise PermissionDenied("Only a manager of the side that granted it may revoke it.")
    _delete(access, record)


@transaction.atomic
def accept(access: AllianceAccess, rnd: NegotiationRound, package: dict[str, str]) -> Acceptance:
    """Record the user's side accepting ``package``; when every side has accepted the same
    package, the round is agreed and an agreement draft is created from it."""
    rnd = NegotiationRound.objects.select_for_update().get(pk=rnd.pk)
    if not rnd.is_open:
        raise Refused("This round is already closed.")
    side = writable_side(access)
    result = proposals.solve_round(rnd, access.sides)
    if not proposals.is_proposed(result, package):
        raise Refused("Only one of the packages proposed now can be accepted.")
    # Internal consensus first: the side's preferences approved by the colleagues it named.
    prefs = my_preferences(access, rnd, side)
    blocked = gate.blocking(prefs, [side.pk]) if prefs is not None else None
    if blocked:
        raise Refused(blocked)
    existing = access.records(Acceptance).filter(round=rnd, owner_side=side).first()
    if existing:
        _delete(access, existing)
    acceptance = Acceptance.objects.create(
        alliance=access.alliance,
        owner_side=side,
        round=rnd,
        package=package,
        visibility=JOINT,
        created_by=access.user,
    )
    audit.log(access.user, "create", acceptance, after=audit.snapshot(acceptance))
    accepted = {
        a.owner_side_id: proposals.proposal_key(a.package)
        for a in access.records(Acceptance).filter(round=rnd)
    }
    key = proposals.proposal_key(package)
    if set(accepted) >= {s.pk for s in access.sides} and set(accepted.values()) == {key}:
        _conclude(access, rnd, package)
    return acceptance


def _conclude(access: AllianceAccess, rnd: NegotiationRound, package: dict[str, str]) -> None:
    before = audit.snapshot(rnd)
    rnd.status = NegotiationRound.Status.AGREED
    rnd.agreed_package = package
    rnd.agreed_at = timezone.now()
    version = agreement_draft(access, rnd, package)
    rnd.agreement_version_id = version.pk if version is not None else None
    rnd.save()
    audit.log(access.user, "update", rnd, before=before, after=audit.snapshot(rnd))


def agreement_draft(access: AllianceAccess, rnd: NegotiationRound, package: dict[str, str]) -> Any:
    """A new draft of the agreement, based on the version in force, with the agreed
    package written into its scope as one clause per issue (so the diff shows it).

    Returns None when the agreements app offers no draft service in this build.
    """
    try:
        from detente.agreements import document
        from detente.agreements.models import AgreementVersion
        from detente.agreements.services import create_draft
    except ImportError:  # the agreements app is not there yet: the package stays on the round
        return None
    in_force = (
        access.records(AgreementVersion).filter(status=AgreementVersion.Status.IN_FORCE).first()
    )
    labels = {i.name: str(i) for i in rnd.issues.all()}
    draft = create_draft(
        access,
        owner_side=writable_side(access),
        title=f"{rnd.title}: agreed package",
        summary="Terms agreed in the negotiation round: "
        + "; ".join(f"{labels.get(k, k)} = {v}" for k, v in package.items())
        + ".",
        visibility=JOINT,
        based_on=in_force,
    )
    content = document.normalised(draft.content)
    content["scope"] = list(content["scope"]) + [
        {
            "key": document.new_key(),
            "kind": "in",
            "item": f"{labels.get(name, name)}: {option}",
            "notes": f"Agreed in negotiation round “{rnd.title}”.",
        }
        for name, option in package.items()
    ]
    before = audit.snapshot(draft)
    draft.content = content
    draft.save()
    audit.log(access.user, "update", draft, before=before, after=audit.snapshot(draft))
    return draft


# One issue added from elsewhere (an idea of the vision app) ---------------------------------


@transaction.atomic
def add_issue(
    access: AllianceAccess, rnd: NegotiationRound, label: str, options: list[str]
) -> NegotiationIssue:
    """Add one issue (in words, with its options) at the end of an open round, audited.

    The same rules as the round's form: the words give the short name, at least two distinct
    options, no issue twice, at most ``MAX_ISSUES``. Like a change of the round's issues, it
    withdraws the acceptances given on the old issues. The caller has looked the round up for
    writing; a closed round or a bad issue is ``Refused`` with the reason, and nothing is written.
    """
    if not rnd.is_open:
        raise Refused("This round is closed; its issues can no longer change.")
    words = " ".join(label.replace(":", " ").split())[:150]
    try:
        ((name, cleaned, words),) = issue_forms.parse_labelled_issues(
            f"{words}: {', '.join(options)}"
        )
    except ValidationError as exc:  # the form's words, less the line number of its text box
        raise Refused(" ".join(m.removeprefix("Line 1: ") for m in exc.messages)) from None
    existing = list(rnd.issues.all())
    if any(issue.name == name for issue in existing):
        raise Refused(f"The round already has the issue '{words}'.")
    if len(existing) >= issue_forms.MAX_ISSUES:
        raise Refused(f"A round has at most {issue_forms.MAX_ISSUES} issues.")
    position = max((issue.position for issue in existing), default=-1) + 1
    issue = NegotiationIssue.objects.create(
        round=rnd, name=name, label=words if words != name else "", options=cleaned,
        position=position,
    )  # fmt: skip
    audit.log(access.user, "create", issue, after=audit.snapshot(issue), alliance=access.alliance)
    for acceptance in access.records(Acceptance).filter(round=rnd):
        _delete(access, acceptance)
    return issue
