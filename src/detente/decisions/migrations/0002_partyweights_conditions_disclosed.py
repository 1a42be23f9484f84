from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("decisions", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="partyweights",
            name="conditions_disclosed",
            field=models.BooleanField(default=False),
        ),
    ]
