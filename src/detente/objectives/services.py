"""Actions on objectives, KPIs and measurements. Each runs in one transaction and audits itself.

Saving a measurement also compares it with the other sides' values for the same KPI and
period, in the same transaction, and puts a ``kpi_discrepancy`` signal on the timeline
when they differ beyond the KPI's tolerance; and when the KPI is the counter-metric of a
guardrail and the value is outside the guardrail's band, it puts a "Guardrail breached"
signal (kind ``other``) there too.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.forms import ModelForm
from django.utils import timezone

from detente import audit
from detente.alliances.models import Signal
from detente.objectives.models import KPI, Guardrail, Measurement, Objective, number_text
from detente.records import services as record_services
from detente.records.models import Side, Visibility
from detente.records.visibility import AllianceAccess, side_sees


def value_text(value: Decimal, unit: str) -> str:
    n = number_text(value)
    if not unit:
        return n
    return f"{n}{unit}" if unit == "%" else f"{n} {unit}"


@transaction.atomic
def save_measurement(
    access: AllianceAccess, form: ModelForm, *, before: dict | None = None
) -> tuple[Measurement, list[Signal]]:
    """Save a validated MeasurementForm, audit it, and record any discrepancy it reveals."""
    measurement = record_services.save_form(access, form, before=before)
    signals = detect_discrepancies(access.user, measurement)
    return measurement, signals + detect_guardrail_breaches(access.user, measurement)


def _viewer_sides(a: Measurement, b: Measurement) -> list[int]:
    """The sides that may see both values: a private value is seen only by its own side."""
    candidates = [a.owner_side_id, b.owner_side_id]
    return [side_id for side_id in candidates if all(side_sees(side_id, m) for m in (a, b))]


def detect_discrepancies(
    actor: Any, measurement: Measurement, today: date | None = None
) -> list[Signal]:
    """Compare ``measurement`` with the other sides' values for its KPI and period.

    This looks at every side's values, private ones included, on purpose: it is the system
    comparing two ledgers, not a user reading them. What it writes obeys the visibility rule:
    the signal is joint only when both values are joint; otherwise it is private to the side
    that may see both values, and when neither side may (both values private) nothing is
    written, since any signal would tell one side about the other's private number.
    """
    kpi = measurement.kpi
    today = today or timezone.localdate()
    others = (
        Measurement.objects.filter(kpi=kpi, period=measurement.period)
        .exclude(owner_side_id=measurement.owner_side_id)
        .select_related("owner_side__organisation")
    )
    sides = {
        s.pk: s
        for s in Side.objects.filter(alliance_id=measurement.alliance_id).select_related(
            "organisation"
        )
    }
    created: list[Signal] = []
    for other in others:
        gap = abs(measurement.value - other.value)
        allowed = kpi.allowed_gap(measurement.value, other.value)
        if gap <= allowed:
            continue
        first, second = sorted((measurement, other), key=lambda m: m.owner_side_id)
        joint = first.visibility == Visibility.JOINT and second.visibility == Visibility.JOINT
        owners = [measurement.owner_side_id] if joint else _viewer_sides(measurement, other)
        title = (
            f"{kpi.name[:80]} {measurement.period}: {sides[first.owner_side_id]} "
            f"{value_text(first.value, kpi.unit)} vs {sides[second.owner_side_id]} "
            f"{value_text(second.value, kpi.unit)}"
        )[:200]
        notes = (
            f"{sides[first.owner_side_id]} reported {value_text(first.value, kpi.unit)} and "
            f"{sides[second.owner_side_id]} reported {value_text(second.value, kpi.unit)} for "
            f"{measurement.period}. They differ by {value_text(gap, kpi.unit)}, beyond the "
            f"tolerance of {kpi.tolerance_text()} set on the KPI."
        )
        if kpi.agreed_definition:
            notes += f"\nAgreed definition: {kpi.agreed_definition}"
        severity = (
            Signal.Severity.HIGH if allowed > 0 and gap >= 3 * allowed else Signal.Severity.MEDIUM
        )
        for owner in owners:
            visibility = Visibility.JOINT if joint else Visibility.PRIVATE
            exists = Signal.objects.filter(
                alliance_id=measurement.alliance_id,
                owner_side_id=owner,
                visibility=visibility,
                kind=Signal.Kind.KPI_DISCREPANCY,
                title=title,
            ).exists()
            if exists:  # the same two values were already flagged (e.g. a re-imported file)
                continue
            signal = Signal.objects.create(
                alliance_id=measurement.alliance_id,
                owner_side_id=owner,
                visibility=visibility,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
                date=today,
                kind=Signal.Kind.KPI_DISCREPANCY,
                severity=severity,
                title=title,
                notes=notes,
            )
            audit.log(actor, "create", signal, after=audit.snapshot(signal))
            created.append(signal)
    return created


def _breach(g: Guardrail, value: Decimal) -> tuple[str, Decimal] | None:
    """("below"/"above", the bound) when ``value`` is outside the guardrail's band."""
    if g.lower is not None and (value <= g.lower if g.lower_strict else value < g.lower):
        return "below", g.lower
    if g.upper is not None and (value >= g.upper if g.upper_strict else value > g.upper):
        return "above", g.upper
    return None


def _sees(side_id: int, records: list[Any]) -> bool:
    return all(side_sees(side_id, r) for r in records)


def breach_reference(g: Guardrail, period: str) -> str:
    """The line in a breach signal's notes that names its guardrail and period: one signal
    per guardrail, period and reader, however often the value is saved or imported."""
    return f"Guardrail {g.pk}, period {period}."


def detect_guardrail_breaches(
    actor: Any, measurement: Measurement, today: date | None = None
) -> list[Signal]:
    """Put a signal on the timeline for each guardrail whose counter-metric is this
    measurement's KPI and whose band the value leaves.

    The signal names the value, so it obeys the visibility rule of everything it rests on:
    the guardrail, the measurement and both KPIs' objectives. It is joint only when all of
    them are joint; otherwise it is private to each side that sees all of them (the
    guardrail's side, the reporting side), and when no side does, nothing is written.
    """
    today = today or timezone.localdate()
    guardrails = Guardrail.objects.filter(
        alliance_id=measurement.alliance_id, counter_kpi_id=measurement.kpi_id
    ).select_related("kpi__objective", "counter_kpi__objective")
    created: list[Signal] = []
    for g in guardrails:
        breach = _breach(g, measurement.value)
        if breach is None:
            continue
        side, bound = breach
        counter = g.counter_kpi
        basis = [g, measurement, g.kpi.objective, counter.objective]
        joint = all(r.visibility == Visibility.JOINT for r in basis)
        if joint:
            owners = [measurement.owner_side_id]
        else:
            owners = [
                s
                for s in dict.fromkeys([g.owner_side_id, measurement.owner_side_id])
                if _sees(s, basis)
            ]
        visibility = Visibility.JOINT if joint else Visibility.PRIVATE
        strict = g.lower_strict if side == "below" else g.upper_strict
        title = (
            f"Guardrail breached: {counter.name[:80]} {value_text(measurement.value, counter.unit)}"
            f" {side} the {value_text(bound, counter.unit)} bound in {measurement.period}"
        )[:200]
        reporter = measurement.owner_side
        notes = (
            f"{reporter} reported {value_text(measurement.value, counter.unit)} for "
            f"{counter.name} in {measurement.period}. The guardrail kept while pursuing "
            f"{g.kpi.name} requires {counter.name} to stay "
            f"{'strictly ' if strict else ''}{'at least' if side == 'below' else 'at most'} "
            f"{value_text(bound, counter.unit)}; the value is "
            f"{value_text(abs(measurement.value - bound), counter.unit)} {side} it.\n"
            f"{breach_reference(g, measurement.period)}"
        )
        for owner in owners:
            # A joint signal is every side's, whichever side's value raised it first.
            seen = Signal.objects.visible_to_side(
                owner if visibility == Visibility.PRIVATE else None
            )
            exists = seen.filter(
                alliance_id=measurement.alliance_id,
                kind=Signal.Kind.OTHER,
                title__startswith="Guardrail breached:",
                notes__endswith=breach_reference(g, measurement.period),
            ).exists()
            if exists:
                continue
            signal = Signal.objects.create(
                alliance_id=measurement.alliance_id,
                owner_side_id=owner,
                visibility=visibility,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
                date=today,
                kind=Signal.Kind.OTHER,
                severity=Signal.Severity.MEDIUM,
                title=title,
                notes=notes,
            )
            audit.log(actor, "create", signal, after=audit.snapshot(signal))
            created.append(signal)
    return created


@transaction.atomic
def save_kpi(access: AllianceAccess, form: ModelForm, *, before: dict | None = None) -> KPI:
    kpi = form.save()
    audit.log(
        access.user,
        "create" if before is None else "update",
        kpi,
        before=before,
        after=audit.snapshot(kpi),
        alliance=access.alliance,
    )
    return kpi


def _delete_audited(access: AllianceAccess, instance: Any) -> None:
    before = audit.snapshot(instance)
    audit.log(access.user, "delete", instance, before=before, alliance=access.alliance)


@transaction.atomic
def delete_kpi(access: AllianceAccess, kpi: KPI) -> None:
    """Delete a KPI with every side's measurements of it, each deletion audited.

    Each measurement's audit entry keeps that measurement's visibility, so a side's private
    values stay out of the other side's audit log.
    """
    for measurement in kpi.measurements.all():
        _delete_audited(access, measurement)
    # Guardrails on it go with it (the database cascades); each keeps its own visibility.
    for guardrail in Guardrail.objects.filter(Q(kpi=kpi) | Q(counter_kpi=kpi)):
        _delete_audited(access, guardrail)
    _delete_audited(access, kpi)
    kpi.delete()


@transaction.atomic
def delete_objective(access: AllianceAccess, objective: Objective) -> None:
    for kpi in objective.kpis.all():
        kpi.objective = objective  # audit reads visibility through the objective
        delete_kpi(access, kpi)
    record_services.delete_record(access, objective)
