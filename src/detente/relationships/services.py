"""Setting a pair's target cadence: one transaction, one audit entry."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from detente import audit
from detente.alliances.models import Stakeholder
from detente.records.visibility import AllianceAccess
from detente.relationships.models import ContactCadence
from detente.relationships.pairs import Pair, pairs_of


def pair(access: AllianceAccess, stakeholder_id: Any, counterpart_id: Any) -> Pair:
    """The pair of these two stakeholders, if the reader sees both and they are a pair (else 404)."""
    ids = {str(stakeholder_id), str(counterpart_id)}
    people = access.records(Stakeholder).filter(pk__in=[i for i in ids if i.isdigit()])
    found = pairs_of(people)
    if len(found) != 1:
        raise Http404("No such pair of counterparts.")
    return found[0]


def preferred(access: AllianceAccess, cadences: list[ContactCadence]) -> ContactCadence | None:
    """Of the cadences of one pair the reader sees, the one of the reader's own side first
    (its own, set while the pair was its alone), else the joint one."""
    return min(cadences, key=lambda c: (c.owner_side_id not in access.roles, c.pk), default=None)


def cadence_of(access: AllianceAccess, p: Pair) -> ContactCadence | None:
    return preferred(
        access,
        list(
            access.records(ContactCadence).filter(
                stakeholder=p.stakeholder, counterpart=p.counterpart
            )
        ),
    )


@transaction.atomic
def set_cadence(access: AllianceAccess, p: Pair, days: int) -> ContactCadence:
    """Set how often the pair should be in touch. A pair with a private end is that side's
    alone, so its cadence is private to it; a joint pair's cadence is joint, kept by the
    side that first set it."""
    cadence = cadence_of(access, p)
    if cadence is not None:
        if not access.can_write_on(cadence.owner_side_id):
            raise PermissionDenied(f"{cadence.owner_side} keeps this pair's cadence.")
        before = audit.snapshot(cadence)
        cadence.days = days
        cadence.save()
        audit.log(access.user, "update", cadence, before=before, after=audit.snapshot(cadence))
        return cadence
    side_id = p.private_side_id or access.default_side.pk
    if not access.can_write_on(side_id):
        raise PermissionDenied("Your role in this alliance is read-only.")
    cadence = ContactCadence.objects.create(
        alliance=access.alliance,
        owner_side_id=side_id,
        visibility=p.visibility,
        created_by=access.user,
        stakeholder=p.stakeholder,
        counterpart=p.counterpart,
        days=days,
    )
    audit.log(access.user, "create", cadence, after=audit.snapshot(cadence))
    return cadence
