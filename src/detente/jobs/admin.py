from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from detente.jobs.models import OutgoingEmail, ScheduledRun


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ("subject", "to", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("status",)
    search_fields = ("to", "subject", "key")
    readonly_fields = ("key", "to", "subject", "body", "sent_at", "claimed_at", "last_error")
    actions = ["retry_now"]

    @admin.action(description="Retry now (back to the queue)")
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutgoingEmail]) -> None:
        from django.utils import timezone

        queryset.exclude(status="sent").update(status="pending", next_attempt_at=timezone.now())


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    list_display = ("name", "last_run_at")
