"""Negotiation rounds: joint issues and options, each side's private preferences, the
facilitator grants, and the acceptances that turn a package into an agreement draft.

The split between joint and private follows the product's first principle: the round, its
issues, the grants and the acceptances are joint; a side's ``SidePreferences`` row is
private to that side and is read only through ``AllianceAccess.records``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from detente.records.models import AllianceRecord
from detente.records.visibility import PRIVATE


class NegotiationRound(AllianceRecord):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        AGREED = "agreed", "Agreed"
        CLOSED = "closed", "Closed without a deal"

    title = models.CharField(max_length=200)
    purpose = models.TextField(blank=True, help_text="What the sides are re-negotiating and why.")
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    constraints = models.JSONField(
        default=list,
        blank=True,
        help_text="Joint constraints between options of different issues: "
        '[{"if": {issue: [options]}, "then_not": {issue: [options]}}].',
    )
    agreed_package = models.JSONField(
        null=True, blank=True, help_text="The package every side accepted: {issue: option}."
    )
    agreed_at = models.DateTimeField(null=True, blank=True)
    # The agreement draft created from the agreed package (an id, so this app does not
    # depend on the agreements app's migrations).
    agreement_version_id = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class NegotiationIssue(models.Model):
    """One issue of a round with its options. A child of the round: it is read only
    through a round the user may see (issues are always joint)."""

    round = models.ForeignKey(NegotiationRound, on_delete=models.CASCADE, related_name="issues")
    name = models.SlugField(max_length=60, help_text="Short key, e.g. revenue_share.")
    label = models.CharField(max_length=150, blank=True)
    options = models.JSONField(default=list, help_text="The options, as a list of text.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="one_issue_name_per_round")
        ]

    def __str__(self) -> str:
        return self.label or self.name

    @property
    def alliance_id(self) -> int:
        return self.round.alliance_id


class SidePreferences(AllianceRecord):
    """One side's preferences in one round. Always private to its owner side.

    ``weights`` {issue: w ≥ 0}, ``scores`` {issue: {option: 0..1}}, ``walk_away`` 0..1:
    exactly the engine's ``Preferences``. ``method`` says how they were entered.
    """

    class Method(models.TextChoices):
        DIRECT = "direct", "Weights and scores entered directly"
        RANKING = "ranking", "Estimated from rankings and comparisons"

    round = models.ForeignKey(NegotiationRound, on_delete=models.CASCADE, related_name="+")
    weights = models.JSONField(default=dict)
    scores = models.JSONField(default=dict)
    walk_away = models.DecimalField(max_digits=6, decimal_places=4, default=0)
    method = models.CharField(max_length=7, choices=Method.choices, default=Method.DIRECT)

    class Meta:
        verbose_name_plural = "side preferences"
        constraints = [
            models.UniqueConstraint(
                fields=["round", "owner_side"], name="one_preferences_per_side_and_round"
            )
        ]

    def __str__(self) -> str:
        return f"Preferences of side {self.owner_side_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Preferences are private by definition; no form or API may make them joint.
        self.visibility = PRIVATE
        super().save(*args, **kwargs)


class FacilitatorGrant(AllianceRecord):
    """A side's consent that ``user`` facilitates ``round``. Joint: both sides see who is
    named. The facilitator role is effective only once every side has granted it."""

    round = models.ForeignKey(NegotiationRound, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    # Not stored: set by the round page for the reader.
    can_revoke: bool

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "owner_side", "user"], name="one_grant_per_side_and_user"
            )
        ]

    def __str__(self) -> str:
        return f"Facilitator {self.user} (granted by side {self.owner_side_id})"


class Acceptance(AllianceRecord):
    """A side accepts one proposed package. Joint; a side's newer acceptance replaces its older."""

    round = models.ForeignKey(NegotiationRound, on_delete=models.CASCADE, related_name="+")
    package = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "owner_side"], name="one_acceptance_per_side_and_round"
            )
        ]

    def __str__(self) -> str:
        return "Accepts " + ", ".join(f"{k}={v}" for k, v in self.package.items())
