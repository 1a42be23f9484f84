from django.contrib import admin

from detente.goals.models import RealismCheck


@admin.register(RealismCheck)
class RealismCheckAdmin(admin.ModelAdmin):
    list_display = ["kpi", "target", "deadline", "probability", "owner_side", "visibility"]
    list_filter = ["visibility"]
    readonly_fields = ["inputs", "result", "created_at", "updated_at"]
