"""The per-year projects and activity types migration (competition 0012–0014, volunteers
0002–0003): two years' entries, reports, activities and rankings keep their projects' numbers
and names, each now a row of its own year."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("competition", "0011_period_number_name"),
    ("volunteers", "0001_initial"),
    ("reports", "0003_report_ordering_by_period_number"),
    ("awards", "0006_remove_ranking_mean_columns"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def old_apps():
    apps = _migrate(BEFORE)
    yield apps
    _migrate(_leaves())


def _arrange(apps):
    """Two years, the global projects 1 and 2, and rows of each year pointing at them."""
    CompetitionYear = apps.get_model("competition", "CompetitionYear")
    NineProject = apps.get_model("competition", "NineProject")
    UnitKind = apps.get_model("competition", "UnitKind")
    Unit = apps.get_model("competition", "Unit")
    ReportingPeriod = apps.get_model("competition", "ReportingPeriod")
    Entry = apps.get_model("competition", "Entry")
    Activity = apps.get_model("volunteers", "Activity")
    Report = apps.get_model("reports", "Report")
    ShowcaseItem = apps.get_model("reports", "ShowcaseItem")
    EvaluationRun = apps.get_model("awards", "EvaluationRun")
    EntryRanking = apps.get_model("awards", "EntryRanking")

    NineProject.objects.all().delete()
    first = NineProject.objects.create(number=1, name="产业脱贫工程", short_name="产业")
    second = NineProject.objects.create(number=2, name="就业脱贫工程", short_name="就业")
    years = {}
    for number in (2019, 2020):
        years[number] = CompetitionYear.objects.create(
            year=number,
            title=f"{number}",
            start_date=datetime.date(number, 1, 1),
            end_date=datetime.date(number, 12, 31),
            evaluation_date=datetime.date(number + 1, 4, 15),
        )
    kind, _created = UnitKind.objects.get_or_create(code="county", defaults={"name": "县区总工会"})
    unit = Unit.objects.create(name="迁移单位", kind=kind)
    for number, project in ((2019, first), (2020, second), (2020, first)):
        Entry.objects.create(
            unit=unit, year=years[number], nine_project=project, title=f"{number}{project.name}"
        )
    for date, code, project in (
        ("2019-05-01", "skills", first),
        ("2020-03-01", "health", second),
        ("2021-01-05", "volunteer", first),  # after every year: the nearest (2020)
    ):
        Activity.objects.create(
            unit=unit,
            title=f"活动{date}",
            activity_type=code,
            nine_project=project,
            date=datetime.date.fromisoformat(date),
            town="渠沟镇",
        )
    period = ReportingPeriod.objects.create(
        year=years[2020],
        number=1,
        name="第1季度",
        start=datetime.date(2020, 1, 1),
        end=datetime.date(2020, 3, 31),
        deadline=datetime.date(2020, 4, 10),
    )
    now = timezone.now()
    report = Report.objects.create(
        unit=unit, period=period, status="accepted", submitted_at=now, first_submitted_at=now
    )
    report.projects.set([first, second])
    ShowcaseItem.objects.create(
        report=report, title="好做法", project=second, marked_at=timezone.now()
    )
    run = EvaluationRun.objects.create(year=years[2020], status="done", progress=100)
    EntryRanking.objects.create(
        run=run,
        entry_id=Entry.objects.get(year=years[2020], nine_project=second).pk,
        unit=unit,
        nine_project=second,
        title="x",
        unit_name=unit.name,
        submitted_at=timezone.now(),
        project_rank=1,
        rank=1,
    )


def test_two_years_keep_their_projects_numbers_and_names(old_apps):
    _arrange(old_apps)

    apps = _migrate(_leaves())
    NineProject = apps.get_model("competition", "NineProject")
    Entry = apps.get_model("competition", "Entry")
    Activity = apps.get_model("volunteers", "Activity")
    Report = apps.get_model("reports", "Report")
    ShowcaseItem = apps.get_model("reports", "ShowcaseItem")
    EntryRanking = apps.get_model("awards", "EntryRanking")
    ActivityType = apps.get_model("competition", "ActivityType")

    assert set(NineProject.objects.values_list("year__year", "number", "name")) == {
        (year, number, name)
        for year in (2019, 2020)
        for number, name in ((1, "产业脱贫工程"), (2, "就业脱贫工程"))
    }
    entries = Entry.objects.values_list(
        "title", "year__year", "nine_project__year__year", "nine_project__number"
    )
    assert set(entries) == {
        ("2019产业脱贫工程", 2019, 2019, 1),
        ("2020就业脱贫工程", 2020, 2020, 2),
        ("2020产业脱贫工程", 2020, 2020, 1),
    }
    activities = Activity.objects.values_list(
        "date",
        "activity_type__year__year",
        "activity_type__code",
        "activity_type__name",
        "nine_project__year__year",
        "nine_project__number",
    )
    assert set(activities) == {
        (datetime.date(2019, 5, 1), 2019, "skills", "技能扶贫", 2019, 1),
        (datetime.date(2020, 3, 1), 2020, "health", "健康扶贫", 2020, 2),
        (datetime.date(2021, 1, 5), 2020, "volunteer", "志愿服务", 2020, 1),
    }
    assert list(ActivityType.objects.filter(year__year=2020).values_list("code", flat=True)) == [
        "skills",
        "health",
        "education",
        "industry",
        "pairing",
        "volunteer",
    ]
    report = Report.objects.get()
    assert set(report.projects.values_list("year__year", "number")) == {(2020, 1), (2020, 2)}
    assert ShowcaseItem.objects.values_list("project__year__year", "project__number").get() == (
        2020,
        2,
    )
    ranking = EntryRanking.objects.get()
    assert (ranking.nine_project.year.year, ranking.nine_project.number) == (2020, 2)

    # Each year's rows are its own: renaming 2020's project 1 leaves 2019's as it was.
    NineProject.objects.filter(year__year=2020, number=1).update(name="产业振兴工程")
    assert Entry.objects.get(title="2019产业脱贫工程").nine_project.name == "产业脱贫工程"


def test_backward_returns_to_global_projects_and_codes(old_apps):
    _arrange(old_apps)
    _migrate(_leaves())

    apps = _migrate(BEFORE)
    NineProject = apps.get_model("competition", "NineProject")
    Entry = apps.get_model("competition", "Entry")
    Activity = apps.get_model("volunteers", "Activity")
    assert list(NineProject.objects.values_list("number", "name")) == [
        (1, "产业脱贫工程"),
        (2, "就业脱贫工程"),
    ]
    assert set(Entry.objects.values_list("title", "nine_project__number")) == {
        ("2019产业脱贫工程", 1),
        ("2020就业脱贫工程", 2),
        ("2020产业脱贫工程", 1),
    }
    assert set(Activity.objects.values_list("activity_type", "nine_project__number")) == {
        ("skills", 1),
        ("health", 2),
        ("volunteer", 1),
    }
