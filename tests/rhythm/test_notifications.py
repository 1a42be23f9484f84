"""Everyone hears when it is their turn, and only about what they may see.

Events come from the capability apps' own actions (through their audit entries) and from
the periodic scans; each is told once per person, emailed at most once, and never to a
person who may not see the record behind it.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.core import mail
from django.utils import timezone

from detente.commitments.models import Commitment
from detente.differences.models import Difference
from detente.jobs.models import OutgoingEmail
from detente.notifications import tasks
from detente.notifications.events import Event, publish
from detente.notifications.models import EmailMode, Kind, Notification, Preference
from tests.rhythm.conftest import access, inbox, open_round


def test_it_tells_the_other_side_that_a_new_round_waits_for_it(cast: Any) -> None:
    rnd = open_round(cast, "alice", "Share of joint revenue")
    for who in ("bob", "bella"):
        assert any("Share of joint revenue" in t and "your side" in t for t in inbox(cast, who))
    assert inbox(cast, "alice") == [] and inbox(cast, "oscar") == []
    assert inbox(cast, "rita") == []  # a round waits for the other side's writers
    bob_mail = [m for m in mail.outbox if m.to == ["bob@globex.example"]]
    assert len(bob_mail) == 1 and f"/negotiation/rounds/{rnd.pk}/" in bob_mail[0].body


def test_it_tells_nobody_on_the_other_side_about_a_private_round(cast: Any) -> None:
    from detente.negotiation.models import NegotiationRound

    rnd = open_round(cast, "alice", "Our own plan")
    Notification.objects.all().delete()
    NegotiationRound.objects.filter(pk=rnd.pk).update(visibility="private")
    rnd.refresh_from_db()
    from detente import audit

    audit.log(cast.alice, "create", rnd, after=audit.snapshot(rnd))  # as if created private
    assert inbox(cast, "bob") == [] and inbox(cast, "bella") == []


def test_it_never_tells_a_person_who_may_not_see_the_record_whatever_the_caller_asks(
    cast: Any,
) -> None:
    secret = cast.records["a_private_history"]
    made = publish(
        Event(
            kind=Kind.MENTION,
            key="test:private",
            text="About History A-PRIVATE",
            alliance_id=cast.alliance.pk,
            visibility="private",
            owner_side_id=secret.owner_side_id,
            user_ids=[cast.bob.pk, cast.bella.pk, cast.oscar.pk, cast.rita.pk],
        )
    )
    assert [n.recipient for n in made] == [cast.rita]
    assert not [m for m in mail.outbox if "A-PRIVATE" in m.body and m.to != [cast.rita.email]]


def test_it_tells_each_person_once_and_emails_once_for_one_event(cast: Any) -> None:
    event = Event(
        kind=Kind.MENTION,
        key="test:once",
        text="Once only",
        alliance_id=cast.alliance.pk,
        user_ids=[cast.bob.pk],
    )
    publish(event)
    publish(event)
    assert Notification.objects.filter(key="test:once").count() == 1
    assert [m.to for m in mail.outbox if "Once only" in m.body] == [["bob@globex.example"]]
    assert OutgoingEmail.objects.filter(to="bob@globex.example", status="sent").count() == 1


def test_it_tells_many_people_in_as_many_queries_as_one(cast: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(key: str, people: list[Any]) -> int:
        event = Event(
            kind=Kind.MENTION,
            key=key,
            text="Counted",
            alliance_id=cast.alliance.pk,
            user_ids=[p.pk for p in people],
        )
        Preference.objects.filter(kind=Kind.MENTION).delete()
        for p in people:  # nobody is emailed, so only the notifications are written
            Preference.objects.create(user=p, kind=Kind.MENTION, in_app=True, email=EmailMode.OFF)
        with CaptureQueriesContext(connection) as ctx:
            made = publish(event)
        assert len(made) == len(people)
        return len(ctx.captured_queries)

    assert queries("test:one", [cast.bob]) == queries(
        "test:three", [cast.bob, cast.bella, cast.rita]
    )


def test_someone_told_meanwhile_keeps_their_notification_and_the_others_are_told(
    cast: Any,
) -> None:
    from detente.notifications.events import _notify

    event = Event(kind=Kind.MENTION, key="test:race", text="Raced", alliance_id=cast.alliance.pk)
    first = Notification.objects.create(recipient=cast.bob, key="test:race", kind=Kind.MENTION)
    made = _notify([cast.bob, cast.bella], event, {})  # as if bob was told after the read
    assert [n.recipient for n in made] == [cast.bella]
    assert list(Notification.objects.filter(key="test:race", recipient=cast.bob)) == [first]


def test_a_new_alert_tells_the_managers_of_the_sides_that_may_see_it(cast: Any) -> None:
    from detente import audit
    from detente.health.models import Alert

    def raise_alert(key: str, severity: int, visibility: str, evidence: str) -> None:
        alert = Alert.objects.create(
            alliance=cast.alliance,
            owner_side=cast.side_a,
            visibility=visibility,
            key=key,
            period="2026Q3",
            measure="trust",
            rule="shift",
            severity=severity,
            evidence=evidence,
            last_seen_at=timezone.now(),
        )
        audit.log(None, "create", alert, after=audit.snapshot(alert))

    raise_alert("joint", Alert.Severity.WARNING, "joint", "Trust fell A-JOINT")
    raise_alert("mine", Alert.Severity.ALERT, "private", "Trust fell A-PRIVATE")
    raise_alert("quiet", Alert.Severity.WATCH, "joint", "A small dip")
    assert any("A-JOINT" in t for t in inbox(cast, "bob"))
    assert not any("A-PRIVATE" in t for t in inbox(cast, "bob") + inbox(cast, "bella"))
    assert sorted(t.split(":")[0] for t in inbox(cast, "alice")) == ["Alert", "Warning"]
    assert inbox(cast, "bella") == [] and inbox(cast, "rita") == []  # managers only
    assert not any("small dip" in t for t in inbox(cast, "alice"))  # a watch is not news


def test_it_follows_each_persons_choice_of_inbox_and_email(cast: Any) -> None:
    Preference.objects.create(user=cast.bob, kind=Kind.ROUND, in_app=False, email=EmailMode.OFF)
    Preference.objects.create(user=cast.bella, kind=Kind.ROUND, in_app=True, email=EmailMode.DIGEST)
    open_round(cast, "alice", "Quiet round")
    assert inbox(cast, "bob") == []  # turned off in the inbox, and no email either
    assert not [m for m in mail.outbox if cast.bob.email in m.to]
    assert len(inbox(cast, "bella")) == 1
    assert not [m for m in mail.outbox if cast.bella.email in m.to]  # waits for the digest
    assert tasks.send_digests_now() == 1
    digest = [m for m in mail.outbox if cast.bella.email in m.to]
    assert len(digest) == 1 and "Quiet round" in digest[0].body
    assert tasks.send_digests_now(force=True) == 0  # nothing new: no second digest


def test_it_tells_the_signing_sides_that_a_version_waits_for_them(cast: Any) -> None:
    from detente.agreements import services
    from detente.agreements.models import AgreementVersion

    draft = services.create_draft(access(cast, "alice"), owner_side=cast.side_a, title="V1")
    AgreementVersion.objects.filter(pk=draft.pk).update(status="proposed", number=1)
    draft.refresh_from_db()
    services.sign(access(cast, "alice"), draft, cast.side_a)
    texts = inbox(cast, "bob")
    assert any("signed Version 1 'V1'" in t and "your side's signature" in t for t in texts)
    assert inbox(cast, "alice") == []


def test_it_folds_the_ladders_notices_into_the_inbox_without_a_second_email(cast: Any) -> None:
    from detente.conflicts import ladder
    from detente.conflicts.models import Conflict

    conflict = Conflict.objects.create(
        alliance=cast.alliance,
        owner_side=cast.side_a,
        title="Quota clash",
        source="other",
        kind="initial",
    )
    step = ladder.raise_jointly(access(cast, "alice"), conflict)
    ladder.escalate_now(access(cast, "alice"), conflict, "Stuck")
    assert step.pk
    assert any("Quota clash" in t for t in inbox(cast, "bob"))
    bob_mail = [m for m in mail.outbox if cast.bob.email in m.to]
    assert len(bob_mail) == 1 and "now at" in bob_mail[0].subject  # the ladder's own email


def test_it_tells_the_owing_side_when_a_commitment_is_due_and_again_when_late(cast: Any) -> None:
    today = timezone.localdate()
    owed = Commitment.objects.create(
        alliance=cast.alliance,
        owner_side=cast.side_a,
        owed_by=cast.side_b,
        title="Send the pipeline report",
        due_date=today + timedelta(days=2),
    )
    assert tasks.commitments_due(today) == 2  # bob and bella
    assert tasks.commitments_due(today) == 0  # once per due date
    assert any("is due on" in t for t in inbox(cast, "bob"))
    assert tasks.commitments_due(today + timedelta(days=3)) == 2
    assert any("was due on" in t for t in inbox(cast, "bella"))
    assert inbox(cast, "alice") == []
    Commitment.objects.filter(pk=owed.pk).update(visibility="private")
    assert tasks.commitments_due(today + timedelta(days=10)) == 0  # private to A: B not told


def test_it_tells_the_keeper_when_a_difference_is_due_for_review(cast: Any) -> None:
    Difference.objects.create(
        alliance=cast.alliance,
        owner_side=cast.side_b,
        visibility="private",
        title="Fiscal calendars",
        category="fiscal",
        likelihood=3,
        impact=3,
        review_date=timezone.localdate(),
    )
    assert tasks.differences_for_review() == 1
    assert any("Fiscal calendars" in t for t in inbox(cast, "bob"))
    assert inbox(cast, "alice") == [] and inbox(cast, "rita") == []


def test_it_tells_a_new_member_they_were_added(cast: Any) -> None:
    from detente.accounts import invitations
    from detente.accounts.models import Role, User

    invitation = invitations.invite(
        cast.alice, email="nina@acme.example", organisation=cast.acme, role=Role.MEMBER
    )
    nina = User.objects.create_user("nina@acme.example", "a-long-test-password-42")
    invitations.accept(invitation, nina)
    told = Notification.objects.for_user(nina).values_list("text", flat=True)
    assert any("You were added to Acme" in t for t in told)


def test_the_inbox_page_and_its_json_twin_show_the_same_notifications(cast: Any) -> None:
    open_round(cast, "alice", "Twin round")
    page = cast.client("bob").get("/notifications/").content.decode()
    data = json.loads(cast.api("bob").get("/api/v1/notifications").content)
    assert data["unread"] == 1 and "Twin round" in data["notifications"][0]["text"]
    assert data["notifications"][0]["text"].replace("'", "&#x27;") in page
    bell = cast.client("bob").get("/notifications/bell/").content.decode()
    assert 'data-testid="bell-count"' in bell and ">1<" in bell
    cast.client("bob").post("/notifications/read/")
    assert json.loads(cast.api("bob").get("/api/v1/notifications").content)["unread"] == 0


def test_it_saves_a_persons_choices(cast: Any) -> None:
    data = {f"{kind}_email": "off" for kind in Kind} | {"mention_email": "digest"}
    response = cast.client("bella").post("/notifications/preferences/", data)
    assert response.status_code == 302
    mention = Preference.objects.get(user=cast.bella, kind=Kind.MENTION)
    assert (mention.in_app, mention.email) == (False, "digest")


def test_it_tells_every_side_when_a_private_draft_is_proposed(cast: Any) -> None:
    from detente import audit
    from detente.agreements import services
    from detente.agreements.models import AgreementVersion

    draft = services.create_draft(
        access(cast, "alice"), owner_side=cast.side_a, title="Our draft", visibility="private"
    )
    assert inbox(cast, "bob") == []
    before = audit.snapshot(draft)
    # What ``services.propose`` writes once the gaps are closed: joint, numbered, proposed.
    AgreementVersion.objects.filter(pk=draft.pk).update(
        status="proposed", number=1, visibility="joint"
    )
    draft.refresh_from_db()
    audit.log(cast.alice, "update", draft, before=before, after=audit.snapshot(draft))
    assert any("'Our draft' was proposed" in t for t in inbox(cast, "bob"))
