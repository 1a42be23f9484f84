"""The secret behind a person's calendar links. No row means the first secret (empty);
resetting stores a new random one, and every link made with the old one stops working."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CalendarKey(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_key"
    )
    secret = models.CharField(max_length=64)
    reset_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "Calendar link"
