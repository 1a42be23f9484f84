from django.contrib import admin

from detente.alliances.models import (
    HistoryEntry,
    Interaction,
    SideInvitation,
    Signal,
    Stakeholder,
    StatusChange,
)
from detente.records.models import Alliance, Side


class SideInline(admin.TabularInline):
    model = Side
    extra = 0


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "reason", "changed_by", "changed_at"]
    can_delete = False


@admin.register(Alliance)
class AllianceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "status", "start_date"]
    list_filter = ["status", "kind"]
    search_fields = ["name", "purpose"]
    inlines = [SideInline, StatusChangeInline]


class RecordAdmin(admin.ModelAdmin):
    """Operators see every record: the admin is for the people who run the server."""

    list_filter = ["visibility"]
    list_select_related = ["alliance", "owner_side__organisation"]


@admin.register(Stakeholder)
class StakeholderAdmin(RecordAdmin):
    list_display = ["name", "role", "influence", "stance", "owner_side", "alliance", "visibility"]
    search_fields = ["name", "title", "email"]


@admin.register(HistoryEntry)
class HistoryEntryAdmin(RecordAdmin):
    list_display = ["title", "category", "date", "owner_side", "alliance", "visibility"]


@admin.register(Signal)
class SignalAdmin(RecordAdmin):
    list_display = ["title", "kind", "severity", "date", "owner_side", "alliance", "visibility"]


@admin.register(Interaction)
class InteractionAdmin(RecordAdmin):
    list_display = ["subject", "kind", "date", "owner_side", "alliance", "visibility"]


@admin.register(SideInvitation)
class SideInvitationAdmin(admin.ModelAdmin):
    """Read-only: an organisation's managers answer side invitations on their portfolio."""

    list_display = ["organisation", "alliance", "status", "invited_by", "created_at", "answered_at"]
    list_filter = ["status"]
    readonly_fields = [
        "alliance",
        "organisation",
        "label",
        "invited_by",
        "created_at",
        "status",
        "answered_by",
        "answered_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False
