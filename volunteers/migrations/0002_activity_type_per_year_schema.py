"""An activity's type becomes a row of its year (competition.ActivityType): the new
reference first, filled by competition 0013, then 0003 drops the old code column."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("competition", "0012_projects_types_per_year_schema"),
        ("volunteers", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="type_of_year",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="competition.activitytype"),
        ),
    ]
