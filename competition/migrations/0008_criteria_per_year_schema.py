"""Criteria become each year's (Criterion.year), a score sheet holds one Score per criterion,
and EntryScore keeps the sheets' totals instead of per-column sums. Schema first (nullable
where data must move), then 0009 moves the data, then 0010 drops the old columns."""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("competition", "0007_remove_unit_quota_active_fields"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="criterion",
            options={"ordering": ["year", "number"], "verbose_name": "评比标准", "verbose_name_plural": "评比标准"},
        ),
        migrations.AlterModelOptions(
            name="historicalcriterion",
            options={"get_latest_by": ("history_date", "history_id"), "ordering": ("-history_date", "-history_id"), "verbose_name": "historical 评比标准", "verbose_name_plural": "historical 评比标准"},
        ),
        migrations.AddField(
            model_name="criterion",
            name="year",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name="criteria", to="competition.competitionyear", verbose_name="竞赛年度"),
        ),
        migrations.AddField(
            model_name="historicalcriterion",
            name="year",
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="competition.competitionyear", verbose_name="竞赛年度"),
        ),
        migrations.AlterField(model_name="criterion", name="code", field=models.SlugField(max_length=20, verbose_name="代码")),
        migrations.AlterField(model_name="criterion", name="name", field=models.CharField(max_length=50, verbose_name="名称")),
        migrations.AlterField(model_name="criterion", name="number", field=models.PositiveSmallIntegerField(verbose_name="序号")),
        migrations.AlterField(model_name="historicalcriterion", name="code", field=models.SlugField(max_length=20, verbose_name="代码")),
        migrations.AlterField(model_name="historicalcriterion", name="name", field=models.CharField(max_length=50, verbose_name="名称")),
        migrations.AlterField(model_name="historicalcriterion", name="number", field=models.PositiveSmallIntegerField(verbose_name="序号")),
        migrations.CreateModel(
            name="Score",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("points", models.DecimalField(decimal_places=1, max_digits=5, validators=[django.core.validators.MinValueValidator(0)], verbose_name="得分")),
                ("criterion", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="scores", to="competition.criterion", verbose_name="评比标准")),
                ("sheet", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="scores", to="competition.scoresheet", verbose_name="评分表")),
            ],
            options={"verbose_name": "单项得分", "verbose_name_plural": "单项得分", "ordering": ["sheet", "criterion__number"]},
        ),
        migrations.AddConstraint(
            model_name="score",
            constraint=models.UniqueConstraint(fields=("sheet", "criterion"), name="score_one_per_criterion"),
        ),
        migrations.AddConstraint(
            model_name="score",
            constraint=models.CheckConstraint(condition=models.Q(("points__gte", 0)), name="score_points_nonneg"),
        ),
        migrations.CreateModel(
            name="HistoricalScore",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("points", models.DecimalField(decimal_places=1, max_digits=5, validators=[django.core.validators.MinValueValidator(0)], verbose_name="得分")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                ("history_type", models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1)),
                ("criterion", models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="competition.criterion", verbose_name="评比标准")),
                ("history_user", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("sheet", models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="competition.scoresheet", verbose_name="评分表")),
            ],
            options={"verbose_name": "historical 单项得分", "verbose_name_plural": "historical 单项得分", "ordering": ("-history_date", "-history_id"), "get_latest_by": ("history_date", "history_id")},
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(model_name="entryscore", name="means", field=models.JSONField(default=dict, verbose_name="各项平均分")),
        migrations.AddField(model_name="entryscore", name="total_square_sum", field=models.FloatField(default=0, verbose_name="总分平方和")),
        migrations.AddField(model_name="entryscore", name="total_sum", field=models.FloatField(default=0, verbose_name="总分之和")),
    ]
