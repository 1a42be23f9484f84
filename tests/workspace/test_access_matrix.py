"""The access matrix: every page and every API route, with the status each role gets.

Roles: alice (side-A manager), rita (side-A read-only), bob (side-B manager), bella (side-B
member), oscar (outsider, in another alliance) and an anonymous visitor. The rule: a
non-member gets 404, a read-only member 403 on any change, an anonymous visitor is sent
to sign in (pages, 302) or refused (API, 401). A record private to side A is 404 for side B,
a joint side-A record may be read by side B but only changed by side A (403).

Each role's request runs in a transaction that is rolled back, so a successful change by
one role does not alter what the next role meets.

Two tests fail when a route is missing from the tables below: one walks Django's URL
resolver, the other enumerates the path operations of the ninja API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from detente.accounts import invitations
from detente.accounts.models import ApiToken, Role
from detente.api.v1 import api
from tests.conftest import PASSWORD

ROLES = ("alice", "rita", "bob", "bella", "oscar", "anonymous")

# Routes with no matrix of their own: the operators' admin (Django's, guarded by is_staff)
# and Django's own sign-in, sign-out and password-reset views, which every visitor may
# open. Sign-in throttling and password reset are tested in test_invitations.py.
UNMATRIXED_NAMESPACES = {"admin"}
UNMATRIXED_NAMES = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
API_NAMESPACE = "api-1"  # its path operations are in API_ROUTES, the rest in PAGES


def statuses(alice: int, rita: int, bob: int, bella: int, oscar: int, anonymous: int) -> dict:
    return dict(zip(ROLES, (alice, rita, bob, bella, oscar, anonymous), strict=True))


# Pages ----------------------------------------------------------------------------------

EVERYONE = statuses(200, 200, 200, 200, 200, 302)
SIGNED_IN_POST = statuses(302, 302, 302, 302, 302, 302)
MEMBERS = statuses(200, 200, 200, 200, 404, 302)
WRITERS = statuses(200, 403, 200, 200, 404, 302)
WRITERS_POST = statuses(302, 403, 302, 302, 404, 302)
MANAGERS = statuses(200, 403, 200, 403, 404, 302)
MANAGERS_POST = statuses(302, 403, 302, 403, 404, 302)
# A joint record kept by side A: side B may read it, only side A's writers change it.
A_JOINT_WRITE = statuses(200, 403, 403, 403, 404, 302)
A_JOINT_WRITE_POST = statuses(302, 403, 403, 403, 404, 302)
# A record private to side A: side B cannot even find it.
A_PRIVATE_READ = statuses(200, 200, 404, 404, 404, 302)
A_PRIVATE_WRITE = statuses(200, 403, 404, 404, 404, 302)
A_PRIVATE_WRITE_POST = statuses(302, 403, 404, 404, 404, 302)
B_JOINT_WRITE = statuses(403, 403, 200, 200, 404, 302)
POST_ONLY = statuses(405, 405, 405, 405, 405, 302)  # login first, then the method check
NOT_A_KIND = statuses(404, 404, 404, 404, 404, 302)


@dataclass(frozen=True)
class Case:
    url: Callable[[Any], str]
    expected: dict[str, int]
    method: str = "GET"
    data: Callable[[Any, str], dict] | None = None  # form data or JSON body, per role
    note: str = ""


def own_side(cast: Any, who: str) -> Any:
    return cast.side_b if who in ("bob", "bella") else cast.side_a


def own_org(cast: Any, who: str) -> Any:
    return {"bob": cast.globex, "bella": cast.globex, "oscar": cast.initech}.get(who, cast.acme)


def alliance_url(suffix: str = "") -> Callable[[Any], str]:
    return lambda cast: f"/alliances/{cast.alliance.pk}/{suffix}"


def record_url(key: str, pattern: str) -> Callable[[Any], str]:
    """``pattern`` is formatted with the alliance id ``a`` and the record id ``pk``."""
    return lambda cast: pattern.format(a=cast.alliance.pk, pk=cast.records[key].pk)


ENTRY_FORMS = {
    "history": {"date": "2025-05-01", "category": "went_right", "title": "Launch went well"},
    "signal": {"date": "2025-05-01", "kind": "other", "severity": 2, "title": "Odd memo"},
    "interaction": {"date": "2025-05-01", "kind": "call", "subject": "Weekly call"},
}


def entry_form(kind: str) -> Callable[[Any, str], dict]:
    return lambda cast, who: {
        "owner_side": own_side(cast, who).pk,
        "visibility": "joint",
        **ENTRY_FORMS[kind],
    }


def stakeholder_form(cast: Any, who: str) -> dict:
    return {
        "owner_side": own_side(cast, who).pk,
        "name": "New Person",
        "title": "Lead",
        "role": "other",
        "influence": 3,
        "stance": "neutral",
        "visibility": "joint",
    }


def edited_stakeholder(key: str) -> Callable[[Any, str], dict]:
    def data(cast: Any, who: str) -> dict:
        form = stakeholder_form(cast, who)
        form.pop("owner_side")
        form["visibility"] = cast.records[key].visibility
        return form

    return data


def edited_entry(kind: str, key: str) -> Callable[[Any, str], dict]:
    def data(cast: Any, who: str) -> dict:
        form = entry_form(kind)(cast, who)
        form.pop("owner_side")
        form["visibility"] = cast.records[key].visibility
        return form

    return data


def invitation_link(cast: Any) -> str:
    invitation = invitations.invite(
        cast.alice,
        email="newcomer@globex.example",
        organisation=cast.globex,
        role=Role.MEMBER,
        alliance=cast.alliance,
    )
    return "/accounts/invitation/" + invitations.make_token(invitation) + "/"


def invitation_revoke_url(cast: Any) -> str:
    """Alice's pending invitation of a newcomer to Globex (side B), sent from the alliance."""
    invitation = invitations.invite(
        cast.alice,
        email="newcomer@globex.example",
        organisation=cast.globex,
        role=Role.MEMBER,
        alliance=cast.alliance,
    )
    return f"/alliances/{cast.alliance.pk}/invitations/{invitation.pk}/revoke/"


def side_invitation_url(invited: str) -> Callable[[Any], str]:
    """Initech asked (by Alice) to join Acme × Globex, or Globex (by Oscar) to join Initech's."""

    def url(cast: Any) -> str:
        from detente.alliances.models import SideInvitation

        alliance = cast.alliance if invited == "initech" else cast.other_alliance
        invitation, _ = SideInvitation.objects.get_or_create(
            alliance=alliance,
            organisation=getattr(cast, invited),
            status="pending",
            defaults={"invited_by": cast.alice if invited == "initech" else cast.oscar},
        )
        return f"/side-invitations/{invitation.pk}/answer/"

    return url


def alice_token_revoke_url(cast: Any) -> str:
    token, _ = ApiToken.issue(cast.alice, "script")
    return f"/accounts/settings/tokens/{token.pk}/revoke/"


ALLIANCE_FORM = {
    "name": "Renamed alliance",
    "purpose": "Still rockets.",
    "kind": "alliance",
    "start_date": "2025-01-06",
}

PAGES: dict[str, list[Case]] = {
    "portfolio": [Case(lambda cast: "/", EVERYONE)],
    "search": [Case(lambda cast: "/search/?q=History", EVERYONE)],
    "alliance_new": [
        # Only a manager of an organisation may start an alliance for it; a user who
        # manages none (rita, read-only; bella, a member) gets 403 with the reason.
        Case(lambda cast: "/alliances/new/", statuses(200, 403, 200, 403, 200, 302)),
        Case(
            lambda cast: "/alliances/new/",
            statuses(302, 403, 302, 403, 302, 302),
            "POST",
            lambda cast, who: {
                **ALLIANCE_FORM,
                "my_organisation": own_org(cast, who).pk,
                "partners": "Hooli",
            },
        ),
    ],
    "alliance_overview": [
        Case(alliance_url(), MEMBERS),
        Case(lambda cast: f"/alliances/{cast.alliance.pk}/?fragment=timeline", MEMBERS),
    ],
    "alliance_edit": [
        Case(alliance_url("edit/"), WRITERS),
        Case(alliance_url("edit/"), WRITERS_POST, "POST", lambda cast, who: ALLIANCE_FORM),
    ],
    "alliance_status": [
        Case(alliance_url("status/"), WRITERS),
        Case(
            alliance_url("status/"),
            WRITERS_POST,
            "POST",
            lambda cast, who: {"status": "active", "reason": "Kick-off done"},
        ),
    ],
    "side_add": [
        Case(alliance_url("sides/new/"), MANAGERS),
        Case(
            alliance_url("sides/new/"),
            MANAGERS_POST,
            "POST",
            lambda cast, who: {"organisation": "Hooli", "label": ""},
        ),
    ],
    "invite": [
        Case(alliance_url("invite/"), MANAGERS),
        Case(
            alliance_url("invite/"),
            MANAGERS_POST,
            "POST",
            lambda cast, who: {
                "email": "colleague@example.com",
                "side": own_side(cast, who).pk,
                "role": "member",
            },
        ),
    ],
    "invitation_revoke": [
        Case(invitation_revoke_url, POST_ONLY),
        # The managers of the side that sent it and of the side it invites to.
        Case(invitation_revoke_url, MANAGERS_POST, "POST"),
    ],
    "side_invitation_answer": [
        Case(side_invitation_url("initech"), POST_ONLY),
        # Only managers of the invited organisation may answer; to anyone outside it the
        # invitation does not exist (404), to a plain member there it is refused (403).
        Case(
            side_invitation_url("initech"),
            statuses(404, 404, 404, 404, 302, 302),
            "POST",
            lambda cast, who: {"answer": "accept"},
        ),
        Case(
            side_invitation_url("globex"),
            statuses(404, 404, 302, 403, 404, 302),
            "POST",
            lambda cast, who: {"answer": "decline"},
            note="globex",
        ),
    ],
    "audit_log": [
        Case(alliance_url("audit/"), MEMBERS),
        Case(alliance_url("audit/?action=update&kind=alliances.stakeholder&page=2"), MEMBERS),
    ],
    "timeline_export": [Case(alliance_url("timeline.csv"), MEMBERS)],
    "stakeholder_new": [
        Case(alliance_url("stakeholders/new/"), WRITERS),
        Case(alliance_url("stakeholders/new/"), WRITERS_POST, "POST", stakeholder_form),
    ],
    "stakeholder_edit": [
        Case(
            record_url("a_joint_stakeholder", "/alliances/{a}/stakeholders/{pk}/edit/"),
            A_JOINT_WRITE,
            note="a-joint",
        ),
        Case(
            record_url("a_joint_stakeholder", "/alliances/{a}/stakeholders/{pk}/edit/"),
            A_JOINT_WRITE_POST,
            "POST",
            edited_stakeholder("a_joint_stakeholder"),
            note="a-joint",
        ),
        Case(
            record_url("a_private_stakeholder", "/alliances/{a}/stakeholders/{pk}/edit/"),
            A_PRIVATE_WRITE,
            note="a-private",
        ),
        Case(
            record_url("a_private_stakeholder", "/alliances/{a}/stakeholders/{pk}/edit/"),
            A_PRIVATE_WRITE_POST,
            "POST",
            edited_stakeholder("a_private_stakeholder"),
            note="a-private",
        ),
        Case(
            record_url("b_joint_stakeholder", "/alliances/{a}/stakeholders/{pk}/edit/"),
            B_JOINT_WRITE,
            note="b-joint",
        ),
    ],
    "stakeholder_delete": [
        Case(
            record_url("a_joint_stakeholder", "/alliances/{a}/stakeholders/{pk}/delete/"),
            POST_ONLY,
            note="a-joint",
        ),
        Case(
            record_url("a_joint_stakeholder", "/alliances/{a}/stakeholders/{pk}/delete/"),
            A_JOINT_WRITE_POST,
            "POST",
            note="a-joint",
        ),
        Case(
            record_url("a_private_stakeholder", "/alliances/{a}/stakeholders/{pk}/delete/"),
            A_PRIVATE_WRITE_POST,
            "POST",
            note="a-private",
        ),
    ],
    "entry_new": [Case(alliance_url("timeline/nonsense/new/"), NOT_A_KIND, note="bad-kind")],
    "entry_detail": [
        Case(record_url("a_joint_history", "/alliances/{a}/timeline/nonsense/{pk}/"), NOT_A_KIND)
    ],
    "entry_edit": [],
    "entry_delete": [],
    "accept_invitation": [
        # The signed link is the credential: whoever holds it sees the sign-up form.
        Case(invitation_link, statuses(200, 200, 200, 200, 200, 200), note="valid"),
        Case(
            lambda cast: "/accounts/invitation/not-a-signed-token/",
            statuses(410, 410, 410, 410, 410, 410),
            note="tampered",
        ),
    ],
    "account_settings": [
        Case(lambda cast: "/accounts/settings/", EVERYONE),
        Case(
            lambda cast: "/accounts/settings/",
            EVERYONE,
            "POST",
            lambda cast, who: {"name": "reporting script"},
        ),
    ],
    "change_password": [
        Case(lambda cast: "/accounts/settings/password/", EVERYONE),
        Case(
            lambda cast: "/accounts/settings/password/",
            SIGNED_IN_POST,
            "POST",
            lambda cast, who: {
                "old_password": PASSWORD,
                "new_password1": "a-new-long-password-7",
                "new_password2": "a-new-long-password-7",
            },
        ),
    ],
    "revoke_token": [
        Case(alice_token_revoke_url, POST_ONLY),
        Case(alice_token_revoke_url, statuses(302, 404, 404, 404, 404, 302), "POST"),
    ],
    # The API's own pages: the schema and the docs are public, like the API's description.
    f"{API_NAMESPACE}:openapi-json": [
        Case(lambda cast: "/api/v1/openapi.json", statuses(200, 200, 200, 200, 200, 200))
    ],
    f"{API_NAMESPACE}:openapi-view": [
        Case(lambda cast: "/api/v1/docs", statuses(200, 200, 200, 200, 200, 200))
    ],
    f"{API_NAMESPACE}:api-root": [
        Case(lambda cast: "/api/v1/", statuses(404, 404, 404, 404, 404, 404))
    ],
}

for _kind in ENTRY_FORMS:
    _entry = "/alliances/{a}/timeline/" + _kind + "/{pk}/"
    PAGES["entry_new"] += [
        Case(alliance_url(f"timeline/{_kind}/new/"), WRITERS, note=_kind),
        Case(
            alliance_url(f"timeline/{_kind}/new/"),
            WRITERS_POST,
            "POST",
            entry_form(_kind),
            note=_kind,
        ),
    ]
    PAGES["entry_detail"] += [
        Case(record_url(f"a_joint_{_kind}", _entry), MEMBERS, note=f"{_kind}-a-joint"),
        Case(record_url(f"a_private_{_kind}", _entry), A_PRIVATE_READ, note=f"{_kind}-a-private"),
    ]
    PAGES["entry_edit"] += [
        Case(record_url(f"a_joint_{_kind}", _entry + "edit/"), A_JOINT_WRITE, note=f"{_kind}-a"),
        Case(
            record_url(f"a_joint_{_kind}", _entry + "edit/"),
            A_JOINT_WRITE_POST,
            "POST",
            edited_entry(_kind, f"a_joint_{_kind}"),
            note=f"{_kind}-a-joint",
        ),
        Case(
            record_url(f"a_private_{_kind}", _entry + "edit/"),
            A_PRIVATE_WRITE,
            note=f"{_kind}-a-private",
        ),
        Case(
            record_url(f"a_private_{_kind}", _entry + "edit/"),
            A_PRIVATE_WRITE_POST,
            "POST",
            edited_entry(_kind, f"a_private_{_kind}"),
            note=f"{_kind}-a-private",
        ),
        Case(record_url(f"b_joint_{_kind}", _entry + "edit/"), B_JOINT_WRITE, note=f"{_kind}-b"),
    ]
    PAGES["entry_delete"] += [
        Case(record_url(f"a_joint_{_kind}", _entry + "delete/"), POST_ONLY, note=_kind),
        Case(
            record_url(f"a_joint_{_kind}", _entry + "delete/"),
            A_JOINT_WRITE_POST,
            "POST",
            note=f"{_kind}-a-joint",
        ),
        Case(
            record_url(f"a_private_{_kind}", _entry + "delete/"),
            A_PRIVATE_WRITE_POST,
            "POST",
            note=f"{_kind}-a-private",
        ),
    ]


# API ------------------------------------------------------------------------------------

API_EVERYONE = statuses(200, 200, 200, 200, 200, 401)
API_MEMBERS = statuses(200, 200, 200, 200, 404, 401)
API_CREATE = statuses(201, 403, 201, 201, 404, 401)
API_WRITERS = statuses(200, 403, 200, 200, 404, 401)
API_A_JOINT_WRITE = statuses(200, 403, 403, 403, 404, 401)
API_A_PRIVATE_READ = statuses(200, 200, 404, 404, 404, 401)
API_A_PRIVATE_WRITE = statuses(200, 403, 404, 404, 404, 401)
API_NOT_A_KIND = statuses(404, 404, 404, 404, 404, 401)

A = "/api/v1/alliances/{a}"
STAKEHOLDER = A + "/stakeholders/{pk}"

API_ENTRY_BODIES = {
    "history": {"date": "2025-05-01", "category": "went_right", "title": "Launch went well"},
    "signal": {"date": "2025-05-01", "kind": "other", "title": "Odd memo"},
    "interaction": {"date": "2025-05-01", "kind": "call", "title": "Weekly call"},
}


def body(value: dict) -> Callable[[Any, str], dict]:
    return lambda cast, who: value


def api_url(pattern: str, key: str | None = None) -> Callable[[Any], str]:
    return lambda cast: pattern.format(a=cast.alliance.pk, pk=cast.records[key].pk if key else None)


API_ROUTES: dict[tuple[str, str], list[Case]] = {
    ("GET", "/alliances"): [Case(lambda cast: "/api/v1/alliances", API_EVERYONE)],
    ("POST", "/alliances"): [
        Case(
            lambda cast: "/api/v1/alliances",
            # Only a manager of an organisation may start an alliance for it (403 for a
            # user who manages none, as on the page).
            statuses(201, 403, 201, 403, 201, 401),
            data=lambda cast, who: {
                **ALLIANCE_FORM,
                "my_organisation_id": own_org(cast, who).pk,
                "partners": ["Hooli"],
            },
        )
    ],
    ("GET", "/alliances/{alliance_id}"): [Case(api_url(A), API_MEMBERS)],
    ("PATCH", "/alliances/{alliance_id}"): [
        Case(api_url(A), API_WRITERS, data=body({"name": "Renamed"}))
    ],
    ("POST", "/alliances/{alliance_id}/status"): [
        Case(api_url(A + "/status"), API_WRITERS, data=body({"status": "active", "reason": "Go"}))
    ],
    ("GET", "/alliances/{alliance_id}/sides"): [Case(api_url(A + "/sides"), API_MEMBERS)],
    ("GET", "/alliances/{alliance_id}/stakeholders"): [
        Case(api_url(A + "/stakeholders"), API_MEMBERS)
    ],
    ("POST", "/alliances/{alliance_id}/stakeholders"): [
        Case(
            api_url(A + "/stakeholders"),
            API_CREATE,
            data=body({"name": "New Person", "role": "other", "influence": 3, "stance": "neutral"}),
        )
    ],
    ("GET", "/alliances/{alliance_id}/stakeholders/{pk}"): [
        Case(api_url(STAKEHOLDER, "a_joint_stakeholder"), API_MEMBERS, note="a-joint"),
        Case(api_url(STAKEHOLDER, "a_private_stakeholder"), API_A_PRIVATE_READ, note="a-private"),
    ],
    ("PATCH", "/alliances/{alliance_id}/stakeholders/{pk}"): [
        Case(
            api_url(STAKEHOLDER, "a_joint_stakeholder"),
            API_A_JOINT_WRITE,
            data=body({"title": "CEO"}),
            note="a-joint",
        ),
        Case(
            api_url(STAKEHOLDER, "a_private_stakeholder"),
            API_A_PRIVATE_WRITE,
            data=body({"title": "CEO"}),
            note="a-private",
        ),
    ],
    ("DELETE", "/alliances/{alliance_id}/stakeholders/{pk}"): [
        Case(api_url(STAKEHOLDER, "a_joint_stakeholder"), API_A_JOINT_WRITE, note="a-joint"),
        Case(api_url(STAKEHOLDER, "a_private_stakeholder"), API_A_PRIVATE_WRITE, note="a-private"),
    ],
    ("GET", "/alliances/{alliance_id}/timeline"): [
        Case(api_url(A + "/timeline"), API_MEMBERS),
        Case(api_url(A + "/timeline?kind=signal"), API_MEMBERS, note="filtered"),
    ],
    ("POST", "/alliances/{alliance_id}/timeline/{kind}"): [
        Case(api_url(A + "/timeline/nonsense"), API_NOT_A_KIND, data=body({}), note="bad-kind")
    ],
    ("GET", "/alliances/{alliance_id}/timeline/{kind}/{pk}"): [
        Case(api_url(A + "/timeline/nonsense/{pk}", "a_joint_history"), API_NOT_A_KIND)
    ],
    ("PATCH", "/alliances/{alliance_id}/timeline/{kind}/{pk}"): [],
    ("DELETE", "/alliances/{alliance_id}/timeline/{kind}/{pk}"): [],
    ("GET", "/alliances/{alliance_id}/audit"): [
        Case(api_url(A + "/audit"), API_MEMBERS),
        Case(api_url(A + "/audit?action=create&page=1&per_page=5"), API_MEMBERS),
    ],
}

for _kind, _body in API_ENTRY_BODIES.items():
    _entry = A + "/timeline/" + _kind + "/{pk}"
    API_ROUTES[("POST", "/alliances/{alliance_id}/timeline/{kind}")].append(
        Case(api_url(A + "/timeline/" + _kind), API_CREATE, data=body(_body), note=_kind)
    )
    API_ROUTES[("GET", "/alliances/{alliance_id}/timeline/{kind}/{pk}")] += [
        Case(api_url(_entry, f"a_joint_{_kind}"), API_MEMBERS, note=f"{_kind}-a-joint"),
        Case(api_url(_entry, f"a_private_{_kind}"), API_A_PRIVATE_READ, note=f"{_kind}-a-private"),
    ]
    API_ROUTES[("PATCH", "/alliances/{alliance_id}/timeline/{kind}/{pk}")] += [
        Case(
            api_url(_entry, f"a_joint_{_kind}"),
            API_A_JOINT_WRITE,
            data=body({"notes": "Changed"}),
            note=f"{_kind}-a-joint",
        ),
        Case(
            api_url(_entry, f"a_private_{_kind}"),
            API_A_PRIVATE_WRITE,
            data=body({"notes": "Changed"}),
            note=f"{_kind}-a-private",
        ),
    ]
    API_ROUTES[("DELETE", "/alliances/{alliance_id}/timeline/{kind}/{pk}")] += [
        Case(api_url(_entry, f"a_joint_{_kind}"), API_A_JOINT_WRITE, note=f"{_kind}-a-joint"),
        Case(api_url(_entry, f"a_private_{_kind}"), API_A_PRIVATE_WRITE, note=f"{_kind}-a-private"),
    ]


def api_side_invitation_url(invited: str, answer: str) -> Callable[[Any], str]:
    page = side_invitation_url(invited)
    return lambda cast: "/api/v1" + page(cast).removesuffix("answer/") + answer


# As on the page: only managers of the invited organisation answer; to anyone outside it
# the invitation does not exist (404), to a plain member there it is refused (403).
for _answer in ("accept", "decline"):
    API_ROUTES[("POST", f"/side-invitations/{{pk}}/{_answer}")] = [
        Case(
            api_side_invitation_url("initech", _answer),
            statuses(404, 404, 404, 404, 200, 401),
            note="initech",
        ),
        Case(
            api_side_invitation_url("globex", _answer),
            statuses(404, 404, 200, 403, 404, 401),
            note="globex",
        ),
    ]
API_ROUTES[("GET", "/side-invitations")] = [
    Case(lambda cast: "/api/v1/side-invitations", API_EVERYONE)
]


# Negotiation ----------------------------------------------------------------------------


def negotiation_round(cast: Any, facilitator: str | None = None) -> Any:
    """A joint round kept by side A, both sides' preferences entered (made once per role's
    transaction); with ``facilitator``, every side has named that person."""
    from detente.negotiation.models import (
        FacilitatorGrant,
        NegotiationIssue,
        NegotiationRound,
        SidePreferences,
    )

    cached = getattr(cast, "_negotiation_round", None)
    if cached is not None and NegotiationRound.objects.filter(pk=cached.pk).exists():
        return cached
    rnd = NegotiationRound.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, visibility="joint", title="Round"
    )
    NegotiationIssue.objects.create(round=rnd, name="share", options=["30", "50"])
    for side, best in ((cast.side_a, "50"), (cast.side_b, "30")):
        SidePreferences.objects.create(
            alliance=cast.alliance,
            owner_side=side,
            round=rnd,
            weights={"share": "1"},
            scores={"share": {o: "1" if o == best else "0.3" for o in ("30", "50")}},
            walk_away="0.1",
        )
        if facilitator:
            FacilitatorGrant.objects.create(
                alliance=cast.alliance,
                owner_side=side,
                round=rnd,
                user=getattr(cast, facilitator),
            )
    cast._negotiation_round = rnd
    return rnd


def round_url(suffix: str = "", facilitator: str | None = None) -> Callable[[Any], str]:
    return lambda cast: (
        f"/alliances/{cast.alliance.pk}/negotiation/rounds/"
        f"{negotiation_round(cast, facilitator).pk}/{suffix}"
    )


def api_round_url(suffix: str = "", facilitator: str | None = None) -> Callable[[Any], str]:
    return lambda cast: (
        f"/api/v1/alliances/{cast.alliance.pk}/negotiation/rounds/"
        f"{negotiation_round(cast, facilitator).pk}{suffix}"
    )


def round_form(cast: Any, who: str) -> dict:
    return {"owner_side": own_side(cast, who).pk, "title": "New round", "issues": "a: x, y"}


def preferences_form(cast: Any, who: str) -> dict:
    return {
        "weight__share": "1",
        "score__share__0": "0.2",
        "score__share__1": "0.9",
        "walk_away": "0",
    }


def accept_form(cast: Any, who: str) -> dict:
    negotiation_round(cast)
    return {"package": '{"share": "50"}'}


def revoke_url(api: bool = False) -> Callable[[Any], str]:
    """Side A's grant (rita named facilitator by every side)."""

    def url(cast: Any) -> str:
        from detente.negotiation.models import FacilitatorGrant

        rnd = negotiation_round(cast, "rita")
        grant = FacilitatorGrant.objects.get(round=rnd, owner_side=cast.side_a)
        path = f"alliances/{cast.alliance.pk}/negotiation/rounds/{rnd.pk}/facilitators/{grant.pk}"
        return f"/api/v1/{path}" if api else f"/{path}/revoke/"

    return url


NO_FACILITATOR = statuses(403, 403, 403, 403, 404, 302)
RITA_FACILITATES = statuses(403, 200, 403, 403, 404, 302)
PAGES |= {
    "negotiation_home": [Case(alliance_url("negotiation/"), MEMBERS)],
    "negotiation_round_new": [
        Case(alliance_url("negotiation/rounds/new/"), WRITERS),
        Case(alliance_url("negotiation/rounds/new/"), WRITERS_POST, "POST", round_form),
    ],
    "negotiation_round": [Case(round_url(), MEMBERS)],
    "negotiation_round_edit": [
        Case(round_url("edit/"), A_JOINT_WRITE),
        Case(
            round_url("edit/"),
            A_JOINT_WRITE_POST,
            "POST",
            lambda cast, who: {"title": "Round", "issues": "share: 30, 50"},
        ),
    ],
    # Constraints are terms of the round: changed by the writers of the side that keeps it.
    "negotiation_constraint_add": [
        Case(round_url("constraints/"), POST_ONLY),
        Case(
            round_url("constraints/"),
            A_JOINT_WRITE_POST,
            "POST",
            lambda cast, who: {"if_term": "share=30", "then_not": "share=50"},
        ),
    ],  # fmt: skip
    "negotiation_constraint_remove": [
        Case(round_url("constraints/0/remove/"), POST_ONLY),
    ],
    "negotiation_preferences": [
        Case(round_url("preferences/"), WRITERS),
        Case(round_url("preferences/"), WRITERS_POST, "POST", preferences_form),
    ],
    "negotiation_ranking": [Case(round_url("ranking/"), WRITERS)],
    "negotiation_improve": [
        Case(round_url("improve/"), MEMBERS),
        Case(lambda cast: round_url("improve/")(cast) + "?tentative__share=30", MEMBERS),
    ],
    "negotiation_accept": [
        Case(round_url("accept/"), POST_ONLY),
        Case(round_url("accept/"), WRITERS_POST, "POST", accept_form),
    ],
    "negotiation_grant": [
        Case(round_url("facilitators/"), POST_ONLY),
        Case(
            round_url("facilitators/"),
            MANAGERS_POST,
            "POST",
            lambda cast, who: {"user": cast.rita.pk},
        ),
        Case(
            round_url("facilitators/"),
            MANAGERS_POST,
            "POST",
            lambda cast, who: {"email": cast.oscar.email},
            note="by-email",
        ),
    ],
    "negotiation_revoke": [
        Case(revoke_url(), POST_ONLY),
        # Only a manager of the side that granted it (side A) may revoke it.
        Case(revoke_url(), statuses(302, 403, 403, 403, 404, 302), "POST"),
    ],
    "negotiation_facilitator": [
        Case(round_url("facilitator/"), NO_FACILITATOR, note="not-granted"),
        Case(round_url("facilitator/", "rita"), RITA_FACILITATES, note="rita-granted"),
        # Named by every side, an outsider sees this page and nothing else of the alliance
        # (tests/negotiation/test_neutral_facilitator.py runs the whole matrix to prove it).
        Case(
            round_url("facilitator/", "oscar"),
            statuses(403, 403, 403, 403, 200, 302),
            note="oscar-granted",
        ),
    ],
}

NR = "/alliances/{alliance_id}/negotiation/rounds"
API_ROUTES |= {
    ("GET", NR): [Case(api_url(A + "/negotiation/rounds"), API_MEMBERS)],
    ("POST", NR): [
        Case(
            api_url(A + "/negotiation/rounds"),
            API_CREATE,
            data=body({"title": "New round", "issues": {"a": ["x", "y"]}}),
        )
    ],
    ("GET", NR + "/{pk}"): [Case(api_round_url(), API_MEMBERS)],
    ("GET", NR + "/{pk}/preferences"): [Case(api_round_url("/preferences"), API_WRITERS)],
    ("PUT", NR + "/{pk}/preferences"): [
        Case(
            api_round_url("/preferences"),
            API_WRITERS,
            data=body(
                {"weights": {"share": 1}, "scores": {"share": {"30": 0, "50": 1}}, "walk_away": 0}
            ),
        )
    ],
    ("GET", NR + "/{pk}/proposals"): [Case(api_round_url("/proposals"), API_MEMBERS)],
    ("POST", NR + "/{pk}/improvements"): [
        Case(
            api_round_url("/improvements"),
            API_MEMBERS,
            data=lambda cast, who: {"tentative": {"share": "30"}},
        )
    ],
    ("POST", NR + "/{pk}/facilitator/improvements"): [
        Case(
            api_round_url("/facilitator/improvements", "rita"),
            statuses(403, 200, 403, 403, 404, 401),
            data=lambda cast, who: {"tentative": {"share": "30"}},
        )
    ],
    ("POST", NR + "/{pk}/accept"): [
        Case(
            api_round_url("/accept"),
            API_WRITERS,
            data=lambda cast, who: negotiation_round(cast) and {"package": {"share": "50"}},
        )
    ],
    ("POST", NR + "/{pk}/facilitators"): [
        Case(
            api_round_url("/facilitators"),
            statuses(201, 403, 201, 403, 404, 401),
            data=lambda cast, who: {"user_id": cast.rita.pk},
        ),
        Case(
            api_round_url("/facilitators"),
            statuses(201, 403, 201, 403, 404, 401),
            data=lambda cast, who: {"email": cast.oscar.email},
            note="by-email",
        ),
    ],
    ("DELETE", NR + "/{pk}/facilitators/{grant_id}"): [
        Case(revoke_url(api=True), statuses(204, 403, 403, 403, 404, 401))
    ],
    ("GET", NR + "/{pk}/facilitator"): [
        Case(
            api_round_url("/facilitator"),
            statuses(403, 403, 403, 403, 404, 401),
            note="not-granted",
        ),
        Case(
            api_round_url("/facilitator", "rita"),
            statuses(403, 200, 403, 403, 404, 401),
            note="rita-granted",
        ),
        Case(
            api_round_url("/facilitator", "oscar"),
            statuses(403, 403, 403, 403, 200, 401),
            note="oscar-granted",
        ),
    ],
}

# Goals (realism checks) -----------------------------------------------------------------

_REALISM_RESULT: dict = {}


def realism_records(cast: Any) -> Any:
    """A joint objective of side A with a KPI and joint monthly values, a private objective
    with its KPI, and a joint and a private realism check (made once per role's transaction)."""
    from datetime import timedelta

    from django.utils import timezone

    from detente.goals.models import RealismCheck
    from detente.goals.services import run
    from detente.objectives.models import KPI, Measurement, Objective

    cached = getattr(cast, "_realism", None)
    if cached is not None and RealismCheck.objects.filter(pk=cached["joint_check"].pk).exists():
        return cached
    today = timezone.localdate()
    a = {"alliance": cast.alliance, "owner_side": cast.side_a}
    made: dict[str, Any] = {}
    for visibility in ("joint", "private"):
        objective = Objective.objects.create(title=f"Grow {visibility}", visibility=visibility, **a)
        kpi = KPI.objects.create(
            objective=objective, name=f"Units {visibility}", metric="units", unit="units", kind="count",
            target=30, deadline=today + timedelta(days=40), frequency="month",
        )  # fmt: skip
        last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        Measurement.objects.create(kpi=kpi, period=last_month, value=44, visibility=visibility, **a)
        document = {
            "target": 30, "start": today.isoformat(),
            "deadline": (today + timedelta(days=40)).isoformat(),
            "funnel": [{"name": "units"}], "history": [2] * 22, "activity": "poisson",
        }  # fmt: skip
        if not _REALISM_RESULT:
            _REALISM_RESULT.update(run(document, 0))
        made[f"{visibility}_kpi"] = kpi
        made[f"{visibility}_check"] = RealismCheck.objects.create(
            kpi=kpi, inputs=document, result=dict(_REALISM_RESULT), target=30,
            deadline=today + timedelta(days=40), probability=_REALISM_RESULT["probability"],
            probability_stderr=0.0, visibility=visibility, **a,
        )  # fmt: skip
    cast._realism = made
    return made


def realism_url(key: str, pattern: str) -> Callable[[Any], str]:
    """``pattern`` is formatted with the alliance id ``a`` and the id of ``key``."""
    return lambda cast: pattern.format(a=cast.alliance.pk, pk=realism_records(cast)[key].pk)


def realism_form(visibility: str) -> Callable[[Any, str], dict]:
    def data(cast: Any, who: str) -> dict:
        from django.utils import timezone

        today = timezone.localdate()
        return {
            "owner_side": own_side(cast, who).pk, "visibility": visibility, "target": 30,
            "start": today.isoformat(), "deadline": realism_records(cast)["joint_kpi"].deadline,
            "confidence": 80, "weekdays": ["mon", "tue", "wed", "thu", "fri"],
            "funnel": "units", "history_from": "measurements",
            "measurements_side": cast.side_a.pk, "measured_stage": "first", "seed": 0,
        }  # fmt: skip

    return data


G = "/alliances/{a}/goals/"
PAGES |= {
    "goals_home": [Case(alliance_url("goals/"), MEMBERS)],
    "realism_kpi": [
        Case(realism_url("joint_kpi", G + "kpis/{pk}/"), MEMBERS, note="a-joint"),
        Case(
            realism_url("joint_kpi", G + "kpis/{pk}/"),
            WRITERS_POST,
            "POST",
            realism_form("joint"),
            note="a-joint",
        ),
        Case(realism_url("private_kpi", G + "kpis/{pk}/"), A_PRIVATE_READ, note="a-private"),
        Case(
            realism_url("private_kpi", G + "kpis/{pk}/"),
            A_PRIVATE_WRITE_POST,
            "POST",
            realism_form("private"),
            note="a-private",
        ),
    ],
    "realism_check": [
        Case(realism_url("joint_check", G + "checks/{pk}/"), MEMBERS, note="a-joint"),
        Case(realism_url("private_check", G + "checks/{pk}/"), A_PRIVATE_READ, note="a-private"),
    ],
    "realism_check_delete": [
        Case(realism_url("joint_check", G + "checks/{pk}/delete/"), POST_ONLY, note="a-joint"),
        Case(
            realism_url("joint_check", G + "checks/{pk}/delete/"),
            A_JOINT_WRITE_POST,
            "POST",
            note="a-joint",
        ),
        Case(
            realism_url("private_check", G + "checks/{pk}/delete/"),
            A_PRIVATE_WRITE_POST,
            "POST",
            note="a-private",
        ),
    ],
}

AG = "/alliances/{alliance_id}/goals"
GA = "/api/v1/alliances/{a}/goals/"
API_ROUTES |= {
    ("GET", AG + "/checks"): [Case(api_url(A + "/goals/checks"), API_MEMBERS)],
    ("POST", AG + "/kpis/{kpi_id}/checks"): [
        Case(
            realism_url("joint_kpi", GA + "kpis/{pk}/checks"),
            API_CREATE,
            data=body({"funnel": [{"name": "units"}], "measured_stage": "first"}),
            note="a-joint",
        ),
        Case(
            realism_url("private_kpi", GA + "kpis/{pk}/checks"),
            statuses(201, 403, 404, 404, 404, 401),
            data=body({"funnel": [{"name": "units"}], "visibility": "private"}),
            note="a-private",
        ),
    ],
    ("GET", AG + "/checks/{pk}"): [
        Case(realism_url("joint_check", GA + "checks/{pk}"), API_MEMBERS, note="a-joint"),
        Case(
            realism_url("private_check", GA + "checks/{pk}"), API_A_PRIVATE_READ, note="a-private"
        ),
    ],
    ("DELETE", AG + "/checks/{pk}"): [
        Case(realism_url("joint_check", GA + "checks/{pk}"), API_A_JOINT_WRITE, note="a-joint"),
        Case(
            realism_url("private_check", GA + "checks/{pk}"), API_A_PRIVATE_WRITE, note="a-private"
        ),
    ],
}

# Decisions ------------------------------------------------------------------------------


def decision_record(cast: Any) -> Any:
    """A joint decision kept by side A, side A's private weights and a joint goal of side A
    (made once per role's transaction)."""
    from detente.decisions.models import Decision, GoalSeries, PartyWeights

    cached = getattr(cast, "_decision", None)
    if cached is not None and Decision.objects.filter(pk=cached.pk).exists():
        return cached
    values = {"A": [12, 12], "B": [8, 8]}
    d = Decision.objects.create(
        alliance=cast.alliance,
        owner_side=cast.side_a,
        title="Reprice?",
        options=["A", "B"],
        considerations=[{"name": "revenue", "direction": "higher", "unit": "", "values": values}],
        periods=["Q1", "Q2"],
    )
    cast._decision_weights = PartyWeights.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, decision=d, weights={"revenue": 1}
    )
    cast._decision_goal = GoalSeries.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, decision=d, name="g", history=[1, 2]
    )
    cast._decision = d
    return d


def decision_url(suffix: str = "", api: bool = False) -> Callable[[Any], str]:
    def url(cast: Any) -> str:
        d = decision_record(cast)
        text = suffix.format(w=cast._decision_weights.pk, g=cast._decision_goal.pk)
        if api:
            return f"/api/v1/alliances/{cast.alliance.pk}/decisions/{d.pk}{text}"
        return f"/alliances/{cast.alliance.pk}/decisions/{d.pk}/{text}"

    return url


def decision_form(cast: Any, who: str) -> dict:
    return {
        "owner_side": own_side(cast, who).pk,
        "visibility": "joint",
        "title": "Reprice?",
        "options_text": "A\nB",
        "considerations_text": "revenue | higher | % | 12 | 8",
    }


PAGES |= {
    "decisions_home": [Case(alliance_url("decisions/"), MEMBERS)],
    "decision_new": [
        Case(alliance_url("decisions/new/"), WRITERS),
        Case(alliance_url("decisions/new/"), WRITERS_POST, "POST", decision_form),
    ],
    "decision_detail": [Case(decision_url(), MEMBERS)],
    "decision_edit": [
        Case(decision_url("edit/"), A_JOINT_WRITE),
        Case(
            decision_url("edit/"),
            A_JOINT_WRITE_POST,
            "POST",
            lambda cast, who: decision_form(cast, who) | {"periods_text": "Q1, Q2"},
        ),
    ],
    "decision_delete": [
        Case(decision_url("delete/"), POST_ONLY),
        Case(decision_url("delete/"), A_JOINT_WRITE_POST, "POST"),
    ],
    "weights_new": [
        Case(decision_url("weights/new/"), WRITERS),
        # Side A has entered its weights already, so its form is shown again (200).
        Case(
            decision_url("weights/new/"),
            statuses(200, 403, 302, 302, 404, 302),
            "POST",
            lambda cast, who: {
                "owner_side": own_side(cast, who).pk,
                "visibility": "private",
                "weight_0": 3,
            },  # fmt: skip
        ),
    ],
    "weights_edit": [
        Case(decision_url("weights/{w}/"), A_PRIVATE_WRITE, note="a-private"),
        Case(
            decision_url("weights/{w}/"),
            A_PRIVATE_WRITE_POST,
            "POST",
            lambda cast, who: {"visibility": "private", "weight_0": 2},
            note="a-private",
        ),
    ],
    "decision_guardrails": [Case(decision_url("guardrails/"), MEMBERS)],
    "series_new": [
        Case(decision_url("guardrails/new/"), WRITERS),
        Case(
            decision_url("guardrails/new/"),
            WRITERS_POST,
            "POST",
            lambda cast, who: {
                "owner_side": own_side(cast, who).pk,
                "visibility": "joint",
                "name": "csat",
                "direction": "higher",
                "history_text": "4, 3",
            },
        ),  # fmt: skip
    ],
    "series_delete": [
        Case(decision_url("guardrails/{g}/delete/"), POST_ONLY),
        Case(decision_url("guardrails/{g}/delete/"), A_JOINT_WRITE_POST, "POST", note="a-joint"),
    ],
}

DD = "/alliances/{alliance_id}/decisions"
API_ROUTES |= {
    ("GET", DD): [Case(api_url(A + "/decisions"), API_MEMBERS)],
    ("POST", DD): [
        Case(
            api_url(A + "/decisions"),
            API_CREATE,
            data=body(
                {
                    "title": "Reprice?",
                    "options": ["A", "B"],
                    "considerations": [
                        {"name": "revenue", "direction": "higher", "values": {"A": 12, "B": 8}}
                    ],
                }
            ),
        )  # fmt: skip
    ],
    ("GET", DD + "/{pk}"): [Case(decision_url(api=True), API_MEMBERS)],
    ("GET", DD + "/{pk}/conditions"): [Case(decision_url("/conditions", api=True), API_MEMBERS)],
    ("GET", DD + "/{pk}/weights"): [Case(decision_url("/weights", api=True), API_MEMBERS)],
    ("PUT", DD + "/{pk}/weights"): [
        Case(
            decision_url("/weights", api=True), API_WRITERS, data=body({"weights": {"revenue": 2}})
        )
    ],
    ("GET", DD + "/{pk}/guardrails"): [Case(decision_url("/guardrails", api=True), API_MEMBERS)],
    ("POST", DD + "/{pk}/series"): [
        Case(
            decision_url("/series", api=True),
            API_CREATE,
            data=body({"name": "csat", "history": [4, 3]}),
        )
    ],
}

# Agreements and differences (issue 3) ----------------------------------------------------


def agreement_records(cast: Any) -> dict[str, Any]:
    """Side A's joint draft (complete), its private draft, a blank joint draft and a version in
    force; made once per role's transaction."""
    from detente.agreements import services as agreement_services
    from detente.agreements.models import AgreementVersion
    from detente.records.visibility import get_alliance_access

    cached = getattr(cast, "_agreements", None)
    if cached and AgreementVersion.objects.filter(pk=cached["joint_draft"].pk).exists():
        return cached
    alice = get_alliance_access(cast.alice, cast.alliance.pk, write=True)
    bob = get_alliance_access(cast.bob, cast.alliance.pk, write=True)
    content = {
        "objectives": [{"key": "o1", "title": "Joint revenue", "side": ""}],
        "kpis": [
            {"key": "k1", "objective": "o1", "metric": "Revenue", "unit": "EUR", "direction": "higher",
             "target": "10", "deadline": "2026-12-31", "definition": "Invoiced"},
        ],
        "scope": [{"key": "s1", "kind": "in", "item": "Rockets"}, {"key": "s2", "kind": "out", "item": "Cars"}],
        "scope_change": {"process": "Ask", "approver": "Both", "days": 10},
        "decisions": [{"key": "d1", "topic": "Price", "decider": "Both"}],
        "stalemate": {"process": "Sponsors", "days": 10},
        "resources": [
            {"key": "r1", "side": str(cast.side_a.id), "kind": "money", "description": "Cash", "amount": "1", "per": "year"},
            {"key": "r2", "side": str(cast.side_b.id), "kind": "people", "description": "Staff", "amount": "1", "per": "year"},
        ],
        "ladder": [
            {"key": "l1", "step": 1, "name": "Team", "owner": "Leads", "days": 5},
            {"key": "l2", "step": 2, "name": "Sponsors", "owner": "CEOs", "days": 10},
        ],
        "exit": {"notice_days": 30, "triggers": ["Breach"], "customers": "Split", "assets": "Split"},
    }  # fmt: skip
    made: dict[str, Any] = {}
    in_force = agreement_services.create_draft(alice, owner_side=cast.side_a, title="Charter")
    in_force = agreement_services.update_draft(alice, in_force, parts=content)
    agreement_services.propose(alice, in_force)
    agreement_services.sign(alice, in_force, cast.side_a)
    agreement_services.sign(bob, in_force, cast.side_b)
    made["in_force"] = in_force
    made["joint_draft"] = agreement_services.create_draft(
        alice, owner_side=cast.side_a, title="Amendment", based_on=in_force
    )
    made["private_draft"] = agreement_services.create_draft(
        alice, owner_side=cast.side_a, title="Our draft", visibility="private", based_on=in_force
    )
    # A blank joint draft: it lacks every part, so it has gaps to waive.
    made["blank_draft"] = agreement_services.create_draft(
        alice, owner_side=cast.side_a, title="Blank"
    )
    cast._agreements = made
    return made


def proposed_version(cast: Any) -> Any:
    """Side A's joint draft, proposed for signature."""
    from detente.agreements import services as agreement_services
    from detente.agreements.models import AgreementVersion
    from detente.records.visibility import get_alliance_access

    draft = agreement_records(cast)["joint_draft"]
    if AgreementVersion.objects.get(pk=draft.pk).is_draft:
        alice = get_alliance_access(cast.alice, cast.alliance.pk, write=True)
        agreement_services.propose(alice, draft)
    return draft


def agreement_url(key: str, suffix: str = "", api: bool = False) -> Callable[[Any], str]:
    def url(cast: Any) -> str:
        pk = proposed_version(cast).pk if key == "proposed" else agreement_records(cast)[key].pk
        if api:
            return f"/api/v1/alliances/{cast.alliance.pk}/agreement/versions/{pk}{suffix}"
        return f"/alliances/{cast.alliance.pk}/agreement/{pk}/{suffix}"

    return url


def agreement_diff_url(api: bool = False) -> Callable[[Any], str]:
    def url(cast: Any) -> str:
        made = agreement_records(cast)
        query = f"a={made['in_force'].pk}&b={made['joint_draft'].pk}"
        if api:
            return f"/api/v1/alliances/{cast.alliance.pk}/agreement/diff?{query}"
        return f"/alliances/{cast.alliance.pk}/agreement/diff/?{query}"

    return url


def difference_records(cast: Any) -> dict[str, Any]:
    from detente.differences.models import Difference

    cached = getattr(cast, "_differences", None)
    if cached and Difference.objects.filter(pk=cached["joint"].pk).exists():
        return cached
    common = {"alliance": cast.alliance, "owner_side": cast.side_a, "category": "culture"}
    made = {
        v: Difference.objects.create(
            visibility=v, title=f"Diff {v}", likelihood=3, impact=3, **common
        )
        for v in ("joint", "private")
    }
    cast._differences = made
    return made


def difference_url(key: str, suffix: str = "", api: bool = False) -> Callable[[Any], str]:
    def url(cast: Any) -> str:
        pk = difference_records(cast)[key].pk
        if api:
            return f"/api/v1/alliances/{cast.alliance.pk}/differences/{pk}"
        return f"/alliances/{cast.alliance.pk}/differences/{pk}/{suffix}"

    return url


def difference_form(cast: Any, who: str) -> dict:
    return {
        "owner_side": own_side(cast, who).pk, "visibility": "joint", "category": "culture",
        "title": "Culture clash", "likelihood": 3, "impact": 4,
    }  # fmt: skip


SIGNERS_POST = statuses(302, 403, 302, 302, 404, 302)
PAGES |= {
    "agreement_home": [Case(alliance_url("agreement/"), MEMBERS)],
    "agreement_diff": [Case(agreement_diff_url(), MEMBERS)],
    "agreement_new": [
        Case(alliance_url("agreement/new/"), WRITERS),
        Case(
            alliance_url("agreement/new/"),
            WRITERS_POST,
            "POST",
            lambda cast, who: {
                "owner_side": own_side(cast, who).pk,
                "visibility": "joint",
                "title": "New",
            },  # fmt: skip
        ),
    ],
    "agreement_version": [
        Case(agreement_url("joint_draft"), MEMBERS, note="a-joint"),
        Case(agreement_url("private_draft"), A_PRIVATE_READ, note="a-private"),
        Case(agreement_url("in_force"), MEMBERS, note="in-force"),
    ],
    "agreement_edit": [
        Case(agreement_url("joint_draft", "edit/"), A_JOINT_WRITE, note="a-joint"),
        Case(
            agreement_url("joint_draft", "edit/"),
            A_JOINT_WRITE_POST,
            "POST",
            lambda cast, who: {"title": "Renamed", "visibility": "joint"},
            note="a-joint",
        ),
        Case(agreement_url("private_draft", "edit/"), A_PRIVATE_WRITE, note="a-private"),
        # A version in force never changes: 403 for everyone who may see it.
        Case(
            agreement_url("in_force", "edit/"),
            statuses(403, 403, 403, 403, 404, 302),
            note="in-force",
        ),
    ],
    "agreement_part": [
        Case(agreement_url("joint_draft", "parts/exit/"), A_JOINT_WRITE, note="a-joint"),
        Case(
            agreement_url("joint_draft", "parts/exit/"),
            A_JOINT_WRITE_POST,
            "POST",
            lambda cast, who: {"notice_days": "60"},
            note="a-joint",
        ),
        Case(agreement_url("private_draft", "parts/ladder/"), A_PRIVATE_WRITE, note="a-private"),
    ],
    "agreement_propose": [
        Case(agreement_url("joint_draft", "propose/"), POST_ONLY),
        Case(agreement_url("joint_draft", "propose/"), A_JOINT_WRITE_POST, "POST"),
    ],
    "agreement_sign": [Case(agreement_url("proposed", "sign/"), SIGNERS_POST, "POST")],
    "agreement_withdraw": [Case(agreement_url("proposed", "withdraw/"), WRITERS_POST, "POST")],
    "agreement_waive": [
        Case(
            agreement_url("joint_draft", "waive/"),
            A_JOINT_WRITE_POST,
            "POST",
            lambda cast, who: {"code": "exit", "reason": "Decided later"},
        )
    ],
    "agreement_delete": [
        Case(agreement_url("joint_draft", "delete/"), A_JOINT_WRITE_POST, "POST", note="a-joint"),
        Case(
            agreement_url("private_draft", "delete/"),
            A_PRIVATE_WRITE_POST,
            "POST",
            note="a-private",
        ),
    ],
    "differences_home": [Case(alliance_url("differences/"), MEMBERS)],
    "difference_new": [
        Case(alliance_url("differences/new/"), WRITERS),
        Case(alliance_url("differences/new/"), WRITERS_POST, "POST", difference_form),
    ],
    "difference_detail": [
        Case(difference_url("joint"), MEMBERS, note="a-joint"),
        Case(difference_url("private"), A_PRIVATE_READ, note="a-private"),
    ],
    "difference_edit": [
        Case(difference_url("joint", "edit/"), A_JOINT_WRITE, note="a-joint"),
        Case(
            difference_url("joint", "edit/"),
            A_JOINT_WRITE_POST,
            "POST",
            lambda cast, who: difference_form(cast, who) | {"owner_side": cast.side_a.pk},
            note="a-joint",
        ),
        Case(difference_url("private", "edit/"), A_PRIVATE_WRITE, note="a-private"),
    ],
    "difference_delete": [
        Case(difference_url("joint", "delete/"), A_JOINT_WRITE_POST, "POST", note="a-joint"),
        Case(difference_url("private", "delete/"), A_PRIVATE_WRITE_POST, "POST", note="a-private"),
    ],
}

AV = "/alliances/{alliance_id}/agreement/versions"
DF = "/alliances/{alliance_id}/differences"
API_ROUTES |= {
    ("GET", AV): [
        Case(lambda cast: f"/api/v1/alliances/{cast.alliance.pk}/agreement/versions", API_MEMBERS)
    ],
    ("POST", AV): [
        Case(
            lambda cast: f"/api/v1/alliances/{cast.alliance.pk}/agreement/versions",
            API_CREATE,
            data=lambda cast, who: {"title": "New draft"},
        )
    ],
    ("GET", AV + "/{pk}"): [
        Case(agreement_url("joint_draft", api=True), API_MEMBERS, note="a-joint"),
        Case(agreement_url("private_draft", api=True), API_A_PRIVATE_READ, note="a-private"),
    ],
    ("PATCH", AV + "/{pk}"): [
        Case(
            agreement_url("joint_draft", api=True),
            API_A_JOINT_WRITE,
            data=lambda cast, who: {"title": "Renamed"},
            note="a-joint",
        ),
        Case(
            agreement_url("private_draft", api=True),
            API_A_PRIVATE_WRITE,
            data=lambda cast, who: {"exit": {"notice_days": 30}},
            note="a-private",
        ),
        Case(
            agreement_url("in_force", api=True),
            statuses(403, 403, 403, 403, 404, 401),
            data=lambda cast, who: {"title": "Rewritten"},
            note="in-force",
        ),
    ],
    ("DELETE", AV + "/{pk}"): [
        Case(agreement_url("joint_draft", api=True), API_A_JOINT_WRITE, note="a-joint"),
        Case(agreement_url("private_draft", api=True), API_A_PRIVATE_WRITE, note="a-private"),
    ],
    ("POST", AV + "/{pk}/waivers"): [
        Case(
            agreement_url("blank_draft", "/waivers", api=True),
            statuses(201, 403, 403, 403, 404, 401),
            data=lambda cast, who: {"code": "exit", "reason": "Decided later"},
        )
    ],
    ("POST", AV + "/{pk}/propose"): [
        # The joint draft is a complete copy of the version in force.
        Case(agreement_url("joint_draft", "/propose", api=True), API_A_JOINT_WRITE)
    ],
    ("POST", AV + "/{pk}/sign"): [
        Case(
            agreement_url("proposed", "/sign", api=True),
            statuses(200, 403, 200, 200, 404, 401),
            data=lambda cast, who: {},
        )
    ],
    ("POST", AV + "/{pk}/withdraw"): [
        Case(agreement_url("proposed", "/withdraw", api=True), API_WRITERS)
    ],
    ("GET", "/alliances/{alliance_id}/agreement/diff"): [
        Case(agreement_diff_url(api=True), API_MEMBERS)
    ],
    ("GET", DF): [
        Case(lambda cast: f"/api/v1/alliances/{cast.alliance.pk}/differences", API_MEMBERS)
    ],
    ("POST", DF): [
        Case(
            lambda cast: f"/api/v1/alliances/{cast.alliance.pk}/differences",
            API_CREATE,
            data=lambda cast, who: {
                "category": "culture",
                "title": "T",
                "likelihood": 2,
                "impact": 2,
            },
        )
    ],
    ("GET", DF + "/{pk}"): [
        Case(difference_url("joint", api=True), API_MEMBERS, note="a-joint"),
        Case(difference_url("private", api=True), API_A_PRIVATE_READ, note="a-private"),
    ],
    ("PATCH", DF + "/{pk}"): [
        Case(
            difference_url("joint", api=True),
            API_A_JOINT_WRITE,
            data=lambda cast, who: {"impact": 5},
            note="a-joint",
        ),
        Case(
            difference_url("private", api=True),
            API_A_PRIVATE_WRITE,
            data=lambda cast, who: {"impact": 5},
            note="a-private",
        ),
    ],
    ("DELETE", DF + "/{pk}"): [
        Case(difference_url("joint", api=True), API_A_JOINT_WRITE, note="a-joint"),
        Case(difference_url("private", api=True), API_A_PRIVATE_WRITE, note="a-private"),
    ],
}

# Objectives, KPIs, measurements and commitments (issue 3) ---------------------------------


def ledger_records(cast: Any) -> dict[str, Any]:
    """A joint and a private objective of side A, each with a KPI and a value of side A's,
    and a joint and a private commitment kept by side A (made once per role's transaction)."""
    from detente.commitments.models import Commitment
    from detente.objectives.models import KPI, Measurement, Objective

    cached = getattr(cast, "_ledger", None)
    if cached is not None and Objective.objects.filter(pk=cached["joint_objective"].pk).exists():
        return cached
    a = {"alliance": cast.alliance, "owner_side": cast.side_a}
    made: dict[str, Any] = {}
    for visibility in ("joint", "private"):
        scope = "shared" if visibility == "joint" else "side"
        objective = Objective.objects.create(
            title=f"Reach {visibility}", scope=scope, visibility=visibility, **a
        )
        kpi = KPI.objects.create(
            objective=objective, name=f"Logos {visibility}", metric="logos", unit="logos",
            target=10, deadline="2026-12-31",
        )  # fmt: skip
        made[f"{visibility}_objective"] = objective
        made[f"{visibility}_kpi"] = kpi
        made[f"{visibility}_measurement"] = Measurement.objects.create(
            kpi=kpi, period="2026Q1", value=3, visibility=visibility, **a
        )
        made[f"{visibility}_commitment"] = Commitment.objects.create(
            owed_by=cast.side_b, title=f"Quota {visibility}", due_date="2026-06-30",
            visibility=visibility, **a,
        )  # fmt: skip
    cast._ledger = made
    return made


def ledger_url(key: str, pattern: str) -> Callable[[Any], str]:
    """``pattern`` is formatted with the alliance id ``a`` and the id of ``key``."""
    return lambda cast: pattern.format(a=cast.alliance.pk, pk=ledger_records(cast)[key].pk)


def objective_form(cast: Any, who: str) -> dict:
    return {"owner_side": own_side(cast, who).pk, "title": "Reach", "scope": "shared",
            "visibility": "joint"}  # fmt: skip


def kpi_form(key: str) -> Callable[[Any, str], dict]:
    def data(cast: Any, who: str) -> dict:
        return {"objective": ledger_records(cast)[key].pk, "name": "Logos", "metric": "logos",
                "unit": "logos", "direction": "higher", "target": "12", "deadline": "2026-12-31",
                "frequency": "quarter", "tolerance": "0", "tolerance_kind": "absolute"}  # fmt: skip

    return data


def measurement_form(cast: Any, who: str) -> dict:
    return {"owner_side": own_side(cast, who).pk, "kpi": ledger_records(cast)["joint_kpi"].pk,
            "period": "2027Q1", "value": "4", "visibility": "joint"}  # fmt: skip


def edited_measurement(cast: Any, who: str) -> dict:
    return {"kpi": ledger_records(cast)["joint_kpi"].pk, "period": "2026Q1", "value": "5",
            "visibility": "joint"}  # fmt: skip


def measurement_file(cast: Any, who: str) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    kpi = ledger_records(cast)["joint_kpi"].pk
    csv = f"kpi,period,value\n{kpi},2027Q2,6\n".encode()
    return {"file": SimpleUploadedFile("values.csv", csv), "action": "preview"}


def commitment_form(cast: Any, who: str) -> dict:
    return {"owner_side": own_side(cast, who).pk, "owed_by": cast.side_b.pk, "kind": "decision",
            "title": "Decide", "due_date": "2026-09-30", "status": "open",
            "visibility": "joint"}  # fmt: skip


def edited_commitment(cast: Any, who: str) -> dict:
    return {"owed_by": cast.side_b.pk, "kind": "decision", "title": "Decide", "status": "open",
            "due_date": "2026-09-30", "visibility": "joint"}  # fmt: skip


OBJ = "/alliances/{a}/objectives/"
C = "/alliances/{a}/commitments/"
# A side-B writer may open the KPI form but may not attach a KPI to side A's objective: the
# form comes back with the refusal next to "Objective".
KPI_ON_A_OBJECTIVE_POST = statuses(302, 403, 200, 200, 404, 302)
PAGES |= {
    "objectives_home": [Case(alliance_url("objectives/"), MEMBERS)],
    "objective_new": [
        Case(alliance_url("objectives/new/"), WRITERS),
        Case(alliance_url("objectives/new/"), WRITERS_POST, "POST", objective_form),
    ],
    "objective_edit": [
        Case(ledger_url("joint_objective", OBJ + "{pk}/edit/"), A_JOINT_WRITE, note="a-joint"),
        Case(
            ledger_url("joint_objective", OBJ + "{pk}/edit/"),
            A_JOINT_WRITE_POST,
            "POST",
            lambda cast, who: {"title": "Reach more", "scope": "shared", "visibility": "joint"},
            note="a-joint",
        ),
        Case(
            ledger_url("private_objective", OBJ + "{pk}/edit/"), A_PRIVATE_WRITE, note="a-private"
        ),
    ],
    "objective_delete": [
        Case(ledger_url("joint_objective", OBJ + "{pk}/delete/"), POST_ONLY, note="a-joint"),
        Case(
            ledger_url("joint_objective", OBJ + "{pk}/delete/"),
            A_JOINT_WRITE_POST,
            "POST",
            note="a-joint",
        ),
        Case(
            ledger_url("private_objective", OBJ + "{pk}/delete/"),
            A_PRIVATE_WRITE_POST,
            "POST",
            note="a-private",
        ),
    ],  # fmt: skip
    "kpi_new": [
        Case(alliance_url("objectives/kpis/new/"), WRITERS),
        Case(
            alliance_url("objectives/kpis/new/"),
            KPI_ON_A_OBJECTIVE_POST,
            "POST",
            kpi_form("joint_objective"),
        ),
    ],  # fmt: skip
    "kpi_detail": [
        Case(ledger_url("joint_kpi", OBJ + "kpis/{pk}/"), MEMBERS, note="a-joint"),
        Case(ledger_url("private_kpi", OBJ + "kpis/{pk}/"), A_PRIVATE_READ, note="a-private"),
    ],
    "kpi_edit": [
        Case(ledger_url("joint_kpi", OBJ + "kpis/{pk}/edit/"), A_JOINT_WRITE, note="a-joint"),
        Case(
            ledger_url("joint_kpi", OBJ + "kpis/{pk}/edit/"),
            A_JOINT_WRITE_POST,
            "POST",
            kpi_form("joint_objective"),
            note="a-joint",
        ),
        Case(ledger_url("private_kpi", OBJ + "kpis/{pk}/edit/"), A_PRIVATE_WRITE, note="a-private"),
    ],  # fmt: skip
    "kpi_delete": [
        Case(ledger_url("joint_kpi", OBJ + "kpis/{pk}/delete/"), POST_ONLY, note="a-joint"),
        Case(
            ledger_url("joint_kpi", OBJ + "kpis/{pk}/delete/"),
            A_JOINT_WRITE_POST,
            "POST",
            note="a-joint",
        ),
        Case(
            ledger_url("private_kpi", OBJ + "kpis/{pk}/delete/"),
            A_PRIVATE_WRITE_POST,
            "POST",
            note="a-private",
        ),
    ],  # fmt: skip
    "measurement_new": [
        Case(alliance_url("objectives/measurements/new/"), WRITERS),
        Case(alliance_url("objectives/measurements/new/"), WRITERS_POST, "POST", measurement_form),
    ],
    "measurement_edit": [
        Case(
            ledger_url("joint_measurement", OBJ + "measurements/{pk}/edit/"),
            A_JOINT_WRITE,
            note="a-joint",
        ),
        Case(
            ledger_url("joint_measurement", OBJ + "measurements/{pk}/edit/"),
            A_JOINT_WRITE_POST,
            "POST",
            edited_measurement,
            note="a-joint",
        ),
        Case(
            ledger_url("private_measurement", OBJ + "measurements/{pk}/edit/"),
            A_PRIVATE_WRITE,
            note="a-private",
        ),
    ],  # fmt: skip
    "measurement_delete": [
        Case(
            ledger_url("joint_measurement", OBJ + "measurements/{pk}/delete/"),
            POST_ONLY,
            note="a-joint",
        ),
        Case(
            ledger_url("joint_measurement", OBJ + "measurements/{pk}/delete/"),
            A_JOINT_WRITE_POST,
            "POST",
            note="a-joint",
        ),
        Case(
            ledger_url("private_measurement", OBJ + "measurements/{pk}/delete/"),
            A_PRIVATE_WRITE_POST,
            "POST",
            note="a-private",
        ),
    ],  # fmt: skip
    "measurement_import": [
        Case(alliance_url("objectives/measurements/import/"), WRITERS),
        # The preview of a good file: 200 with the rows it would write.
        Case(alliance_url("objectives/measurements/import/"), WRITERS, "POST", measurement_file),
    ],
    "commitments_home": [Case(alliance_url("commitments/"), MEMBERS)],
    "commitment_new": [
        Case(alliance_url("commitments/new/"), WRITERS),
        Case(alliance_url("commitments/new/"), WRITERS_POST, "POST", commitment_form),
    ],
    "commitment_edit": [
        Case(ledger_url("joint_commitment", C + "{pk}/edit/"), A_JOINT_WRITE, note="a-joint"),
        Case(
            ledger_url("joint_commitment", C + "{pk}/edit/"),
            A_JOINT_WRITE_POST,
            "POST",
            edited_commitment,
            note="a-joint",
        ),
        Case(ledger_url("private_commitment", C + "{pk}/edit/"), A_PRIVATE_WRITE, note="a-private"),
    ],  # fmt: skip
    "commitment_done": [
        Case(ledger_url("joint_commitment", C + "{pk}/done/"), POST_ONLY, note="a-joint"),
        Case(
            ledger_url("joint_commitment", C + "{pk}/done/"),
            A_JOINT_WRITE_POST,
            "POST",
            note="a-joint",
        ),
        Case(
            ledger_url("private_commitment", C + "{pk}/done/"),
            A_PRIVATE_WRITE_POST,
            "POST",
            note="a-private",
        ),
    ],  # fmt: skip
    "commitment_delete": [
        Case(ledger_url("joint_commitment", C + "{pk}/delete/"), POST_ONLY, note="a-joint"),
        Case(
            ledger_url("joint_commitment", C + "{pk}/delete/"),
            A_JOINT_WRITE_POST,
            "POST",
            note="a-joint",
        ),
        Case(
            ledger_url("private_commitment", C + "{pk}/delete/"),
            A_PRIVATE_WRITE_POST,
            "POST",
            note="a-private",
        ),
    ],  # fmt: skip
}

AL = "/alliances/{alliance_id}"
LA = "/api/v1/alliances/{a}/"
# A side-B writer may not attach a KPI to side A's objective: 422 naming "objective".
API_KPI_ON_A_OBJECTIVE = statuses(201, 403, 422, 422, 404, 401)
# Without a file the import is refused by name (422), after the access check.
API_IMPORT_WITHOUT_FILE = statuses(422, 403, 422, 422, 404, 401)


def _ledger_routes(kind: str, path: str, patch: dict) -> dict[tuple[str, str], list[Case]]:
    """GET, PATCH and DELETE of one kind of record, on the joint and the private one."""
    url = LA + path + "/{pk}"
    return {
        ("GET", AL + f"/{path}/{{pk}}"): [
            Case(ledger_url(f"joint_{kind}", url), API_MEMBERS, note="a-joint"),
            Case(ledger_url(f"private_{kind}", url), API_A_PRIVATE_READ, note="a-private"),
        ],
        ("PATCH", AL + f"/{path}/{{pk}}"): [
            Case(
                ledger_url(f"joint_{kind}", url),
                API_A_JOINT_WRITE,
                data=body(patch),
                note="a-joint",
            ),
            Case(
                ledger_url(f"private_{kind}", url),
                API_A_PRIVATE_WRITE,
                data=body(patch),
                note="a-private",
            ),
        ],  # fmt: skip
        ("DELETE", AL + f"/{path}/{{pk}}"): [
            Case(ledger_url(f"joint_{kind}", url), API_A_JOINT_WRITE, note="a-joint"),
            Case(ledger_url(f"private_{kind}", url), API_A_PRIVATE_WRITE, note="a-private"),
        ],
    }


API_ROUTES |= {
    ("GET", AL + "/objectives"): [Case(api_url(A + "/objectives"), API_MEMBERS)],
    ("POST", AL + "/objectives"): [
        Case(api_url(A + "/objectives"), API_CREATE, data=body({"title": "Reach"}))
    ],
    ("GET", AL + "/kpis"): [Case(api_url(A + "/kpis"), API_MEMBERS)],
    ("POST", AL + "/kpis"): [
        Case(
            api_url(A + "/kpis"),
            API_KPI_ON_A_OBJECTIVE,
            data=lambda cast, who: {
                "objective_id": ledger_records(cast)["joint_objective"].pk,
                "name": "Logos",
                "metric": "logos",
                "unit": "logos",
                "target": 12,
                "deadline": "2026-12-31",
            },
        )
    ],  # fmt: skip
    ("GET", AL + "/kpis/{pk}/series"): [
        Case(ledger_url("joint_kpi", LA + "kpis/{pk}/series"), API_MEMBERS, note="a-joint"),
        Case(
            ledger_url("private_kpi", LA + "kpis/{pk}/series"), API_A_PRIVATE_READ, note="a-private"
        ),
    ],  # fmt: skip
    ("GET", AL + "/measurements"): [Case(api_url(A + "/measurements"), API_MEMBERS)],
    ("POST", AL + "/measurements"): [
        Case(
            api_url(A + "/measurements"),
            API_CREATE,
            data=lambda cast, who: {
                "kpi_id": ledger_records(cast)["joint_kpi"].pk,
                "period": "2027Q1",
                "value": 4,
            },
        )
    ],  # fmt: skip
    ("POST", AL + "/measurements/import"): [
        Case(api_url(A + "/measurements/import"), API_IMPORT_WITHOUT_FILE)
    ],
    ("GET", AL + "/commitments"): [Case(api_url(A + "/commitments"), API_MEMBERS)],
    ("POST", AL + "/commitments"): [
        Case(
            api_url(A + "/commitments"),
            API_CREATE,
            data=lambda cast, who: {
                "owed_by_id": cast.side_b.pk,
                "title": "Decide",
                "due_date": "2026-09-30",
            },
        )
    ],  # fmt: skip
    ("GET", AL + "/commitments/adherence"): [
        Case(api_url(A + "/commitments/adherence"), API_MEMBERS)
    ],
}
API_ROUTES |= _ledger_routes("objective", "objectives", {"title": "Reach more"})
API_ROUTES |= _ledger_routes("kpi", "kpis", {"target": 11})
API_ROUTES |= _ledger_routes("measurement", "measurements", {"value": 5})
API_ROUTES |= _ledger_routes("commitment", "commitments", {"title": "Decide later"})

# Guardrails on KPIs and the goal-conflict matrix (issue 7, from the KPIs' series) ---------


def guardrail_records(cast: Any) -> dict[str, Any]:
    """On top of the ledger's records: a second joint KPI, a joint guardrail kept by side A
    and one private to side A (on its private KPI)."""
    from detente.objectives.models import KPI, Guardrail

    cached = getattr(cast, "_guardrails", None)
    if cached is not None and Guardrail.objects.filter(pk=cached["joint_guardrail"].pk).exists():
        return cached
    ledger = ledger_records(cast)
    triage = KPI.objects.create(
        objective=ledger["joint_objective"], name="Triage", metric="hours", unit="h",
        target=2, deadline="2026-12-31", direction="lower",
    )  # fmt: skip
    a = {"alliance": cast.alliance, "owner_side": cast.side_a}
    made = {
        "triage": triage,
        "joint_guardrail": Guardrail.objects.create(
            kpi=ledger["joint_kpi"], counter_kpi=triage, upper=3, visibility="joint", **a
        ),
        "private_guardrail": Guardrail.objects.create(
            kpi=ledger["private_kpi"], counter_kpi=triage, upper=3, visibility="private", **a
        ),
    }
    cast._guardrails = made
    return made


def guardrail_url(key: str, pattern: str) -> Callable[[Any], str]:
    return lambda cast: pattern.format(a=cast.alliance.pk, pk=guardrail_records(cast)[key].pk)


def guardrail_form(cast: Any, who: str) -> dict:
    made = guardrail_records(cast)
    return {"owner_side": own_side(cast, who).pk, "kpi": made["triage"].pk,
            "counter_kpi": ledger_records(cast)["joint_kpi"].pk, "upper": "5",
            "visibility": "joint"}  # fmt: skip


PAGES |= {
    "guardrail_new": [
        Case(alliance_url("objectives/guardrails/new/"), WRITERS),
        Case(alliance_url("objectives/guardrails/new/"), WRITERS_POST, "POST", guardrail_form),
    ],
    "guardrail_delete": [
        Case(guardrail_url("joint_guardrail", OBJ + "guardrails/{pk}/delete/"), POST_ONLY),
        Case(
            guardrail_url("joint_guardrail", OBJ + "guardrails/{pk}/delete/"),
            A_JOINT_WRITE_POST,
            "POST",
            note="a-joint",
        ),
        Case(
            guardrail_url("private_guardrail", OBJ + "guardrails/{pk}/delete/"),
            A_PRIVATE_WRITE_POST,
            "POST",
            note="a-private",
        ),
    ],  # fmt: skip
    "goal_conflict": [Case(alliance_url("objectives/goal-conflict/"), MEMBERS)],
}

# CSV exports of measurements: what the reader may see; a private KPI's file is side A's only.
PAGES |= {
    "measurement_export": [Case(alliance_url("objectives/measurements/export.csv"), MEMBERS)],
    "kpi_export": [
        Case(ledger_url("joint_kpi", OBJ + "kpis/{pk}/export.csv"), MEMBERS, note="a-joint"),
        Case(
            ledger_url("private_kpi", OBJ + "kpis/{pk}/export.csv"),
            A_PRIVATE_READ,
            note="a-private",
        ),
    ],
}

API_ROUTES |= {
    ("GET", AL + "/kpis/{pk}/guardrails"): [
        Case(ledger_url("joint_kpi", LA + "kpis/{pk}/guardrails"), API_MEMBERS, note="a-joint"),
        Case(
            ledger_url("private_kpi", LA + "kpis/{pk}/guardrails"),
            API_A_PRIVATE_READ,
            note="a-private",
        ),
    ],  # fmt: skip
    ("GET", AL + "/guardrails"): [Case(api_url(A + "/guardrails"), API_MEMBERS)],
    ("POST", AL + "/guardrails"): [
        Case(
            api_url(A + "/guardrails"),
            API_CREATE,
            data=lambda cast, who: {
                "kpi_id": guardrail_records(cast)["triage"].pk,
                "counter_kpi_id": ledger_records(cast)["joint_kpi"].pk,
                "upper": 5,
            },
        )
    ],
    ("DELETE", AL + "/guardrails/{pk}"): [
        Case(
            guardrail_url("joint_guardrail", LA + "guardrails/{pk}"),
            API_A_JOINT_WRITE,
            note="a-joint",
        ),
        Case(
            guardrail_url("private_guardrail", LA + "guardrails/{pk}"),
            API_A_PRIVATE_WRITE,
            note="a-private",
        ),
    ],  # fmt: skip
    ("GET", AL + "/goal-conflict"): [Case(api_url(A + "/goal-conflict"), API_MEMBERS)],
}

# Health checks and early warning (issue 5) ----------------------------------------------


def health_records(cast: Any) -> dict[str, Any]:
    """An open health check kept by side A with one survey invitation, a joint alert and an
    alert private to side A (made once per role's transaction)."""
    from datetime import timedelta

    from django.utils import timezone

    from detente.health.models import Alert, Cycle, SurveyInvitation

    cached = getattr(cast, "_health", None)
    if cached is not None and Cycle.objects.filter(pk=cached["cycle"].pk).exists():
        return cached
    today = timezone.localdate()
    a = {"alliance": cast.alliance, "owner_side": cast.side_a}
    cycle = Cycle.objects.create(
        **a,
        period="2026Q4",
        opens_on=today - timedelta(days=3),
        closes_on=today + timedelta(days=9),
    )
    alert = {"period": "2026Q4", "rule": "level", "severity": 2, "evidence": "e", "next_step": "n"}
    made = {
        "cycle": cycle,
        "invitation": SurveyInvitation.objects.create(**a, cycle=cycle, email="ann@acme.example"),
        "joint_alert": Alert.objects.create(**a, key="joint", measure="alignment", **alert),
        "private_alert": Alert.objects.create(
            **a, visibility="private", key="a", measure="exit", **alert
        ),
    }
    cast._health = made
    return made


def health_url(suffix: str, key: str | None = None, api: bool = False) -> Callable[[Any], str]:
    def url(cast: Any) -> str:
        pk = health_records(cast)[key].pk if key else None
        prefix = "/api/v1" if api else ""
        return f"{prefix}/alliances/{cast.alliance.pk}/health/" + suffix.format(pk=pk)

    return url


def survey_link(cast: Any) -> str:
    from detente.health.services import make_token

    return f"/health/survey/{make_token(health_records(cast)['invitation'])}/"


def future(days: int) -> str:
    from datetime import timedelta

    from django.utils import timezone

    return str(timezone.localdate() + timedelta(days=days))


API_MANAGERS_CREATE = statuses(201, 403, 201, 403, 404, 401)
API_MANAGERS = statuses(200, 403, 200, 403, 404, 401)
PAGES |= {
    "health_home": [Case(health_url(""), MEMBERS)],
    "health_settings": [
        Case(health_url("settings/"), MANAGERS),
        Case(
            health_url("settings/"),
            MANAGERS_POST,
            "POST",
            lambda cast, who: {
                "period_months": 3,
                "min_answers": 4,
                "reminder_days": 3,
                "false_alarm_rate": 0.01,
                "adherence_source": "survey",
            },
        ),  # fmt: skip
    ],
    "measure_new": [
        Case(health_url("measures/new/"), WRITERS),
        Case(
            health_url("measures/new/"),
            WRITERS_POST,
            "POST",
            lambda cast, who: {
                "owner_side": own_side(cast, who).pk,
                "label": "Trust",
                "question": "Do you trust them?",
                "visibility": "joint",
            },
        ),  # fmt: skip
    ],
    "cycle_new": [
        Case(health_url("cycles/new/"), MANAGERS),
        Case(
            health_url("cycles/new/"),
            MANAGERS_POST,
            "POST",
            lambda cast, who: {"period": "2030Q1", "opens_on": future(1), "closes_on": future(9)},
        ),
    ],
    "cycle_detail": [Case(health_url("cycles/{pk}/", "cycle"), MEMBERS)],
    "cycle_invite": [
        Case(health_url("cycles/{pk}/invite/", "cycle"), MANAGERS),
        Case(
            health_url("cycles/{pk}/invite/", "cycle"),
            MANAGERS_POST,
            "POST",
            lambda cast, who: {"side": own_side(cast, who).pk, "others": "new@example.com"},
        ),
    ],
    "cycle_remind": [
        Case(health_url("cycles/{pk}/remind/", "cycle"), POST_ONLY),
        Case(health_url("cycles/{pk}/remind/", "cycle"), MANAGERS_POST, "POST"),
    ],
    "cycle_close": [Case(health_url("cycles/{pk}/close/", "cycle"), MANAGERS_POST, "POST")],
    "health_alerts": [Case(health_url("alerts/"), MEMBERS)],
    "health_scan": [
        Case(health_url("alerts/scan/"), POST_ONLY),
        Case(health_url("alerts/scan/"), WRITERS_POST, "POST"),
    ],
    "alert_ack": [
        Case(
            health_url("alerts/{pk}/ack/", "joint_alert"),
            WRITERS_POST,
            "POST",
            lambda cast, who: {"reason": "Seen; dialogue booked"},
            note="joint",
        ),
        Case(
            health_url("alerts/{pk}/ack/", "private_alert"),
            A_PRIVATE_WRITE_POST,
            "POST",
            lambda cast, who: {"reason": "Seen"},
            note="a-private",
        ),
    ],
    "alert_snooze": [
        Case(
            health_url("alerts/{pk}/snooze/", "joint_alert"),
            WRITERS_POST,
            "POST",
            lambda cast, who: {"reason": "After the QBR", "snoozed_until": future(14)},
            note="joint",
        ),
        Case(
            health_url("alerts/{pk}/snooze/", "private_alert"),
            A_PRIVATE_WRITE_POST,
            "POST",
            lambda cast, who: {"reason": "Later", "snoozed_until": future(14)},
            note="a-private",
        ),
    ],
    # The signed survey link is the credential: whoever holds it may answer, no account.
    "health_survey": [
        Case(survey_link, statuses(200, 200, 200, 200, 200, 200), note="valid"),
        Case(
            lambda cast: "/health/survey/not-a-signed-token/",
            statuses(410, 410, 410, 410, 410, 410),
            note="tampered",
        ),
    ],
    "alert_inbox": [Case(lambda cast: "/health/alerts/", EVERYONE)],
    "alert_preferences": [
        Case(
            lambda cast: "/health/alerts/preferences/",
            SIGNED_IN_POST,
            "POST",
            lambda cast, who: {"mode": "digest"},
        )
    ],
    "health_portfolio": [Case(lambda cast: "/health/portfolio/?severity=2", EVERYONE)],
}

AH = "/alliances/{alliance_id}/health"
API_ROUTES |= {
    ("GET", AH + "/cycles"): [Case(health_url("cycles", api=True), API_MEMBERS)],
    ("POST", AH + "/cycles"): [
        Case(
            health_url("cycles", api=True),
            API_MANAGERS_CREATE,
            data=lambda cast, who: {
                "period": "2030Q1",
                "opens_on": future(1),
                "closes_on": future(9),
            },
        )  # fmt: skip
    ],
    ("GET", AH + "/cycles/{pk}"): [Case(health_url("cycles/{pk}", "cycle", True), API_MEMBERS)],
    ("GET", AH + "/cycles/{pk}/summary"): [
        Case(health_url("cycles/{pk}/summary", "cycle", True), API_MEMBERS)
    ],
    ("POST", AH + "/cycles/{pk}/invitations"): [
        Case(
            health_url("cycles/{pk}/invitations", "cycle", True),
            API_MANAGERS_CREATE,
            data=body({"emails": ["new@example.com"]}),
        )
    ],
    ("POST", AH + "/cycles/{pk}/reminders"): [
        Case(health_url("cycles/{pk}/reminders", "cycle", True), API_MANAGERS, data=body({}))
    ],
    ("GET", AH + "/scorecard"): [Case(health_url("scorecard", api=True), API_MEMBERS)],
    ("GET", AH + "/alerts"): [Case(health_url("alerts", api=True), API_MEMBERS)],
    ("POST", AH + "/alerts/{pk}/ack"): [
        Case(
            health_url("alerts/{pk}/ack", "joint_alert", True),
            API_WRITERS,
            data=body({"reason": "Seen"}),
            note="joint",
        ),
        Case(
            health_url("alerts/{pk}/ack", "private_alert", True),
            API_A_PRIVATE_WRITE,
            data=body({"reason": "Seen"}),
            note="a-private",
        ),
    ],
    ("POST", AH + "/alerts/{pk}/snooze"): [
        Case(
            health_url("alerts/{pk}/snooze", "joint_alert", True),
            API_WRITERS,
            data=lambda cast, who: {"reason": "Later", "snoozed_until": future(14)},
            note="joint",
        ),
        Case(
            health_url("alerts/{pk}/snooze", "private_alert", True),
            API_A_PRIVATE_WRITE,
            data=lambda cast, who: {"reason": "Later", "snoozed_until": future(14)},
            note="a-private",
        ),
    ],
}


# Conflicts, restructuring and exit (issue 8) ---------------------------------------------


def conflict_records(cast: Any) -> dict[str, Any]:
    """Side A's joint conflict on the ladder with a joint view, its private conflict, a joint
    comparison with one estimate, and a joint exit plan; made once per role's transaction."""
    from detente.conflicts import ladder
    from detente.conflicts.models import (
        Comparison,
        Conflict,
        ConflictView,
        ExitPlan,
        OptionEstimate,
    )
    from detente.records.visibility import get_alliance_access

    cached = getattr(cast, "_conflicts", None)
    if cached is not None and Conflict.objects.filter(pk=cached["joint"].pk).exists():
        return cached
    common = {"alliance": cast.alliance, "owner_side": cast.side_a}
    joint = Conflict.objects.create(title="Quota cut", source="other", kind="evolving", **common)
    ladder.raise_jointly(get_alliance_access(cast.alice, cast.alliance.pk), joint)
    comparison = Comparison.objects.create(title="Options", discount_rate=10, periods=2, **common)
    records = {
        "joint": joint,
        "private": Conflict.objects.create(
            title="Ours", source="other", kind="initial", visibility="private", **common
        ),
        "view": ConflictView.objects.create(conflict=joint, position="Keep it", **common),
        "step": joint.steps.get(),
        "comparison": comparison,
        "estimate": OptionEstimate.objects.create(
            comparison=comparison,
            option="modular",
            flows_low=[1, 2],
            flows_likely=[1, 2],
            flows_high=[1, 2],
            **common,
        ),  # fmt: skip
        "plan": ExitPlan.objects.create(
            title="Leave", notice_on="2026-12-01", notice_days=90, **common
        ),
    }
    cast._conflicts = records
    return records


def conflict_url(key: str, suffix: str = "", api: bool = False) -> Callable[[Any], str]:
    """``suffix`` may name {step}, {view}, {estimate}; the record is ``key``'s."""

    def url(cast: Any) -> str:
        r = conflict_records(cast)
        text = suffix.format(
            pk=r[key].pk, step=r["step"].pk, view=r["view"].pk, estimate=r["estimate"].pk
        )
        if api:
            return f"/api/v1/alliances/{cast.alliance.pk}/{text}"
        section = {
            "comparison": "restructuring/",
            "estimate": "restructuring/",
            "plan": "exit/plans/",
        }
        base = f"/alliances/{cast.alliance.pk}/conflicts/{section.get(key, '')}{r[key].pk}/"
        return base + text

    return url


def conflict_form(cast: Any, who: str) -> dict:
    return {"owner_side": own_side(cast, who).pk, "visibility": "joint", "title": "Clash",
            "source": "other", "kind": "initial", "opened_on": "2026-03-01"}  # fmt: skip


def comparison_form(cast: Any, who: str) -> dict:
    return {"owner_side": own_side(cast, who).pk, "visibility": "joint", "title": "Options",
            "discount_rate": 10, "periods": 2, "period_label": "year", "currency": "EUR k"}  # fmt: skip


def estimate_form(cast: Any, who: str) -> dict:
    return {"owner_side": own_side(cast, who).pk, "visibility": "joint", "option": "descope",
            "flows_likely": "1, 2", "relationship": 0, "reputation": 0, "strategic_option": 0}  # fmt: skip


def exit_plan_form(cast: Any, who: str) -> dict:
    return {"owner_side": own_side(cast, who).pk, "visibility": "joint", "title": "Leave",
            "status": "draft", "notice_on": "2026-12-01", "notice_days": 90}  # fmt: skip


def without_owner(form: Callable[[Any, str], dict]) -> Callable[[Any, str], dict]:
    return lambda cast, who: {k: v for k, v in form(cast, who).items() if k != "owner_side"}


CF = "/alliances/{a}/conflicts/"
READ_POST = statuses(302, 302, 302, 302, 404, 302)  # marking one's own notices read
PAGES |= {
    "conflicts_home": [Case(alliance_url("conflicts/"), MEMBERS)],
    "conflict_new": [
        Case(alliance_url("conflicts/new/"), WRITERS),
        Case(alliance_url("conflicts/new/"), WRITERS_POST, "POST", conflict_form),
    ],
    "conflict_notifications": [
        Case(alliance_url("conflicts/notifications/"), MEMBERS),
        Case(alliance_url("conflicts/notifications/"), READ_POST, "POST"),
    ],
    "conflict_detail": [
        Case(conflict_url("joint"), MEMBERS, note="a-joint"),
        Case(conflict_url("private"), A_PRIVATE_READ, note="a-private"),
    ],
    "conflict_edit": [
        Case(conflict_url("joint", "edit/"), A_JOINT_WRITE, note="a-joint"),
        Case(
            conflict_url("joint", "edit/"),
            A_JOINT_WRITE_POST,
            "POST",
            without_owner(conflict_form),
            note="a-joint",
        ),  # fmt: skip
        Case(conflict_url("private", "edit/"), A_PRIVATE_WRITE, note="a-private"),
    ],
    "conflict_delete": [
        Case(conflict_url("joint", "delete/"), POST_ONLY),
        Case(conflict_url("joint", "delete/"), A_JOINT_WRITE_POST, "POST", note="a-joint"),
    ],
    "conflict_raise": [
        Case(conflict_url("private", "raise/"), POST_ONLY),
        Case(conflict_url("private", "raise/"), A_PRIVATE_WRITE_POST, "POST", note="a-private"),
    ],
    "conflict_escalate": [
        Case(conflict_url("joint", "escalate/"), WRITERS),
        Case(
            conflict_url("joint", "escalate/"),
            WRITERS_POST,
            "POST",
            lambda cast, who: {"reason": "Stuck"},
        ),  # fmt: skip
    ],
    "conflict_close": [
        Case(conflict_url("joint", "close/"), POST_ONLY),
        Case(
            conflict_url("joint", "close/"),
            WRITERS_POST,
            "POST",
            lambda cast, who: {"status": "resolved"},
        ),  # fmt: skip
    ],
    "conflict_step_record": [
        Case(conflict_url("joint", "steps/{step}/"), WRITERS),
        Case(
            conflict_url("joint", "steps/{step}/"),
            WRITERS_POST,
            "POST",
            lambda cast, who: {"met_on": "2026-03-05", "agreed": "Freeze the cut"},
        ),  # fmt: skip
    ],
    "conflict_view_new": [
        Case(conflict_url("joint", "views/new/"), WRITERS),
        Case(
            conflict_url("joint", "views/new/"),
            WRITERS_POST,
            "POST",
            lambda cast, who: {
                "owner_side": own_side(cast, who).pk,
                "position": "Ours",
                "visibility": "joint",
            },
        ),  # fmt: skip
        Case(conflict_url("private", "views/new/"), A_PRIVATE_WRITE, note="a-private"),
    ],
    "conflict_view_edit": [
        Case(conflict_url("joint", "views/{view}/edit/"), A_JOINT_WRITE, note="a-joint"),
        Case(
            conflict_url("joint", "views/{view}/edit/"),
            A_JOINT_WRITE_POST,
            "POST",
            lambda cast, who: {"position": "Still ours", "visibility": "joint"},
        ),  # fmt: skip
    ],
    "conflict_dialogue": [
        Case(conflict_url("joint", "dialogue/"), MEMBERS),
        Case(
            conflict_url("joint", "dialogue/"),
            WRITERS_POST,
            "POST",
            lambda cast, who: {
                "title": "Share data",
                "owed_by": cast.side_b.pk,
                "due_date": "2026-09-30",
            },
        ),  # fmt: skip
        Case(conflict_url("private", "dialogue/"), A_PRIVATE_READ, note="a-private"),
    ],
    "conflict_brief": [
        Case(conflict_url("joint", "brief/"), MEMBERS),
        Case(conflict_url("private", "brief/"), A_PRIVATE_READ, note="a-private"),
    ],
    "conflict_brief_pdf": [
        Case(conflict_url("joint", "brief.pdf"), MEMBERS),
        Case(conflict_url("private", "brief.pdf"), A_PRIVATE_READ, note="a-private"),
    ],
    "conflict_brief_md": [
        Case(conflict_url("joint", "brief.md"), MEMBERS),
        Case(conflict_url("private", "brief.md"), A_PRIVATE_READ, note="a-private"),
    ],
    "comparison_new": [
        Case(alliance_url("conflicts/restructuring/new/"), WRITERS),
        Case(alliance_url("conflicts/restructuring/new/"), WRITERS_POST, "POST", comparison_form),
    ],
    "comparison_detail": [Case(conflict_url("comparison"), MEMBERS)],
    "comparison_edit": [
        Case(conflict_url("comparison", "edit/"), A_JOINT_WRITE),
        Case(
            conflict_url("comparison", "edit/"),
            A_JOINT_WRITE_POST,
            "POST",
            without_owner(comparison_form),
        ),  # fmt: skip
    ],
    "estimate_new": [
        Case(conflict_url("comparison", "estimates/new/"), WRITERS),
        Case(conflict_url("comparison", "estimates/new/"), WRITERS_POST, "POST", estimate_form),
    ],
    "estimate_edit": [
        Case(conflict_url("comparison", "estimates/{estimate}/edit/"), A_JOINT_WRITE),
        Case(
            conflict_url("comparison", "estimates/{estimate}/edit/"),
            A_JOINT_WRITE_POST,
            "POST",
            lambda cast, who: without_owner(estimate_form)(cast, who) | {"option": "modular"},
        ),  # fmt: skip
    ],
    "comparison_weights": [
        Case(conflict_url("comparison", "weights/"), WRITERS),
        Case(
            conflict_url("comparison", "weights/"),
            WRITERS_POST,
            "POST",
            lambda cast, who: {
                "owner_side": own_side(cast, who).pk,
                "visibility": "private",
                "relationship": 2,
                "reputation": 1,
                "strategic_option": 1,
                "per_point": 10,
            },
        ),  # fmt: skip
    ],
    "exit_home": [Case(alliance_url("conflicts/exit/"), MEMBERS)],
    "exit_plan_new": [
        Case(alliance_url("conflicts/exit/plans/new/"), WRITERS),
        Case(alliance_url("conflicts/exit/plans/new/"), WRITERS_POST, "POST", exit_plan_form),
    ],
    "exit_plan_detail": [Case(conflict_url("plan"), MEMBERS)],
    "exit_plan_edit": [
        Case(conflict_url("plan", "edit/"), A_JOINT_WRITE),
        Case(
            conflict_url("plan", "edit/"), A_JOINT_WRITE_POST, "POST", without_owner(exit_plan_form)
        ),  # fmt: skip
    ],
    "exit_plan_track": [
        Case(conflict_url("plan", "track/"), POST_ONLY),
        Case(conflict_url("plan", "track/"), A_JOINT_WRITE_POST, "POST"),
    ],
}

CA = "/alliances/{alliance_id}"
API_ROUTES |= {
    ("GET", CA + "/conflicts"): [Case(api_url(A + "/conflicts"), API_MEMBERS)],
    ("POST", CA + "/conflicts"): [
        Case(
            api_url(A + "/conflicts"),
            API_CREATE,
            data=body({"title": "Clash", "source": "other", "kind": "initial"}),
        )  # fmt: skip
    ],
    ("GET", CA + "/conflicts/{pk}"): [
        Case(conflict_url("joint", "conflicts/{pk}", True), API_MEMBERS, note="a-joint"),
        Case(conflict_url("private", "conflicts/{pk}", True), API_A_PRIVATE_READ, note="a-private"),
    ],
    ("PATCH", CA + "/conflicts/{pk}"): [
        Case(
            conflict_url("joint", "conflicts/{pk}", True),
            API_A_JOINT_WRITE,
            data=body({"title": "Renamed"}),
            note="a-joint",
        ),  # fmt: skip
        Case(
            conflict_url("private", "conflicts/{pk}", True),
            API_A_PRIVATE_WRITE,
            data=body({"title": "Renamed"}),
            note="a-private",
        ),  # fmt: skip
    ],
    ("DELETE", CA + "/conflicts/{pk}"): [
        Case(conflict_url("joint", "conflicts/{pk}", True), API_A_JOINT_WRITE, note="a-joint"),
    ],
    ("POST", CA + "/conflicts/{pk}/raise"): [
        Case(conflict_url("private", "conflicts/{pk}/raise", True), API_A_PRIVATE_WRITE),
    ],
    ("POST", CA + "/conflicts/{pk}/close"): [
        Case(
            conflict_url("joint", "conflicts/{pk}/close", True),
            API_WRITERS,
            data=body({"status": "resolved"}),
        ),  # fmt: skip
    ],
    ("GET", CA + "/conflicts/{pk}/brief"): [
        Case(conflict_url("joint", "conflicts/{pk}/brief", True), API_MEMBERS),
        Case(conflict_url("private", "conflicts/{pk}/brief", True), API_A_PRIVATE_READ),
    ],
    ("GET", CA + "/restructuring"): [Case(api_url(A + "/restructuring"), API_MEMBERS)],
    ("GET", CA + "/restructuring/{pk}"): [
        Case(conflict_url("comparison", "restructuring/{pk}", True), API_MEMBERS)
    ],
    ("GET", CA + "/exit-signals"): [Case(api_url(A + "/exit-signals"), API_MEMBERS)],
    ("GET", CA + "/notifications"): [Case(api_url(A + "/notifications"), API_MEMBERS)],
}


# Notifications, threads and the activity feed (detente.notifications, .threads, .activity)


def alice_notification_url(suffix: str) -> Callable[[Any], str]:
    """A notification of Alice's: only she may mark it read; to anyone else it does not exist."""

    def url(cast: Any) -> str:
        from detente.notifications.models import Notification

        note = Notification.objects.create(
            recipient=cast.alice, kind="mention", key="matrix", text="For Alice", url="/"
        )
        return f"/notifications/{note.pk}/{suffix}"

    return url


def a_webhook_url(suffix: str) -> Callable[[Any], str]:
    def url(cast: Any) -> str:
        from detente.notifications.models import Webhook

        hook = Webhook.objects.create(
            alliance=cast.alliance,
            owner_side=cast.side_a,
            visibility="private",
            url="https://hooks.example/acme",
        )
        return f"/alliances/{cast.alliance.pk}/webhooks/{hook.pk}/{suffix}"

    return url


def alice_comment(visibility: str, api: bool = False) -> Callable[[Any], str]:
    """A comment of Alice's on side A's joint history entry: in the joint thread, or in
    side A's internal thread."""

    def url(cast: Any) -> str:
        from detente.threads.models import Comment

        comment = Comment.objects.create(
            alliance=cast.alliance,
            owner_side=cast.side_a,
            visibility=visibility,
            created_by=cast.alice,
            target_kind="history",
            target_id=cast.records["a_joint_history"].pk,
            body="Alice's comment",
        )
        base = "/api/v1" if api else ""
        return f"{base}/alliances/{cast.alliance.pk}/comments/{comment.pk}/" + (
            "" if api else "{x}"
        )

    return url


def comment_page(visibility: str, suffix: str) -> Callable[[Any], str]:
    return lambda cast: alice_comment(visibility)(cast).replace("{x}", suffix)


def comment_api(visibility: str) -> Callable[[Any], str]:
    return lambda cast: alice_comment(visibility, api=True)(cast).rstrip("/")


def thread_url(key: str, api: bool = False) -> Callable[[Any], str]:
    base = "/api/v1" if api else ""
    tail = "" if api else "/"
    return lambda cast: (
        f"{base}/alliances/{cast.alliance.pk}/threads/history/{cast.records[key].pk}{tail}"
    )


def preferences_form() -> dict[str, str]:
    from detente.notifications.models import Kind

    return {f"{kind}_email": "digest" for kind in Kind} | {"mention_in_app": "on"}


COMMENT_FORM = {"thread": "joint", "body": "Looks right to me."}
INTERNAL_FORM = {"thread": "internal", "body": "Between us."}
MEMBERS_POST = statuses(302, 302, 302, 302, 404, 302)  # read-only members may comment too
A_PRIVATE_POST = statuses(302, 302, 404, 404, 404, 302)
AUTHOR_ONLY = statuses(200, 403, 403, 403, 404, 302)
AUTHOR_ONLY_POST = statuses(302, 403, 403, 403, 404, 302)
A_AUTHOR_ONLY = statuses(200, 403, 404, 404, 404, 302)
OWN_NOTICE_POST = statuses(302, 404, 404, 404, 404, 302)
# Side A's webhook: only A's managers may remove it; other sides' managers cannot find it.
A_MANAGERS_POST = statuses(302, 403, 404, 403, 404, 302)

PAGES |= {
    "notification_inbox": [Case(lambda cast: "/notifications/", EVERYONE)],
    "notification_bell": [Case(lambda cast: "/notifications/bell/", EVERYONE)],
    "notification_read_all": [
        Case(lambda cast: "/notifications/read/", POST_ONLY),
        Case(lambda cast: "/notifications/read/", SIGNED_IN_POST, "POST"),
    ],
    "notification_read": [
        Case(alice_notification_url("read/"), POST_ONLY),
        Case(alice_notification_url("read/"), OWN_NOTICE_POST, "POST"),
    ],
    "notification_preferences": [
        Case(lambda cast: "/notifications/preferences/", EVERYONE),
        Case(
            lambda cast: "/notifications/preferences/",
            SIGNED_IN_POST,
            "POST",
            lambda cast, who: preferences_form(),
        ),
    ],
    "notification_webhooks": [
        Case(alliance_url("webhooks/"), MANAGERS),
        Case(
            alliance_url("webhooks/"),
            MANAGERS_POST,
            "POST",
            lambda cast, who: {
                "owner_side": own_side(cast, who).pk,
                "url": "https://hooks.example/new",
                "label": "Team channel",
            },
        ),
    ],
    "notification_webhook_delete": [
        Case(a_webhook_url("delete/"), POST_ONLY),
        Case(a_webhook_url("delete/"), A_MANAGERS_POST, "POST"),
    ],
    "activity_person": [Case(lambda cast: "/activity/", EVERYONE)],
    "activity_alliance": [Case(alliance_url("activity/"), MEMBERS)],
    "thread": [
        Case(thread_url("a_joint_history"), MEMBERS, note="a-joint"),
        Case(thread_url("a_private_history"), A_PRIVATE_READ, note="a-private"),
        Case(
            thread_url("a_joint_history"),
            MEMBERS_POST,
            "POST",
            lambda cast, who: COMMENT_FORM,
            note="a-joint",
        ),
        Case(
            thread_url("a_joint_history"),
            MEMBERS_POST,
            "POST",
            lambda cast, who: INTERNAL_FORM,
            note="a-joint-internal",
        ),
        Case(
            thread_url("a_private_history"),
            A_PRIVATE_POST,
            "POST",
            lambda cast, who: INTERNAL_FORM,
            note="a-private",
        ),
        Case(
            lambda cast: f"/alliances/{cast.alliance.pk}/threads/nothing/1/",
            NOT_A_KIND,
            note="not-a-kind",
        ),
    ],
    "comment_edit": [
        Case(comment_page("joint", "edit/"), AUTHOR_ONLY, note="joint"),
        Case(
            comment_page("joint", "edit/"),
            AUTHOR_ONLY_POST,
            "POST",
            lambda cast, who: {"body": "Edited"},
            note="joint",
        ),
        Case(comment_page("private", "edit/"), A_AUTHOR_ONLY, note="internal"),
    ],
    "comment_delete": [
        Case(comment_page("joint", "delete/"), POST_ONLY, note="joint"),
        Case(comment_page("joint", "delete/"), AUTHOR_ONLY_POST, "POST", note="joint"),
        Case(
            comment_page("private", "delete/"),
            statuses(302, 403, 404, 404, 404, 302),
            "POST",
            note="internal",
        ),
    ],
}

API_COMMENT_CREATE = statuses(201, 201, 201, 201, 404, 401)
API_AUTHOR_ONLY = statuses(200, 403, 403, 403, 404, 401)
API_A_AUTHOR_ONLY = statuses(200, 403, 404, 404, 404, 401)
TH = "/alliances/{alliance_id}/threads/{kind}/{pk}"
CM = "/alliances/{alliance_id}/comments/{pk}"
API_ROUTES |= {
    ("GET", "/notifications"): [Case(lambda cast: "/api/v1/notifications", API_EVERYONE)],
    ("POST", "/notifications/read"): [
        Case(lambda cast: "/api/v1/notifications/read", API_EVERYONE)
    ],
    ("GET", "/activity"): [Case(lambda cast: "/api/v1/activity", API_EVERYONE)],
    ("GET", CA + "/activity"): [Case(api_url(A + "/activity"), API_MEMBERS)],
    ("GET", TH): [
        Case(thread_url("a_joint_history", True), API_MEMBERS, note="a-joint"),
        Case(thread_url("a_private_history", True), API_A_PRIVATE_READ, note="a-private"),
    ],
    ("POST", TH): [
        Case(
            thread_url("a_joint_history", True),
            API_COMMENT_CREATE,
            data=body(COMMENT_FORM),
            note="a-joint",
        ),
        Case(
            thread_url("a_private_history", True),
            statuses(201, 201, 404, 404, 404, 401),
            data=body(INTERNAL_FORM),
            note="a-private",
        ),
    ],
    ("PATCH", CM): [
        Case(comment_api("joint"), API_AUTHOR_ONLY, data=body({"body": "Edited"}), note="joint"),
        Case(
            comment_api("private"),
            API_A_AUTHOR_ONLY,
            data=body({"body": "Edited"}),
            note="internal",
        ),
    ],
    ("DELETE", CM): [
        Case(comment_api("joint"), API_AUTHOR_ONLY, note="joint"),
        Case(comment_api("private"), API_A_AUTHOR_ONLY, note="internal"),
    ],
}


# Meetings and the cadence (issue 17) ------------------------------------------------------


def meeting_records(cast: Any) -> dict[str, Any]:
    """A joint business review and a private preparation, both kept by side A, each with
    one agenda item."""
    from datetime import timedelta

    from django.utils import timezone

    from detente.commitments.models import Commitment
    from detente.meetings.models import AgendaItem, Meeting

    cached = getattr(cast, "_meetings", None)
    if cached and Meeting.objects.filter(pk=cached["joint"].pk).exists():
        return cached
    made: dict[str, Any] = {}
    for visibility, kind in (("joint", "business_review"), ("private", "preparation")):
        common = {"alliance": cast.alliance, "owner_side": cast.side_a, "visibility": visibility}
        meeting = Meeting.objects.create(
            **common, kind=kind, title=f"Meeting {visibility}",
            starts_at=timezone.now() + timedelta(days=7),
        )  # fmt: skip
        made[visibility] = meeting
        made[f"{visibility}_item"] = AgendaItem.objects.create(
            **common, meeting=meeting, position=10, title=f"Item {visibility}"
        )
        made[f"{visibility}_item2"] = AgendaItem.objects.create(
            **common, meeting=meeting, position=20, title=f"Second item {visibility}"
        )
    # Something the agenda's refresh finds: a joint commitment already overdue.
    Commitment.objects.create(
        alliance=cast.alliance, owner_side=cast.side_a, owed_by=cast.side_b,
        title="Overdue for the meeting", due_date=timezone.localdate() - timedelta(days=5),
    )  # fmt: skip
    cast._meetings = made
    return made


def meeting_url(key: str, suffix: str = "", api: bool = False) -> Callable[[Any], str]:
    def url(cast: Any) -> str:
        made = meeting_records(cast)
        pk = made[key].pk
        suffix_ = suffix.replace("{item}", str(made[f"{key}_item"].pk))
        if api:
            return f"/api/v1/alliances/{cast.alliance.pk}/meetings/{pk}{suffix_}"
        return f"/alliances/{cast.alliance.pk}/meetings/{pk}/{suffix_}"

    return url


def meeting_form(cast: Any, who: str) -> dict:
    return {
        "owner_side": own_side(cast, who).pk, "visibility": "joint", "kind": "business_review",
        "title": "Quarterly review", "starts_at": "2026-12-01T10:00", "duration_minutes": 60,
    }  # fmt: skip


def cadence_form(cast: Any, who: str) -> dict:
    return {
        "health_check_months": 3, "operational_months": 1, "strategy_months": 12,
        "time_zone": "Europe/Paris", "meeting_day": 10, "meeting_time": "09:30", "active": "on",
    }  # fmt: skip


def action_rows(cast: Any, who: str) -> dict:
    return {
        "action_1_title": "Send the pipeline", "action_1_side": cast.side_a.pk,
        "action_1_owner": cast.alice.pk, "action_1_due_date": "2026-12-20",
    }  # fmt: skip


def item_order(key: str) -> Callable[[Any, str], dict]:
    def ids(cast: Any, who: str) -> dict:
        made = meeting_records(cast)
        return {"ids": [made[f"{key}_item2"].pk, made[f"{key}_item"].pk]}

    return ids


A_JOINT_ADD = statuses(201, 403, 403, 403, 404, 401)
A_PRIVATE_ADD = statuses(201, 403, 404, 404, 404, 401)
MEETING_ACTIONS = {
    "actions": [{"title": "Send the pipeline", "side_id": None, "owner_id": None,
                 "due_date": "2026-12-20"}]
}  # fmt: skip


def api_actions(cast: Any, who: str) -> dict:
    row = MEETING_ACTIONS["actions"][0] | {"side_id": cast.side_a.pk, "owner_id": cast.alice.pk}
    return {"actions": [row]}


MT = "/alliances/{alliance_id}/meetings"
MP = MT + "/{pk}"

PAGES |= {
    "meetings_home": [Case(alliance_url("meetings/"), MEMBERS)],
    "meeting_new": [
        Case(alliance_url("meetings/new/"), WRITERS),
        Case(alliance_url("meetings/new/"), WRITERS_POST, "POST", meeting_form),
    ],
    "meetings_cadence": [Case(alliance_url("meetings/cadence/"), MEMBERS)],
    "meetings_cadence_edit": [
        Case(alliance_url("meetings/cadence/edit/"), MANAGERS),
        Case(alliance_url("meetings/cadence/edit/"), MANAGERS_POST, "POST", cadence_form),
    ],
    "meeting_detail": [
        Case(meeting_url("joint"), MEMBERS, note="a-joint"),
        Case(meeting_url("private"), A_PRIVATE_READ, note="a-private"),
    ],
    "meeting_edit": [
        Case(meeting_url("joint", "edit/"), A_JOINT_WRITE, note="a-joint"),
        Case(
            meeting_url("joint", "edit/"),
            A_JOINT_WRITE_POST,
            "POST",
            lambda cast, who: meeting_form(cast, who) | {"title": "Renamed"},
            note="a-joint",
        ),
        Case(meeting_url("private", "edit/"), A_PRIVATE_WRITE, note="a-private"),
    ],
    "meeting_agenda_add": [
        Case(
            meeting_url("joint", "agenda/add/"),
            A_JOINT_WRITE_POST,
            "POST",
            lambda cast, who: {"title": "Pricing"},
            note="a-joint",
        ),
        Case(
            meeting_url("private", "agenda/add/"),
            A_PRIVATE_WRITE_POST,
            "POST",
            lambda cast, who: {"title": "Pricing"},
            note="a-private",
        ),
    ],  # fmt: skip
    "meeting_agenda_refresh": [
        Case(meeting_url("joint", "agenda/refresh/"), A_JOINT_WRITE_POST, "POST", note="a-joint"),
    ],
    "meeting_agenda_move": [
        Case(
            meeting_url("joint", "agenda/{item}/move/"),
            A_JOINT_WRITE_POST,
            "POST",
            lambda cast, who: {"direction": "down"},
            note="a-joint",
        ),
    ],  # fmt: skip
    "meeting_agenda_remove": [
        Case(
            meeting_url("joint", "agenda/{item}/remove/"),
            A_JOINT_WRITE_POST,
            "POST",
            note="a-joint",
        ),
        Case(
            meeting_url("private", "agenda/{item}/remove/"),
            A_PRIVATE_WRITE_POST,
            "POST",
            note="a-private",
        ),
    ],  # fmt: skip
    "meeting_minutes": [
        Case(
            meeting_url("joint", "minutes/"),
            A_JOINT_WRITE_POST,
            "POST",
            lambda cast, who: {"decisions": "Hold prices"},
            note="a-joint",
        ),
    ],  # fmt: skip
    "meeting_actions": [
        Case(
            meeting_url("joint", "actions/"),
            A_JOINT_WRITE_POST,
            "POST",
            action_rows,
            note="a-joint",
        ),
    ],  # fmt: skip
    "meeting_pdf": [
        Case(meeting_url("joint", "meeting.pdf"), MEMBERS, note="a-joint"),
        Case(meeting_url("private", "meeting.pdf"), A_PRIVATE_READ, note="a-private"),
    ],
    "meeting_md": [
        Case(meeting_url("joint", "meeting.md"), MEMBERS, note="a-joint"),
        Case(meeting_url("private", "meeting.md"), A_PRIVATE_READ, note="a-private"),
    ],
    "meeting_ics": [
        Case(meeting_url("joint", "invitation.ics"), MEMBERS, note="a-joint"),
        Case(meeting_url("private", "invitation.ics"), A_PRIVATE_READ, note="a-private"),
    ],
}

API_ROUTES |= {
    ("GET", MT): [Case(api_url(A + "/meetings"), API_MEMBERS)],
    ("POST", MT): [
        Case(
            api_url(A + "/meetings"),
            API_CREATE,
            data=body({"kind": "dialogue", "title": "Talk", "starts_at": "2026-12-01T10:00:00Z"}),
        )
    ],
    ("GET", MT + "/cadence"): [Case(api_url(A + "/meetings/cadence"), API_MEMBERS)],
    ("PATCH", MT + "/cadence"): [
        Case(api_url(A + "/meetings/cadence"), API_MANAGERS, data=body({"meeting_day": 10}))
    ],
    ("GET", MP): [
        Case(meeting_url("joint", api=True), API_MEMBERS, note="a-joint"),
        Case(meeting_url("private", api=True), API_A_PRIVATE_READ, note="a-private"),
    ],
    ("PATCH", MP): [
        Case(
            meeting_url("joint", api=True),
            API_A_JOINT_WRITE,
            data=body({"title": "New"}),
            note="a-joint",
        ),
        Case(
            meeting_url("private", api=True),
            API_A_PRIVATE_WRITE,
            data=body({"title": "New"}),
            note="a-private",
        ),
    ],  # fmt: skip
    ("POST", MP + "/agenda"): [
        Case(
            meeting_url("joint", "/agenda", api=True),
            A_JOINT_ADD,
            data=body({"title": "Pricing"}),
            note="a-joint",
        ),
        Case(
            meeting_url("private", "/agenda", api=True),
            A_PRIVATE_ADD,
            data=body({"title": "Pricing"}),
            note="a-private",
        ),
    ],  # fmt: skip
    ("PUT", MP + "/agenda/order"): [
        Case(
            meeting_url("joint", "/agenda/order", api=True),
            API_A_JOINT_WRITE,
            data=item_order("joint"),
            note="a-joint",
        ),
    ],  # fmt: skip
    ("DELETE", MP + "/agenda/{item_id}"): [
        Case(meeting_url("joint", "/agenda/{item}", api=True), API_A_JOINT_WRITE, note="a-joint"),
        Case(
            meeting_url("private", "/agenda/{item}", api=True),
            API_A_PRIVATE_WRITE,
            note="a-private",
        ),
    ],  # fmt: skip
    ("PUT", MP + "/minutes"): [
        Case(
            meeting_url("joint", "/minutes", api=True),
            API_A_JOINT_WRITE,
            data=body({"decisions": "Hold prices"}),
            note="a-joint",
        ),
    ],  # fmt: skip
    ("POST", MP + "/actions"): [
        Case(
            meeting_url("joint", "/actions", api=True),
            A_JOINT_ADD,
            data=api_actions,
            note="a-joint",
        ),
    ],  # fmt: skip
}


# The shared vision and the ideas (issue 18, item 6) --------------------------------------


def vision_records(cast: Any) -> dict[str, Any]:
    """A vision proposed by side A and waiting, a joint idea and a private one kept by side
    A, and an open round of side A that an idea can become an issue of."""
    from detente.negotiation.models import NegotiationRound
    from detente.vision.models import Idea, VisionVersion

    cached = getattr(cast, "_vision", None)
    if cached and Idea.objects.filter(pk=cached["joint"].pk).exists():
        return cached
    common = {"alliance": cast.alliance, "owner_side": cast.side_a}
    made: dict[str, Any] = {
        "version": VisionVersion.objects.create(**common, number=1, text="Grow together."),
        "round": NegotiationRound.objects.create(**common, title="Renewal round"),
    }
    for visibility in ("joint", "private"):
        made[visibility] = Idea.objects.create(
            **common, visibility=visibility, title=f"Idea {visibility}"
        )
    cast._vision = made
    return made


def vision_url(key: str = "", suffix: str = "", api: bool = False) -> Callable[[Any], str]:
    def url(cast: Any) -> str:
        made = vision_records(cast)
        where = {"version": "versions/", "joint": "ideas/", "private": "ideas/"}.get(key, "")
        pk = f"{made[key].pk}/" if key else ""
        path = f"{where}{pk}{suffix}"
        if api:
            return f"/api/v1/alliances/{cast.alliance.pk}/vision/{path}".rstrip("/")
        return f"/alliances/{cast.alliance.pk}/negotiation/vision/{path}"

    return url


# Calendars (issue 17): the secret link opens without signing in, for anyone who holds it ---


def calendar_link(who: str, alliance: bool = False) -> Callable[[Any], str]:
    def url(cast: Any) -> str:
        from detente.calendars.feeds import token_for

        token = token_for(getattr(cast, who))
        if alliance:
            return f"/calendar/{token}/alliances/{cast.alliance.pk}.ics"
        return f"/calendar/{token}/detente.ics"

    return url


# Internal approvals (issue 18, item 4): private to the side that asks ----------------------


def approval_records(cast: Any) -> dict[str, Any]:
    """Side A's joint and private agreement drafts, and side A's request (Rita to approve)
    on the joint one."""
    from detente.agreements.models import AgreementVersion
    from detente.approvals import services as approval_services
    from detente.records.visibility import get_alliance_access

    cached = getattr(cast, "_approvals", None)
    if cached and AgreementVersion.objects.filter(pk=cached["joint"].pk).exists():
        return cached
    made: dict[str, Any] = {}
    for visibility in ("joint", "private"):
        made[visibility] = AgreementVersion.objects.create(
            alliance=cast.alliance, owner_side=cast.side_a, visibility=visibility,
            title=f"Approval draft {visibility}",
        )  # fmt: skip
    access = get_alliance_access(cast.alice, cast.alliance.pk, write=True)
    made["request"] = approval_services.request_approval(
        access, "agreement_version", made["joint"], [cast.rita]
    )
    cast._approvals = made
    return made


def approval_url(suffix: str = "", api: bool = False) -> Callable[[Any], str]:
    def url(cast: Any) -> str:
        pk = approval_records(cast)["request"].pk
        if api:
            return f"/api/v1/alliances/{cast.alliance.pk}/approvals/{pk}{suffix}"
        return f"/alliances/{cast.alliance.pk}/approvals/{pk}/{suffix}"

    return url


def vision_form(cast: Any, who: str) -> dict:
    return {"text": f"Grow together, says {who}.", "summary": "", "side": own_side(cast, who).pk}


def idea_form(cast: Any, who: str) -> dict:
    return {"owner_side": own_side(cast, who).pk, "title": "An idea", "status": "new",
            "visibility": "joint"}  # fmt: skip


def edited_idea(key: str) -> Callable[[Any, str], dict]:
    return lambda cast, who: {"title": "Renamed", "status": "discussion", "visibility": key}


def convert_form(cast: Any, who: str) -> dict:
    return {"target": "negotiation_issue", "choice": vision_records(cast)["round"].pk}


def vote_up(cast: Any, who: str) -> dict:
    return {"vote": "up"}


# Side A proposed the vision: side B's writers accept it, side A is told it cannot (409).
VISION_ACCEPT_API = statuses(409, 403, 200, 200, 404, 401)
# A private idea cannot become a joint issue: its own side is told why (409).
API_CONVERT_PRIVATE = statuses(409, 403, 404, 404, 404, 401)

PAGES |= {
    "vision_home": [Case(vision_url(), MEMBERS)],
    "vision_propose": [
        Case(vision_url(suffix="propose/"), WRITERS),
        Case(vision_url(suffix="propose/"), WRITERS_POST, "POST", vision_form),
    ],
    "vision_version": [Case(vision_url("version"), MEMBERS)],
    "vision_accept": [
        Case(vision_url("version", "accept/"), POST_ONLY),
        Case(vision_url("version", "accept/"), WRITERS_POST, "POST"),
    ],
    "idea_new": [
        Case(vision_url(suffix="ideas/new/"), WRITERS),
        Case(vision_url(suffix="ideas/new/"), WRITERS_POST, "POST", idea_form),
    ],
    "idea_edit": [
        Case(vision_url("joint", "edit/"), A_JOINT_WRITE, note="a-joint"),
        Case(vision_url("joint", "edit/"), A_JOINT_WRITE_POST, "POST", edited_idea("joint"),
             note="a-joint"),
        Case(vision_url("private", "edit/"), A_PRIVATE_WRITE, note="a-private"),
    ],
    "idea_delete": [
        Case(vision_url("joint", "delete/"), POST_ONLY),
        Case(vision_url("joint", "delete/"), A_JOINT_WRITE_POST, "POST", note="a-joint"),
        Case(vision_url("private", "delete/"), A_PRIVATE_WRITE_POST, "POST", note="a-private"),
    ],
    "idea_vote": [
        Case(vision_url("joint", "vote/"), POST_ONLY),
        Case(vision_url("joint", "vote/"), WRITERS_POST, "POST", vote_up, note="a-joint"),
        Case(vision_url("private", "vote/"), A_PRIVATE_WRITE_POST, "POST", vote_up,
             note="a-private"),
    ],
    "idea_convert": [
        Case(vision_url("joint", "convert/"), POST_ONLY),
        Case(vision_url("joint", "convert/"), A_JOINT_WRITE_POST, "POST", convert_form,
             note="a-joint"),
        Case(vision_url("private", "convert/"), A_PRIVATE_WRITE_POST, "POST", convert_form,
             note="a-private"),
    ],
}  # fmt: skip

VV = "/alliances/{alliance_id}/vision"
API_ROUTES |= {
    ("GET", VV): [Case(vision_url(api=True), API_MEMBERS)],
    ("POST", VV + "/versions"): [
        Case(vision_url(suffix="versions", api=True), API_CREATE, data=body({"text": "New."}))
    ],
    ("GET", VV + "/versions/{pk}"): [Case(vision_url("version", api=True), API_MEMBERS)],
    ("POST", VV + "/versions/{pk}/accept"): [
        Case(vision_url("version", "accept", api=True), VISION_ACCEPT_API)
    ],
    ("POST", VV + "/ideas"): [
        Case(vision_url(suffix="ideas", api=True), API_CREATE, data=body({"title": "An idea"}))
    ],
    ("PATCH", VV + "/ideas/{pk}"): [
        Case(vision_url("joint", api=True), API_A_JOINT_WRITE, data=body({"title": "New"}),
             note="a-joint"),
        Case(vision_url("private", api=True), API_A_PRIVATE_WRITE, data=body({"title": "New"}),
             note="a-private"),
    ],
    ("DELETE", VV + "/ideas/{pk}"): [
        Case(vision_url("joint", api=True), API_A_JOINT_WRITE, note="a-joint"),
        Case(vision_url("private", api=True), API_A_PRIVATE_WRITE, note="a-private"),
    ],
    ("PUT", VV + "/ideas/{pk}/vote"): [
        Case(vision_url("joint", "vote", api=True), API_WRITERS, data=body({"vote": "up"}),
             note="a-joint"),
        Case(vision_url("private", "vote", api=True), API_A_PRIVATE_WRITE,
             data=body({"vote": "up"}), note="a-private"),
    ],
    ("POST", VV + "/ideas/{pk}/convert"): [
        Case(vision_url("joint", "convert", api=True), API_A_JOINT_WRITE, data=convert_form,
             note="a-joint"),
        Case(vision_url("private", "convert", api=True), API_CONVERT_PRIVATE,
             data=convert_form, note="a-private"),
    ],
}  # fmt: skip


def approval_ask_url(key: str) -> Callable[[Any], str]:
    def url(cast: Any) -> str:
        pk = approval_records(cast)[key].pk
        return f"/alliances/{cast.alliance.pk}/approvals/agreement_version/{pk}/ask/"

    return url


def approval_colleague(cast: Any, who: str) -> Any:
    return {"alice": cast.rita, "bob": cast.bella, "bella": cast.bob}.get(who, cast.alice)


def approval_ask_form(cast: Any, who: str) -> dict:
    return {"approvers": [approval_colleague(cast, who).pk], "note": "Please look"}


def approval_ask_body(cast: Any, who: str) -> dict:
    pk = approval_records(cast)["joint"].pk
    return {"kind": "agreement_version", "object_id": pk,
            "approver_ids": [approval_colleague(cast, who).pk]}  # fmt: skip


def approvals_api_url(cast: Any) -> str:
    return f"/api/v1/alliances/{cast.alliance.pk}/approvals"


# Only Rita is named: Alice (who asked) may not answer; side B cannot find the request.
APPROVER_POST = statuses(403, 302, 404, 404, 404, 302)
API_APPROVER = statuses(403, 200, 404, 404, 404, 401)
PAGES |= {
    "approvals_home": [Case(alliance_url("approvals/"), MEMBERS)],
    "approval_new": [
        Case(approval_ask_url("joint"), WRITERS, note="a-joint"),
        Case(approval_ask_url("joint"), WRITERS_POST, "POST", approval_ask_form, note="a-joint"),
        Case(approval_ask_url("private"), A_PRIVATE_WRITE, note="a-private"),
    ],
    "approval_detail": [Case(approval_url(), A_PRIVATE_READ, note="a-private")],
    "approval_answer": [
        Case(approval_url("answer/"), APPROVER_POST, "POST", body({"decision": "approved"})),
    ],
    "approval_withdraw": [Case(approval_url("withdraw/"), A_PRIVATE_WRITE_POST, "POST")],
}
AP = "/alliances/{alliance_id}/approvals"
API_ROUTES |= {
    ("GET", AP): [Case(approvals_api_url, API_MEMBERS)],
    ("POST", AP): [Case(approvals_api_url, API_CREATE, data=approval_ask_body)],
    ("GET", AP + "/{pk}"): [Case(approval_url(api=True), API_A_PRIVATE_READ, note="a-private")],
    ("POST", AP + "/{pk}/answer"): [
        Case(approval_url("/answer", api=True), API_APPROVER, data=body({"decision": "approved"})),
    ],
    ("DELETE", AP + "/{pk}"): [Case(approval_url(api=True), API_A_PRIVATE_WRITE, note="a-private")],
}


# Relationship health per counterpart pair (issue 18, item 7) ----------------------------


def counterpart_pair(cast: Any, end: str) -> tuple[Any, Any]:
    """Side A's joint or private stakeholder paired with side B's joint one."""
    from detente.alliances.models import Stakeholder

    ours, theirs = cast.records[f"a_{end}_stakeholder"], cast.records["b_joint_stakeholder"]
    Stakeholder.objects.filter(pk=ours.pk).update(counterpart=theirs)
    return ours, theirs


def cadence_url(end: str, api: bool = False) -> Callable[[Any], str]:
    def url(cast: Any) -> str:
        ours, theirs = counterpart_pair(cast, end)
        if api:
            return (
                f"/api/v1/alliances/{cast.alliance.pk}/relationships/{ours.pk}/{theirs.pk}/cadence"
            )
        return f"/alliances/{cast.alliance.pk}/stakeholders/relationships/{ours.pk}/{theirs.pk}/cadence/"

    return url


PAGES |= {
    "relationship_health": [Case(alliance_url("stakeholders/relationships/"), MEMBERS)],
    "relationship_cadence": [
        Case(cadence_url("joint"), WRITERS, note="joint-pair"),
        Case(cadence_url("joint"), WRITERS_POST, "POST", body({"days": 14}), note="joint-pair"),
        Case(cadence_url("private"), A_PRIVATE_WRITE, note="a-private-pair"),
    ],
}
RH = "/alliances/{alliance_id}/relationships"
API_ROUTES |= {
    ("GET", RH): [
        Case(lambda cast: f"/api/v1/alliances/{cast.alliance.pk}/relationships", API_MEMBERS)
    ],
    ("PUT", RH + "/{stakeholder_id}/{counterpart_id}/cadence"): [
        Case(
            cadence_url("joint", api=True), API_WRITERS, data=body({"days": 14}), note="joint-pair"
        ),
        Case(
            cadence_url("private", api=True),
            API_A_PRIVATE_WRITE,
            data=body({"days": 14}),
            note="a-private-pair",
        ),
    ],  # fmt: skip
}
LINK_HOLDERS = statuses(200, 200, 200, 200, 200, 200)
NOBODY = statuses(404, 404, 404, 404, 404, 404)

PAGES |= {
    "calendar_feed": [
        Case(calendar_link("alice"), LINK_HOLDERS, note="alices-link"),
        Case(lambda cast: "/calendar/1-made-up/detente.ics", NOBODY, note="made-up"),
    ],
    "calendar_alliance_feed": [
        Case(calendar_link("bella", alliance=True), LINK_HOLDERS, note="bellas-link"),
        Case(calendar_link("oscar", alliance=True), NOBODY, note="outsiders-link"),
    ],
    "calendar_reset": [
        Case(lambda cast: "/calendar/reset/", POST_ONLY),
        Case(lambda cast: "/calendar/reset/", SIGNED_IN_POST, "POST"),
    ],
}


# The progress digest (issue 17): a page under Meetings and its JSON twin ----------------

PAGES |= {"meetings_digest": [Case(alliance_url("meetings/digest/"), MEMBERS)]}
API_ROUTES |= {("GET", MT + "/digest"): [Case(api_url(A + "/meetings/digest"), API_MEMBERS)]}


# The joint plan (issue 18) ---------------------------------------------------------------


def plan_records(cast: Any) -> dict[str, Any]:
    """A V2MOM plan with a joint method and a private one, both kept by side A, and a
    proposed version 1."""
    from detente.plans.models import Plan, PlanItem, PlanVersion

    cached = getattr(cast, "_plan", None)
    if cached and Plan.objects.filter(pk=cached["plan"].pk).exists():
        return cached
    common = {"alliance": cast.alliance, "owner_side": cast.side_a}
    plan = Plan.objects.create(**common, visibility="joint", format="v2mom")
    made: dict[str, Any] = {"plan": plan}
    for position, visibility in enumerate(("joint", "private"), start=1):
        made[visibility] = PlanItem.objects.create(
            **common, visibility=visibility, plan=plan, section="method", position=position,
            title=f"Method {visibility}",
        )  # fmt: skip
    made["version"] = PlanVersion.objects.create(
        **common, visibility="joint", plan=plan, number=1, content={"sections": []}
    )
    cast._plan = made
    return made


def plan_url(key: str | None = None, suffix: str = "", api: bool = False) -> Callable[[Any], str]:
    def url(cast: Any) -> str:
        made = plan_records(cast)
        if key == "version":
            middle = f"versions/{made['version'].pk}/"
        else:
            middle = f"items/{made[key].pk}/" if key else ""
        if api:
            return f"/api/v1/alliances/{cast.alliance.pk}/plan/{middle}{suffix}".rstrip("/")
        return f"/alliances/{cast.alliance.pk}/plan/{middle}{suffix}"

    return url


def plan_item_form(cast: Any, who: str) -> dict:
    return {"owner_side": own_side(cast, who).pk, "visibility": "joint", "section": "method",
            "title": "Grow the north"}  # fmt: skip


API_PLAN_REFUSED = statuses(409, 403, 409, 409, 404, 401)
PL = "/alliances/{alliance_id}/plan"

PAGES |= {
    "plan_home": [Case(plan_url(), MEMBERS)],
    "plan_start": [
        Case(plan_url(suffix="start/"), WRITERS_POST, "POST", lambda c, w: {"format": "okr"})
    ],
    "plan_item_new": [
        Case(plan_url(suffix="items/new/"), WRITERS),
        Case(plan_url(suffix="items/new/"), WRITERS_POST, "POST", plan_item_form),
    ],
    "plan_item_edit": [
        Case(plan_url("joint", "edit/"), A_JOINT_WRITE, note="a-joint"),
        Case(
            plan_url("joint", "edit/"), A_JOINT_WRITE_POST, "POST", plan_item_form, note="a-joint"
        ),
        Case(plan_url("private", "edit/"), A_PRIVATE_WRITE, note="a-private"),
    ],  # fmt: skip
    "plan_item_delete": [
        Case(plan_url("joint", "delete/"), A_JOINT_WRITE_POST, "POST", note="a-joint"),
        Case(plan_url("private", "delete/"), A_PRIVATE_WRITE_POST, "POST", note="a-private"),
    ],
    "plan_item_move": [
        Case(
            plan_url("joint", "move/"),
            WRITERS_POST,
            "POST",
            lambda c, w: {"direction": "up"},
            note="a-joint",
        ),
        Case(
            plan_url("private", "move/"),
            A_PRIVATE_WRITE_POST,
            "POST",
            lambda c, w: {"direction": "up"},
            note="a-private",
        ),
    ],  # fmt: skip
    "plan_propose": [Case(plan_url(suffix="versions/propose/"), WRITERS_POST, "POST")],
    "plan_version": [Case(plan_url("version"), MEMBERS)],
    "plan_version_sign": [Case(plan_url("version", "sign/"), WRITERS_POST, "POST")],
    "plan_version_withdraw": [Case(plan_url("version", "withdraw/"), WRITERS_POST, "POST")],
    "plan_diff": [Case(lambda cast: plan_url(suffix="diff/")(cast) + "?a=1&b=1", MEMBERS)],
}

API_ROUTES |= {
    ("GET", PL): [Case(plan_url(api=True), API_MEMBERS)],
    ("POST", PL): [Case(plan_url(api=True), API_PLAN_REFUSED, data=body({"format": "okr"}))],
    ("POST", PL + "/items"): [
        Case(
            plan_url(suffix="items", api=True),
            API_CREATE,
            data=body({"section": "method", "title": "Grow"}),
        )
    ],  # fmt: skip
    ("PATCH", PL + "/items/{pk}"): [
        Case(
            plan_url("joint", api=True),
            API_A_JOINT_WRITE,
            data=body({"title": "New"}),
            note="a-joint",
        ),
        Case(
            plan_url("private", api=True),
            API_A_PRIVATE_WRITE,
            data=body({"title": "New"}),
            note="a-private",
        ),
    ],  # fmt: skip
    ("DELETE", PL + "/items/{pk}"): [
        Case(plan_url("joint", api=True), API_A_JOINT_WRITE, note="a-joint"),
        Case(plan_url("private", api=True), API_A_PRIVATE_WRITE, note="a-private"),
    ],
    ("POST", PL + "/items/{pk}/move"): [
        Case(
            plan_url("joint", "move", api=True),
            API_WRITERS,
            data=body({"direction": "up"}),
            note="a-joint",
        ),
        Case(
            plan_url("private", "move", api=True),
            API_A_PRIVATE_WRITE,
            data=body({"direction": "up"}),
            note="a-private",
        ),
    ],  # fmt: skip
    ("POST", PL + "/versions"): [
        Case(plan_url(suffix="versions", api=True), API_PLAN_REFUSED, data=body({}))
    ],
    ("GET", PL + "/versions/{pk}"): [Case(plan_url("version", api=True), API_MEMBERS)],
    ("POST", PL + "/versions/{pk}/sign"): [
        Case(plan_url("version", "sign", api=True), API_WRITERS, data=body({}))
    ],
    ("POST", PL + "/versions/{pk}/withdraw"): [
        Case(plan_url("version", "withdraw", api=True), API_WRITERS)
    ],
    ("GET", PL + "/diff"): [
        Case(lambda cast: plan_url(suffix="diff", api=True)(cast) + "?a=1&b=1", API_MEMBERS)
    ],
}


# Customer overlap (the overlap app, under the Conflicts tab) ---------------------------------

_OVERLAP_MESSAGES: dict = {}


def overlap_messages() -> dict:
    """A real blinded request of side A and side B's reply to it, made once."""
    if not _OVERLAP_MESSAGES:
        from detente.analysis.overlap import kind_sets, prepare, read_accounts_text, respond

        sets_a = kind_sets(read_accounts_text("name,kind\nFirm One,customer\nFirm Two,prospect\n"))
        sets_b = kind_sets(read_accounts_text("name,kind\nFirm One,prospect\n"))
        _, request = prepare(sets_a)
        _OVERLAP_MESSAGES.update(request=request, reply=respond(sets_b, request))
    return _OVERLAP_MESSAGES


def overlap_records(cast: Any) -> dict[str, Any]:
    """Runs asked by side A (waiting, answered, done) and its joint and private rules;
    made once per role's transaction."""
    from detente.overlap.models import EngagementRule, OverlapRun

    cached = getattr(cast, "_overlap", None)
    if cached is not None and OverlapRun.objects.filter(pk=cached["asked"].pk).exists():
        return cached
    messages = overlap_messages()
    common = {"alliance": cast.alliance, "owner_side": cast.side_a}
    run = {"answering_side": cast.side_b, "request": messages["request"], **common}
    sizes = {"customer": 1, "opportunity": 0, "prospect": 1}
    zero = {k: {t: 0 for t in sizes} for k in sizes}
    records = {
        "asked": OverlapRun.objects.create(request_sizes=sizes, **run),
        "answered": OverlapRun.objects.create(request_sizes=sizes, reply=messages["reply"], **run),
        "done": OverlapRun.objects.create(
            request_sizes=sizes, reply=messages["reply"], counts=zero, **run
        ),
        "rule_joint": EngagementRule.objects.create(handover="After the first meeting", **common),
        "rule_private": EngagementRule.objects.create(
            handover="Never", visibility="private", **common
        ),
        "counts": zero,
    }
    cast._overlap = records
    return records


def overlap_url(key: str, suffix: str = "", api: bool = False) -> Callable[[Any], str]:
    def url(cast: Any) -> str:
        pk = overlap_records(cast)[key].pk
        if api:
            kind = "rules" if key.startswith("rule") else "runs"
            return f"/api/v1/alliances/{cast.alliance.pk}/overlap/{kind}/{pk}{suffix}"
        rules = "rules/" if key.startswith("rule") else ""
        return f"/alliances/{cast.alliance.pk}/conflicts/overlap/{rules}{pk}/{suffix}"

    return url


def overlap_rule_form(cast: Any, who: str) -> dict:
    return {"owner_side": own_side(cast, who).pk, "visibility": "joint", "title": "Who leads",
            "leader": "owner", "handover": "After the first meeting"}  # fmt: skip


B_WRITERS_POST = statuses(403, 403, 302, 302, 404, 302)
API_B_WRITERS = statuses(403, 403, 200, 200, 404, 401)
OV = "/alliances/{alliance_id}/overlap"

PAGES |= {
    "overlap_home": [Case(alliance_url("conflicts/overlap/"), MEMBERS)],
    "overlap_run": [Case(overlap_url("asked"), MEMBERS), Case(overlap_url("done"), MEMBERS)],
    "overlap_decline": [Case(overlap_url("asked", "decline/"), B_WRITERS_POST, "POST")],
    "overlap_conflict": [Case(overlap_url("done", "conflict/"), WRITERS_POST, "POST")],
    "overlap_rule_new": [
        Case(alliance_url("conflicts/overlap/rules/new/"), WRITERS),
        Case(alliance_url("conflicts/overlap/rules/new/"), WRITERS_POST, "POST", overlap_rule_form),
    ],
    "overlap_rule_delete": [
        Case(overlap_url("rule_joint", "delete/"), A_JOINT_WRITE_POST, "POST", note="a-joint"),
        Case(overlap_url("rule_private", "delete/"), A_PRIVATE_WRITE_POST, "POST", note="a-private"),
    ],
    # The browser side's JSON endpoints: a form-encoded body (as the matrix posts) is a 422.
    "overlap_worker": [Case(lambda cast: "/overlap/worker.js", EVERYONE)],
    "overlap_start": [Case(alliance_url("conflicts/overlap/start/"), statuses(422, 403, 422, 422, 404, 302), "POST")],
    "overlap_message": [Case(overlap_url("asked", "request.json"), MEMBERS)],
    "overlap_answer": [Case(overlap_url("asked", "answer/"), statuses(403, 403, 422, 422, 404, 302), "POST")],
    "overlap_result": [Case(overlap_url("answered", "result/"), statuses(422, 403, 403, 403, 404, 302), "POST")],
}  # fmt: skip

API_ROUTES |= {
    ("GET", OV): [Case(api_url(A + "/overlap"), API_MEMBERS)],
    ("POST", OV + "/runs"): [
        Case(api_url(A + "/overlap/runs"), API_CREATE,
             data=lambda cast, who: {"request": overlap_messages()["request"]}),
    ],
    ("GET", OV + "/runs/{pk}"): [Case(overlap_url("done", api=True), API_MEMBERS)],
    ("GET", OV + "/runs/{pk}/request"): [Case(overlap_url("asked", "/request", api=True), API_MEMBERS)],
    ("GET", OV + "/runs/{pk}/reply"): [Case(overlap_url("answered", "/reply", api=True), API_MEMBERS)],
    ("POST", OV + "/runs/{pk}/reply"): [
        Case(overlap_url("asked", "/reply", api=True), API_B_WRITERS,
             data=lambda cast, who: {"reply": overlap_messages()["reply"]}),
    ],
    ("POST", OV + "/runs/{pk}/decline"): [
        Case(overlap_url("asked", "/decline", api=True), API_B_WRITERS),
    ],
    ("POST", OV + "/runs/{pk}/result"): [
        Case(overlap_url("answered", "/result", api=True), API_A_JOINT_WRITE,
             data=lambda cast, who: {"counts": overlap_records(cast)["counts"]}),
    ],
    ("POST", OV + "/runs/{pk}/conflict"): [
        Case(overlap_url("done", "/conflict", api=True), API_CREATE),
    ],
    ("POST", OV + "/rules"): [
        Case(api_url(A + "/overlap/rules"), API_CREATE,
             data=lambda cast, who: {"handover": "After the first meeting"}),
    ],
    ("DELETE", OV + "/rules/{pk}"): [
        Case(overlap_url("rule_joint", api=True), API_A_JOINT_WRITE, note="a-joint"),
        Case(overlap_url("rule_private", api=True), API_A_PRIVATE_WRITE, note="a-private"),
    ],
}  # fmt: skip


# Milestones (under Goal realism) --------------------------------------------------------


def milestone_records(cast: Any) -> Any:
    """Side A's joint and private objectives with a count KPI each, a realism check of each
    with a phased plan, and a joint (proposed) and a private (draft) milestone of side A
    (made once per role's transaction)."""
    from datetime import timedelta

    from django.utils import timezone

    from detente.goals.models import RealismCheck
    from detente.goals.services import run
    from detente.milestones.models import Milestone
    from detente.objectives.models import KPI, Objective

    cached = getattr(cast, "_milestones", None)
    if cached is not None and Milestone.objects.filter(pk=cached["joint"].pk).exists():
        return cached
    today = timezone.localdate()
    a = {"alliance": cast.alliance, "owner_side": cast.side_a}
    document = {
        "target": 300, "start": today.isoformat(), "deadline": (today + timedelta(days=60)).isoformat(),
        "funnel": [{"name": "units"}], "history": [5] * 20, "activity": "poisson",
        "phases": [{"name": "North", "share": 0.5, "end": (today + timedelta(days=30)).isoformat()},
                   {"name": "South", "share": 0.5}],
    }  # fmt: skip
    result = run(document, 0)
    made: dict[str, Any] = {}
    for visibility in ("joint", "private"):
        objective = Objective.objects.create(
            title=f"Roll out {visibility}", visibility=visibility, **a
        )
        kpi = KPI.objects.create(
            objective=objective, name=f"Sites {visibility}", metric="sites", unit="sites", kind="count",
            target=300, deadline=today + timedelta(days=60), frequency="month",
        )  # fmt: skip
        made[f"{visibility}_kpi"] = kpi
        made[f"{visibility}_check"] = RealismCheck.objects.create(
            kpi=kpi, inputs=document, result=result, target=300, deadline=today + timedelta(days=60),
            probability=result["probability"], probability_stderr=0.0, visibility=visibility, **a,
        )  # fmt: skip
        made[visibility] = Milestone.objects.create(
            kpi=kpi, title=f"Milestone {visibility}", target=100, start=today,
            due=today + timedelta(days=30), measured_by=cast.side_a, visibility=visibility,
            state="proposed" if visibility == "joint" else "draft", **a,
        )  # fmt: skip
    cast._milestones = made
    return made


def milestone_url(key: str, pattern: str) -> Callable[[Any], str]:
    """``pattern`` is formatted with the alliance id ``a`` and the id of ``key``."""
    return lambda cast: pattern.format(a=cast.alliance.pk, pk=milestone_records(cast)[key].pk)


def milestone_form(visibility: str, *, new: bool = True) -> Callable[[Any, str], dict]:
    def data(cast: Any, who: str) -> dict:
        from datetime import timedelta

        from django.utils import timezone

        today = timezone.localdate()
        made = milestone_records(cast)
        form = {
            "visibility": visibility, "title": "Phase one", "kpi": made[f"{visibility}_kpi"].pk,
            "target": 120, "start": today.isoformat(), "due": (today + timedelta(days=40)).isoformat(),
            "measured_by": cast.side_a.pk, "confidence": 80, "notes": "",
        }  # fmt: skip
        if new:
            form["owner_side"] = own_side(cast, who).pk
        return form

    return data


def milestone_body(visibility: str) -> Callable[[Any, str], dict]:
    def data(cast: Any, who: str) -> dict:
        form = milestone_form(visibility, new=False)(cast, who)
        return {**form, "visibility": visibility}

    return data


MS = "/alliances/{a}/goals/milestones/"
# Accepting is for the other side: side A's own writers are refused (403); a private draft
# is answered by nobody (side A is told it waits for no answer, side B cannot find it).
ANSWER_JOINT_POST = statuses(403, 403, 302, 302, 404, 302)
ANSWER_PRIVATE_POST = statuses(302, 403, 404, 404, 404, 302)
PAGES |= {
    "milestones_home": [Case(alliance_url("goals/milestones/"), MEMBERS)],
    "milestone_new": [
        Case(alliance_url("goals/milestones/new/"), WRITERS),
        Case(
            alliance_url("goals/milestones/new/"),
            WRITERS_POST,
            "POST",
            milestone_form("joint"),
            note="a-joint",
        ),
    ],  # fmt: skip
    "milestone_detail": [
        Case(milestone_url("joint", MS + "{pk}/"), MEMBERS, note="a-joint"),
        Case(milestone_url("private", MS + "{pk}/"), A_PRIVATE_READ, note="a-private"),
    ],
    "milestone_edit": [
        Case(milestone_url("joint", MS + "{pk}/edit/"), A_JOINT_WRITE, note="a-joint"),
        Case(
            milestone_url("joint", MS + "{pk}/edit/"),
            A_JOINT_WRITE_POST,
            "POST",
            milestone_form("joint", new=False),
            note="a-joint",
        ),
        Case(milestone_url("private", MS + "{pk}/edit/"), A_PRIVATE_WRITE, note="a-private"),
        Case(
            milestone_url("private", MS + "{pk}/edit/"),
            A_PRIVATE_WRITE_POST,
            "POST",
            milestone_form("private", new=False),
            note="a-private",
        ),
    ],  # fmt: skip
    "milestone_delete": [
        Case(milestone_url("joint", MS + "{pk}/delete/"), POST_ONLY, note="a-joint"),
        Case(
            milestone_url("joint", MS + "{pk}/delete/"), A_JOINT_WRITE_POST, "POST", note="a-joint"
        ),
        Case(
            milestone_url("private", MS + "{pk}/delete/"),
            A_PRIVATE_WRITE_POST,
            "POST",
            note="a-private",
        ),
    ],  # fmt: skip
    "milestone_accept": [
        Case(milestone_url("joint", MS + "{pk}/accept/"), POST_ONLY, note="a-joint"),
        Case(
            milestone_url("joint", MS + "{pk}/accept/"), ANSWER_JOINT_POST, "POST", note="a-joint"
        ),
        Case(
            milestone_url("private", MS + "{pk}/accept/"),
            ANSWER_PRIVATE_POST,
            "POST",
            note="a-private",
        ),
    ],  # fmt: skip
    "milestone_decline": [
        Case(milestone_url("joint", MS + "{pk}/decline/"), POST_ONLY, note="a-joint"),
        Case(
            milestone_url("joint", MS + "{pk}/decline/"), ANSWER_JOINT_POST, "POST", note="a-joint"
        ),
        Case(
            milestone_url("private", MS + "{pk}/decline/"),
            ANSWER_PRIVATE_POST,
            "POST",
            note="a-private",
        ),
    ],  # fmt: skip
    "milestone_from_phase": [
        Case(
            milestone_url("joint_check", G + "checks/{pk}/phases/0/milestone/"),
            POST_ONLY,
            note="a-joint",
        ),
        Case(
            milestone_url("joint_check", G + "checks/{pk}/phases/0/milestone/"),
            WRITERS_POST,
            "POST",
            note="a-joint",
        ),
        Case(
            milestone_url("private_check", G + "checks/{pk}/phases/0/milestone/"),
            A_PRIVATE_WRITE_POST,
            "POST",
            note="a-private",
        ),
    ],  # fmt: skip
}

AM = "/alliances/{alliance_id}/goals/milestones"
MA = "/api/v1/alliances/{a}/goals/milestones/"
API_ANSWER_JOINT = statuses(403, 403, 200, 200, 404, 401)
API_ANSWER_PRIVATE = statuses(409, 403, 404, 404, 404, 401)
API_ROUTES |= {
    ("GET", AM): [Case(api_url(A + "/goals/milestones"), API_MEMBERS)],
    ("POST", AM): [
        Case(
            api_url(A + "/goals/milestones"),
            API_CREATE,
            data=milestone_form("joint"),
            note="a-joint",
        ),
    ],  # fmt: skip
    ("GET", AM + "/{pk}"): [
        Case(milestone_url("joint", MA + "{pk}"), API_MEMBERS, note="a-joint"),
        Case(milestone_url("private", MA + "{pk}"), API_A_PRIVATE_READ, note="a-private"),
    ],
    ("PATCH", AM + "/{pk}"): [
        Case(
            milestone_url("joint", MA + "{pk}"),
            API_A_JOINT_WRITE,
            data=body({"notes": "Go"}),
            note="a-joint",
        ),
        Case(
            milestone_url("private", MA + "{pk}"),
            API_A_PRIVATE_WRITE,
            data=body({"notes": "Go"}),
            note="a-private",
        ),
    ],  # fmt: skip
    ("DELETE", AM + "/{pk}"): [
        Case(milestone_url("joint", MA + "{pk}"), API_A_JOINT_WRITE, note="a-joint"),
        Case(milestone_url("private", MA + "{pk}"), API_A_PRIVATE_WRITE, note="a-private"),
    ],
    ("POST", AM + "/{pk}/accept"): [
        Case(milestone_url("joint", MA + "{pk}/accept"), API_ANSWER_JOINT, note="a-joint"),
        Case(milestone_url("private", MA + "{pk}/accept"), API_ANSWER_PRIVATE, note="a-private"),
    ],
    ("POST", AM + "/{pk}/decline"): [
        Case(milestone_url("joint", MA + "{pk}/decline"), API_ANSWER_JOINT, note="a-joint"),
        Case(milestone_url("private", MA + "{pk}/decline"), API_ANSWER_PRIVATE, note="a-private"),
    ],
    ("POST", "/alliances/{alliance_id}/goals/checks/{check_id}/phases/{index}/milestone"): [
        Case(
            milestone_url("joint_check", GA + "checks/{pk}/phases/0/milestone"),
            API_CREATE,
            note="a-joint",
        ),
        Case(
            milestone_url("private_check", GA + "checks/{pk}/phases/0/milestone"),
            statuses(201, 403, 404, 404, 404, 401),
            note="a-private",
        ),
    ],  # fmt: skip
}


# Reference classes: each side reads its own organisation's; importing needs a writer.
PAGES |= {
    "reference_class": [Case(alliance_url("goals/reference/"), MEMBERS)],
    "reference_import": [
        Case(alliance_url("goals/reference/import/"), POST_ONLY),
        Case(alliance_url("goals/reference/import/"), WRITERS_POST, "POST"),
    ],
}
API_ROUTES |= {
    ("GET", "/alliances/{alliance_id}/goals/reference"): [
        Case(api_url(A + "/goals/reference"), API_MEMBERS)
    ],
    ("POST", "/alliances/{alliance_id}/goals/reference/import"): [
        Case(api_url(A + "/goals/reference/import"), statuses(422, 403, 422, 422, 404, 401))
    ],
}


# Enumerating the routes -----------------------------------------------------------------

# Capabilities built alongside this suite (agreements, commitments, ...). Their owners add
# their routes to the tables above; until then a route of theirs may be absent, but any
# other route that is absent (the workspace's, or a new app's) fails the tests below.
PENDING_CAPABILITIES = {
    "decisions",
    "goals",
}


def capability(module: str) -> str | None:
    """The detente app a view lives in: "detente.objectives.views" -> "objectives"."""
    parts = module.split(".")
    return parts[1] if parts[0] == "detente" and len(parts) > 2 else None


def site_url_names() -> dict[str, str]:
    """Every named URL of the site, with its namespace (``api-1:list_alliances``) -> the
    module of its view."""
    names: dict[str, str] = {}

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                if namespace and inner:
                    inner = f"{namespace}:{inner}"
                walk(pattern.url_patterns, inner or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                view = getattr(pattern.callback, "view_class", pattern.callback)
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                names[name] = getattr(view, "__module__", "")

    walk(get_resolver().url_patterns, None)
    return names


def api_operations() -> dict[tuple[str, str], Any]:
    """(method, path) of every path operation of the API -> the operation's view."""
    operations: dict[tuple[str, str], Any] = {}
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            full = "/" + "/".join(part for part in (prefix + path).split("/") if part)
            for operation in path_view.operations:
                for method in operation.methods:
                    operations[(method, full)] = operation.view_func
    return operations


def test_it_lists_every_page_of_the_site_in_the_matrix() -> None:
    operation_names = {f"{API_NAMESPACE}:{view.__name__}" for view in api_operations().values()}
    names = {
        name: module
        for name, module in site_url_names().items()
        if name.split(":")[0] not in UNMATRIXED_NAMESPACES
        and name not in UNMATRIXED_NAMES
        and name not in operation_names  # checked route by route in the API matrix
    }
    missing = [
        name
        for name, module in names.items()
        if name not in PAGES and capability(module) not in PENDING_CAPABILITIES
    ]
    assert sorted(missing) == [], "pages missing from the access matrix"
    assert sorted(set(PAGES) - set(names)) == [], "the matrix lists pages the site lacks"
    assert all(PAGES.values()), "every page has at least one case"


def test_it_skips_only_routes_that_exist() -> None:
    names = site_url_names()
    assert set(names) >= UNMATRIXED_NAMES
    assert any(name.startswith("admin:") for name in names)


def test_it_lists_every_api_route_in_the_matrix() -> None:
    operations = api_operations()
    missing = [
        route
        for route, view in operations.items()
        if route not in API_ROUTES and capability(view.__module__) not in PENDING_CAPABILITIES
    ]
    assert len(API_ROUTES) >= 17
    assert sorted(missing) == [], "API routes missing from the access matrix"
    assert sorted(set(API_ROUTES) - set(operations)) == [], "the matrix lists routes the API lacks"
    assert all(API_ROUTES.values()), "every API route has at least one case"


def test_it_covers_every_route_of_the_workspace_itself() -> None:
    """The foundation's own apps are never pending."""
    workspace = {"accounts", "alliances", "api", "audit"}
    assert not workspace & PENDING_CAPABILITIES
    pages = {n for n, m in site_url_names().items() if capability(m) in workspace}
    assert pages - UNMATRIXED_NAMES <= set(PAGES) | {
        f"{API_NAMESPACE}:{view.__name__}" for view in api_operations().values()
    }
    routes = {r for r, view in api_operations().items() if capability(view.__module__) in workspace}
    assert routes <= set(API_ROUTES)


# Running the matrix ---------------------------------------------------------------------


def each_role(request: Callable[[str], int]) -> dict[str, int]:
    got = {}
    for who in ROLES:
        with transaction.atomic():
            got[who] = request(who)
            transaction.set_rollback(True)
    return got


def page_cases() -> list[Any]:
    return [
        pytest.param(case, id=f"{name}-{case.method}-{case.note}".rstrip("-"))
        for name, cases in PAGES.items()
        for case in cases
    ]


def api_cases() -> list[Any]:
    return [
        pytest.param(method, case, id=f"{method}-{path}-{case.note}".rstrip("-"))
        for (method, path), cases in API_ROUTES.items()
        for case in cases
    ]


@pytest.mark.parametrize("case", page_cases())
def test_it_gives_each_role_the_expected_status_on_every_page(cast: Any, case: Case) -> None:
    def request(who: str) -> int:
        client = cast.client(None if who == "anonymous" else who)
        url = case.url(cast)
        if case.method == "POST":
            response = client.post(url, case.data(cast, who) if case.data else {})
        else:
            response = client.get(url)
        if who == "anonymous" and response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/?next=")
        return response.status_code

    assert each_role(request) == case.expected


@pytest.mark.parametrize("method, case", api_cases())
def test_it_gives_each_role_the_expected_status_on_every_api_route(
    cast: Any, method: str, case: Case, call: Callable[..., Any]
) -> None:
    def request(who: str) -> int:
        client = cast.api(None if who == "anonymous" else who)
        data = case.data(cast, who) if case.data else None
        response = call(client, method, case.url(cast), data)
        if response.status_code >= 400 and response.status_code != 405:
            assert response["Content-Type"].startswith("application/json")
        return response.status_code

    assert each_role(request) == case.expected
