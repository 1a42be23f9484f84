"""The alliance's shared vision and the ideas (synergies) both sides add and vote on.

``VisionVersion`` is one revision of the joint vision text: written by one side (its owner
side, the author) and accepted by another. The accepted version with the highest number is
the vision; a newer proposal waits for the other side. Versions are always joint: the vision
is what both sides say together.

An ``Idea`` is joint, or private to its side while that side drafts it. ``IdeaVote`` is one
person's vote on one idea: a child of the idea, read only through an idea the reader may see,
so the votes on a side's private idea are neither visible nor countable by the other side.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from detente.records.models import AllianceRecord
from detente.records.visibility import JOINT


class VisionVersion(AllianceRecord):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted"
        SUPERSEDED = "superseded", "Replaced by a later proposal"

    number = models.PositiveIntegerField()
    text = models.TextField(help_text="The vision, in words both sides can sign.")
    summary = models.CharField(
        max_length=300, blank=True, help_text="What this revision changes, and why."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_side = models.ForeignKey(
        "alliances.Side", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "number"], name="one_vision_version_number_per_alliance"
            )
        ]

    def __str__(self) -> str:
        return f"Vision version {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The vision is what both sides say together: never private.
        self.visibility = JOINT
        super().save(*args, **kwargs)


class Idea(AllianceRecord):
    class Status(models.TextChoices):
        NEW = "new", "New"
        DISCUSSION = "discussion", "Under discussion"
        ADOPTED = "adopted", "Adopted"
        DROPPED = "dropped", "Dropped"

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="What the two sides could do together.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    # What the idea became (a conversion target's name and its record's id), if anything.
    converted_to = models.CharField(max_length=40, blank=True)
    converted_id = models.PositiveIntegerField(null=True, blank=True)
    converted_label = models.CharField(max_length=300, blank=True)
    converted_url = models.CharField(max_length=300, blank=True)
    converted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class IdeaVote(models.Model):
    """One person's vote on one idea: +1 or -1. A child of the idea (it has no visibility of
    its own); the audit entry of a vote takes the idea's visibility and side."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="one_vote_per_person_and_idea"),
            models.CheckConstraint(
                condition=models.Q(value__in=[1, -1]), name="a_vote_is_up_or_down"
            ),
        ]

    def __str__(self) -> str:
        return f"Vote {'for' if self.value > 0 else 'against'} {self.idea.title}"

    @property
    def alliance_id(self) -> int:
        return self.idea.alliance_id

    @property
    def visibility(self) -> str:
        return self.idea.visibility

    @property
    def owner_side_id(self) -> int:
        return self.idea.owner_side_id
