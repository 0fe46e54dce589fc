from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("awards", "0005_ranking_means")]

    operations = [
        migrations.RemoveField(model_name=model, name=f"mean_{code}")
        for model in ("entryranking", "unitranking", "nominationranking")
        for code in ("work", "effect", "income", "satisfaction")
    ]
