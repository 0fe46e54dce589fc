import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("competition", "0013_projects_types_per_year_data")]

    operations = [
        migrations.AlterField(
            model_name="nineproject",
            name="year",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="projects", to="competition.competitionyear", verbose_name="竞赛年度"),
        ),
        migrations.AddConstraint(
            model_name="nineproject",
            constraint=models.UniqueConstraint(fields=("year", "number"), name="project_unique_number", violation_error_message="本年度已有相同序号的工程。"),
        ),
        migrations.AddConstraint(
            model_name="nineproject",
            constraint=models.UniqueConstraint(fields=("year", "name"), name="project_unique_name", violation_error_message="本年度已有相同名称的工程。"),
        ),
        migrations.AddConstraint(
            model_name="nineproject",
            constraint=models.CheckConstraint(condition=models.Q(("number__gte", 1)), name="project_number_positive"),
        ),
    ]
