"""Move the data into the per-year projects and activity types; every figure stays as it was.

- Projects: the global rows become the earliest year's; every further year gets a copy (same
  numbers, names, short names, descriptions) and its rows are repointed to it: entries (and
  their history) by the entry's year, reports' projects and showcase items by the report's
  period, activities by the year their date lies in, ranking rows by their run's year.
- Activity types: every year gets the “5+1” (the codes the activities had), and each activity
  the type of its year with its old code.
- An activity dated outside every year goes to the nearest one (the latest year starting
  before it, else the first): no figure counts it by its type's year, only by its date.
- Without any year nothing can reference a project but an activity: the global rows are
  removed (each new year makes its own from competition/defaults.py); activities without a
  year stop the migration, as they could not be kept.
"""

import bisect
from collections import defaultdict

from django.db import migrations

# The “5+1” as volunteers.enums.ActivityType had them: code, name (in their order).
ACTIVITY_TYPES = (
    ("skills", "技能扶贫"),
    ("health", "健康扶贫"),
    ("education", "教育扶贫"),
    ("industry", "产业扶贫"),
    ("pairing", "结对帮扶"),
    ("volunteer", "志愿服务"),
)
CHUNK = 500


def _chunks(items):
    items = list(items)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _year_of_date(years):
    """date → year id: the earliest year containing it, else the nearest (see above)."""
    starts = [y.start_date for y in years]

    def find(date):
        for year in years:
            if year.start_date <= date <= year.end_date:
                return year.pk
        index = bisect.bisect_right(starts, date) - 1
        return years[max(index, 0)].pk

    return find


def forward(apps, schema_editor):
    CompetitionYear = apps.get_model("competition", "CompetitionYear")
    NineProject = apps.get_model("competition", "NineProject")
    ActivityType = apps.get_model("competition", "ActivityType")
    Entry = apps.get_model("competition", "Entry")
    HistoricalEntry = apps.get_model("competition", "HistoricalEntry")
    Report = apps.get_model("reports", "Report")
    ShowcaseItem = apps.get_model("reports", "ShowcaseItem")
    Activity = apps.get_model("volunteers", "Activity")
    EntryRanking = apps.get_model("awards", "EntryRanking")
    NominationRanking = apps.get_model("awards", "NominationRanking")
    ReportProjects = Report.projects.through

    years = list(CompetitionYear.objects.order_by("start_date", "year"))
    old_projects = list(NineProject.objects.filter(year__isnull=True).order_by("number"))
    if not years:
        if Activity.objects.exists():
            raise RuntimeError(
                "Activities exist but no competition year: their projects and types must "
                "belong to a year. Add the year(s) first (Django admin), then migrate again."
            )
        NineProject.objects.filter(year__isnull=True).delete()
        return

    first = min(years, key=lambda y: y.year)
    NineProject.objects.filter(year__isnull=True).update(year=first)
    project_of = {first.pk: {p.pk: p.pk for p in old_projects}}  # year → old pk → new pk
    for year in years:
        if year.pk == first.pk:
            continue
        project_of[year.pk] = {
            p.pk: NineProject.objects.create(
                year=year,
                number=p.number,
                name=p.name,
                short_name=p.short_name,
                description=p.description,
            ).pk
            for p in old_projects
        }

    codes = [code for code, _name in ACTIVITY_TYPES]
    extra = sorted(
        set(Activity.objects.values_list("activity_type", flat=True).distinct()) - set(codes)
    )
    type_of = {}  # (year, code) → type pk
    for year in years:
        names = [*ACTIVITY_TYPES, *((code, code) for code in extra)]
        for number, (code, name) in enumerate(names, start=1):
            type_of[year.pk, code] = ActivityType.objects.create(
                year=year, code=code, number=number, name=name
            ).pk

    for year in years:
        if year.pk == first.pk:
            continue
        for old, new in project_of[year.pk].items():
            Entry.objects.filter(year=year, nine_project_id=old).update(nine_project_id=new)
            HistoricalEntry.objects.filter(year_id=year.pk, nine_project_id=old).update(
                nine_project_id=new
            )
            ReportProjects.objects.filter(
                report__period__year=year, nineproject_id=old
            ).update(nineproject_id=new)
            ShowcaseItem.objects.filter(report__period__year=year, project_id=old).update(
                project_id=new
            )
            EntryRanking.objects.filter(run__year=year, nine_project_id=old).update(
                nine_project_id=new
            )
            NominationRanking.objects.filter(run__year=year, nine_project_id=old).update(
                nine_project_id=new
            )

    # Activities: grouped by what they get, so one UPDATE per (type, project).
    year_of = _year_of_date(years)
    groups = defaultdict(list)
    rows = Activity.objects.values_list("pk", "date", "activity_type", "nine_project_id")
    for pk, date, code, project_id in rows.iterator():
        year_id = year_of(date)
        groups[type_of[year_id, code], project_of[year_id].get(project_id, project_id)].append(pk)
    for (type_id, project_id), pks in groups.items():
        for chunk in _chunks(pks):
            Activity.objects.filter(pk__in=chunk).update(
                type_of_year_id=type_id, nine_project_id=project_id
            )


def backward(apps, schema_editor):
    """Back to global projects (the earliest year's become them) and type codes: every year's
    rows are repointed to the earliest year's project of the same number."""
    CompetitionYear = apps.get_model("competition", "CompetitionYear")
    NineProject = apps.get_model("competition", "NineProject")
    ActivityType = apps.get_model("competition", "ActivityType")
    Entry = apps.get_model("competition", "Entry")
    HistoricalEntry = apps.get_model("competition", "HistoricalEntry")
    Report = apps.get_model("reports", "Report")
    ShowcaseItem = apps.get_model("reports", "ShowcaseItem")
    Activity = apps.get_model("volunteers", "Activity")
    EntryRanking = apps.get_model("awards", "EntryRanking")
    NominationRanking = apps.get_model("awards", "NominationRanking")
    ReportProjects = Report.projects.through

    for activity_type in ActivityType.objects.all():
        Activity.objects.filter(type_of_year=activity_type).update(
            activity_type=activity_type.code, type_of_year=None
        )
    ActivityType.objects.all().delete()
    first = CompetitionYear.objects.order_by("year").first()
    if first is None:
        return
    keep = dict(NineProject.objects.filter(year=first).values_list("number", "pk"))
    for project in NineProject.objects.exclude(year=first):
        new = keep.get(project.number)
        if new is None:
            project.year = None
            project.save()
            continue
        Entry.objects.filter(nine_project_id=project.pk).update(nine_project_id=new)
        HistoricalEntry.objects.filter(nine_project_id=project.pk).update(nine_project_id=new)
        for link in ReportProjects.objects.filter(nineproject_id=project.pk):
            ReportProjects.objects.get_or_create(report_id=link.report_id, nineproject_id=new)
        ReportProjects.objects.filter(nineproject_id=project.pk).delete()
        ShowcaseItem.objects.filter(project_id=project.pk).update(project_id=new)
        Activity.objects.filter(nine_project_id=project.pk).update(nine_project_id=new)
        EntryRanking.objects.filter(nine_project_id=project.pk).update(nine_project_id=new)
        NominationRanking.objects.filter(nine_project_id=project.pk).update(nine_project_id=new)
        project.delete()
    NineProject.objects.update(year=None)


class Migration(migrations.Migration):
    dependencies = [
        ("competition", "0012_projects_types_per_year_schema"),
        ("volunteers", "0002_activity_type_per_year_schema"),
        ("reports", "0003_report_ordering_by_period_number"),
        ("awards", "0006_remove_ranking_mean_columns"),
    ]
    operations = [migrations.RunPython(forward, backward)]
