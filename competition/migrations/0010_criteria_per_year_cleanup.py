import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("competition", "0009_criteria_per_year_data")]

    operations = [
        migrations.AlterField(
            model_name="criterion",
            name="year",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="criteria", to="competition.competitionyear", verbose_name="竞赛年度"),
        ),
        migrations.AddConstraint(
            model_name="criterion",
            constraint=models.UniqueConstraint(fields=("year", "code"), name="criterion_unique_code"),
        ),
        migrations.AddConstraint(
            model_name="criterion",
            constraint=models.UniqueConstraint(fields=("year", "number"), name="criterion_unique_number"),
        ),
        migrations.AddConstraint(
            model_name="criterion",
            constraint=models.UniqueConstraint(fields=("year", "name"), name="criterion_unique_name"),
        ),
        migrations.RemoveConstraint(model_name="scoresheet", name="sheet_points_nonneg"),
        *(
            migrations.RemoveField(model_name=model, name=name)
            for model in ("scoresheet", "historicalscoresheet")
            for name in ("work", "effect", "income", "satisfaction")
        ),
        *(
            migrations.RemoveField(model_name="entryscore", name=name)
            for name in (
                "sum_work", "sum_effect", "sum_income", "sum_satisfaction",
                "prod_work_work", "prod_work_effect", "prod_work_income", "prod_work_satisfaction",
                "prod_effect_effect", "prod_effect_income", "prod_effect_satisfaction",
                "prod_income_income", "prod_income_satisfaction", "prod_satisfaction_satisfaction",
            )
        ),
    ]
