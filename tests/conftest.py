"""One cast plays every workspace test.

An alliance between Acme (side A) and Globex (side B):

* ``alice``  manages side A,
* ``rita``   is a read-only sponsor on side A,
* ``bob``    manages side B,
* ``bella``  is a member on side B,
* ``oscar``  is an outsider: a manager of Initech, which is in another alliance.

Each side keeps joint and private records of every kind. ``other_alliance`` belongs to
Initech and a fourth organisation, so its ids are "foreign" to everyone in the cast.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from detente.accounts.models import ApiToken, Membership, Organisation, Role, User
from detente.alliances import services
from detente.alliances.models import (
    Alliance,
    HistoryEntry,
    Interaction,
    Signal,
    Stakeholder,
)

PASSWORD = "a-long-test-password-42"


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
        _, key = ApiToken.issue(getattr(self, who), "tests")
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
