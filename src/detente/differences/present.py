"""What the differences register shows: one function builds it for each page and its JSON twin.

``register`` is the register page and ``GET .../differences``; ``difference`` is a
difference's page and ``GET .../differences/{pk}``. Both read through the visibility rule
and name a difference's owner only when the reader may see that stakeholder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from detente.alliances.models import Stakeholder
from detente.differences import matrix
from detente.differences.matrix import Matrix
from detente.differences.models import Difference
from detente.records.visibility import AllianceAccess


@dataclass
class Register:
    differences: list[Difference]  # each with ``visible_owner`` and ``side_views``
    matrix: Matrix
    private_count: int

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [difference_data(d) for d in self.differences]


@dataclass
class Detail:
    d: Difference
    matrix: Matrix

    @property
    def data(self) -> dict[str, Any]:
        return difference_data(self.d)


def visible_differences(access: AllianceAccess, category: str = "") -> list[Difference]:
    qs = access.records(Difference).select_related("owner_side__organisation", "owner")
    if category:
        qs = qs.filter(category=category)
    differences = list(qs)
    # An owner is named only when the reader may see that stakeholder.
    visible_owners = set(access.records(Stakeholder).values_list("id", flat=True))
    sides = {str(s.id): str(s) for s in access.sides}
    for d in differences:
        d.visible_owner = d.owner if d.owner_id in visible_owners else None
        d.side_views = [(sides[k], v) for k, v in (d.views or {}).items() if k in sides and v]
    return differences


def difference_data(d: Difference) -> dict[str, Any]:
    """One difference as the API returns it."""
    return {
        "id": d.pk,
        "side_id": d.owner_side_id,
        "visibility": d.visibility,
        "category": d.category,
        "title": d.title,
        "views": d.views or {},
        "likelihood": d.likelihood,
        "impact": d.impact,
        "score": d.score,
        "management": d.management,
        "owner_id": d.visible_owner.pk if d.visible_owner else None,
        "review_date": d.review_date,
        "created_at": d.created_at,
        "updated_at": d.updated_at,
    }


def register(access: AllianceAccess, category: str = "") -> Register:
    differences = visible_differences(access, category)
    return Register(
        differences=differences,
        matrix=matrix.layout(differences),
        private_count=sum(1 for d in differences if d.is_private),
    )


def difference(access: AllianceAccess, pk: Any) -> Detail:
    """A difference the reader may see (else 404)."""
    found = access.get_record(Difference, pk)
    d = next(x for x in visible_differences(access) if x.pk == found.pk)
    return Detail(d=d, matrix=matrix.layout([d]))
