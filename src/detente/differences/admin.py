from django.contrib import admin

from detente.alliances.admin import RecordAdmin
from detente.differences.models import Difference


@admin.register(Difference)
class DifferenceAdmin(RecordAdmin):
    list_display = [
        "title",
        "category",
        "likelihood",
        "impact",
        "owner_side",
        "alliance",
        "visibility",
    ]
    list_filter = ["category", "visibility"]
    search_fields = ["title", "management"]
