"""A side never receives the other side's preferences: not on a page, in the API, in the
audit, in an error. The facilitator sees both utilities only after every side granted it."""

from __future__ import annotations

from typing import Any

import pytest
from negotiation_helpers import secrets_of

from detente.negotiation import services
from detente.negotiation.models import SidePreferences
from detente.records.visibility import get_alliance_access
from tests.conftest import call


def urls(cast: Any, rnd: Any) -> list[str]:
    a = cast.alliance.pk
    page = f"/alliances/{a}/negotiation/rounds/{rnd.pk}/"
    api = f"/api/v1/alliances/{a}/negotiation/rounds/{rnd.pk}"
    return [
        f"/alliances/{a}/negotiation/",
        page,
        page + "preferences/",
        page + "ranking/",
        page + "edit/",
        page + "facilitator/",
        f"/alliances/{a}/audit/",
        f"/alliances/{a}/",
        "/search/?q=preferences",
        f"/api/v1/alliances/{a}/negotiation/rounds",
        api,
        api + "/preferences",
        api + "/proposals",
        api + "/facilitator",
        f"/api/v1/alliances/{a}/audit",
    ]


def bodies(cast: Any, rnd: Any, who: str) -> list[tuple[str, str]]:
    out = []
    for url in urls(cast, rnd):
        client = cast.api(who) if url.startswith("/api/") else cast.client(who)
        out.append((url, client.get(url).content.decode()))
    return out


@pytest.mark.parametrize(
    "who, other", [("bob", "a"), ("bella", "a"), ("alice", "b"), ("rita", "b")]
)
def test_it_never_shows_a_side_the_other_sides_numbers(
    cast: Any, secret_round: Any, who: str, other: str
) -> None:
    for url, text in bodies(cast, secret_round, who):
        for secret in secrets_of(other):
            assert secret not in text, f"{secret} of side {other.upper()} leaked to {who} at {url}"


def test_its_leak_search_would_find_a_sides_own_numbers(cast: Any, secret_round: Any) -> None:
    """The search above is not vacuous: a side does see its own numbers."""
    texts = " ".join(text for _, text in bodies(cast, secret_round, "bob"))
    assert all(secret in texts for secret in secrets_of("b"))


def test_it_keeps_preferences_private_whatever_is_saved(cast: Any, secret_round: Any) -> None:
    prefs = SidePreferences.objects.filter(round=secret_round)
    assert {p.visibility for p in prefs} == {"private"}
    p = prefs.first()
    p.visibility = "joint"
    p.save()
    p.refresh_from_db()
    assert p.visibility == "private"


def test_it_keeps_the_other_sides_numbers_out_of_errors(cast: Any, secret_round: Any) -> None:
    url = f"/api/v1/alliances/{cast.alliance.pk}/negotiation/rounds/{secret_round.pk}/accept"
    response = call(cast.api("bob"), "POST", url, {"package": {"share": "30", "term": "9"}})
    assert response.status_code == 409
    for secret in secrets_of("a"):
        assert secret not in response.content.decode()


def test_it_shows_the_facilitator_both_utilities_only_after_every_side_granted(
    cast: Any, secret_round: Any
) -> None:
    page = f"/alliances/{cast.alliance.pk}/negotiation/rounds/{secret_round.pk}/facilitator/"
    api = f"/api/v1/alliances/{cast.alliance.pk}/negotiation/rounds/{secret_round.pk}/facilitator"
    grants = (
        f"/api/v1/alliances/{cast.alliance.pk}/negotiation/rounds/{secret_round.pk}/facilitators"
    )
    assert cast.client("bella").get(page).status_code == 403
    assert call(cast.api("alice"), "POST", grants, {"user_id": cast.bella.pk}).status_code == 201
    # One side's grant is not enough.
    assert cast.client("bella").get(page).status_code == 403
    assert call(cast.api("bella"), "GET", api).status_code == 403
    assert call(cast.api("bob"), "POST", grants, {"user_id": cast.bella.pk}).status_code == 201
    response = cast.client("bella").get(page)
    assert response.status_code == 200
    data = call(cast.api("bella"), "GET", api).json()
    sides = {str(cast.side_a.pk), str(cast.side_b.pk)}
    assert data["frontier"] and all(set(f["utilities"]) == sides for f in data["frontier"])
    assert set(data["walk_away"]) == sides
    assert 'id="frontier-data"' in response.content.decode()
    # Utilities and walk-away lines, but never the weights or scores.
    text = response.content.decode() + call(cast.api("bella"), "GET", api).content.decode()
    for secret in [*secrets_of("a"), *secrets_of("b")]:
        if secret not in (cast_walk_aways := ("0.3917", "0.2791")):
            assert secret not in text, secret
    assert all(w in text for w in cast_walk_aways)
    # The facilitator gains nothing else: side A's private records stay hidden from bella.
    assert (
        "HISTORY A-PRIVATE".lower()
        not in cast.client("bella").get(f"/alliances/{cast.alliance.pk}/").content.decode().lower()
    )


def test_it_refuses_the_facilitator_view_to_outsiders_even_if_named(
    cast: Any, secret_round: Any
) -> None:
    access = get_alliance_access(cast.alice, cast.alliance.pk)
    page = f"/alliances/{cast.alliance.pk}/negotiation/rounds/{secret_round.pk}/facilitator/"
    form_url = f"/alliances/{cast.alliance.pk}/negotiation/rounds/{secret_round.pk}/facilitators/"
    # Oscar is not in the alliance: the grant form refuses him by name, nothing is written.
    response = cast.client("alice").post(form_url, {"user": cast.oscar.pk})
    assert response.status_code == 302
    assert not services.is_facilitator(access, secret_round)
    assert cast.client("oscar").get(page).status_code == 404
