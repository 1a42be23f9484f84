"""Inside one alliance, the pages read records through ``AllianceAccess.records``, which
applies the rule to that alliance alone (the user's sides there are already known). It must
give exactly what the site-wide rule gives for that alliance, for every kind of record and
every member, or a page would show more or less than the rule allows."""

from __future__ import annotations

from typing import Any

from django.apps import apps

from detente.records.models import AllianceRecord, Side
from detente.records.visibility import get_alliance_access


def record_models() -> list[Any]:
    return [m for m in apps.get_models() if issubclass(m, AllianceRecord)]


def same_records(cast: Any, alliance: Any, people: list[Any]) -> None:
    for person in people:
        access = get_alliance_access(person, alliance.pk)
        for model in record_models():
            by_access = set(access.records(model).values_list("pk", flat=True))
            by_rule = set(
                model.objects.visible_to(person)
                .filter(alliance=alliance)
                .values_list("pk", flat=True)
            )
            assert by_access == by_rule, (person, model)


def test_a_page_sees_in_its_alliance_what_the_site_wide_rule_sees(cast: Any) -> None:
    assert len(record_models()) > 20
    same_records(cast, cast.alliance, [cast.alice, cast.rita, cast.bob, cast.bella])
    private = [r for r in cast.records.values() if getattr(r, "visibility", "") == "private"]
    assert {r.owner_side_id for r in private} >= {cast.side_a.pk, cast.side_b.pk}


def test_a_person_on_both_sides_sees_both_sides_private_records_in_either_rule(
    cast: Any,
) -> None:
    # Acme joins the other alliance too: Oscar's alliance now has a side of Alice's.
    Side.objects.create(alliance=cast.other_alliance, organisation=cast.acme)
    same_records(cast, cast.other_alliance, [cast.alice, cast.oscar])
    same_records(cast, cast.alliance, [cast.alice, cast.bob])
