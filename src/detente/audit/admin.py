from django.contrib import admin

from detente.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "model", "object_repr", "alliance", "visibility"]
    list_filter = ["action", "model", "visibility"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request) -> bool:  # the audit is written by code only
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
