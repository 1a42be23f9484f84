"""One cast plays every test, and the fixtures every folder shares.

An alliance between Acme (side A) and Globex (side B):

* ``alice``  manages side A,
* ``rita``   is a read-only sponsor on side A,
* ``bob``    manages side B,
* ``bella``  is a member on side B,
* ``oscar``  is an outsider: a manager of Initech, which is in another alliance.

Each side keeps joint and private records of every kind. ``other_alliance`` belongs to
Initech and a fourth organisation, so its ids are "foreign" to everyone in the cast.
``operator`` is a superuser of the admin, a member of no organisation.

Shared here, and nowhere else: a fast password hasher for the whole session,
``nothing_changes`` (a refused request writes no row), and ``call``/``body`` for the JSON API.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from detente.accounts.models import ApiToken, Membership, Organisation, Role, User
from detente.alliances import services
from detente.alliances.models import HistoryEntry, Interaction, Signal, Stakeholder
from detente.records.models import Alliance

PASSWORD = "a-long-test-password-42"
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"
CAST_TOKEN = "tests"  # the name of the API tokens the cast issues
# Signing in and using a token stamp these columns; that is bookkeeping, not a change.
STAMPS = {"accounts.ApiToken": "last_used_at", "accounts.User": "last_login"}


@pytest.fixture(autouse=True, scope="session")
def _fast_passwords() -> Iterator[None]:
    """Every test creates users; the production hasher would make the suite crawl.

    Password strength is checked by the validators, which a hasher does not change; the
    createuser test runs the command line in a process of its own, on the real settings.
    """
    with override_settings(PASSWORD_HASHERS=[FAST_HASHER]):
        yield


def database_state() -> dict[str, list[dict[str, Any]]]:
    """Every row of detente's tables (many-to-many tables included), in id order.

    One query counts the rows of every table; only the tables that hold rows are read.
    """
    models = [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("detente.")
        for model in config.get_models(include_auto_created=True)
    ]
    quote = connection.ops.quote_name
    counts = " UNION ALL ".join(
        f"SELECT {i}, COUNT(*) FROM {quote(m._meta.db_table)}" for i, m in enumerate(models)
    )
    with connection.cursor() as cursor:
        cursor.execute(counts)
        filled = {i for i, n in cursor.fetchall() if n}
    state: dict[str, list[dict[str, Any]]] = {}
    for i, model in enumerate(models):
        rows = list(model.objects.order_by("pk").values()) if i in filled else []
        for row in rows:
            row.pop(STAMPS.get(model._meta.label, ""), None)
        state[model._meta.label] = rows
    return state


@pytest.fixture
def nothing_changes() -> Callable[[], Any]:
    """``with nothing_changes(): ...`` fails when any row was added, removed or altered."""

    @contextmanager
    def check() -> Iterator[None]:
        before = database_state()
        yield
        after = database_state()
        # ``cast.api(who)`` issues its token on first use; that is the test's own doing.
        known = {row["id"] for row in before["accounts.ApiToken"]}
        after["accounts.ApiToken"] = [
            row
            for row in after["accounts.ApiToken"]
            if row["id"] in known or row["name"] != CAST_TOKEN
        ]
        for table in before:
            assert len(after[table]) == len(before[table]), f"rows of {table} changed in number"
            assert after[table] == before[table], f"values in {table} changed"

    return check


def call(client: Client, method: str, url: str, data: Any = None) -> Any:
    """One JSON API request; ``data`` is sent as JSON when given."""
    if data is None:
        return client.generic(method, url)
    return client.generic(method, url, json.dumps(data), content_type="application/json")


@pytest.fixture(name="call")
def call_fixture() -> Callable[..., Any]:
    """``call(client, "PATCH", url, {...})``: a JSON API request."""
    return call


def body(response: Any) -> Any:
    """The decoded JSON of an API answer."""
    return json.loads(response.content)


@pytest.fixture(autouse=True)
def _jobs_run_at_once(settings: Any) -> None:
    # Jobs (emails, webhooks) run where they are enqueued, so a test sees their effect.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@dataclass
class Cast:
    alliance: Alliance
    other_alliance: Alliance
    side_a: Any
    side_b: Any
    acme: Organisation
    globex: Organisation
    initech: Organisation
    alice: User
    rita: User
    bob: User
    bella: User
    oscar: User
    records: dict[str, Any]  # e.g. records["a_private_stakeholder"]

    def client(self, who: str | None) -> Client:
        client = Client()
        if who is not None:
            client.force_login(getattr(self, who))
        return client

    def token(self, who: str) -> str:
        _, key = ApiToken.issue(getattr(self, who), CAST_TOKEN)
        return key

    def api(self, who: str | None) -> Client:
        """A client whose every request carries ``who``'s API token (none when anonymous)."""
        if who is None:
            return Client()
        return Client(headers={"Authorization": f"Bearer {self.token(who)}"})


def _user(email: str, org: Organisation, role: str) -> User:
    user = User.objects.create_user(email, PASSWORD, full_name=email.split("@")[0].title())
    Membership.objects.create(user=user, organisation=org, role=role)
    return user


def _records(alliance: Alliance, side: Any, author: User, prefix: str) -> dict[str, Any]:
    today = timezone.localdate()
    out: dict[str, Any] = {}
    for visibility in ("joint", "private"):
        common = {"alliance": alliance, "owner_side": side, "visibility": visibility}
        tag = f"{prefix.upper()}-{visibility.upper()}"
        out[f"{prefix}_{visibility}_stakeholder"] = Stakeholder.objects.create(
            name=f"Stakeholder {tag}", title="Lead", role="operational_lead", **common
        )
        out[f"{prefix}_{visibility}_history"] = HistoryEntry.objects.create(
            date=today - timedelta(days=3),
            category="owed",
            title=f"History {tag}",
            notes=f"notes {tag}",
            **common,
        )
        out[f"{prefix}_{visibility}_signal"] = Signal.objects.create(
            date=today - timedelta(days=2),
            kind="messaging_shift",
            severity=2,
            title=f"Signal {tag}",
            **common,
        )
        out[f"{prefix}_{visibility}_interaction"] = Interaction.objects.create(
            date=today - timedelta(days=1),
            kind="call",
            subject=f"Interaction {tag}",
            response_requested_at=timezone.now() - timedelta(hours=30),
            responded_at=timezone.now() - timedelta(hours=2),
            **common,
        )
    return out


@pytest.fixture
def cast(db: Any) -> Cast:
    acme = Organisation.objects.create(name="Acme")
    globex = Organisation.objects.create(name="Globex")
    initech = Organisation.objects.create(name="Initech")
    alice = _user("alice@acme.example", acme, Role.MANAGER)
    rita = _user("rita@acme.example", acme, Role.READONLY)
    bob = _user("bob@globex.example", globex, Role.MANAGER)
    bella = _user("bella@globex.example", globex, Role.MEMBER)
    oscar = _user("oscar@initech.example", initech, Role.MANAGER)
    alliance = services.create_alliance(
        alice,
        name="Acme × Globex",
        purpose="Sell Acme rockets through Globex stores.",
        kind=Alliance.Kind.ALLIANCE,
        start_date=date(2025, 1, 6),
        my_organisation=acme,
        partner_names=["Globex"],
    )
    side_a, side_b = list(alliance.sides.order_by("id"))
    other = services.create_alliance(
        oscar,
        name="Initech × Umbrella",
        purpose="Elsewhere.",
        kind=Alliance.Kind.ALLIANCE,
        start_date=date(2025, 3, 3),
        my_organisation=initech,
        partner_names=["Umbrella"],
    )
    records = _records(alliance, side_a, alice, "a") | _records(alliance, side_b, bob, "b")
    other_side = other.sides.order_by("id").first()
    records |= _records(other, other_side, oscar, "x")
    return Cast(
        alliance=alliance,
        other_alliance=other,
        side_a=side_a,
        side_b=side_b,
        acme=acme,
        globex=globex,
        initech=initech,
        alice=alice,
        rita=rita,
        bob=bob,
        bella=bella,
        oscar=oscar,
        records=records,
    )


@pytest.fixture
def operator(db: Any) -> User:
    """A superuser of the operators' admin, in no organisation."""
    return User.objects.create_superuser("operator@example.com", "a-long-operator-password")
