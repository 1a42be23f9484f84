"""The alliance agreement, one immutable document per version.

A version is one ``AllianceRecord`` row whose ``content`` holds the six parts of the
agreement as a validated structured document (see ``detente.agreements.document``). One
row per version keeps immutability a single check (only a draft may change) and makes a
diff between any two versions a comparison of two documents, clause by clause, by the
stable key every clause keeps when a version is copied.

Signatures and waivers are child rows reached only through their version, so they follow
the version's visibility (their ``visibility`` and ``owner_side_id`` delegate to it, which
is also what the audit log reads).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from detente.records.models import AllianceRecord, Side


class FrozenVersion(Exception):
    """Raised when code tries to change or delete a version that is no longer a draft."""


class AgreementVersion(AllianceRecord):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PROPOSED = "proposed", "Proposed"
        IN_FORCE = "in_force", "In force"
        SUPERSEDED = "superseded", "Superseded"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # Fields that no longer change once the version has left the draft state.
    FROZEN_FIELDS = ("content", "title", "summary", "visibility", "owner_side_id", "based_on_id")

    number = models.PositiveIntegerField(
        null=True, blank=True, help_text="Given when the version is proposed; drafts have none."
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="What this version changes, in a sentence.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    content = models.JSONField(default=dict)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    in_force_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True, help_text="Superseded or withdrawn.")

    class Meta:
        # Drafts first, then the newest numbered version (the same on SQLite and PostgreSQL).
        ordering = [models.F("number").desc(nulls_first=True), "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "number"],
                condition=models.Q(number__isnull=False),
                name="one_agreement_number_per_alliance",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.title}"

    @property
    def label(self) -> str:
        return f"Version {self.number}" if self.number else f"Draft #{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_frozen(self) -> bool:
        """Only a draft may change; a proposed, signed, in-force or past version never does."""
        return not self.is_draft

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The last line of defence (pages, API and admin refuse earlier, with a message):
        # whatever path tries it, the content of a frozen version cannot be rewritten.
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).first()
            if stored is not None and stored.is_frozen:
                changed = [f for f in self.FROZEN_FIELDS if getattr(stored, f) != getattr(self, f)]
                if changed:
                    raise FrozenVersion(
                        f"{stored.label} is {stored.get_status_display().lower()} and cannot "
                        f"be changed ({', '.join(changed)}); start a new draft instead."
                    )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.is_frozen:
            raise FrozenVersion(f"{self.label} is not a draft and cannot be deleted.")
        return super().delete(*args, **kwargs)


class _ChildOfVersion(models.Model):
    """A row that belongs to a version and shares its visibility."""

    version: Any

    class Meta:
        abstract = True

    @property
    def alliance_id(self) -> int:
        return self.version.alliance_id

    @property
    def owner_side_id(self) -> int:
        return self.version.owner_side_id

    @property
    def visibility(self) -> str:
        return self.version.visibility


class Signature(_ChildOfVersion):
    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="signatures"
    )
    side = models.ForeignKey(Side, on_delete=models.CASCADE, related_name="+")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "side"], name="one_signature_per_side")
        ]

    def __str__(self) -> str:
        return f"{self.version.label} signed for {self.side}"


class Waiver(_ChildOfVersion):
    """A completeness gap the sides chose to leave open, with the reason."""

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="waivers")
    code = models.CharField(max_length=120)
    gap = models.CharField(max_length=300, help_text="The gap as the check worded it.")
    reason = models.TextField()
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    waived_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["waived_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="one_waiver_per_gap")
        ]

    def __str__(self) -> str:
        return f"Waived: {self.gap}"
