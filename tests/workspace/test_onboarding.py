"""A new customer's first run: the checklist on a new alliance's overview, what waits for a
newly joined side, sensible defaults on the forms, and invitations sent with a name and a
note, listed while pending and revocable."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from detente.accounts import invitations
from detente.accounts.models import Invitation, Membership, Organisation, Role, User
from detente.agreements.models import AgreementVersion, Signature
from detente.alliances import services
from detente.alliances.models import Stakeholder
from detente.health.models import Cycle, SurveyInvitation
from detente.jobs.models import OutgoingEmail
from detente.negotiation.models import NegotiationRound
from detente.objectives.models import KPI, Objective
from detente.records.models import Alliance
from detente.records.visibility import get_alliance_access
from detente.workspace import onboarding

PASSWORD = "a-long-test-password"


@pytest.fixture
def fresh(cast: Any) -> Any:
    """A new alliance of Acme (Alice) with a new partner, Hooli, that has nobody in detente."""
    alliance = services.create_alliance(
        cast.alice,
        name="Acme × Hooli",
        purpose="Rockets in Hooli's app.",
        kind=Alliance.Kind.ALLIANCE,
        start_date=date(2025, 6, 2),
        my_organisation=cast.acme,
        partner_names=["Hooli"],
    )
    side_a, side_h = list(alliance.sides.order_by("id"))
    return alliance, side_a, side_h


def steps(user: Any, alliance: Alliance) -> dict[str, bool]:
    access = get_alliance_access(user, alliance.pk)
    return {step.key: step.done for step in onboarding.checklist(access).steps}


def join_hooli(alliance: Alliance) -> User:
    """Hana, Hooli's manager, joins through an invitation from Alice."""
    hana = User.objects.create_user("hana@hooli.example", PASSWORD, full_name="Hana")
    Membership.objects.create(
        user=hana, organisation=Organisation.objects.get(name="Hooli"), role=Role.MANAGER
    )
    return hana


def stakeholder(alliance: Alliance, side: Any, visibility: str, name: str) -> Stakeholder:
    return Stakeholder.objects.create(
        alliance=alliance, owner_side=side, visibility=visibility, name=name, role="other"
    )


def objective_with_kpi(alliance: Alliance, side: Any, visibility: str) -> Objective:
    objective = Objective.objects.create(
        alliance=alliance, owner_side=side, visibility=visibility, title=f"Grow ({visibility})"
    )
    KPI.objects.create(
        objective=objective,
        name="Stores",
        metric="stores selling",
        unit="stores",
        target=10,
        deadline=date(2026, 6, 30),
    )
    return objective


def agreement(alliance: Alliance, side: Any, visibility: str, status: str) -> AgreementVersion:
    number = None if status == "draft" else AgreementVersion.objects.count() + 1
    return AgreementVersion.objects.create(
        alliance=alliance,
        owner_side=side,
        visibility=visibility,
        title="Terms",
        status=status,
        number=number,
    )


def cycle(alliance: Alliance, side: Any, visibility: str = "joint") -> Cycle:
    today = timezone.localdate()
    return Cycle.objects.create(
        alliance=alliance,
        owner_side=side,
        visibility=visibility,
        period=f"{today.year}Q{(today.month - 1) // 3 + 1}",
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=13),
    )


# The checklist --------------------------------------------------------------------------


def test_a_new_alliance_starts_with_every_step_to_do(cast: Any, fresh: Any) -> None:
    alliance, _, _ = fresh
    assert steps(cast.alice, alliance) == {
        "counterparts": False,
        "stakeholders": False,
        "objectives": False,
        "agreement": False,
        "health": False,
    }
    page = cast.client("alice").get(f"/alliances/{alliance.pk}/").content.decode()
    assert 'id="onboarding-checklist"' in page
    assert "0 of 5 done" in page
    # Each step is a link to the page that does it.
    for url in ("invite/", "stakeholders/new/", "objectives/new/", "agreement/new/", "cycles/new/"):
        assert f'href="/alliances/{alliance.pk}/' in page and url in page


def test_it_ticks_counterparts_once_the_partner_is_invited_and_says_who_has_joined(
    cast: Any, fresh: Any
) -> None:
    alliance, _, side_h = fresh
    invitations.invite(
        cast.alice,
        email="hana@hooli.example",
        organisation=side_h.organisation,
        role=Role.MANAGER,
        alliance=alliance,
    )
    access = get_alliance_access(cast.alice, alliance.pk)
    step = onboarding.checklist(access).steps[0]
    assert step.done and "Hooli is invited, not yet in" in step.detail
    join_hooli(alliance)
    step = onboarding.checklist(get_alliance_access(cast.alice, alliance.pk)).steps[0]
    assert step.done and "Hooli has joined" in step.detail


def test_a_revoked_invitation_no_longer_ticks_counterparts(cast: Any, fresh: Any) -> None:
    alliance, _, side_h = fresh
    sent = invitations.invite(
        cast.alice,
        email="hana@hooli.example",
        organisation=side_h.organisation,
        role=Role.MANAGER,
        alliance=alliance,
    )
    invitations.revoke(cast.alice, sent)
    assert steps(cast.alice, alliance)["counterparts"] is False


def test_each_step_ticks_from_the_data_as_each_side(cast: Any, fresh: Any) -> None:
    alliance, side_a, side_h = fresh
    hana = join_hooli(alliance)
    stakeholder(alliance, side_a, "joint", "Ann")
    stakeholder(alliance, side_h, "joint", "Hal")
    objective_with_kpi(alliance, side_a, "joint")
    agreement(alliance, side_a, "joint", "in_force")
    cycle(alliance, side_a)
    for user in (cast.alice, cast.rita, hana):
        assert all(steps(user, alliance).values()), user
    page = cast.client("alice").get(f"/alliances/{alliance.pk}/").content.decode()
    assert 'id="onboarding-checklist"' not in page  # all done: the list goes away


def test_the_partner_never_counts_side_a_private_records(cast: Any, fresh: Any) -> None:
    alliance, side_a, side_h = fresh
    hana = join_hooli(alliance)
    stakeholder(alliance, side_a, "private", "Secret Ann")
    stakeholder(alliance, side_h, "joint", "Hal")
    objective_with_kpi(alliance, side_a, "private")
    agreement(alliance, side_a, "private", "draft")
    cycle(alliance, side_a, "private")
    # Side A sees its own private records: every step it could do alone is ticked.
    mine = steps(cast.alice, alliance)
    assert mine["stakeholders"] and mine["objectives"] and mine["health"]
    # Hooli sees none of them: no step is ticked by side A's private records ...
    theirs = steps(hana, alliance)
    assert theirs == {
        "counterparts": True,
        "stakeholders": False,
        "objectives": False,
        "agreement": False,
        "health": False,
    }
    # ... and no number on its page counts them.
    access = get_alliance_access(hana, alliance.pk)
    details = " ".join(step.detail for step in onboarding.checklist(access).steps)
    assert "Acme: 0" in details and "your side: 1" in details
    assert "0 objectives, 0 KPIs" in details and "No agreement yet" in details
    page = cast.client(None)
    page.force_login(hana)
    text = page.get(f"/alliances/{alliance.pk}/").content.decode()
    assert "Secret Ann" not in text and "Terms" not in text


def test_a_draft_or_proposed_agreement_does_not_tick_the_agreement_step(
    cast: Any, fresh: Any
) -> None:
    alliance, side_a, _ = fresh
    agreement(alliance, side_a, "joint", "proposed")
    assert steps(cast.alice, alliance)["agreement"] is False
    agreement(alliance, side_a, "joint", "in_force")
    assert steps(cast.alice, alliance)["agreement"] is True


def test_a_read_only_member_gets_no_button_to_a_page_they_may_not_use(
    cast: Any, fresh: Any
) -> None:
    alliance, _, _ = fresh
    page = cast.client("rita").get(f"/alliances/{alliance.pk}/").content.decode()
    assert 'id="onboarding-checklist"' in page
    assert f"/alliances/{alliance.pk}/invite/" not in page
    assert "stakeholders/new/" not in page and "cycles/new/" not in page


# Waiting for the partner -----------------------------------------------------------------


def test_the_partner_s_first_page_says_what_waits_for_them(cast: Any, fresh: Any) -> None:
    alliance, side_a, side_h = fresh
    hana = join_hooli(alliance)
    proposed = agreement(alliance, side_a, "joint", "proposed")
    health = cycle(alliance, side_a)
    SurveyInvitation.objects.create(
        alliance=alliance,
        owner_side=side_h,
        visibility="joint",
        cycle=health,
        email="hana@hooli.example",
    )
    NegotiationRound.objects.create(
        alliance=alliance, owner_side=side_a, visibility="joint", title="Revenue split"
    )
    client = cast.client(None)
    client.force_login(hana)
    page = client.get(f"/alliances/{alliance.pk}/").content.decode()
    assert 'id="waiting-for-you"' in page
    assert "survey is open for you" in page and "/health/survey/" in page
    assert "waits for your side&#x27;s signature" in page
    assert f"/agreement/{proposed.pk}/" in page
    assert "Revenue split" in page and "preferences" in page
    # Once Hooli has signed, the version no longer waits for it.
    Signature.objects.create(version=proposed, side=side_h, signed_by=hana)
    waiting = onboarding.waiting_for_me(get_alliance_access(hana, alliance.pk))
    assert not any("signature" in w.text for w in waiting)


def test_nothing_waits_for_a_side_on_a_private_draft_of_the_other(cast: Any, fresh: Any) -> None:
    alliance, side_a, _ = fresh
    hana = join_hooli(alliance)
    NegotiationRound.objects.create(
        alliance=alliance, owner_side=side_a, visibility="private", title="Our own plan"
    )
    assert onboarding.waiting_for_me(get_alliance_access(hana, alliance.pk)) == []


# Defaults -------------------------------------------------------------------------------


def test_the_start_form_picks_your_only_organisation_and_today(cast: Any) -> None:
    page = cast.client("alice").get("/alliances/new/").content.decode()
    assert re.search(rf'<option value="{cast.acme.pk}" selected>Acme</option>', page)
    assert f'value="{timezone.localdate().isoformat()}"' in page


def test_the_start_form_picks_no_organisation_for_a_manager_of_two(cast: Any) -> None:
    Membership.objects.create(user=cast.alice, organisation=cast.initech, role=Role.MANAGER)
    page = cast.client("alice").get("/alliances/new/").content.decode()
    assert " selected>Acme<" not in page and " selected>Initech<" not in page


def test_the_invite_form_defaults_to_the_partner_s_side_and_says_send_invitation(
    cast: Any, fresh: Any
) -> None:
    alliance, _, side_h = fresh
    page = cast.client("alice").get(f"/alliances/{alliance.pk}/invite/").content.decode()
    assert re.search(rf'<option value="{side_h.pk}" selected>', page)
    assert ">Send invitation</button>" in page
    assert 'name="name"' in page and 'name="note"' in page


# Invitations ----------------------------------------------------------------------------


def test_an_invitation_carries_the_name_and_note_in_one_email_and_is_listed_until_revoked(
    cast: Any, fresh: Any
) -> None:
    alliance, _, side_h = fresh
    client = cast.client("alice")
    response = client.post(
        f"/alliances/{alliance.pk}/invite/",
        {
            "name": "Hana Ito",
            "email": "hana@hooli.example",
            "side": side_h.pk,
            "role": "manager",
            "note": "Looking forward to the pilot in Osaka.",
        },
    )
    assert response.status_code == 302
    sent = Invitation.objects.get(email="hana@hooli.example")
    assert (sent.name, sent.note) == ("Hana Ito", "Looking forward to the pilot in Osaka.")
    # One email, through the jobs outbox.
    assert OutgoingEmail.objects.filter(to="hana@hooli.example").count() == 1
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Hello Hana Ito" in body and "Looking forward to the pilot in Osaka." in body
    page = client.get(f"/alliances/{alliance.pk}/").content.decode()
    assert 'id="pending-invitations"' in page and "Hana Ito" in page
    # Revoked: off the list, and its link no longer works.
    link = invitations.make_token(sent)
    assert client.post(f"/alliances/{alliance.pk}/invitations/{sent.pk}/revoke/").status_code == 302
    page = client.get(f"/alliances/{alliance.pk}/").content.decode()
    assert 'id="pending-invitations"' not in page
    with pytest.raises(invitations.InvitationError, match="withdrawn"):
        invitations.open_invitation(link)
    assert len(mail.outbox) == 1


def test_another_alliance_s_manager_cannot_see_or_revoke_the_invitation(
    cast: Any, fresh: Any
) -> None:
    alliance, _, side_h = fresh
    sent = invitations.invite(
        cast.alice,
        email="hana@hooli.example",
        organisation=side_h.organisation,
        role=Role.MEMBER,
        alliance=alliance,
    )
    # Bob manages Globex, which is not in Acme × Hooli.
    response = cast.client("bob").post(f"/alliances/{alliance.pk}/invitations/{sent.pk}/revoke/")
    assert response.status_code == 404
    # Nor may Alice revoke it through another alliance of hers.
    response = cast.client("alice").post(
        f"/alliances/{cast.alliance.pk}/invitations/{sent.pk}/revoke/"
    )
    assert response.status_code == 404
    sent.refresh_from_db()
    assert sent.revoked_at is None
