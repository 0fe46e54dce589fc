"""awards 0007/0008: the evaluation rules moved to the year keep every existing figure and
decision (settings read the notice's ½ and 2; each year gets its award rows)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from awards import selectors

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("awards", "0006_remove_ranking_mean_columns")]
AFTER = [("awards", "0008_year_awards_data")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    # The competition core as it is today (only awards moves back and forth).
    core = [node for node in executor.loader.graph.leaf_nodes() if node[0] == "competition"]
    executor.migrate([*targets, *core])
    return executor.loader.project_state([*targets, *core]).apps


@pytest.fixture
def old_apps():
    apps = _migrate(BEFORE)
    yield apps
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_rules_and_awards_carried_over(old_apps):
    CompetitionYear = old_apps.get_model("competition", "CompetitionYear")
    Unit = old_apps.get_model("competition", "Unit")
    UnitKind = old_apps.get_model("competition", "UnitKind")
    EvaluationSettings = old_apps.get_model("awards", "EvaluationSettings")
    EvaluationRun = old_apps.get_model("awards", "EvaluationRun")
    UnitRanking = old_apps.get_model("awards", "UnitRanking")
    ShortlistItem = old_apps.get_model("awards", "ShortlistItem")
    years = [
        CompetitionYear.objects.create(
            year=number,
            title=f"{number}",
            start_date=datetime.date(number, 1, 1),
            end_date=datetime.date(number, 12, 31),
            evaluation_date=datetime.date(number + 1, 4, 15),
        )
        for number in (2018, 2019)
    ]
    EvaluationSettings.objects.create(year=years[1], weight_entries=Decimal("0.5"))
    unit = Unit.objects.create(name="相山区总工会", kind=UnitKind.objects.get(code="county"))
    run = EvaluationRun.objects.create(year=years[1], settings={"weights": {}}, status="done")
    row = UnitRanking.objects.create(
        run=run, unit=unit, unit_name=unit.name, kind_name="县区总工会", rank=1
    )
    item = ShortlistItem.objects.create(
        run=run,
        category="unit",
        unit_ranking=row,
        unit=unit,
        recipient=unit.name,
        rank=1,
        award="certificate",
    )

    apps = _migrate(AFTER)
    settings = apps.get_model("awards", "EvaluationSettings").objects.get()
    assert (settings.weight_entries, settings.late_report_factor, settings.min_service_years) == (
        Decimal("0.50"),
        Decimal("0.50"),
        2,
    )
    YearAward = apps.get_model("awards", "YearAward")
    assert sorted(YearAward.objects.values_list("year__year", "category", "code", "name")) == [
        (number, category, code, name)
        for number in (2018, 2019)
        for category, code, name in (
            ("collective", "certificate", "淮北市五一劳动奖状"),
            ("individual", "medal", "淮北市五一劳动奖章"),
            ("unit", "certificate", "淮北市五一劳动奖状"),
        )
    ]
    Item = apps.get_model("awards", "ShortlistItem")
    kept = Item.objects.annotate(award_name=selectors.award_name()).get(pk=item.pk)
    assert (kept.award, kept.award_name) == ("certificate", "淮北市五一劳动奖状")
