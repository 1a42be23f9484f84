"""Objectives, their KPIs, and measurements reported by each side.

An objective is an alliance record (joint, or private to its owner side). A KPI is a child
row of one objective and is seen exactly when its objective is. A measurement is again an
alliance record: the owner side is the side that reported the value, and it may keep the
value private. Two sides reporting the same KPI for the same period keep two ledgers of one
metric; when they differ beyond the KPI's tolerance, a signal goes on the timeline
(``detente.objectives.services``).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from detente.objectives import kinds, periods
from detente.records.models import AllianceRecord


class Objective(AllianceRecord):
    class Scope(models.TextChoices):
        SHARED = "shared", "Shared by the alliance"
        SIDE = "side", "Our side's own objective"

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    scope = models.CharField(max_length=6, choices=Scope.choices, default=Scope.SHARED)

    class Meta:
        ordering = ["scope", "owner_side_id", "title"]

    def __str__(self) -> str:
        return self.title


class KPI(models.Model):
    """A measurable indicator of one objective; visible exactly when the objective is."""

    class Direction(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"

    class Frequency(models.TextChoices):
        QUARTER = periods.QUARTER, "Quarterly (2026Q1)"
        MONTH = periods.MONTH, "Monthly (2026-03)"

    class ToleranceKind(models.TextChoices):
        ABSOLUTE = "absolute", "In the KPI's unit"
        PERCENT = "percent", "Percent of the larger value"

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(max_length=200)
    metric = models.CharField(
        max_length=300, help_text="What is counted or computed, e.g. 'drivers with a first ride'."
    )
    unit = models.CharField(max_length=30, help_text="e.g. %, drivers, EUR k, days.")
    direction = models.CharField(max_length=6, choices=Direction.choices, default=Direction.HIGHER)
    # Left blank, it is inferred from the unit and name when saved (``kinds.infer_kind``).
    kind = models.CharField(
        max_length=8,
        choices=kinds.CHOICES,
        blank=True,
        help_text="A cumulative count adds up over the periods (drivers onboarded); a level, "
        "rate or duration is read as it stands (sites live, ROI %, triage hours). Leave it "
        "blank to infer it from the unit and name (a level when they do not say).",
    )
    target = models.DecimalField(max_digits=18, decimal_places=4)
    deadline = models.DateField()
    frequency = models.CharField(
        max_length=7,
        choices=Frequency.choices,
        default=Frequency.QUARTER,
        help_text="The period each measurement covers.",
    )
    agreed_definition = models.TextField(
        blank=True,
        help_text="The definition both sides agreed: sources, inclusions, exclusions, timing.",
    )
    tolerance = models.DecimalField(
        max_digits=18,
        decimal_places=4,
        default=Decimal("0"),
        help_text="How far two sides' values for the same period may differ before it is a "
        "discrepancy.",
    )
    tolerance_kind = models.CharField(
        max_length=8, choices=ToleranceKind.choices, default=ToleranceKind.ABSOLUTE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Not stored: set for the reader by the page that shows the KPI.
    latest: list[Measurement]  # objectives.views: each side's latest visible value
    latest_measurement: Measurement | None  # conflicts.linked: the latest visible value

    class Meta:
        ordering = ["objective_id", "name"]
        verbose_name = "KPI"
        verbose_name_plural = "KPIs"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.kind:
            self.kind = kinds.infer_kind(self.unit, self.name, self.metric)
        super().save(*args, **kwargs)

    @property
    def is_count(self) -> bool:
        """A cumulative count: its period values add up towards the target."""
        return kinds.is_summable(self.kind)

    @property
    def kind_short(self) -> str:
        """The kind in a few words: "duration", "rate or ratio"."""
        return kinds.SHORT.get(self.kind, self.kind)

    @property
    def lower_is_better(self) -> bool:
        return self.direction == self.Direction.LOWER

    # The audit log copies these from the record; a KPI inherits them from its objective.
    @property
    def alliance_id(self) -> int:
        return self.objective.alliance_id

    @property
    def owner_side_id(self) -> int:
        return self.objective.owner_side_id

    @property
    def visibility(self) -> str:
        return self.objective.visibility

    def allowed_gap(self, a: Decimal, b: Decimal) -> Decimal:
        """The largest difference between two reported values that is not a discrepancy."""
        if self.tolerance_kind == self.ToleranceKind.PERCENT:
            return self.tolerance / 100 * max(abs(a), abs(b))
        return self.tolerance

    def tolerance_text(self) -> str:
        if self.tolerance_kind == self.ToleranceKind.PERCENT:
            return f"{_num(self.tolerance)}% of the larger value"
        if self.unit == "%":
            return f"{_num(self.tolerance)}%"
        return f"{_num(self.tolerance)} {self.unit}".strip()


class Measurement(AllianceRecord):
    """A KPI's value for one period, as reported by the owner side."""

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="measurements")
    period = models.CharField(max_length=7, help_text="A quarter (2026Q1) or a month (2026-03).")
    period_start = models.DateField(editable=False)
    period_end = models.DateField(editable=False)
    value = models.DecimalField(max_digits=18, decimal_places=4)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["kpi_id", "period_start", "owner_side_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "owner_side", "period"], name="one_value_per_side_and_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kpi} {self.period}: {_num(self.value)}"

    def save(self, *args, **kwargs) -> None:
        period = periods.parse(self.period)
        self.period, self.period_start, self.period_end = period.label, period.start, period.end
        super().save(*args, **kwargs)


def _num(value: Decimal) -> str:
    """A decimal without trailing zeros: 7.0000 -> 7, 0.2500 -> 0.25."""
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


number_text = _num


class Guardrail(AllianceRecord):
    """A counter-metric that must stay within bounds while a primary KPI is pursued: "grow
    joint revenue while median triage time stays at most 3 hours".

    Both metrics are KPIs of the alliance. A guardrail is never seen by anyone who cannot
    see both KPIs: the form makes it private to the side of a private objective, and every
    read goes through ``detente.objectives.guardrails.visible_guardrails``, which also drops
    a guardrail whose KPI was made private after it was set.
    """

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="guardrails")
    counter_kpi = models.ForeignKey(
        KPI,
        on_delete=models.CASCADE,
        related_name="guarding",
        verbose_name="counter-metric",
        help_text="The KPI that must stay within the band while the primary KPI moves.",
    )
    lower = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    lower_strict = models.BooleanField(
        default=False, help_text="Strictly above the lower bound, rather than at least it."
    )
    upper = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    upper_strict = models.BooleanField(
        default=False, help_text="Strictly below the upper bound, rather than at most it."
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["kpi_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner_side", "kpi", "counter_kpi"], name="one_guardrail_per_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.counter_kpi.name} while pursuing {self.kpi.name}"
