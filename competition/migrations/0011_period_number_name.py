"""Reporting periods as data of the year: `quarter` (1-4) becomes `number` (any order >= 1)
and each period gets a `name`. Existing rows were quarters, so their names are the quarter
text the old label carried: "2019年第3季度" reads the same as year + "年" + "第3季度"."""

import django.core.validators
from django.db import migrations, models


def fill_names(apps, schema_editor):
    for model in ("ReportingPeriod", "HistoricalReportingPeriod"):
        Period = apps.get_model("competition", model)
        for number in Period.objects.order_by().values_list("number", flat=True).distinct():
            Period.objects.filter(number=number).update(name=f"第{number}季度")


def clear_names(apps, schema_editor):
    """Back to quarters: refused when a year has periods that were not quarters."""
    Period = apps.get_model("competition", "ReportingPeriod")
    if Period.objects.filter(number__gt=4).exists():
        raise RuntimeError("Periods numbered above 4 cannot become quarters again.")


class Migration(migrations.Migration):
    dependencies = [
        ("competition", "0010_criteria_per_year_cleanup"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="reportingperiod", name="period_quarter_range"),
        migrations.RemoveConstraint(model_name="reportingperiod", name="period_unique_quarter"),
        migrations.RenameField(model_name="reportingperiod", old_name="quarter", new_name="number"),
        migrations.RenameField(
            model_name="historicalreportingperiod", old_name="quarter", new_name="number"
        ),
        migrations.AlterModelOptions(
            name="reportingperiod",
            options={
                "ordering": ["year__year", "number"],
                "verbose_name": "报送期",
                "verbose_name_plural": "报送期",
            },
        ),
        migrations.AlterField(
            model_name="reportingperiod",
            name="number",
            field=models.PositiveSmallIntegerField(
                help_text="在本年度内的先后顺序，从1起。",
                validators=[django.core.validators.MinValueValidator(1)],
                verbose_name="序号",
            ),
        ),
        migrations.AlterField(
            model_name="historicalreportingperiod",
            name="number",
            field=models.PositiveSmallIntegerField(
                help_text="在本年度内的先后顺序，从1起。",
                validators=[django.core.validators.MinValueValidator(1)],
                verbose_name="序号",
            ),
        ),
        migrations.AddField(
            model_name="reportingperiod",
            name="name",
            field=models.CharField(
                default="",
                help_text="如“第1季度”“1月”“上半年”，显示为“2019年第1季度”。",
                max_length=40,
                verbose_name="名称",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalreportingperiod",
            name="name",
            field=models.CharField(
                default="",
                help_text="如“第1季度”“1月”“上半年”，显示为“2019年第1季度”。",
                max_length=40,
                verbose_name="名称",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_names, clear_names),
        migrations.RemoveConstraint(model_name="reportingperiod", name="period_ordered"),
        migrations.RemoveConstraint(model_name="reportingperiod", name="period_deadline_after_end"),
        migrations.AddConstraint(
            model_name="reportingperiod",
            constraint=models.CheckConstraint(
                condition=models.Q(("end__gte", models.F("start"))),
                name="period_ordered",
                violation_error_message="结束日期不能早于开始日期。",
            ),
        ),
        migrations.AddConstraint(
            model_name="reportingperiod",
            constraint=models.CheckConstraint(
                condition=models.Q(("deadline__gte", models.F("end"))),
                name="period_deadline_after_end",
                violation_error_message="报送截止日不能早于结束日期。",
            ),
        ),
        migrations.AddConstraint(
            model_name="reportingperiod",
            constraint=models.UniqueConstraint(
                fields=("year", "number"),
                name="period_unique_number",
                violation_error_message="本年度已有相同序号的报送期。",
            ),
        ),
        migrations.AddConstraint(
            model_name="reportingperiod",
            constraint=models.UniqueConstraint(
                fields=("year", "name"),
                name="period_unique_name",
                violation_error_message="本年度已有相同名称的报送期。",
            ),
        ),
        migrations.AddConstraint(
            model_name="reportingperiod",
            constraint=models.CheckConstraint(
                condition=models.Q(("number__gte", 1)), name="period_number_positive"
            ),
        ),
    ]
