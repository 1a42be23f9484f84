from typing import Any

from django.contrib import admin

from detente.agreements.models import AgreementVersion, Signature, Waiver


class SignatureInline(admin.TabularInline):
    model = Signature
    extra = 0
    readonly_fields = ["side", "signed_by", "signed_at"]
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # signatures are given on the agreement page, by each side


class WaiverInline(admin.TabularInline):
    model = Waiver
    extra = 0
    readonly_fields = ["code", "gap", "reason", "waived_by", "waived_at"]
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(AgreementVersion)
class AgreementVersionAdmin(admin.ModelAdmin):
    """Operators may correct a draft; a proposed, signed or in-force version is read-only."""

    list_display = ["__str__", "status", "alliance", "owner_side", "visibility", "updated_at"]
    list_filter = ["status", "visibility"]
    list_select_related = ["alliance", "owner_side__organisation"]
    readonly_fields = ["status", "number", "proposed_at", "proposed_by", "in_force_at", "ended_at"]
    inlines = [SignatureInline, WaiverInline]

    def has_change_permission(self, request: Any, obj: AgreementVersion | None = None) -> bool:
        if obj is not None and obj.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: Any, obj: AgreementVersion | None = None) -> bool:
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: Any) -> dict:
        # Bulk delete would bypass the per-object check above.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
