import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("competition", "0013_projects_types_per_year_data"),
        ("volunteers", "0002_activity_type_per_year_schema"),
    ]

    operations = [
        # A default first, so that unapplying can put the code column back on existing rows
        # (competition 0013's backward then fills it in).
        migrations.AlterField(
            model_name="activity",
            name="activity_type",
            field=models.CharField(default="", max_length=20, verbose_name="活动类型"),
        ),
        migrations.RemoveField(model_name="activity", name="activity_type"),
        migrations.RenameField(model_name="activity", old_name="type_of_year", new_name="activity_type"),
        migrations.AlterField(
            model_name="activity",
            name="activity_type",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="activities", to="competition.activitytype", verbose_name="活动类型"),
        ),
    ]
