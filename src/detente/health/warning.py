"""The early-warning scan of the database: health-check scores and behavioural signals into
the pure engine (``detente.analysis.warning``), its alerts stored and routed.

Private data and routing. The engine does not know what is private, so each alliance is
scanned once on joint data only (those alerts are joint: every side sees them) and once
per side on joint data plus that side's private data (measures, signals, interactions).
An alert that only the second scan finds, or finds more severe, needs that side's private
data: it is stored private to that side and goes to that side only.

Idempotence. Each alert has a key (scope, period, measure, rule, sides); a re-scan
updates the stored alert in place and never adds a second one, and an alert is emailed
at most once to each person (``AlertDelivery``).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

import detente
from detente import audit
from detente.accounts.models import Membership, Role
from detente.alliances.models import Interaction
from detente.alliances.models import Signal as TimelineSignal
from detente.analysis import warning as engine
from detente.analysis.warning.measures import ALL_SIGNAL_KINDS as ENGINE_SIGNAL_KINDS
from detente.analysis.warning.measures import spec_for
from detente.analysis.warning.periods import period_ordinal
from detente.health import scorecard
from detente.health.models import Alert, AlertDelivery, AlertPreference, HealthPlan, Measure
from detente.health.services import plan_for
from detente.jobs.mail import queue_email
from detente.records.models import Alliance, Side
from detente.records.visibility import JOINT, PRIVATE, side_sees

if TYPE_CHECKING:
    from detente.health.batch import Snapshot

SEVERITY = {"watch": Alert.Severity.WATCH, "warning": Alert.Severity.WARNING, "alert": Alert.Severity.ALERT}  # fmt: skip
# Every timeline signal kind and the engine's name for it. A private signal (a KPI
# discrepancy only one side can see, say) is read only by that side's own scan, through
# ``visible_to_side`` below, so its alert is stored private to that side.
SIGNAL_KINDS: dict[str, str] = {
    TimelineSignal.Kind.RESOURCE_CHANGE: "resource_change_requests",
    TimelineSignal.Kind.MESSAGING_SHIFT: "messaging_shifts",
    TimelineSignal.Kind.OVERLAPPING_LAUNCH: "overlapping_launches",
    TimelineSignal.Kind.KPI_DISCREPANCY: "kpi_discrepancies",
    # Recorded by a person; the interactions log's reply times give response_days besides.
    TimelineSignal.Kind.RESPONSIVENESS: "falling_responsiveness",
    TimelineSignal.Kind.OTHER: "other_signals",
}
NOTIFY_FROM = Alert.Severity.WARNING  # watches are for the scorecard, not for email


def period_of(day: date, plan: HealthPlan) -> str:
    if plan.period_kind == "month":
        return f"{day.year}-{day.month:02d}"
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


@dataclass
class Inputs:
    observations: list[engine.Observation] = field(default_factory=list)
    signals: list[engine.Signal] = field(default_factory=list)


def inputs(alliance: Alliance, side_id: int | None) -> Inputs:
    """What the engine reads for one alliance, as a member of ``side_id`` sees it."""
    plan = plan_for(alliance)
    name = str(alliance.pk)
    out = Inputs()
    card = scorecard.build_for_side(alliance, side_id)
    for cycle in card.cycles:
        for side in card.sides:
            for measure in card.measures:
                cell = card.cell(cycle, measure, side)
                if cell.shown and cell.mean is not None:
                    out.observations.append(
                        engine.Observation(name, cycle.period, str(side), measure.key, cell.mean)
                    )
            rate = card.response_rate(cycle, side)
            # An open cycle's rate is still climbing: it counts once the cycle closes.
            if rate is not None and not cycle.is_open:
                out.observations.append(
                    engine.Observation(name, cycle.period, str(side), "response_rate", rate)
                )
    days: dict[str, list[float]] = defaultdict(list)
    interactions = Interaction.objects.visible_to_side(side_id).filter(
        alliance=alliance, response_requested_at__isnull=False, responded_at__isnull=False
    )
    for i in interactions:
        days[period_of(i.date, plan)].append((i.response_hours or 0.0) / 24)
    for period, values in days.items():
        out.observations.append(
            engine.Observation(name, period, "joint", "response_days", sum(values) / len(values))
        )
    signals = TimelineSignal.objects.visible_to_side(side_id).filter(
        alliance=alliance, kind__in=list(SIGNAL_KINDS)
    )
    sides = {s.pk: str(s) for s in card.sides}
    for s in signals.order_by("date", "id"):
        out.signals.append(
            engine.Signal(
                name, period_of(s.date, plan), SIGNAL_KINDS[s.kind], sides[s.owner_side_id], s.title
            )
        )
    out.observations += _ledger_observations(alliance, side_id, plan)
    out.signals += _milestone_signals(alliance, side_id, plan, sides)
    return out


def _milestone_signals(
    alliance: Alliance, side_id: int | None, plan: HealthPlan, sides: dict[int, str]
) -> list[engine.Signal]:
    """Milestones at risk or missed (issue 18), one signal each in the period of its latest
    reading: joint agreed milestones in every scan, a side's private drafts in its own."""
    try:
        from detente.milestones.models import Milestone  # noqa: PLC0415
    except ImportError:  # no milestones in this installation
        return []
    off_track = (
        Milestone.objects.visible_to_side(side_id)
        .filter(
            alliance=alliance,
            status__in=[Milestone.Status.AT_RISK, Milestone.Status.MISSED],
            state__in=[Milestone.State.AGREED, Milestone.State.DRAFT],
        )
        .order_by("due", "id")
    )
    today = timezone.localdate()
    signals = []
    for m in off_track:
        chance = f", {m.probability:.0%} likely" if m.probability is not None else ""
        note = (
            f"{m.title}: {m.get_status_display().lower()} ({m.achieved:,} of {m.target:,}{chance})"
        )
        signals.append(
            engine.Signal(
                str(alliance.pk),
                period_of(m.as_of or today, plan),
                "milestones_off_track",
                sides.get(m.owner_side_id, ""),
                note,
            )
        )
    return signals


def _ledger_observations(
    alliance: Alliance, side_id: int | None, plan: HealthPlan
) -> list[engine.Observation]:
    """Overdue commitments (still owed after their due date) from the commitments ledger,
    counted for the current period, when the alliance keeps a ledger."""
    try:
        from detente.commitments.models import Commitment  # noqa: PLC0415
    except ImportError:  # no ledger in this installation
        return []
    today = timezone.localdate()
    owed = Commitment.objects.visible_to_side(side_id).filter(
        alliance=alliance, due_date__lt=today, status__in=["open", "disputed"]
    )
    count = owed.count()
    if not count:
        return []
    return [
        engine.Observation(
            str(alliance.pk), period_of(today, plan), "joint", "overdue", float(count)
        )
    ]


def run_engine(
    alliance: Alliance, side_id: int | None, noise: engine.NoiseModel | None = None
) -> list[engine.Alert]:
    """The engine on what ``side_id`` sees of the alliance (None: joint data only), with the
    noise model learned from its pool (see ``noise_pools``) or, without one, from the
    alliance's own data."""
    data = inputs(alliance, side_id)
    if not data.observations and not data.signals:
        return []
    return _run(data, plan_for(alliance).false_alarm_rate, measure_specs(alliance), noise)


def _run(
    data: Inputs,
    false_alarm_rate: float,
    specs: dict[str, engine.MeasureSpec],
    noise: engine.NoiseModel | None,
) -> list[engine.Alert]:
    if not data.observations and not data.signals:
        return []
    settings = engine.Settings(false_alarm_rate=false_alarm_rate, measures=specs, noise=noise)
    return engine.scan(data.observations, data.signals, settings)


# The engine learns each measure's usual swing from a pool of alliances (issue 13). A
# fitted swing is computed from every alliance in its pool and is shown in the evidence,
# so a pool holds only data every reader of the alert may see: a joint scan pools the
# joint data of the open alliances between the same organisations; a side's scan pools
# what that side sees (joint plus its own private data) in every open alliance of its
# organisation. An alliance shared with nobody else learns from itself alone.
Pools = dict[tuple[str, object], engine.NoiseModel]


def _organisations(alliance: Alliance) -> frozenset[int]:
    return frozenset(s.organisation_id for s in alliance.sides.all())


def noise_pools(alliances: Iterable[Alliance]) -> Pools:
    """The noise models of the pools the given alliances' scans use."""
    wanted = {_organisations(a) for a in alliances}
    return _fit_pools(wanted, _pool_members(wanted), inputs)


def _pool_members(wanted: Iterable[frozenset[int]]) -> list[Alliance]:
    """The open alliances with a side in any of the organisations, in the pools' order."""
    orgs = set().union(*wanted)
    return list(
        Alliance.objects.exclude(status=Alliance.Status.CLOSED)
        .filter(sides__organisation_id__in=orgs)
        .distinct()
        .prefetch_related("sides")
    )


def _fit_pools(
    wanted: set[frozenset[int]],
    members: list[Alliance],
    read: Callable[[Alliance, int | None], Inputs],
) -> Pools:
    """Pool the members' observations (each scope's inputs, by ``read``) and fit each pool."""
    orgs = set().union(*wanted)
    joint: dict[frozenset[int], list[engine.Observation]] = defaultdict(list)
    own: dict[int, list[engine.Observation]] = defaultdict(list)
    for alliance in members:
        pair = _organisations(alliance)
        if pair in wanted:
            joint[pair] += read(alliance, None).observations
        for side in alliance.sides.all():
            if side.organisation_id in orgs:
                own[side.organisation_id] += read(alliance, side.pk).observations
    pools: Pools = {}
    for pair, observations in joint.items():
        if observations:
            pools[("joint", pair)] = engine.fit(observations)
    for org, observations in own.items():
        if observations:
            pools[("side", org)] = engine.fit(observations)
    return pools


def measure_specs(alliance: Alliance) -> dict[str, engine.MeasureSpec]:
    """The team's own dimensions under their own names (the engine reads them as 1-5 scores)."""
    specs = {}
    for key, text in Measure.objects.filter(alliance=alliance).values_list("key", "label"):
        if key not in engine.CATALOGUE:
            specs[key] = replace(spec_for(key), label=text[:1].lower() + text[1:])
    return specs


@dataclass
class ScanResult:
    created: list[Alert] = field(default_factory=list)
    updated: list[Alert] = field(default_factory=list)
    unchanged: int = 0


def _signature(a: engine.Alert) -> tuple[str, str, str, str]:
    return (a.period, a.measure, a.rule, a.side)


def scan_alliance(
    alliance: Alliance, *, notify: bool = True, pools: Pools | None = None, actor: Any = None
) -> ScanResult:
    """Scan one alliance, store its alerts (idempotent) and route the new ones. ``actor``
    is the user who asked for the scan; the scheduled scan has none.

    The per-alliance path, through the ORM: the reference of the set-based ``scan_all``
    (and what the demo builder runs once per story)."""
    sides = list(alliance.sides.order_by("id"))
    if pools is None:
        pools = noise_pools([alliance])
    found = _found(sides, pools, lambda side_id, noise: run_engine(alliance, side_id, noise))
    result = ScanResult()
    with transaction.atomic():
        stored = {a.key: a for a in Alert.objects.select_for_update().filter(alliance=alliance)}
        labels = dict(Measure.objects.filter(alliance=alliance).values_list("key", "label"))
        for owner, a in found:
            _store(alliance, sides, owner, a, stored, result, labels, actor)
    if notify:
        _route_fresh(alliance, result)
    return result


def _found(
    sides: list[Side],
    pools: Pools,
    run: Callable[[int | None, engine.NoiseModel | None], list[engine.Alert]],
) -> list[tuple[Side | None, engine.Alert]]:
    """The alerts to store: every joint alert, and each side's alerts that its private data
    adds or makes more severe (``run(side_id, noise)`` scans one scope)."""
    found: list[tuple[Side | None, engine.Alert]] = []
    joint_noise = pools.get(("joint", frozenset(s.organisation_id for s in sides)))
    joint = {_signature(a): a for a in run(None, joint_noise)}
    found += [(None, a) for a in joint.values()]
    for side in sides:
        for a in run(side.pk, pools.get(("side", side.organisation_id))):
            same = joint.get(_signature(a))
            if same is None or SEVERITY[a.severity] > SEVERITY[same.severity]:
                found.append((side, a))
    return found


def _route_fresh(alliance: Alliance, result: ScanResult) -> None:
    fresh = [a for a in result.created + result.updated if is_recent(a.period)]
    route(alliance, [a for a in fresh if a.severity >= NOTIFY_FROM])


def is_recent(period: str, today: date | None = None) -> bool:
    """This period or the one before (by the calendar): what is worth an email or a place on
    the portfolio. Older alerts stay on the alliance's page as history."""
    today = today or timezone.localdate()
    kind, ordinal = period_ordinal(period)
    now = (
        today.year * 4 + (today.month - 1) // 3
        if kind == "quarter"
        else today.year * 12 + today.month - 1
    )
    return ordinal >= now - 1


def _store(
    alliance: Alliance,
    sides: list[Side],
    side: Side | None,
    a: engine.Alert,
    stored: dict[str, Alert],
    result: ScanResult,
    labels: dict[str, str],
    actor: Any = None,
    seen: list[int] | None = None,
    now: Any = None,
) -> None:
    """Create, update (each audited) or leave the stored alert of ``a``'s key. An alert found
    unchanged gets its ``last_seen_at`` now, or, given ``seen``, joins it to be stamped in
    bulk by the caller."""
    scope = "joint" if side is None else f"side-{side.pk}"
    key = "|".join((scope, a.period, a.measure, a.rule, a.side))[:200]
    values = {
        "period": a.period,
        "measure": a.measure,
        "label": labels.get(a.measure) or _engine_label(a.measure),
        "rule": a.rule,
        "severity": SEVERITY[a.severity],
        "sides": a.side,
        "evidence": a.evidence,
        "next_step": a.next_step,
        "p_value": a.p_value,
        "values": [{"period": p, "value": round(v, 4)} for p, v in a.values],
    }
    now = now or timezone.now()
    alert = stored.get(key)
    if alert is None:
        alert = Alert.objects.create(
            alliance=alliance,
            owner_side=side or sides[0],
            visibility=JOINT if side is None else PRIVATE,
            key=key,
            last_seen_at=now,
            **values,
        )
        audit.log(actor, "create", alert, after=audit.snapshot(alert))
        stored[key] = alert
        result.created.append(alert)
        return
    changed = {k: v for k, v in values.items() if getattr(alert, k) != v}
    if not changed:
        if seen is None:
            Alert.objects.filter(pk=alert.pk).update(last_seen_at=now)
        else:
            seen.append(alert.pk)
        result.unchanged += 1
        return
    before = audit.snapshot(alert)
    for k, v in changed.items():
        setattr(alert, k, v)
    alert.last_seen_at = now
    alert.save()
    audit.log(actor, "update", alert, before=before, after=audit.snapshot(alert))
    result.updated.append(alert)


# Routing --------------------------------------------------------------------------------


def recipients(alert: Alert) -> list[Any]:
    """Managers and admins of each side that may see the alert: every side for a joint
    alert, the owner side only for a private one."""
    sides = [side for side in alert.alliance.sides.all() if side_sees(side.pk, alert)]
    organisation_ids = [s.organisation_id for s in sides]
    memberships = Membership.objects.filter(
        organisation_id__in=organisation_ids,
        role__in=[Role.MANAGER, Role.ADMIN],
        user__is_active=True,
    ).select_related("user")
    return list({m.user_id: m.user for m in memberships}.values())


def _mode(user: Any) -> str:
    pref = AlertPreference.objects.filter(user=user).first()
    return pref.mode if pref else AlertPreference.Mode.IMMEDIATE


def route(alliance: Alliance, alerts: Iterable[Alert]) -> int:
    """Queue each alert for its recipients and email those who want one email per alert."""
    emailed = 0
    for alert in alerts:
        for user in recipients(alert):
            delivery, created = AlertDelivery.objects.get_or_create(alert=alert, user=user)
            if not created or delivery.emailed_at is not None:
                continue
            if _mode(user) == AlertPreference.Mode.IMMEDIATE:
                _send(user, [alert], f"{alert.get_severity_display()}: {alliance} — {label(alert)}")
                delivery.emailed_at = timezone.now()
                delivery.save(update_fields=["emailed_at"])
                emailed += 1
    return emailed


def send_digests(*, force: bool = False) -> int:
    """One email per person who chose the digest, with every alert queued for them since
    their last digest (at most one a day unless ``force``)."""
    sent = 0
    now = timezone.now()
    pending = AlertDelivery.objects.filter(emailed_at=None).select_related("user")
    by_user: dict[int, list[AlertDelivery]] = defaultdict(list)
    for delivery in pending:
        by_user[delivery.user_id].append(delivery)
    for deliveries in by_user.values():
        user = deliveries[0].user
        pref = AlertPreference.objects.filter(user=user).first()
        if pref is None or pref.mode != AlertPreference.Mode.DIGEST:
            continue
        if (
            not force
            and pref.last_digest_at
            and (now - pref.last_digest_at).total_seconds() < 20 * 3600
        ):
            continue
        # Re-read through the visibility rule: a person who left a side since gets nothing of it.
        alerts = list(
            Alert.objects.visible_to(user)
            .filter(pk__in=[d.alert_id for d in deliveries])
            .select_related("alliance")
        )
        if alerts:
            _send(user, alerts, f"detente: {len(alerts)} early-warning alert(s)")
        AlertDelivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(emailed_at=now)
        pref.last_digest_at = now
        pref.save(update_fields=["last_digest_at"])
        sent += 1
    return sent


def label(alert: Alert) -> str:
    return label_of(alert.label, alert.measure)


def label_of(text: str, measure: str) -> str:
    """An alert's label from its stored text, else the engine's name for its measure."""
    return text or _engine_label(measure)


def _engine_label(measure: str) -> str:
    if measure == "all":
        return "several measures at once"
    if measure in ENGINE_SIGNAL_KINDS:
        return ENGINE_SIGNAL_KINDS[measure]
    return spec_for(measure).label


def _send(user: Any, alerts: list[Alert], subject: str) -> None:
    from django.conf import settings  # noqa: PLC0415

    items = [
        {
            "alert": a,
            "label": label(a),
            "url": settings.SITE_URL
            + reverse("health_alerts", args=[a.alliance_id])
            + f"#alert-{a.pk}",
        }
        for a in alerts
    ]
    # Sent by a job (docs/notifications.md); the key makes a re-run queue nothing new.
    which = hashlib.sha256((",".join(str(a.pk) for a in alerts) + subject).encode()).hexdigest()
    queue_email(
        f"alerts:{user.pk}:{which}",
        user.email,
        subject,
        render_to_string("health/email/alerts.txt", {"user": user, "items": items}),
    )


# The set-based scan ---------------------------------------------------------------------
#
# ``scan_all`` reads every scanned alliance (and every member of their pools) in a fixed
# number of queries (``batch.Snapshot``), builds each (alliance, scope) input once for the
# pools and the scan alike, and runs the engine only on the alliances whose fingerprint
# changed since their last scan (all of them with ``force``). Alerts are stored by batches
# of ``STORE_BATCH`` alliances, each batch in one transaction (all or nothing): one read of
# the batch's stored alerts, each new or changed alert created or updated and audited one
# by one as in ``scan_alliance``, one update stamping the unchanged ones, one upsert of the
# fingerprints. New alerts are routed after their batch commits, as ``scan_alliance`` does.

STORE_BATCH = 200
# Part of every fingerprint: bump it when what the scan stores changes without its inputs
# changing (the version of detente is part of it too, so an upgrade rescans everything).
FINGERPRINT_VERSION = "1"


def scan_all(
    alliances: Iterable[Alliance],
    *,
    notify: bool = True,
    progress: bool = False,
    force: bool = False,
    actor: Any = None,
) -> dict[str, int]:
    """Scan the alliances set-based and incrementally; return the totals: ``alliances``
    (run through the engine), ``skipped`` (unchanged since their last scan), ``created``,
    ``updated`` and ``unchanged`` alerts. ``force``: run every alliance (``--all``, the
    page's button). ``actor``: the user who asked (audited on each change)."""
    from tqdm import tqdm  # noqa: PLC0415

    from detente.health.batch import Snapshot  # noqa: PLC0415
    from detente.health.models import ScanState  # noqa: PLC0415

    totals = {"alliances": 0, "skipped": 0, "created": 0, "updated": 0, "unchanged": 0}
    items = list(alliances)
    if not items:
        return totals
    ids = [a.pk for a in items]
    organisations: dict[int, set[int]] = defaultdict(set)
    for alliance_id, organisation_id in Side.objects.filter(alliance_id__in=ids).values_list(
        "alliance_id", "organisation_id"
    ):
        organisations[alliance_id].add(organisation_id)
    wanted = {frozenset(organisations[pk]) for pk in ids}
    members = _pool_members(wanted)
    snapshot = Snapshot(ids + [m.pk for m in members])
    pools = _fit_pools(wanted, members, lambda a, side_id: snapshot.inputs(a.pk, side_id))
    digests = {key: _digest(model) for key, model in pools.items()}
    fingerprints = {pk: _fingerprint(snapshot, pk, digests) for pk in ids}
    last = dict(
        ScanState.objects.filter(alliance_id__in=ids).values_list("alliance_id", "fingerprint")
    )
    due = [a for a in items if force or last.get(a.pk) != fingerprints[a.pk]]
    skipped = [pk for pk in ids if not force and last.get(pk) == fingerprints[pk]]
    totals["skipped"] = len(skipped)
    if skipped:
        _seen_again(skipped)

    found: dict[int, list[tuple[Side | None, engine.Alert]]] = {}
    alerts = _engine_runs(due, snapshot, pools)
    for alliance in due:
        pk = alliance.pk
        found[pk] = _found(snapshot.sides(pk), pools, partial(_ran, alerts, pk))

    bar = tqdm(total=len(due), desc="scanning", unit="alliance", disable=not progress)
    for start in range(0, len(due), STORE_BATCH):
        batch = due[start : start + STORE_BATCH]
        results = _store_batch(batch, snapshot, found, fingerprints, actor)
        for alliance, result in zip(batch, results, strict=True):
            totals["alliances"] += 1
            totals["created"] += len(result.created)
            totals["updated"] += len(result.updated)
            totals["unchanged"] += result.unchanged
            if notify:
                _route_fresh(alliance, result)
            bar.update(1)
    bar.close()
    return totals


Run = tuple[int, int | None]  # (alliance, scope)


def _engine_runs(
    due: list[Alliance], snapshot: Snapshot, pools: Pools
) -> dict[Run, list[engine.Alert]]:
    """The engine's alerts for every scope of every due alliance, as ``run_engine`` gives
    them one by one. Scopes that share their settings (pool noise model, false-alarm budget,
    the team's own measures, months or quarters) are scanned together in one call: with the
    noise model given, an alliance's alerts do not depend on the others scanned with it
    (tests/health/test_health_batch.py checks it). A scope without a pool model (the engine
    then fits on its own data) or mixing months and quarters runs alone, as before."""
    groups: dict[tuple[Any, ...], list[Run]] = {}
    out: dict[Run, list[engine.Alert]] = {}
    for alliance in due:
        pk = alliance.pk
        sides = snapshot.sides(pk)
        rate = snapshot.plan(pk).false_alarm_rate
        specs = tuple(sorted(snapshot.measure_specs(pk).items()))
        pair = ("joint", frozenset(s.organisation_id for s in sides))
        for scope, pool in [(None, pair), *((s.pk, ("side", s.organisation_id)) for s in sides)]:
            data = snapshot.inputs(pk, scope)
            if not data.observations and not data.signals:
                out[(pk, scope)] = []
                continue
            kinds = frozenset("quarter" if "Q" in o.period else "month" for o in data.observations)
            alone = pools.get(pool) is None or len(kinds) > 1
            key = (pool, rate, specs, kinds, (pk, scope) if alone else None)
            groups.setdefault(key, []).append((pk, scope))
    for (pool, rate, specs, _, _), runs in groups.items():
        observations: list[engine.Observation] = []
        signals: list[engine.Signal] = []
        for run in runs:
            data = snapshot.inputs(*run)
            observations += data.observations
            signals += data.signals
        settings = engine.Settings(
            false_alarm_rate=rate, measures=dict(specs), noise=pools.get(pool)
        )
        by_alliance: dict[str, list[engine.Alert]] = defaultdict(list)
        for a in engine.scan(observations, signals, settings):
            by_alliance[a.alliance].append(a)
        for run in runs:
            out[run] = by_alliance.get(str(run[0]), [])
    return out


def _ran(
    alerts: dict[Run, list[engine.Alert]],
    pk: int,
    side_id: int | None,
    noise: engine.NoiseModel | None,
) -> list[engine.Alert]:
    return alerts[(pk, side_id)]


def _store_batch(
    batch: list[Alliance],
    snapshot: Snapshot,
    found: dict[int, list[tuple[Side | None, engine.Alert]]],
    fingerprints: dict[int, str],
    actor: Any,
) -> list[ScanResult]:
    """Store the batch's alerts and fingerprints in one transaction."""
    from detente.health.models import ScanState  # noqa: PLC0415

    now = timezone.now()
    results = []
    seen: list[int] = []
    with transaction.atomic():
        stored: dict[int, dict[str, Alert]] = defaultdict(dict)
        alerts = Alert.objects.select_for_update().filter(alliance_id__in=[a.pk for a in batch])
        for alert in alerts:
            stored[alert.alliance_id][alert.key] = alert
        for alliance in batch:
            pk, result = alliance.pk, ScanResult()
            sides, labels = snapshot.sides(pk), snapshot.labels(pk)
            for owner, a in found[pk]:
                _store(alliance, sides, owner, a, stored[pk], result, labels, actor, seen, now)
            results.append(result)
        if seen:
            Alert.objects.filter(pk__in=seen).update(last_seen_at=now)
        ScanState.objects.bulk_create(
            [
                ScanState(alliance_id=a.pk, fingerprint=fingerprints[a.pk], scanned_at=now)
                for a in batch
            ],
            update_conflicts=True,
            unique_fields=["alliance"],
            update_fields=["fingerprint", "scanned_at"],
        )
    return results


def _seen_again(alliance_ids: list[int]) -> None:
    """Skipped alliances: the alerts their last scan found (stamped with its time) would be
    found again, so they are stamped as seen now, as a run of the engine would."""
    from detente.health.models import ScanState  # noqa: PLC0415

    now = timezone.now()
    last_scan = ScanState.objects.filter(alliance_id=OuterRef("alliance_id")).values("scanned_at")
    with transaction.atomic():
        Alert.objects.filter(
            alliance_id__in=alliance_ids, last_seen_at__gte=Subquery(last_scan)
        ).update(last_seen_at=now)
        ScanState.objects.filter(alliance_id__in=alliance_ids).update(scanned_at=now)


def _fingerprint(snapshot: Snapshot, pk: int, digests: dict[tuple[str, object], str]) -> str:
    """sha256 of everything the scan of the alliance reads and stores from: each scope's
    inputs, the noise models of its pools, its plan's false-alarm budget and period, its
    measures' names and labels, its sides, and the current period."""
    sides = snapshot.sides(pk)
    plan = snapshot.plan(pk)
    pair = frozenset(s.organisation_id for s in sides)
    h = hashlib.sha256()
    head = (
        FINGERPRINT_VERSION,
        detente.__version__,
        pk,
        [(s.pk, str(s), s.organisation_id) for s in sides],
        plan.false_alarm_rate.hex(),
        plan.period_kind,
        period_of(snapshot.today, plan),
        list(snapshot.labels(pk).items()),
        digests.get(("joint", pair)),
        [digests.get(("side", s.organisation_id)) for s in sides],
    )
    h.update(repr(head).encode())
    for scope in [None, *(s.pk for s in sides)]:
        data = snapshot.inputs(pk, scope)
        h.update(b"|scope %r|" % scope)
        h.update(repr([(o.period, o.side, o.measure, o.value.hex()) for o in data.observations]).encode())  # fmt: skip
        h.update(repr([(s.period, s.kind, s.side, s.note) for s in data.signals]).encode())
    return h.hexdigest()


def _digest(model: engine.NoiseModel) -> str:
    """sha256 of a fitted noise model, every number exactly."""
    return hashlib.sha256(repr(_canonical(model)).encode()).hexdigest()


def _canonical(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__,) + tuple(
            (f.name, _canonical(getattr(value, f.name))) for f in fields(value)
        )
    if isinstance(value, dict):
        return tuple(sorted((str(k), _canonical(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_canonical(v) for v in value)
    if isinstance(value, float | np.floating):
        return float(value).hex()
    if isinstance(value, np.integer):
        return int(value)
    return value


def scan_each(
    alliances: Iterable[Alliance], *, notify: bool = True, progress: bool = False
) -> dict[str, int]:
    """The per-alliance scan (``scan_alliance`` one by one after ``noise_pools``), as
    ``detente scan`` ran before the set-based scan: the reference of tests and benchmarks."""
    from tqdm import tqdm  # noqa: PLC0415

    totals = {"alliances": 0, "skipped": 0, "created": 0, "updated": 0, "unchanged": 0}
    items = list(alliances)
    pools = noise_pools(items)
    for alliance in tqdm(items, desc="scanning", unit="alliance", disable=not progress):
        result = scan_alliance(alliance, notify=notify, pools=pools)
        totals["alliances"] += 1
        totals["created"] += len(result.created)
        totals["updated"] += len(result.updated)
        totals["unchanged"] += result.unchanged
    return totals


# Triage ---------------------------------------------------------------------------------


@dataclass
class Triage:
    status: str  # open, acknowledged, snoozed
    action: Any = None  # the user's side's latest AlertAction


def triage(user: Any, alerts: Iterable[Alert]) -> dict[int, Triage]:
    """Where each alert stands for the user's own side: open, acknowledged or snoozed.
    Actions are private to the side that took them, so this reads them through the rule."""
    from detente.health.models import AlertAction  # noqa: PLC0415

    ids = [a.pk for a in alerts]
    out = {pk: Triage("open") for pk in ids}
    today = timezone.localdate()
    actions = (
        AlertAction.objects.visible_to(user).filter(alert_id__in=ids).order_by("created_at", "id")
    )
    for action in actions.select_related("created_by"):
        if action.kind == action.Kind.ACKNOWLEDGE:
            out[action.alert_id] = Triage("acknowledged", action)
        elif action.snoozed_until and action.snoozed_until > today:
            out[action.alert_id] = Triage("snoozed", action)
        else:
            out[action.alert_id] = Triage("open", action)
    return out
