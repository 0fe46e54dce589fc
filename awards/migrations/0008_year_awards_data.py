"""Every existing year gets the notice's award per shortlist category as rows of its own,
with the codes its shortlist items already hold (certificate for collectives and units,
medal for individuals), so every decision keeps its award and its name."""

from django.db import migrations

# As awards.enums.DEFAULT_AWARDS on the day of this migration.
AWARDS = {
    "collective": ("certificate", "淮北市五一劳动奖状"),
    "unit": ("certificate", "淮北市五一劳动奖状"),
    "individual": ("medal", "淮北市五一劳动奖章"),
}


def forward(apps, schema_editor):
    CompetitionYear = apps.get_model("competition", "CompetitionYear")
    YearAward = apps.get_model("awards", "YearAward")
    have = set(YearAward.objects.values_list("year_id", "category"))
    YearAward.objects.bulk_create(
        YearAward(year_id=year_id, category=category, code=code, name=name)
        for year_id in CompetitionYear.objects.values_list("pk", flat=True)
        for category, (code, name) in AWARDS.items()
        if (year_id, category) not in have
    )


class Migration(migrations.Migration):
    dependencies = [("awards", "0007_evaluation_rules")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
