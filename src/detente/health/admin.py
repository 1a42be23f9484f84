from django.contrib import admin

from detente.health.models import Alert, Cycle, HealthPlan, Measure


@admin.register(HealthPlan)
class HealthPlanAdmin(admin.ModelAdmin):
    list_display = ["alliance", "period_months", "min_answers", "false_alarm_rate"]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["label", "key", "alliance", "visibility", "active"]


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["alliance", "period", "opens_on", "closes_on", "closed_at"]


# Operators see alerts, never individual survey answers.
@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["alliance", "period", "measure", "rule", "severity", "visibility"]
    list_filter = ["severity", "rule", "visibility"]
