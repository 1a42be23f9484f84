"""Survey links: no account needed, single-use, expiring; nobody uninvited can answer."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core import mail, signing
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from health_helpers import answer, invite, link, new_cycle, survey_data

from detente.health import services
from detente.health.models import Answer, Response, SurveyInvitation
from detente.health.portfolio import MIN_ANSWERS


def test_it_emails_a_link_that_works_without_an_account(cast: Any) -> None:
    cycle = new_cycle(cast, "2026Q4")
    (invitation,) = invite(cast, cycle, "a", ["ann@acme.example"])
    assert mail.outbox[-1].to == ["ann@acme.example"]
    url = next(w for w in mail.outbox[-1].body.split() if "/health/survey/" in w)
    page = Client().get(url[url.index("/health/") :])
    assert page.status_code == 200
    assert b"Strategic goal alignment" in page.content
    response = answer(invitation, {"alignment": 2}, comment="Roadmap unclear")
    assert response.status_code == 200
    stored = Response.objects.get(invitation=invitation)
    assert stored.owner_side == cast.side_a
    assert Answer.objects.get(response=stored, measure__key="alignment").value == 2.0


def test_it_works_only_once(cast: Any, nothing_changes: Any) -> None:
    cycle = new_cycle(cast, "2026Q4")
    (invitation,) = invite(cast, cycle, "a", ["ann@acme.example"])
    assert answer(invitation, {}).status_code == 200
    with nothing_changes():
        again = answer(invitation, {"alignment": 1})
        assert again.status_code == 410
        assert b"already been used" in again.content
        assert Client().get(link(invitation)).status_code == 410
    assert Response.objects.filter(invitation=invitation).count() == 1


def test_it_expires_after_the_closing_date(cast: Any, nothing_changes: Any) -> None:
    today = timezone.localdate()
    cycle = new_cycle(
        cast, "2026Q4", opens=today - timedelta(days=9), closes=today - timedelta(days=1)
    )
    (invitation,) = invite(cast, cycle, "a", ["ann@acme.example"])
    with nothing_changes():
        page = answer(invitation, {})
        assert page.status_code == 410
        assert b"expired" in page.content


def test_it_stops_working_when_the_cycle_is_closed(cast: Any) -> None:
    cycle = new_cycle(cast, "2026Q4")
    (invitation,) = invite(cast, cycle, "a", ["ann@acme.example"])
    cast.client("alice").post(f"/alliances/{cast.alliance.pk}/health/cycles/{cycle.pk}/close/")
    assert Client().get(link(invitation)).status_code == 410


def test_it_refuses_people_who_were_not_invited(cast: Any, nothing_changes: Any) -> None:
    cycle = new_cycle(cast, "2026Q4")
    (invitation,) = invite(cast, cycle, "a", ["ann@acme.example"])
    data = survey_data(invitation, {})
    forged_nonce = signing.dumps({"s": invitation.pk, "n": "0" * 32}, salt=services.SALT)
    other_salt = signing.dumps({"s": invitation.pk, "n": invitation.nonce}, salt="elsewhere")
    tampered = services.make_token(invitation)[:-2] + "xx"
    with nothing_changes():
        for token in ("made-up", forged_nonce, other_salt, tampered):
            response = Client().post(f"/health/survey/{token}/", data)
            assert response.status_code == 410, token
        # A signed-in member of the alliance is not invited either.
        assert cast.client("bob").post(f"/health/survey/{forged_nonce}/", data).status_code == 410


def test_it_names_the_field_of_a_bad_answer_and_writes_nothing(
    cast: Any, nothing_changes: Any
) -> None:
    cycle = new_cycle(cast, "2026Q4")
    (invitation,) = invite(cast, cycle, "a", ["ann@acme.example"])
    with nothing_changes():
        response = answer(invitation, {"alignment": 7, "adherence": 140})
        assert response.status_code == 422
        assert b'id="id_m_alignment_errors"' in response.content
        assert b'id="id_m_adherence_errors"' in response.content
    assert SurveyInvitation.objects.get(pk=invitation.pk).answered_at is None


def test_it_asks_a_private_dimension_of_its_own_side_only(cast: Any) -> None:
    cycle = new_cycle(cast, "2026Q4")
    alice = cast.client("alice")
    alice.post(
        f"/alliances/{cast.alliance.pk}/health/measures/new/",
        {
            "owner_side": cast.side_a.pk,
            "label": "Confidence in Globex roadmap",
            "question": "Secret A question?",
            "visibility": "private",
        },
    )
    (a,) = invite(cast, cycle, "a", ["ann@acme.example"])
    (b,) = invite(cast, cycle, "b", ["ben@globex.example"])
    assert b"Secret A question" in Client().get(link(a)).content
    assert b"Secret A question" not in Client().get(link(b)).content
    # Side B's respondent cannot smuggle in an answer to side A's private question.
    data = survey_data(b, {}) | {"m_confidence_in_globex_roadmap": 1}
    assert Client().post(link(b), data).status_code == 200
    assert not Answer.objects.filter(measure__key="confidence_in_globex_roadmap").exists()


def test_it_invites_only_for_a_side_the_manager_manages(cast: Any) -> None:
    cycle = new_cycle(cast, "2026Q4")
    url = f"/alliances/{cast.alliance.pk}/health/cycles/{cycle.pk}/invite/"
    page = cast.client("alice").post(url, {"side": cast.side_b.pk, "others": "x@globex.example"})
    assert page.status_code == 200
    assert b"is not one of the available choices" in page.content
    assert not SurveyInvitation.objects.exists()


def test_it_sends_due_reminders_once_per_wait(cast: Any) -> None:
    cycle = new_cycle(cast, "2026Q4")
    (ann, ben) = invite(cast, cycle, "a", ["ann@acme.example", "ben@acme.example"])
    answer(ben, {})
    SurveyInvitation.objects.filter(pk=ann.pk).update(sent_at=timezone.now() - timedelta(days=4))
    mail.outbox.clear()
    url = f"/alliances/{cast.alliance.pk}/health/cycles/{cycle.pk}/remind/"
    assert cast.client("alice").post(url).status_code == 302
    assert [m.to for m in mail.outbox] == [["ann@acme.example"]]
    assert "Reminder" in mail.outbox[0].subject
    cast.client("alice").post(url)
    assert len(mail.outbox) == 1  # not due again until the wait has passed


def test_dont_know_leaves_a_question_out_and_all_dont_know_is_refused(cast: Any) -> None:
    cycle = new_cycle(cast, "2026Q4")
    (invitation,) = invite(cast, cycle, "a", ["ann@acme.example"])
    page = Client().get(link(invitation)).content.decode()
    assert escape("Don't know") in page and escape("leave it empty if you don't know") in page
    nothing = {key[2:]: "" for key in survey_data(invitation, {}) if key.startswith("m_")}
    refused = Client().post(link(invitation), survey_data(invitation, nothing))
    assert "Answer at least one question" in refused.content.decode()
    assert not Response.objects.filter(invitation=invitation).exists()
    # ROI unknown: the other answers are kept, ROI gets no value at all (not a zero).
    assert answer(invitation, {"roi": ""}).status_code == 200
    stored = Answer.objects.filter(response__invitation=invitation)
    assert "roi" not in {a.measure.key for a in stored}
    assert "alignment" in {a.measure.key for a in stored}


def test_the_invite_page_states_the_answers_rule_and_where_each_side_stands(cast: Any) -> None:
    cycle = new_cycle(cast, "2026Q4")
    (invitation,) = invite(cast, cycle, "a", ["ann@acme.example"])
    answer(invitation, {})
    url = f"/alliances/{cast.alliance.pk}/health/cycles/{cycle.pk}/invite/"
    page = cast.client("alice").get(url).content.decode()
    need = MIN_ANSWERS  # the cast's alliance keeps the default plan
    assert f"at least {need} of its people have answered" in page
    assert f"{cast.side_a}: 1 of {need} answers so far" in page
    assert f"{cast.side_b}: nobody invited yet" in page
    assert "Send invitations" in page
