"""Early warning through the site: the seed's case, private alert routing, triage, the
idempotent ``detente scan``, and the demo."""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import Any

from django.core import mail
from django.utils import timezone
from django.utils.html import escape
from health_helpers import Quarter, quarters_before, run_quarters, seed_quarters

from detente.alliances.models import Signal
from detente.health import scan_command, warning
from detente.health.models import Alert, AlertAction, AlertDelivery, AlertPreference
from tests.conftest import call


def _scan(**options: Any) -> int:
    args = argparse.Namespace(
        alliance=None, no_email=False, no_reminders=False, digest_now=False, quiet=True, all=False
    )
    for key, value in options.items():
        setattr(args, key, value)
    return scan_command.run(args)


def _worst(period: str, **filters: Any) -> int:
    alerts = Alert.objects.filter(period=period, **filters)
    return max((a.severity for a in alerts), default=0)


def _private_quarters() -> list[Quarter]:
    """Stable joint scores; side A's private dimension collapses in the last quarter."""
    quarters = []
    for period, secret in zip(quarters_before(4), (5, 5, 5, 1), strict=True):
        steady = {"alignment": [4, 4, 4], "adherence": [95] * 3, "roi": [10] * 3,
                  "satisfaction": [4, 4, 4]}  # fmt: skip
        quarters.append(Quarter(period, steady | {"exit_readiness": [secret] * 3}, dict(steady)))
    return quarters


def test_the_seeds_case_warns_by_q2_and_alerts_at_q3(cast: Any) -> None:
    run_quarters(cast, seed_quarters(), timezone.localdate())
    q1, q2, q3 = quarters_before(3)
    assert _scan() == 0
    assert _worst(q1) < Alert.Severity.WARNING
    assert _worst(q2) >= Alert.Severity.WARNING
    assert _worst(q3) == Alert.Severity.ALERT
    shift = Alert.objects.get(period=q3, measure="alignment", rule="shift")
    assert "4.5 → 4.0 → 3.2" in shift.evidence
    assert shift.next_step
    assert shift.visibility == "joint"
    # Both sides' managers get the new Q3 warnings and alerts by email; nobody else does.
    recipients = {address for m in mail.outbox if "Alert" in m.subject for address in m.to}
    assert recipients == {"alice@acme.example", "bob@globex.example"}
    page = cast.client("bella").get(f"/alliances/{cast.alliance.pk}/health/alerts/")
    assert "4.5 → 4.0 → 3.2" in page.content.decode()


def test_a_scan_run_twice_adds_nothing_and_emails_nothing_more(cast: Any, capsys: Any) -> None:
    run_quarters(cast, seed_quarters(), timezone.localdate())
    _scan()
    alerts = list(Alert.objects.order_by("pk").values("pk", "key", "severity", "evidence"))
    emails = len(mail.outbox)
    deliveries = AlertDelivery.objects.count()
    capsys.readouterr()
    assert _scan() == 0
    assert list(Alert.objects.order_by("pk").values("pk", "key", "severity", "evidence")) == alerts
    assert len(mail.outbox) == emails
    assert AlertDelivery.objects.count() == deliveries
    assert "0 new alert(s), 0 updated" in capsys.readouterr().out


def test_an_alert_on_side_as_private_data_goes_to_side_a_only(cast: Any) -> None:
    cast.client("alice").post(
        f"/alliances/{cast.alliance.pk}/health/measures/new/",
        {"owner_side": cast.side_a.pk, "label": "Exit readiness",
         "question": "How ready are we to exit?", "visibility": "private"},
    )  # fmt: skip
    run_quarters(cast, _private_quarters(), timezone.localdate())
    mail.outbox.clear()
    _scan()
    private = Alert.objects.filter(measure="exit_readiness")
    assert private.exists()
    assert {(a.visibility, a.owner_side_id) for a in private} == {("private", cast.side_a.pk)}
    assert not Alert.objects.filter(visibility="joint", evidence__icontains="exit").exists()
    to = {address for m in mail.outbox for address in m.to if "xit readiness" in m.body}
    assert to == {"alice@acme.example"}
    a = cast.alliance.pk
    for who in ("bob", "bella"):
        assert (
            "xit readiness"
            not in cast.client(who).get(f"/alliances/{a}/health/alerts/").content.decode()
        )
        assert (
            "xit readiness" not in cast.client(who).get("/health/alerts/?show=all").content.decode()
        )
        listed = call(cast.api(who), "GET", f"/api/v1/alliances/{a}/health/alerts")
        assert "exit" not in listed.content.decode().lower()
        one = private.first()
        assert call(cast.api(who), "POST", f"/api/v1/alliances/{a}/health/alerts/{one.pk}/ack",
                   {"reason": "seen"}).status_code == 404  # fmt: skip
    assert (
        "xit readiness"
        in cast.client("alice").get(f"/alliances/{a}/health/alerts/").content.decode()
    )
    assert "xit readiness" in cast.client("rita").get("/health/alerts/?show=all").content.decode()


def test_a_private_signal_of_side_a_alerts_side_a_only(cast: Any) -> None:
    today = timezone.localdate()
    for days, kind in ((1, "resource_change"), (2, "messaging_shift")):
        Signal.objects.create(alliance=cast.alliance, owner_side=cast.side_a, visibility="private",
                              date=today - timedelta(days=days), kind=kind, title="A-ONLY hint")  # fmt: skip
    _scan()
    alerts = Alert.objects.filter(rule="signal")
    assert alerts.exists()
    # The cast's joint messaging-shift signals raise joint alerts; the private ones only add
    # side-A alerts, whose evidence quotes them.
    for alert in alerts.filter(evidence__contains="A-ONLY"):
        assert (alert.visibility, alert.owner_side_id) == ("private", cast.side_a.pk)
    assert alerts.filter(evidence__contains="A-ONLY").exists()
    assert not alerts.filter(visibility="joint", evidence__contains="A-ONLY").exists()


def test_a_private_kpi_discrepancy_of_side_a_never_reaches_side_b(cast: Any) -> None:
    Signal.objects.create(alliance=cast.alliance, owner_side=cast.side_a, visibility="private",
                          date=timezone.localdate(), kind="kpi_discrepancy",
                          title="A-ONLY revenue: Acme 10 vs Globex 12")  # fmt: skip
    mail.outbox.clear()
    _scan()
    alerts = Alert.objects.filter(rule="signal", measure="kpi_discrepancies")
    assert alerts.exists()
    assert {(a.visibility, a.owner_side_id) for a in alerts} == {("private", cast.side_a.pk)}
    assert all("A-ONLY revenue" in a.evidence for a in alerts)
    assert all("reconcile the KPI's definition" in a.next_step for a in alerts)
    a = cast.alliance.pk
    for who in ("bob", "bella"):
        assert not Alert.objects.visible_to(getattr(cast, who)).filter(pk__in=alerts).exists()
        assert (
            "A-ONLY" not in cast.client(who).get(f"/alliances/{a}/health/alerts/").content.decode()
        )
        listed = call(cast.api(who), "GET", f"/api/v1/alliances/{a}/health/alerts")
        assert "A-ONLY" not in listed.content.decode()
    assert not [m for m in mail.outbox if "A-ONLY" in m.body and set(m.to) - {"alice@acme.example"}]
    assert "A-ONLY" in cast.client("alice").get(f"/alliances/{a}/health/alerts/").content.decode()


def test_hand_recorded_responsiveness_and_other_signals_reach_early_warning(cast: Any) -> None:
    for kind, title in (("responsiveness", "Globex stopped answering"), ("other", "VP left")):
        Signal.objects.create(alliance=cast.alliance, owner_side=cast.side_a, visibility="joint",
                              date=timezone.localdate(), kind=kind, title=title)  # fmt: skip
    _scan()
    joint = Alert.objects.filter(rule="signal", visibility="joint")
    assert "Globex stopped answering" in joint.get(measure="falling_responsiveness").evidence
    assert "VP left" in joint.get(measure="other_signals").evidence


def test_acknowledging_and_snoozing_need_a_reason_and_stay_with_my_side(
    cast: Any, nothing_changes: Any
) -> None:
    run_quarters(cast, seed_quarters(), timezone.localdate())
    _scan()
    alert = Alert.objects.filter(period=quarters_before(1)[0], visibility="joint").first()
    base = f"/api/v1/alliances/{cast.alliance.pk}/health/alerts/{alert.pk}"
    with nothing_changes():
        missing = call(cast.api("alice"), "POST", base + "/ack", {})
        assert missing.status_code == 422
        assert missing.json()["errors"][0]["field"] == "reason"
        past = str(timezone.localdate() - timedelta(days=1))
        late = call(
            cast.api("bob"), "POST", base + "/snooze", {"reason": "r", "snoozed_until": past}
        )
        assert late.status_code == 422
        assert late.json()["errors"][0]["field"] == "snoozed_until"
        assert call(cast.api("rita"), "POST", base + "/ack", {"reason": "r"}).status_code == 403
    done = call(cast.api("alice"), "POST", base + "/ack", {"reason": "Dialogue booked for Monday"})
    assert done.status_code == 200 and done.json()["status"] == "acknowledged"
    action = AlertAction.objects.get()
    assert (action.visibility, action.owner_side_id) == ("private", cast.side_a.pk)
    listed = call(cast.api("bob"), "GET", f"/api/v1/alliances/{cast.alliance.pk}/health/alerts")
    assert next(a for a in listed.json()["items"] if a["id"] == alert.pk)["status"] == "open"
    assert (
        "Dialogue booked"
        not in cast.client("bob")
        .get(f"/alliances/{cast.alliance.pk}/health/alerts/")
        .content.decode()
    )
    until = str(timezone.localdate() + timedelta(days=14))
    snoozed = call(
        cast.api("bella"), "POST", base + "/snooze", {"reason": "After QBR", "snoozed_until": until}
    )
    assert snoozed.json()["status"] == "snoozed"


def test_a_digest_collects_alerts_into_one_email(cast: Any) -> None:
    AlertPreference.objects.create(user=cast.alice, mode=AlertPreference.Mode.DIGEST)
    run_quarters(cast, seed_quarters(), timezone.localdate())
    mail.outbox.clear()
    _scan()
    to_alice = [m for m in mail.outbox if "alice@acme.example" in m.to]
    assert len(to_alice) == 1
    assert "early-warning alert" in to_alice[0].subject
    assert "4.5 → 4.0 → 3.2" in to_alice[0].body
    mail.outbox.clear()
    _scan()
    assert not [m for m in mail.outbox if "alice@acme.example" in m.to]


def test_the_portfolio_ranks_by_risk_with_sparklines(
    cast: Any, django_assert_max_num_queries: Any
) -> None:
    run_quarters(cast, seed_quarters(), timezone.localdate())
    _scan()
    page = cast.client("bob").get("/health/portfolio/?severity=2")
    assert page.status_code == 200
    assert b"Acme \xc3\x97 Globex" in page.content
    assert b'data-spark="spark-' in page.content
    assert b"Initech" not in page.content
    with django_assert_max_num_queries(30):
        cast.client("alice").get("/")
    assert b"open alert" in cast.client("alice").get("/").content
    filtered = cast.client("alice").get("/health/portfolio/?status=closed")
    assert b"No alliance matches" in filtered.content


def test_scan_refuses_an_unknown_alliance(cast: Any, capsys: Any) -> None:
    assert _scan(alliance=[999999]) == 2
    assert "999999" in capsys.readouterr().err


def test_inputs_never_use_a_side_with_too_few_answers(cast: Any) -> None:
    few = [Quarter(quarters_before(1)[0], {"alignment": [1, 1]}, {"alignment": [4, 4, 4]})]
    run_quarters(cast, few, timezone.localdate())
    data = warning.inputs(cast.alliance, None)
    sides = {o.side for o in data.observations if o.measure == "alignment"}
    assert sides == {"Globex"}


def test_the_demo_raises_the_seeds_alerts_and_nothing_for_the_healthy_one(
    db: Any,
) -> None:
    from detente.demo.build import build_demo
    from detente.demo.story import periods_before_today

    ws = build_demo()
    seed = ws.alliances["InnovateTech × GlobalConnect network AI"]
    healthy = ws.alliances["EasyWeGo × SwiftRide driver rollout"]
    q1, q2, q3 = (p.label for p in periods_before_today("quarter", 3))
    assert _worst(q1, alliance=seed) < Alert.Severity.WARNING
    assert _worst(q2, alliance=seed) >= Alert.Severity.WARNING
    assert _worst(q3, alliance=seed) == Alert.Severity.ALERT
    shift = Alert.objects.get(alliance=seed, period=q3, measure="alignment", rule="shift")
    assert "4.5 → 4.0 → 3.2" in shift.evidence
    # The healthy alliance raises nothing at all: not from its scores, not from its timeline.
    assert not Alert.objects.filter(alliance=healthy).exists()
    # InnovateTech's private roadmap dimension raises alerts that GlobalConnect never sees.
    private = Alert.objects.filter(alliance=seed, measure="roadmap_confidence")
    assert private.exists() and {a.visibility for a in private} == {"private"}
    raj = ws.users["raj@globalconnect.example"]
    assert not Alert.objects.visible_to(raj).filter(measure="roadmap_confidence").exists()


def test_the_scan_learns_the_noise_only_from_data_each_reader_may_see(cast: Any) -> None:
    cast.client("alice").post(
        f"/alliances/{cast.alliance.pk}/health/measures/new/",
        {"owner_side": cast.side_a.pk, "label": "Exit readiness",
         "question": "How ready are we to exit?", "visibility": "private"},
    )  # fmt: skip
    run_quarters(cast, _private_quarters(), timezone.localdate())
    pools = warning.noise_pools([cast.alliance])
    pair = frozenset({cast.side_a.organisation_id, cast.side_b.organisation_id})
    joint = pools[("joint", pair)].measures
    side_a = pools[("side", cast.side_a.organisation_id)].measures
    side_b = pools[("side", cast.side_b.organisation_id)].measures
    # Side A's private dimension is fitted for side A's own scan only.
    assert "exit_readiness" in side_a
    assert "exit_readiness" not in joint and "exit_readiness" not in side_b
    # Four quarters of one alliance are too little to learn from: the evidence says so.
    _scan()
    private = Alert.objects.get(measure="exit_readiness", rule="shift")
    assert "the documented default: too little history" in private.evidence


def test_an_alert_says_what_happened_first_and_offers_its_next_steps_as_buttons(cast: Any) -> None:
    run_quarters(cast, seed_quarters(), timezone.localdate())
    assert _scan() == 0
    shift = Alert.objects.filter(measure="alignment", rule="shift").latest("period")
    a = cast.alliance.pk
    page = cast.client("alice").get(f"/alliances/{a}/health/alerts/").content.decode()
    # The headline and evidence come before the statistics, which wait under a disclosure.
    item = page[page.index(f'id="alert-{shift.pk}"') :]
    item = item[: item.index("</li>")]
    assert item.index(escape(shift.evidence)) < item.index("How sure is this?")
    assert "What the levels mean" in page and "for cron" not in page
    for action in (
        ("Log an interaction", f"/alliances/{a}/timeline/interaction/new/"),
        ("Add a commitment", f"/alliances/{a}/commitments/new/"),
        ("Raise a conflict and open its dialogue kit", f"/alliances/{a}/conflicts/new/"),
    ):
        assert f'href="{action[1]}">{action[0]}</a>' in page
    # The JSON twin names the same steps; a reader who may not write gets no buttons.
    alerts = call(cast.api("alice"), "GET", f"/api/v1/alliances/{a}/health/alerts").json()["items"]
    mine = next(row for row in alerts if row["id"] == shift.pk)
    assert {
        "label": "Log an interaction",
        "url": f"/alliances/{a}/timeline/interaction/new/",
    } in mine["next_actions"]
    read_only = cast.client("rita").get(f"/alliances/{a}/health/alerts/").content.decode()
    assert "Raise a conflict and open its dialogue kit" not in read_only
