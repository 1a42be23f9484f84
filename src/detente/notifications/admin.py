from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from detente.notifications.models import Notification, Preference, Webhook, WebhookDelivery


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "alliance", "created_at", "read_at", "email")
    list_filter = ("kind", "email")
    search_fields = ("recipient__email", "key")


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "in_app", "email")


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ("__str__", "alliance", "owner_side", "active")
    exclude = ("secret",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("kind", "webhook", "status", "attempts", "next_attempt_at", "response_status")
    list_filter = ("status", "kind")
    readonly_fields = ("key", "payload", "last_error", "sent_at", "claimed_at", "response_status")
    actions = ["retry_now"]

    @admin.action(description="Retry now (back to the queue)")
    def retry_now(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        queryset.exclude(status="sent").update(status="pending", next_attempt_at=timezone.now())
