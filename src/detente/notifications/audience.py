"""Who is told: the people of sides, by role. The visibility check is ``events.publish``'s."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model

from detente.accounts.models import Role
from detente.records.models import Side

WRITERS = (Role.MEMBER, Role.MANAGER, Role.ADMIN)
MANAGERS = (Role.MANAGER, Role.ADMIN)
EVERYONE = (Role.READONLY, *WRITERS)


def people_of(side_ids: Iterable[int], roles: Iterable[str] = WRITERS) -> list[int]:
    orgs = Side.objects.filter(pk__in=list(side_ids)).values("organisation_id")
    return list(
        get_user_model()
        .objects.filter(
            memberships__organisation_id__in=orgs, memberships__role__in=list(roles), is_active=True
        )
        .distinct()
        .values_list("pk", flat=True)
    )


def other_sides(alliance_id: int, side_id: int | None) -> list[int]:
    sides = Side.objects.filter(alliance_id=alliance_id)
    if side_id is not None:
        sides = sides.exclude(pk=side_id)
    return list(sides.values_list("pk", flat=True))


def all_sides(alliance_id: int) -> list[int]:
    return list(Side.objects.filter(alliance_id=alliance_id).values_list("pk", flat=True))
