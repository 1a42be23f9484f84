"""The audit log: who created, changed or deleted what, when, with the values before and after.

Rows are written by the code that makes the change (``detente.audit.log``), never by model
signals, which bulk operations skip. An entry inherits the visibility of the record it
describes, so each side reads the audit of what it may see through the same rule
(``detente.records.audit_reading``). The audit sits below everything that changes data, the
record core included, so it imports no other part of detente.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Deleted"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=6, choices=Action.choices)
    model = models.CharField(max_length=60, help_text="app_label.model of the record")
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(max_length=200)
    alliance = models.ForeignKey(
        "alliances.Alliance", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    owner_side = models.ForeignKey(
        "alliances.Side", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    visibility = models.CharField(max_length=7, default="joint")
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["alliance", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.model} {self.object_repr}"

    @property
    def changes(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for each field whose value differs."""
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
