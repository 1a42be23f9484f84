"""A neutral facilitator: someone in no side's organisation, named by email by every side.

Once every side has named the same person for a round, that person opens the round's
facilitator page and its API twin, and nothing else of the alliance: every other page and
route answers them exactly as it answers an outsider.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from negotiation_helpers import secrets_of

from detente.accounts.models import User
from detente.negotiation.models import FacilitatorGrant
from tests.conftest import call

MATRIX = Path(__file__).parents[1] / "workspace" / "test_access_matrix.py"


@pytest.fixture
def nina(cast: Any) -> User:
    """A mediator with a detente account and no membership in any organisation."""
    user = User.objects.create_user("nina@mediators.example", "a-long-test-password-42")
    cast.nina = user
    return user


def page(cast: Any, rnd: Any, suffix: str = "") -> str:
    return f"/alliances/{cast.alliance.pk}/negotiation/rounds/{rnd.pk}/{suffix}"


def api(cast: Any, rnd: Any, suffix: str = "") -> str:
    return f"/api/v1/alliances/{cast.alliance.pk}/negotiation/rounds/{rnd.pk}{suffix}"


def name_by_email(cast: Any, rnd: Any, email: str) -> None:
    """Alice names ``email`` through the page's form, Bob through the API."""
    response = cast.client("alice").post(page(cast, rnd, "facilitators/"), {"email": email})
    assert response.status_code == 302
    response = call(cast.api("bob"), "POST", api(cast, rnd, "/facilitators"), {"email": email})
    assert response.status_code == 201, response.content


def test_it_opens_the_facilitator_view_to_a_neutral_person_every_side_named(
    cast: Any, secret_round: Any, nina: User
) -> None:
    name_by_email(cast, secret_round, "Nina@Mediators.example")
    response = cast.client("nina").get(page(cast, secret_round, "facilitator/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="frontier-data"' in html
    assert f"/alliances/{cast.alliance.pk}/" + '"' not in html  # no link into the alliance
    data = call(cast.api("nina"), "GET", api(cast, secret_round, "/facilitator")).json()
    sides = {str(cast.side_a.pk), str(cast.side_b.pk)}
    assert data["frontier"] and all(set(f["utilities"]) == sides for f in data["frontier"])
    assert set(data["walk_away"]) == sides and set(data["fair"])
    # The same view a facilitator inside the alliance gets.
    FacilitatorGrant.objects.filter(round=secret_round).update(user=cast.bella)
    assert call(cast.api("bella"), "GET", api(cast, secret_round, "/facilitator")).json() == data


def test_it_never_shows_a_neutral_facilitator_weights_or_scores(
    cast: Any, secret_round: Any, nina: User
) -> None:
    name_by_email(cast, secret_round, nina.email)
    text = cast.client("nina").get(page(cast, secret_round, "facilitator/")).content.decode()
    text += call(cast.api("nina"), "GET", api(cast, secret_round, "/facilitator")).content.decode()
    walk_aways = ("0.3917", "0.2791")  # the walk-away lines are part of the chart
    for secret in [*secrets_of("a"), *secrets_of("b")]:
        if secret not in walk_aways:
            assert secret not in text, secret


def test_it_hides_the_round_from_a_neutral_person_named_by_one_side_only(
    cast: Any, secret_round: Any, nina: User
) -> None:
    cast.client("alice").post(page(cast, secret_round, "facilitators/"), {"email": nina.email})
    assert FacilitatorGrant.objects.filter(round=secret_round, user=nina).count() == 1
    assert cast.client("nina").get(page(cast, secret_round, "facilitator/")).status_code == 404
    response = call(cast.api("nina"), "GET", api(cast, secret_round, "/facilitator"))
    assert response.status_code == 404
    # Grants for another round or another alliance open nothing here either.
    FacilitatorGrant.objects.create(
        alliance=cast.alliance, owner_side=cast.side_b, round=secret_round, user=cast.oscar
    )
    assert cast.client("nina").get(page(cast, secret_round, "facilitator/")).status_code == 404
    other = f"/alliances/{cast.other_alliance.pk}/negotiation/rounds/{secret_round.pk}/facilitator/"
    name_by_email(cast, secret_round, nina.email)
    assert cast.client("nina").get(other).status_code == 404
    assert cast.client(None).get(page(cast, secret_round, "facilitator/")).status_code == 302


def test_it_closes_the_view_when_one_side_revokes_its_grant(
    cast: Any, secret_round: Any, nina: User
) -> None:
    name_by_email(cast, secret_round, nina.email)
    grant_a = FacilitatorGrant.objects.get(round=secret_round, owner_side=cast.side_a)
    grant_b = FacilitatorGrant.objects.get(round=secret_round, owner_side=cast.side_b)
    # A side may revoke only its own grant.
    revoke_a = page(cast, secret_round, f"facilitators/{grant_a.pk}/revoke/")
    assert cast.client("bob").post(revoke_a).status_code == 403
    assert (
        cast.client("bella")
        .post(page(cast, secret_round, f"facilitators/{grant_b.pk}/revoke/"))
        .status_code
        == 403
    )
    assert cast.client("nina").get(page(cast, secret_round, "facilitator/")).status_code == 200
    assert cast.client("alice").post(revoke_a).status_code == 302
    assert not FacilitatorGrant.objects.filter(pk=grant_a.pk).exists()
    assert cast.client("nina").get(page(cast, secret_round, "facilitator/")).status_code == 404
    assert call(cast.api("nina"), "GET", api(cast, secret_round, "/facilitator")).status_code == 404
    # Named again, then revoked through the API by the other side.
    name_by_email(cast, secret_round, nina.email)
    assert cast.client("nina").get(page(cast, secret_round, "facilitator/")).status_code == 200
    response = call(
        cast.api("bob"), "DELETE", api(cast, secret_round, f"/facilitators/{grant_b.pk}")
    )
    assert response.status_code == 204
    assert cast.client("nina").get(page(cast, secret_round, "facilitator/")).status_code == 404


def test_it_audits_naming_and_revoking(cast: Any, secret_round: Any, nina: User) -> None:
    from detente.audit.models import AuditEntry

    before = AuditEntry.objects.count()
    name_by_email(cast, secret_round, nina.email)
    grant = FacilitatorGrant.objects.get(round=secret_round, owner_side=cast.side_a)
    cast.client("alice").post(page(cast, secret_round, f"facilitators/{grant.pk}/revoke/"))
    actions = list(AuditEntry.objects.order_by("pk")[before:].values_list("action", flat=True))
    assert actions == ["create", "create", "delete"]


def test_it_says_so_when_no_account_uses_the_email(
    cast: Any, secret_round: Any, nothing_changes: Any
) -> None:
    with nothing_changes():
        response = cast.client("alice").post(
            page(cast, secret_round, "facilitators/"),
            {"email": "nobody@nowhere.example"},
            follow=True,
        )
        assert "No detente account uses this email" in response.content.decode()
        response = call(
            cast.api("alice"),
            "POST",
            api(cast, secret_round, "/facilitators"),
            {"email": "nobody@nowhere.example"},
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "email"
        assert "needs an account" in response.json()["errors"][0]["message"]
        response = call(cast.api("alice"), "POST", api(cast, secret_round, "/facilitators"), {})
        assert response.status_code == 422


# Nothing else of the alliance ------------------------------------------------------------


def load_matrix() -> Any:
    """The access matrix's module (every page and API route of the site, with its cases)."""
    name = "access_matrix_for_neutral_facilitator"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, MATRIX)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


FACILITATOR_ROUTES = {
    "negotiation_facilitator",
    ("GET", "/alliances/{alliance_id}/negotiation/rounds/{pk}/facilitator"),
    ("POST", "/alliances/{alliance_id}/negotiation/rounds/{pk}/facilitator/improvements"),
}


def test_it_shows_a_neutral_facilitator_nothing_else_of_the_alliance(cast: Any, nina: User) -> None:
    """Every case of the access matrix on a URL of this alliance: a neutral facilitator
    every side named gets exactly what the outsider gets, except on the facilitator routes."""
    matrix = load_matrix()
    rnd = matrix.negotiation_round(cast, "nina")  # the round every negotiation case uses
    prefix = f"/alliances/{cast.alliance.pk}/"
    checked = opened = 0
    cases = [(name, "page", case) for name, cs in matrix.PAGES.items() for case in cs]
    cases += [(route, "api", case) for route, cs in matrix.API_ROUTES.items() for case in cs]
    for route, kind, case in cases:
        with transaction.atomic():
            url = case.url(cast)
            if prefix not in url:
                transaction.set_rollback(True)
                continue
            data = case.data(cast, "nina") if case.data else None
            if kind == "api":
                got = call(cast.api("nina"), route[0], url, data).status_code
            elif case.method == "POST":
                got = cast.client("nina").post(url, data or {}).status_code
            else:
                got = cast.client("nina").get(url).status_code
            transaction.set_rollback(True)
        on_this_round = f"/negotiation/rounds/{rnd.pk}/facilitator" in url
        if route in FACILITATOR_ROUTES and on_this_round:
            assert got == 200, (route, url)
            opened += 1
        else:
            assert got == case.expected["oscar"], (route, case.method, url, case.note)
        checked += 1
    assert opened >= 2 and checked > 100
