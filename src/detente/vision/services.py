"""Actions on the vision and the ideas. Each runs in one transaction with one audit entry per
change; a refusal (``Refused``) says why and writes nothing."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from detente import audit
from detente.records.models import Side
from detente.records.visibility import JOINT, AllianceAccess
from detente.vision import conversions
from detente.vision.conversions import Refused
from detente.vision.forms import VisionForm
from detente.vision.models import Idea, IdeaVote, VisionVersion

__all__ = ["Refused", "accept", "convert", "current_vision", "propose", "vote"]


def current_vision(access: AllianceAccess) -> VisionVersion | None:
    """The vision as it stands: the accepted version with the highest number."""
    return (
        access.records(VisionVersion)
        .filter(status=VisionVersion.Status.ACCEPTED)
        .order_by("-number")
        .first()
    )


@transaction.atomic
def propose(access: AllianceAccess, form: VisionForm) -> VisionVersion:
    """A new version from a validated form. A proposal still waiting is replaced by it (the
    other side's counter-proposal, or the same side's second thought)."""
    side: Side = form.cleaned_data["side"]
    if not access.can_write_on(side.pk):
        raise Refused("You can propose only for a side you write for.")
    # Lock the alliance's versions so that two proposals cannot take the same number.
    versions = VisionVersion.objects.select_for_update().filter(alliance=access.alliance)
    for waiting in versions.filter(status=VisionVersion.Status.PROPOSED):
        before = audit.snapshot(waiting)
        waiting.status = VisionVersion.Status.SUPERSEDED
        waiting.save(update_fields=["status", "updated_at"])
        audit.log(access.user, "update", waiting, before=before, after=audit.snapshot(waiting))
    number = (versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = form.save(commit=False)
    version.alliance = access.alliance
    version.owner_side = side
    version.created_by = access.user
    version.number = number
    version.status = VisionVersion.Status.PROPOSED
    version.save()
    audit.log(access.user, "create", version, after=audit.snapshot(version))
    return version


def accepting_sides(access: AllianceAccess, version: VisionVersion) -> list[Side]:
    """The sides the user may accept ``version`` for: sides the user writes for other than
    the proposer's (the proposer's own side too when the alliance has only one side)."""
    if version.status != VisionVersion.Status.PROPOSED:
        return []
    others = [s for s in access.writable_sides if s.pk != version.owner_side_id]
    if len(access.sides) == 1:
        return access.writable_sides
    return others


@transaction.atomic
def accept(access: AllianceAccess, version: VisionVersion) -> VisionVersion:
    version = VisionVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VisionVersion.Status.PROPOSED:
        raise Refused("Only a proposal still waiting can be accepted.")
    sides = accepting_sides(access, version)
    if not sides:
        raise Refused("The other side accepts a proposal; the side that proposed it cannot.")
    before = audit.snapshot(version)
    version.status = VisionVersion.Status.ACCEPTED
    version.accepted_by = access.user
    version.accepted_side = sides[0]
    version.accepted_at = timezone.now()
    version.save()
    audit.log(access.user, "update", version, before=before, after=audit.snapshot(version))
    return version


VOTES = {"up": 1, "down": -1, "none": 0}


@transaction.atomic
def vote(access: AllianceAccess, idea: Idea, value: int) -> int:
    """Set the user's vote on an idea the user sees: 1 (up), -1 (down) or 0 (take it back).
    One vote a person: a second vote replaces the first. Returns the vote now held."""
    access.require_write()  # a read-only member follows the ranking but does not vote
    if value not in (1, -1, 0):
        raise Refused("A vote is up, down or none.")
    held = IdeaVote.objects.select_for_update().filter(idea=idea, user=access.user).first()
    if held is None and value == 0:
        return 0
    if held is None:
        held = IdeaVote.objects.create(idea=idea, user=access.user, value=value)
        audit.log(access.user, "create", held, after=audit.snapshot(held))
    elif value == 0:
        before = audit.snapshot(held)
        pk = held.pk
        held.delete()
        held.pk = pk
        held.idea = idea
        audit.log(access.user, "delete", held, before=before, alliance=access.alliance)
    elif held.value != value:
        before = audit.snapshot(held)
        held.value = value
        held.save(update_fields=["value"])
        audit.log(access.user, "update", held, before=before, after=audit.snapshot(held))
    return value


@transaction.atomic
def convert(access: AllianceAccess, idea: Idea, target: str, choice: Any) -> Idea:
    """Turn a shared idea into a record of another capability (``conversions.TARGETS``), and
    mark the idea with what it became. All or nothing: the target's record and the mark are
    written in this one transaction, so a refusal or error in either undoes both."""
    access.require_write()
    found = conversions.TARGETS.get(target)
    if found is None:
        raise Refused(f"An idea cannot become a '{target}'.")
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    if idea.visibility != JOINT:
        raise Refused("Share the idea with the other side first: it is private to your side.")
    if idea.converted_to:
        raise Refused(f"This idea is already {idea.converted_label}.")
    converted = found.convert(access, idea, choice)
    before = audit.snapshot(idea)
    idea.converted_to = target
    idea.converted_id = converted.record_id
    idea.converted_label = converted.label[:300]
    idea.converted_url = reverse(converted.url_name, args=[access.alliance.pk, *converted.url_args])
    idea.converted_at = timezone.now()
    if idea.status == Idea.Status.NEW:
        idea.status = Idea.Status.DISCUSSION
    idea.save()
    audit.log(access.user, "update", idea, before=before, after=audit.snapshot(idea))
    return idea
