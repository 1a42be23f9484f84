"""The one visibility rule. Every page, API route, export, search, count and email uses it.

A user belongs to an alliance through a membership in the organisation of one of its
sides. In that alliance the user sees:

* every *joint* record, and
* the *private* records whose owner side is one of the user's own sides.

Anyone else gets a 404 (the lookup itself fails, so the existence of an alliance or a
record is not revealed). A read-only member may look but gets a 403 on any change, and a
record may be changed only by a writer (member, manager or admin) of its owner side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from detente.accounts.models import ROLE_RANK, Membership, Role

if TYPE_CHECKING:
    from detente.records.models import Alliance, AllianceRecord, Side

JOINT = "joint"
PRIVATE = "private"

R = TypeVar("R", bound="AllianceRecord")

# ``detente.records.models`` builds its managers from the querysets below, so the models are
# imported where they are used (inside this package only).


def _my_side_ids(user: Any) -> models.QuerySet:
    from detente.records.models import Side

    return Side.objects.filter(organisation__memberships__user=user).values("id")


def _my_alliance_ids(user: Any) -> models.QuerySet:
    from detente.records.models import Side

    return Side.objects.filter(organisation__memberships__user=user).values("alliance_id")


def _side_alliance_ids(side_id: int) -> models.QuerySet:
    from detente.records.models import Side

    return Side.objects.filter(pk=side_id).values("alliance_id")


def visible_q(user: Any) -> models.Q:
    """The rule as a filter, for a signed-in ``user``: in the user's alliances, joint records
    and the private records of the user's sides."""
    return models.Q(alliance_id__in=_my_alliance_ids(user)) & (
        models.Q(visibility=JOINT) | models.Q(owner_side_id__in=_my_side_ids(user))
    )


def side_sees(side_id: int | None, record: Any) -> bool:
    """The rule for one record and one side (joint only when None): the twin of
    ``RecordQuerySet.visible_to_side`` for a record already in hand."""
    return record.visibility == JOINT or (side_id is not None and record.owner_side_id == side_id)


class AllianceQuerySet(models.QuerySet["Alliance"]):
    def for_user(self, user: Any) -> Self:
        """Alliances in which the user has a side. Anonymous users have none."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(id__in=_my_alliance_ids(user))


class RecordQuerySet(models.QuerySet[R]):
    def visible_to(self, user: Any) -> Self:
        """Joint records of the user's alliances, and private records of the user's sides."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(visible_q(user))

    def visible_in(self, alliance_id: int, side_ids: list[int]) -> Self:
        """The rule inside one alliance for a user already known to hold ``side_ids`` there
        (``AllianceAccess.records``): its joint records and those sides' private ones. The
        same records as ``visible_to(user).filter(alliance=...)`` without asking the
        database for every alliance of the user on each query (10,000 for a manager of a
        large portfolio)."""
        return self.filter(alliance_id=alliance_id).filter(
            models.Q(visibility=JOINT) | models.Q(owner_side_id__in=side_ids)
        )

    def visible_to_side(self, side_id: int | None) -> Self:
        """What a member of side ``side_id`` sees (joint only when None), for work done on
        a side's behalf without a signed-in user: a survey answered through a link, the
        early-warning scan routing alerts."""
        if side_id is None:
            return self.filter(visibility=JOINT)
        side_alliance = _side_alliance_ids(side_id)
        return self.filter(alliance_id__in=side_alliance).filter(
            models.Q(visibility=JOINT) | models.Q(owner_side_id=side_id)
        )


@dataclass
class AllianceAccess:
    """What one user may do in one alliance. Build it with ``get_alliance_access``."""

    alliance: Alliance
    user: Any
    roles: dict[int, str] = field(default_factory=dict)  # side id -> the user's role there
    sides: list[Side] = field(default_factory=list)  # all sides of the alliance

    @property
    def my_sides(self) -> list[Side]:
        return [side for side in self.sides if side.id in self.roles]

    @property
    def my_side(self) -> Side:
        """The side the user acts for by default (the first one, in practice the only one)."""
        return self.my_sides[0]

    @property
    def default_side(self) -> Side:
        """The side the user writes for unless told otherwise: the first side on which the
        user may write, else (a read-only member) the user's own side."""
        writable = self.writable_sides
        return writable[0] if writable else self.my_side

    def sees(self, record: Any, *, writing: bool = False) -> bool:
        """The rule for a record already in hand: joint, or kept by one of the user's sides
        (with ``writing``, by a side the user writes for)."""
        if writing:
            return record.visibility == JOINT or self.can_write_on(record.owner_side_id)
        return record.visibility == JOINT or record.owner_side_id in self.roles

    def role_on(self, side_id: int) -> str | None:
        return self.roles.get(side_id)

    def can_write_on(self, side_id: int) -> bool:
        role = self.roles.get(side_id)
        return role is not None and ROLE_RANK[Role(role)] >= ROLE_RANK[Role.MEMBER]

    def can_manage_on(self, side_id: int) -> bool:
        role = self.roles.get(side_id)
        return role is not None and ROLE_RANK[Role(role)] >= ROLE_RANK[Role.MANAGER]

    @property
    def can_write(self) -> bool:
        return any(self.can_write_on(side_id) for side_id in self.roles)

    @property
    def can_manage(self) -> bool:
        return any(self.can_manage_on(side_id) for side_id in self.roles)

    @property
    def side_roles(self) -> list[tuple[Side, str | None]]:
        """Each side with the user's role label there (None where the user is not on it)."""
        return [
            (side, Role(self.roles[side.id]).label if side.id in self.roles else None)
            for side in self.sides
        ]

    @property
    def writable_side_ids(self) -> set[int]:
        return {side_id for side_id in self.roles if self.can_write_on(side_id)}

    @property
    def writable_sides(self) -> list[Side]:
        return [side for side in self.sides if self.can_write_on(side.id)]

    def require_write(self) -> None:
        if not self.can_write:
            raise PermissionDenied("Your role in this alliance is read-only.")

    def require_manage(self) -> None:
        if not self.can_manage:
            raise PermissionDenied("Only a manager or admin of a side may do this.")

    def records(self, model: type[R]) -> models.QuerySet[R]:
        """The records of this alliance that the user may see."""
        return model.objects.visible_in(self.alliance.pk, sorted(self.roles))

    def get_record(self, model: type[R], pk: Any, *, write: bool = False) -> R:
        """A record the user may see (else 404); with ``write``, one the user may change (else 403)."""
        try:
            record = self.records(model).get(pk=pk)
        except (model.DoesNotExist, ValueError, TypeError):
            raise Http404(f"No such {model._meta.verbose_name}.") from None
        if write and not self.can_write_on(record.owner_side_id):
            raise PermissionDenied("Only writers of the side that keeps this record may change it.")
        return record


def get_alliance_access(
    user: Any, alliance_id: Any, *, write: bool = False, manage: bool = False
) -> AllianceAccess:
    """The access helper every view and API route starts with.

    Raises Http404 unless the user is a member of the alliance, and PermissionDenied when
    ``write`` (or ``manage``) is asked of a read-only member (or of a mere member).
    """
    from detente.records.models import Alliance

    try:
        alliance = Alliance.objects.for_user(user).get(pk=alliance_id)
    except (Alliance.DoesNotExist, ValueError, TypeError):
        raise Http404("No such alliance.") from None
    sides = list(alliance.sides.select_related("organisation"))
    org_roles = dict(
        Membership.objects.filter(
            user=user, organisation_id__in=[s.organisation_id for s in sides]
        ).values_list("organisation_id", "role")
    )
    access = AllianceAccess(
        alliance=alliance,
        user=user,
        roles={s.id: org_roles[s.organisation_id] for s in sides if s.organisation_id in org_roles},
        sides=sides,
    )
    if manage:
        access.require_manage()
    elif write:
        access.require_write()
    return access
