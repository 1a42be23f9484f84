"""Two ledgers, one metric: values beyond the KPI's tolerance raise a signal on the timeline."""

from decimal import Decimal

from detente.alliances.models import Signal
from detente.audit.models import AuditEntry
from detente.objectives import services
from detente.objectives.forms import MeasurementForm
from detente.records import audit_reading
from detente.records.visibility import get_alliance_access
from tests.objectives.conftest import measure


def report(cast, who, kpi, period, value, visibility="joint"):
    access = get_alliance_access(getattr(cast, who), cast.alliance.pk, write=True)
    form = MeasurementForm(
        data={
            "owner_side": access.my_side.pk,
            "kpi": kpi.pk,
            "period": period,
            "value": str(value),
            "visibility": visibility,
        },
        access=access,
    )
    assert form.is_valid(), form.errors
    return services.save_measurement(access, form)


def discrepancies():
    return Signal.objects.filter(kind="kpi_discrepancy")


def test_it_records_a_joint_signal_when_joint_values_differ_beyond_tolerance(cast, kpis):
    report(cast, "alice", kpis["roi"], "2026Q3", 10)
    _, signals = report(cast, "bob", kpis["roi"], "2026Q3", 7)
    assert len(signals) == 1
    signal = signals[0]
    assert signal.visibility == "joint" and signal.kind == "kpi_discrepancy"
    assert signal.owner_side == cast.side_b
    assert "10%" in signal.title and "7%" in signal.title and "2026Q3" in signal.title
    assert "tolerance of 1 %" in signal.notes or "tolerance of 1%" in signal.notes
    assert AuditEntry.objects.filter(model="alliances.signal", object_id=str(signal.pk)).exists()


def test_it_records_nothing_within_tolerance(cast, kpis):
    report(cast, "alice", kpis["roi"], "2026Q3", 10)
    _, signals = report(cast, "bob", kpis["roi"], "2026Q3", 9)  # gap 1 == tolerance
    assert signals == [] and not discrepancies().exists()


def test_it_compares_only_the_same_period(cast, kpis):
    report(cast, "alice", kpis["roi"], "2026Q2", 10)
    report(cast, "bob", kpis["roi"], "2026Q3", 2)
    assert not discrepancies().exists()


def test_a_percent_tolerance_scales_with_the_values(cast, kpis):
    kpi = kpis["roi"]
    kpi.tolerance, kpi.tolerance_kind, kpi.unit = Decimal("5"), "percent", "drivers"
    kpi.save()
    report(cast, "alice", kpi, "2026Q1", 5000)
    assert report(cast, "bob", kpi, "2026Q1", 4800)[1] == []  # 200 <= 5% of 5000
    assert len(report(cast, "bob", kpi, "2026Q2", 4000)[1]) == 0  # no value of A's yet
    _, signals = report(cast, "alice", kpi, "2026Q2", 5000)
    assert len(signals) == 1 and "5000 drivers" in signals[0].title


def test_a_reimport_of_the_same_values_does_not_repeat_the_signal(cast, kpis):
    report(cast, "alice", kpis["roi"], "2026Q3", 10)
    m, _ = report(cast, "bob", kpis["roi"], "2026Q3", 7)
    assert services.detect_discrepancies(cast.bob, m) == []
    assert discrepancies().count() == 1


def test_a_private_value_makes_the_signal_private_to_the_side_that_sees_both(cast, kpis):
    measure(kpis["roi"], cast.side_a, "2026Q3", "10.5", visibility="private")
    _, signals = report(cast, "bob", kpis["roi"], "2026Q3", 7)
    # Side A sees both values (its own private one and B's joint one); side B must not
    # learn A's private number, nor that it differs.
    assert [(s.owner_side, s.visibility) for s in signals] == [(cast.side_a, "private")]
    bob_sees = Signal.objects.visible_to(cast.bob).filter(kind="kpi_discrepancy")
    assert not bob_sees.exists()
    visible_audit = audit_reading.visible_to(cast.bob).filter(model="alliances.signal")
    assert not any("10.5" in str(e.after) for e in visible_audit)


def test_two_private_values_raise_nothing_anyone_could_read(cast, kpis):
    measure(kpis["roi"], cast.side_a, "2026Q3", 10, visibility="private")
    _, signals = report(cast, "bob", kpis["roi"], "2026Q3", 7, visibility="private")
    assert signals == [] and not discrepancies().exists()


def test_the_signal_is_written_in_the_same_transaction_as_the_value(cast, kpis, monkeypatch):
    import pytest

    report(cast, "alice", kpis["roi"], "2026Q3", 10)

    def broken(*args, **kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr("detente.objectives.services.audit.log", broken)
    with pytest.raises(RuntimeError):
        report(cast, "bob", kpis["roi"], "2026Q3", 7)
    assert not discrepancies().exists()
    assert kpis["roi"].measurements.count() == 1
