from __future__ import annotations

from django.conf import settings
from django.db import models


class FeedMark(models.Model):
    """When a person last looked at a feed: ``scope`` is "all" or "alliance:<id>"."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=40)
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "scope"], name="one_mark_per_feed")]

    def __str__(self) -> str:
        return f"{self.user} saw {self.scope} at {self.seen_at}"
