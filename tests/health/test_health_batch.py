"""The set-based ``detente scan``: every alliance's engine inputs read in a fixed number of
queries and equal to the per-alliance reference (``warning.inputs``), never a side's private
data in another scope, the same alerts as the per-alliance scan, and incremental runs."""

from __future__ import annotations

import argparse
import random
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from health_helpers import quarters_before

from detente.accounts.models import Organisation, User
from detente.alliances import services as alliances
from detente.alliances.models import Interaction, Signal
from detente.analysis import warning as engine
from detente.audit.models import AuditEntry
from detente.cli import main
from detente.commitments.models import Commitment
from detente.health import scan_command, scorecard, warning
from detente.health.batch import Snapshot
from detente.health.models import (
    Alert,
    Answer,
    Cycle,
    HealthPlan,
    Measure,
    Response,
    ScanState,
    SurveyInvitation,
)
from detente.milestones.models import Milestone
from detente.records.models import Alliance, Side

PRIVATE_MODELS = (Measure, Cycle, Response, SurveyInvitation, Signal, Interaction, Commitment,
                  Milestone)  # fmt: skip


# A varied workspace ----------------------------------------------------------------------


def _clone(record: Any, **changes: Any) -> Any:
    record.pk = None
    record.id = None
    for key, value in changes.items():
        setattr(record, key, value)
    record.save()
    return record


def _vary_demo() -> dict[str, Any]:
    """The demo, plus what it lacks: each side's private measure, answers, response, signal,
    interaction, overdue commitment and off-track milestone; a monthly plan; adherence from
    the ledger; a plan whose N hides some sides' answers."""
    from detente.demo.build import build_demo

    ws = build_demo()
    seed = ws.alliances["InnovateTech × GlobalConnect network AI"]
    side_a, side_b = list(seed.sides.order_by("id"))
    # GlobalConnect's own private dimension, answered by its people in every cycle.
    theirs = _clone(
        Measure.objects.filter(alliance=seed, visibility="private").first(),
        owner_side=side_b, key="gc_private", label="GC private dimension",
    )  # fmt: skip
    for response in Response.objects.filter(alliance=seed, owner_side=side_b):
        Answer.objects.create(response=response, measure=theirs, value=2 + response.pk % 3)
    # A response kept private by side A (its answers count for side A's scope only).
    Response.objects.filter(pk=Response.objects.filter(alliance=seed, owner_side=side_a)
                            .order_by("id").first().pk).update(visibility="private")  # fmt: skip
    for side, tag in ((side_a, "A-ONLY"), (side_b, "B-ONLY")):
        _clone(Signal.objects.filter(alliance=seed).first(), owner_side=side,
               visibility="private", kind="kpi_discrepancy", title=f"{tag} discrepancy")  # fmt: skip
        _clone(Interaction.objects.filter(alliance=seed).first(), owner_side=side,
               visibility="private", response_requested_at=timezone.now() - timedelta(days=9),
               responded_at=timezone.now() - timedelta(days=1))  # fmt: skip
        _clone(Commitment.objects.filter(alliance=seed).first(), owner_side=side, owed_by=side,
               visibility="private", status="open",
               due_date=timezone.localdate() - timedelta(days=20))  # fmt: skip
    milestone = Milestone.objects.first()
    where = {"alliance_id": milestone.alliance_id}
    _clone(milestone, state="agreed", status="at_risk", visibility="joint", probability=0.4,
           title="Joint milestone at risk")  # fmt: skip
    sides = list(Side.objects.filter(alliance_id=milestone.alliance_id).order_by("id"))
    _clone(milestone, state="draft", status="missed", visibility="private",
           owner_side=sides[0], as_of=None, probability=None, title="A-ONLY draft missed")  # fmt: skip
    _clone(milestone, state="draft", status="at_risk", visibility="private",
           owner_side=sides[1], title="B-ONLY draft at risk")  # fmt: skip
    _clone(milestone, state="proposed", status="at_risk", title="Proposed, not counted")
    Commitment.objects.filter(**where).update(status="disputed")
    # Adherence from the ledger, and an N that hides some of the seed's cells.
    HealthPlan.objects.filter(alliance=seed).update(adherence_source="ledger", min_answers=4)
    # A monthly alliance: its plan and its cycles' periods.
    monthly = ws.alliances["EasyWeGo × SwiftRide driver rollout"]
    HealthPlan.objects.update_or_create(
        alliance=monthly,
        defaults={"owner_side": monthly.sides.first(), "period_months": 1, "min_answers": 2},
    )
    for cycle in Cycle.objects.filter(alliance=monthly):
        year, quarter = cycle.period.split("Q")
        Cycle.objects.filter(pk=cycle.pk).update(period=f"{year}-{int(quarter) * 3:02d}")
    return {"seed": seed, "side_a": side_a, "side_b": side_b, "monthly": monthly}


def _scopes(alliance: Alliance) -> list[int | None]:
    return [None, *alliance.sides.order_by("id").values_list("pk", flat=True)]


def _texts(data: warning.Inputs) -> str:
    return repr(data)


@pytest.fixture
def varied(db: Any) -> dict[str, Any]:
    return _vary_demo()


def test_batch_inputs_equal_the_per_alliance_inputs_for_every_alliance_and_scope(
    varied: dict[str, Any],
) -> None:
    everyone = list(Alliance.objects.order_by("pk"))
    snapshot = Snapshot(a.pk for a in everyone)
    seen: dict[str, int] = defaultdict(int)
    for alliance in everyone:
        joint = warning.inputs(alliance, None)
        for scope in _scopes(alliance):
            reference = warning.inputs(alliance, scope)
            assert snapshot.inputs(alliance.pk, scope) == reference, (alliance, scope)
            seen["scopes"] += 1
            seen["private data"] += scope is not None and reference != joint
            for o in reference.observations:
                seen[o.measure if o.measure in ("response_rate", "response_days", "overdue")
                     else "monthly" if "-" in o.period else "score"] += 1  # fmt: skip
            seen["off track"] += sum(s.kind == "milestones_off_track" for s in reference.signals)
            seen["signals"] += len(reference.signals)
    # The workspace is as varied as it claims: every kind of input is there.
    for kind in ("private data", "response_rate", "response_days", "overdue", "monthly",
                 "score", "off track", "signals"):  # fmt: skip
        assert seen[kind] > 0, kind
    cycles = Cycle.objects.filter(alliance=varied["seed"])
    assert any(c.is_open for c in cycles) and any(not c.is_open for c in cycles)
    # The seed's N of 4 hides some cells that 3 answers would have shown.
    card = scorecard.build_for_side(varied["seed"], None)
    assert any(not cell.shown for cell in card.cells.values())


def test_a_sides_private_data_never_reaches_the_other_sides_or_the_joint_inputs(
    varied: dict[str, Any],
) -> None:
    seed, side_a, side_b = varied["seed"], varied["side_a"], varied["side_b"]
    snapshot = Snapshot([seed.pk])
    joint, a, b = (snapshot.inputs(seed.pk, s) for s in (None, side_a.pk, side_b.pk))
    assert "A-ONLY" in _texts(a) and "B-ONLY" in _texts(b)
    assert "A-ONLY" not in _texts(b) + _texts(joint)
    assert "B-ONLY" not in _texts(a) + _texts(joint)
    assert any(o.measure == "gc_private" for o in b.observations)
    assert not any(o.measure == "gc_private" for o in a.observations + joint.observations)
    # Stronger: a scope's inputs are exactly what they are when every private record it may
    # not see is deleted (whatever is derived from them: means, counts, rates, periods).
    everyone = list(Alliance.objects.order_by("pk"))
    before = Snapshot(x.pk for x in everyone)
    for alliance in everyone:
        for scope in _scopes(alliance):
            with transaction.atomic():
                for model in PRIVATE_MODELS:
                    unseen = model.objects.filter(alliance=alliance, visibility="private")
                    if scope is not None:
                        unseen = unseen.exclude(owner_side_id=scope)
                    unseen.delete()
                after = Snapshot([alliance.pk]).inputs(alliance.pk, scope)
                assert after == before.inputs(alliance.pk, scope), (alliance, scope)
                transaction.set_rollback(True)


def _stored() -> dict[tuple[int, str], tuple]:
    return {
        (a.alliance_id, a.key): (
            a.owner_side_id,
            a.visibility,
            a.period,
            a.measure,
            a.label,
            a.rule,
            a.severity,
            a.sides,
            a.evidence,
            a.next_step,
            a.p_value,
            a.values,
        )  # fmt: skip
        for a in Alert.objects.all()
    }


def _audited() -> list[tuple]:
    return list(
        AuditEntry.objects.filter(model="health.alert")
        .order_by("id")
        .values_list("action", "object_repr", "alliance_id", "owner_side_id", "visibility")
    )


def test_the_set_based_scan_stores_exactly_what_the_per_alliance_scan_stored(
    varied: dict[str, Any],
) -> None:
    every = Alliance.objects.exclude(status=Alliance.Status.CLOSED).order_by("id")
    audited = len(_audited())
    with transaction.atomic():
        one_by_one = warning.scan_each(every, notify=False)
        expected, expected_audit = _stored(), _audited()[audited:]
        transaction.set_rollback(True)
    totals = warning.scan_all(every, notify=False)
    assert _stored() == expected
    assert _audited()[audited:] == expected_audit
    assert one_by_one["created"] > 0 and one_by_one["updated"] > 0
    for key in ("alliances", "created", "updated", "unchanged"):
        assert totals[key] == one_by_one[key]
    # Private alerts stay with their side, as before.
    private = Alert.objects.filter(measure="gc_private")
    assert private.exists() and {a.owner_side_id for a in private} == {varied["side_b"].pk}


# Many small alliances ---------------------------------------------------------------------


def _portfolio(n: int, *, shared: Organisation | None = None) -> list[Alliance]:
    """``n`` alliances with four quarters of answers each, every one between two
    organisations of its own (so each is its own pool), or all with ``shared`` as side A."""
    made = []
    for i in range(n):
        first = shared or Organisation.objects.create(name=f"Org {i}a")
        second = Organisation.objects.create(name=f"Org {i}b")
        user = User.objects.create_user(f"m{i}@{i}.example", "a-long-test-password-42")
        alliance = alliances.create_alliance(
            user, name=f"Alliance {i}", purpose="Test.", kind=Alliance.Kind.ALLIANCE,
            start_date=date(2024, 1, 1), my_organisation=first, partner_names=[second.name],
            status=Alliance.Status.ACTIVE,
        )  # fmt: skip
        common = {"alliance": alliance, "owner_side": alliance.sides.order_by("id").first()}
        for j, key in enumerate(("alignment", "satisfaction")):
            Measure.objects.create(key=key, label=key.title(), question="?", position=j, **common)
        rng = random.Random(i)
        for q, period in enumerate(quarters_before(4)):
            # Alliance 0 and every third one fall in the last quarter.
            falls = q == 3 and i % 3 == 0
            values = [2] if falls else [3, 4, 5]
            _quarter(alliance, period, 400 - 90 * q, lambda v=values, r=rng: r.choice(v))
        Signal.objects.create(date=timezone.localdate(), kind="messaging_shift",
                              title=f"Shift {i}", **common)  # fmt: skip
        made.append(alliance)
    return made


def _quarter(alliance: Alliance, period: str, days_ago: int, value: Any) -> None:
    """A closed health check in which three people of each side answered every measure."""
    sides = list(alliance.sides.order_by("id"))
    day = timezone.localdate() - timedelta(days=days_ago)
    cycle = Cycle.objects.create(alliance=alliance, owner_side=sides[0], period=period,
                                 opens_on=day, closes_on=day, closed_at=timezone.now())  # fmt: skip
    answers = []
    for side in sides:
        for p in range(3):
            invitation = SurveyInvitation.objects.create(
                alliance=alliance, owner_side=side, cycle=cycle,
                email=f"p{p}-{side.pk}@x.example", answered_at=timezone.now(),
            )  # fmt: skip
            response = Response.objects.create(
                alliance=alliance, owner_side=side, cycle=cycle, invitation=invitation
            )
            answers += [
                Answer(response=response, measure=m, value=value())
                for m in Measure.objects.filter(alliance=alliance)
            ]
    Answer.objects.bulk_create(answers)


def _queries(fn: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def test_the_batch_reads_in_the_same_number_of_queries_for_3_or_9_alliances(db: Any) -> None:
    made = _portfolio(9)
    three = _queries(lambda: Snapshot(a.pk for a in made[:3]))
    nine = _queries(lambda: Snapshot(a.pk for a in made))
    assert three == nine <= 12


def test_a_scan_of_unchanged_alliances_takes_as_many_queries_for_3_or_9(db: Any) -> None:
    made = _portfolio(9)
    first, rest = made[:3], made[3:]
    warning.scan_all(made, notify=False)
    assert _queries(lambda: warning.scan_all(first, notify=False)) == _queries(
        lambda: warning.scan_all(made, notify=False)
    )
    # Forced through the engine, with every alert found again unchanged: still the same.
    counts = [_queries(lambda s=s: warning.scan_all(s, notify=False, force=True))
              for s in (first, made)]  # fmt: skip
    assert counts[0] == counts[1]
    assert warning.scan_all(rest, notify=False, force=True)["unchanged"] > 0


def _answer_again(alliance: Alliance) -> None:
    """A late answer in the alliance's last cycle: its side A's mean moves."""
    cycle = Cycle.objects.filter(alliance=alliance).order_by("-opens_on").first()
    side = alliance.sides.order_by("id").first()
    invitation = SurveyInvitation.objects.create(alliance=alliance, owner_side=side, cycle=cycle,
                                                 email="late@x.example", answered_at=timezone.now())  # fmt: skip
    response = Response.objects.create(alliance=alliance, owner_side=side, cycle=cycle,
                                       invitation=invitation)  # fmt: skip
    for measure in Measure.objects.filter(alliance=alliance):
        Answer.objects.create(response=response, measure=measure, value=1)


def test_a_second_scan_skips_every_unchanged_alliance_and_rescans_a_changed_one(db: Any) -> None:
    made = _portfolio(3)
    first = warning.scan_all(made, notify=False)
    assert (first["alliances"], first["skipped"]) == (3, 0) and first["created"] > 0
    assert ScanState.objects.count() == 3
    again = warning.scan_all(made, notify=False)
    assert (again["alliances"], again["skipped"]) == (0, 3)
    assert again["created"] == again["updated"] == again["unchanged"] == 0
    _answer_again(made[1])
    stored = _stored()
    after = warning.scan_all(made, notify=False)
    assert (after["alliances"], after["skipped"]) == (1, 2)
    now = _stored()
    assert {key[0] for key in stored.keys() | now.keys() if stored.get(key) != now.get(key)} <= {
        made[1].pk
    }
    forced = warning.scan_all(made, notify=False, force=True)
    assert (forced["alliances"], forced["skipped"]) == (3, 0)
    assert forced["created"] == forced["updated"] == 0


def test_a_new_health_check_in_one_alliance_rescans_every_alliance_of_its_pool(db: Any) -> None:
    hub = Organisation.objects.create(name="Hub")
    made = _portfolio(6, shared=hub)
    warning.scan_all(made, notify=False)
    _quarter(made[0], _this_quarter(), 0, lambda: 4)
    # The hub's side scope pools every alliance: its noise model learned from one more
    # quarter of differences, so every alliance's scan would read a different model.
    again = warning.scan_all(made, notify=False)
    assert (again["alliances"], again["skipped"]) == (6, 0)


def _this_quarter() -> str:
    today = timezone.localdate()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def test_a_skipped_alliances_alerts_count_as_seen_again(db: Any) -> None:
    made = _portfolio(1)
    warning.scan_all(made, notify=False)
    found = set(Alert.objects.values_list("pk", flat=True))
    stale = Alert.objects.filter(pk__in=found).first()
    stale.key += "|gone"  # an alert no scan finds any more keeps its time
    stale.last_seen_at = timezone.now() - timedelta(days=400)
    stale.save()
    long_ago = timezone.now() - timedelta(days=200)
    Alert.objects.exclude(pk=stale.pk).update(last_seen_at=long_ago)
    ScanState.objects.update(scanned_at=long_ago)
    assert warning.scan_all(made, notify=False)["skipped"] == 1
    recent = timezone.now() - timedelta(minutes=5)
    assert all(a.last_seen_at > recent for a in Alert.objects.exclude(pk=stale.pk))
    stale.refresh_from_db()
    assert stale.last_seen_at < long_ago


def test_detente_scan_all_rescans_everything_and_the_summary_counts_the_skipped(
    db: Any, capsys: Any
) -> None:
    _portfolio(2)
    assert main(["scan", "--no-email", "--quiet"]) == 0
    assert "2 alliance(s) scanned, 0 skipped as unchanged" in capsys.readouterr().out
    assert main(["scan", "--no-email", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "0 alliance(s) scanned, 2 skipped as unchanged since their last scan" in out
    assert "0 new alert(s), 0 updated, 0 unchanged" in out
    assert main(["scan", "--no-email", "--quiet", "--all"]) == 0
    assert "2 alliance(s) scanned, 0 skipped as unchanged" in capsys.readouterr().out
    parser = argparse.ArgumentParser()
    scan_command.add_arguments(parser)
    assert "unchanged since their last scan" in " ".join(parser.format_help().split())


def test_the_scan_now_button_scans_even_an_unchanged_alliance(cast: Any) -> None:
    warning.scan_all([cast.alliance], notify=False)
    before = ScanState.objects.get(alliance=cast.alliance).scanned_at
    page = cast.client("alice").post(f"/alliances/{cast.alliance.pk}/health/alerts/scan/",
                                     follow=True)  # fmt: skip
    assert "Scanned:" in page.content.decode()
    assert ScanState.objects.get(alliance=cast.alliance).scanned_at > before


# The engine, which the scan calls on many alliances at once ---------------------------------


def test_given_a_noise_model_an_alliances_alerts_do_not_depend_on_the_others_scanned_with_it() -> (
    None
):
    rng = random.Random(7)
    observations, signals = [], []
    measures = ["alignment", "satisfaction", "roi", "adherence", "response_rate", "trust"]
    for a in range(120):
        start, length = rng.randint(0, 12), rng.randint(1, 14)
        chosen = rng.sample(measures, rng.randint(1, len(measures)))
        sides = [f"A{a % 7}", f"B{a % 5}"][: rng.choice([1, 2, 2])]
        score = {m: m in ("alignment", "satisfaction", "trust") for m in chosen}
        level = {m: rng.uniform(3, 4.5) if score[m] else rng.uniform(40, 95) for m in chosen}
        drift = rng.uniform(-0.3, 0.05)
        for t in range(start, start + length):
            if rng.random() < 0.1:
                continue
            period = f"{2018 + t // 4}Q{t % 4 + 1}"
            for m in chosen:
                for s in sides:
                    noise = rng.gauss(0, 0.3 if score[m] else 4)
                    v = level[m] + drift * (t - start) * (1 if score[m] else 10) + noise
                    v = min(5, max(1, v)) if score[m] else min(100, max(0, v))
                    observations.append(engine.Observation(str(a), period, s, m, round(v, 3)))
        if rng.random() < 0.3:
            last = start + length - 1
            signals.append(engine.Signal(str(a), f"{2018 + last // 4}Q{last % 4 + 1}",
                                         "messaging_shifts", sides[0], "note"))  # fmt: skip
    settings = engine.Settings(noise=engine.fit(observations))
    together: dict[str, list[engine.Alert]] = defaultdict(list)
    for alert in engine.scan(observations, signals, settings):
        together[alert.alliance].append(alert)
    assert sum(len(v) for v in together.values()) > 100
    for a in {o.alliance for o in observations}:
        alone = engine.scan([o for o in observations if o.alliance == a],
                            [s for s in signals if s.alliance == a], settings)  # fmt: skip
        assert alone == together.get(a, []), a
