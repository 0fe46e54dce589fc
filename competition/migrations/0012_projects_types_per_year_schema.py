"""The projects and the activity types become each year's (NineProject.year, ActivityType).
Schema first, the year nullable while 0013 moves the data; 0014 makes it required."""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

CODE = django.core.validators.RegexValidator(
    "^[a-z][a-z0-9_]*$", "代码须以小写字母开头，只含小写字母、数字和下划线。"
)
NUMBER = django.core.validators.MinValueValidator(1)


def _year(historical=False):
    if historical:
        return models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="competition.competitionyear", verbose_name="竞赛年度")
    return models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="activity_types", to="competition.competitionyear", verbose_name="竞赛年度")


def _history_fields():
    return [
        ("history_id", models.AutoField(primary_key=True, serialize=False)),
        ("history_date", models.DateTimeField(db_index=True)),
        ("history_change_reason", models.CharField(max_length=100, null=True)),
        ("history_type", models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1)),
        ("history_user", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
    ]


def _history_options(name):
    return {
        "verbose_name": f"historical {name}",
        "verbose_name_plural": f"historical {name}",
        "ordering": ("-history_date", "-history_id"),
        "get_latest_by": ("history_date", "history_id"),
    }


def _type_fields():
    return [
        ("code", models.CharField(help_text="如 skills；同一类型在各年度用同一代码。", max_length=20, validators=[CODE], verbose_name="代码")),
        ("number", models.PositiveSmallIntegerField(validators=[NUMBER], verbose_name="序号")),
        ("name", models.CharField(max_length=50, verbose_name="名称")),
    ]


def _project_fields():
    return [
        ("number", models.PositiveSmallIntegerField(validators=[NUMBER], verbose_name="序号")),
        ("name", models.CharField(max_length=50, verbose_name="名称")),
        ("short_name", models.CharField(max_length=20, verbose_name="简称")),
        ("description", models.TextField(blank=True, verbose_name="说明")),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("competition", "0011_period_number_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ActivityType",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                *_type_fields(),
                ("year", _year()),
            ],
            options={"verbose_name": "活动类型", "verbose_name_plural": "活动类型", "ordering": ["year", "number"]},
        ),
        migrations.AddConstraint(
            model_name="activitytype",
            constraint=models.UniqueConstraint(fields=("year", "code"), name="activity_type_unique_code", violation_error_message="本年度已有相同代码的活动类型。"),
        ),
        migrations.AddConstraint(
            model_name="activitytype",
            constraint=models.UniqueConstraint(fields=("year", "number"), name="activity_type_unique_number", violation_error_message="本年度已有相同序号的活动类型。"),
        ),
        migrations.AddConstraint(
            model_name="activitytype",
            constraint=models.UniqueConstraint(fields=("year", "name"), name="activity_type_unique_name", violation_error_message="本年度已有相同名称的活动类型。"),
        ),
        migrations.AddConstraint(
            model_name="activitytype",
            constraint=models.CheckConstraint(condition=models.Q(("number__gte", 1)), name="activity_type_number_positive"),
        ),
        migrations.CreateModel(
            name="HistoricalActivityType",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                *_type_fields(),
                ("year", _year(historical=True)),
                *_history_fields(),
            ],
            options=_history_options("活动类型"),
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalNineProject",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                *_project_fields(),
                ("year", _year(historical=True)),
                *_history_fields(),
            ],
            options=_history_options("九大工程"),
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AlterModelOptions(
            name="nineproject",
            options={"ordering": ["year", "number"], "verbose_name": "九大工程", "verbose_name_plural": "九大工程"},
        ),
        migrations.AddField(
            model_name="nineproject",
            name="year",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name="projects", to="competition.competitionyear", verbose_name="竞赛年度"),
        ),
        migrations.AlterField(model_name="nineproject", name="name", field=models.CharField(max_length=50, verbose_name="名称")),
        migrations.AlterField(
            model_name="nineproject",
            name="number",
            field=models.PositiveSmallIntegerField(validators=[NUMBER], verbose_name="序号"),
        ),
    ]
