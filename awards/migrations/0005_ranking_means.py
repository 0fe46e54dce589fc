"""Ranking rows keep each criterion's mean by code (`means`) instead of four columns, and a
run's settings list its criteria in order; 0006 moves the data, 0007 drops the columns."""

from django.db import migrations, models

MODELS = ("entryranking", "unitranking", "nominationranking")
COLUMNS = ("work", "effect", "income", "satisfaction")
ORDER = {code: number for number, code in enumerate(COLUMNS)}


def forward(apps, schema_editor):
    for name in MODELS:
        Model = apps.get_model("awards", name)
        rows = list(Model.objects.only("pk", *(f"mean_{c}" for c in COLUMNS)))
        for row in rows:
            means = {c: getattr(row, f"mean_{c}") for c in COLUMNS}
            row.means = {c: v for c, v in means.items() if v is not None} or None
        Model.objects.bulk_update(rows, ["means"], batch_size=1000)
    EvaluationRun = apps.get_model("awards", "EvaluationRun")
    for run in EvaluationRun.objects.all():
        criteria = run.settings.get("criteria")
        if isinstance(criteria, dict):
            run.settings["criteria"] = [
                {"code": code, **values}
                for code, values in sorted(criteria.items(), key=lambda kv: ORDER.get(kv[0], 99))
            ]
            run.save(update_fields=["settings"])


class Migration(migrations.Migration):
    dependencies = [("awards", "0004_ranking_snapshot_references")]

    operations = [
        *(
            migrations.AddField(
                model_name=name,
                name="means",
                field=models.JSONField(blank=True, null=True, verbose_name="各项平均分"),
            )
            for name in MODELS
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
