"""A KPI's kind. Every existing KPI keeps its row; its kind is inferred from its unit, name
and metric where they say it plainly (h → duration, % → rate, "onboarded in the quarter" →
cumulative count) and is a level otherwise (``detente.objectives.kinds.infer_kind``)."""

from django.db import migrations, models

from detente.objectives.kinds import CHOICES, infer_kind


def infer_existing(apps, schema_editor):
    KPI = apps.get_model("objectives", "KPI")
    for kpi in KPI.objects.all().only("id", "unit", "name", "metric"):
        KPI.objects.filter(pk=kpi.pk).update(kind=infer_kind(kpi.unit, kpi.name, kpi.metric))


class Migration(migrations.Migration):
    dependencies = [("objectives", "0002_guardrail")]

    operations = [
        migrations.AddField(
            model_name="kpi",
            name="kind",
            field=models.CharField(
                blank=True,
                choices=CHOICES,
                help_text="A cumulative count adds up over the periods (drivers onboarded); a "
                "level, rate or duration is read as it stands (sites live, ROI %, triage "
                "hours). Leave it blank to infer it from the unit and name (a level when "
                "they do not say).",
                max_length=8,
            ),
        ),
        migrations.RunPython(infer_existing, migrations.RunPython.noop),
    ]
