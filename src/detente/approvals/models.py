"""Internal approval of a joint record before it goes to the partner.

A side prepares a record (an agreement draft, its negotiation preferences, later a plan
version), names colleagues of its own side, and each approves or asks for changes. The
request and its answers are always private to the side that asks: the partner never
sees, counts or infers them. The record itself is untouched (no status of the joint
record changes while an approval is pending), so nothing shows on the partner's pages.

The record is named by ``kind`` (a key of ``detente.approvals.registry``) and its id, so
this app depends on no app whose records it approves; those apps register their kinds.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from detente.records.models import AllianceRecord
from detente.records.visibility import PRIVATE


class Decision(models.TextChoices):
    PENDING = "pending", "Waiting"
    APPROVED = "approved", "Approved"
    CHANGES = "changes", "Changes asked"


class ApprovalRequest(AllianceRecord):
    """One side's request that named colleagues approve one record. Always private."""

    kind = models.CharField(max_length=40)
    object_id = models.PositiveIntegerField()
    title = models.CharField(max_length=250, help_text="The record as it was named when asked.")
    note = models.TextField(blank=True, help_text="What the approvers should look at.")
    status = models.CharField(max_length=8, choices=Decision.choices, default=Decision.PENDING)
    # What the approvals cover: a digest of the record's content when approval was asked.
    # A record changed after that needs a new round.
    fingerprint = models.CharField(max_length=64, blank=True)
    round = models.PositiveSmallIntegerField(default=1)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "owner_side"], name="one_approval_request_per_side"
            )
        ]

    def __str__(self) -> str:
        return f"Approval of {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Internal by definition: no form or API may show it to the partner.
        self.visibility = PRIVATE
        super().save(*args, **kwargs)


class Approver(models.Model):
    """A colleague named on a request, with the answer of the current round. A child of the
    request: read only through a request the reader may see, and as private as it."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="approvers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=8, choices=Decision.choices, default=Decision.PENDING)
    comment = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "user"], name="one_answer_per_approver")
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.request.title}"

    @property
    def alliance_id(self) -> int:
        return self.request.alliance_id

    @property
    def owner_side_id(self) -> int:
        return self.request.owner_side_id

    @property
    def visibility(self) -> str:
        return PRIVATE
