"""A comment is a record of its own: joint (the joint thread of a joint record) or private
to its side (that side's internal thread). So the one visibility rule reads threads too."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from detente.records.models import AllianceRecord


class Comment(AllianceRecord):
    target_kind = models.CharField(max_length=20)
    target_id = models.PositiveBigIntegerField()
    body = models.TextField(max_length=5000)
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["alliance", "target_kind", "target_id"])]

    def __str__(self) -> str:
        # The audit log and the activity feed show this: no body, no record title, so an
        # entry says no more than that a comment was made on a kind of record.
        return f"Comment #{self.pk} on a {self.target_kind}"

    @property
    def thread(self) -> str:
        return "joint" if self.visibility == "joint" else "internal"
