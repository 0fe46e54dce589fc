"""Move the data into the per-year criteria: every year gets a copy of the global criteria
(same codes, names, rubrics, maxima, weights, numbers), every sheet's four columns become
four Score rows of its year's criteria, the sheets' history becomes the scores' history,
and each EntryScore is recomputed from the scores. Every figure stays as it was."""

from collections import defaultdict

from django.db import migrations

COLUMNS = ("work", "effect", "income", "satisfaction")


def factors(criteria):
    """As competition.selectors.weight_factors, frozen here."""
    weights = {c.pk: float(c.weight) for c in criteria}
    if not sum(weights.values()):
        weights = dict.fromkeys(weights, 1.0)
    total = sum(weights.values())
    return {c.pk: 100.0 * weights[c.pk] / (float(c.max_points) * total) for c in criteria}


def forward(apps, schema_editor):
    Criterion = apps.get_model("competition", "Criterion")
    CompetitionYear = apps.get_model("competition", "CompetitionYear")
    ScoreSheet = apps.get_model("competition", "ScoreSheet")
    Score = apps.get_model("competition", "Score")
    HistoricalScoreSheet = apps.get_model("competition", "HistoricalScoreSheet")
    HistoricalScore = apps.get_model("competition", "HistoricalScore")
    EntryScore = apps.get_model("competition", "EntryScore")
    Entry = apps.get_model("competition", "Entry")

    globals_ = list(Criterion.objects.filter(year__isnull=True).order_by("number"))
    by_year = {}  # year id → {code: criterion}
    for year in CompetitionYear.objects.all():
        by_year[year.pk] = {}
        for old in globals_:
            by_year[year.pk][old.code] = Criterion.objects.create(
                year=year,
                code=old.code,
                number=old.number,
                name=old.name,
                rubric=old.rubric,
                max_points=old.max_points,
                weight=old.weight,
            )
    year_of_entry = dict(Entry.objects.values_list("pk", "year_id"))

    scores = []
    for sheet in ScoreSheet.objects.all().iterator():
        criteria = by_year[year_of_entry[sheet.entry_id]]
        for code in COLUMNS:
            if code in criteria:
                scores.append(Score(sheet=sheet, criterion=criteria[code], points=getattr(sheet, code)))
    Score.objects.bulk_create(scores, batch_size=2000)
    score_ids = {(s.sheet_id, s.criterion_id): s.pk for s in Score.objects.all()}

    # The sheets' history, per criterion: a row wherever a criterion's points changed.
    history = []
    last = {}
    sheet_entry = {}
    for row in HistoricalScoreSheet.objects.order_by("history_date", "history_id").iterator():
        year_id = year_of_entry.get(row.entry_id)
        if year_id not in by_year:
            continue
        sheet_entry[row.id] = row.entry_id
        for code in COLUMNS:
            criterion = by_year[year_id].get(code)
            if criterion is None:
                continue
            key = (row.id, criterion.pk)
            points = getattr(row, code)
            if row.history_type != "-" and last.get(key) == points:
                continue
            history.append(
                HistoricalScore(
                    id=score_ids.get(key),
                    sheet_id=row.id,
                    criterion_id=criterion.pk,
                    points=points,
                    history_date=row.history_date,
                    history_user_id=row.history_user_id,
                    history_type=row.history_type if key in last or row.history_type != "~" else "+",
                    history_change_reason=row.history_change_reason,
                )
            )
            last[key] = points
    HistoricalScore.objects.bulk_create(history, batch_size=2000)

    Criterion.objects.filter(year__isnull=True).delete()

    # EntryScore from the scores.
    all_criteria = list(Criterion.objects.all())
    grouped = defaultdict(list)
    for c in all_criteria:
        grouped[c.year_id].append(c)
    factor = {pk: f for group in grouped.values() for pk, f in factors(group).items()}
    code_of = {c.pk: c.code for c in all_criteria}
    totals = defaultdict(float)  # sheet → total
    sums = defaultdict(lambda: defaultdict(float))  # entry → code → sum
    counts = defaultdict(lambda: defaultdict(int))
    entry_of_sheet = dict(ScoreSheet.objects.values_list("pk", "entry_id"))
    for sheet_id, criterion_id, points in Score.objects.values_list("sheet_id", "criterion_id", "points"):
        totals[sheet_id] += float(points) * factor[criterion_id]
        entry_id = entry_of_sheet[sheet_id]
        sums[entry_id][code_of[criterion_id]] += float(points)
        counts[entry_id][code_of[criterion_id]] += 1
    rows = defaultdict(lambda: [0, 0.0, 0.0])
    for sheet_id, total in totals.items():
        row = rows[entry_of_sheet[sheet_id]]
        row[0] += 1
        row[1] += total
        row[2] += total * total
    EntryScore.objects.all().delete()
    EntryScore.objects.bulk_create(
        [
            EntryScore(
                entry_id=entry_id,
                sheet_count=n,
                total_sum=total_sum,
                total_square_sum=squares,
                means={code: sums[entry_id][code] / counts[entry_id][code] for code in sums[entry_id]},
            )
            for entry_id, (n, total_sum, squares) in rows.items()
        ],
        batch_size=2000,
    )


def backward(apps, schema_editor):
    """Back to global criteria (the earliest year's become them) and four columns: every
    year must then have the same four criteria, as before 0009."""
    Criterion = apps.get_model("competition", "Criterion")
    ScoreSheet = apps.get_model("competition", "ScoreSheet")
    Score = apps.get_model("competition", "Score")
    first = Criterion.objects.order_by("year__year").values_list("year", flat=True).first()
    for sheet in ScoreSheet.objects.all():
        for score in Score.objects.filter(sheet=sheet).select_related("criterion"):
            if score.criterion.code in COLUMNS:
                setattr(sheet, score.criterion.code, score.points)
        sheet.save()
    apps.get_model("competition", "HistoricalScore").objects.all().delete()
    Score.objects.all().delete()
    Criterion.objects.exclude(year=first).delete()
    Criterion.objects.update(year=None)


class Migration(migrations.Migration):
    dependencies = [("competition", "0008_criteria_per_year_schema")]
    operations = [migrations.RunPython(forward, backward)]
