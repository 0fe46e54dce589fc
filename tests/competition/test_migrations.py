"""The quota and participation data migration (competition 0006) keeps every figure."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("competition", "0005_quotas_participation")]
AFTER = [("competition", "0006_copy_quotas_participation")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps():
    apps = _migrate(BEFORE)
    yield apps
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_copy_keeps_quotas_per_year_and_participation(old_apps):
    UnitKind = old_apps.get_model("competition", "UnitKind")
    Unit = old_apps.get_model("competition", "Unit")
    CompetitionYear = old_apps.get_model("competition", "CompetitionYear")
    for number in (2018, 2019):
        CompetitionYear.objects.create(
            year=number,
            title=f"{number}",
            start_date=datetime.date(number, 1, 1),
            end_date=datetime.date(number, 12, 31),
            evaluation_date=datetime.date(number + 1, 4, 15),
        )
    # (Unapplying 0007 put the column back with its default: set every kind's quota.)
    for code, quota in (("county", 3), ("system", 3), ("direct", 2), ("poverty_office", 0)):
        UnitKind.objects.filter(code=code).update(default_quota=quota)
    county = UnitKind.objects.get(code="county")
    always = Unit.objects.create(name="一直参赛", kind=county)
    override = Unit.objects.create(name="单独设定", kind=county, quota_override=0)
    joined = Unit.objects.create(
        name="年中加入", kind=county, active_from=datetime.date(2019, 5, 1)
    )
    left = Unit.objects.create(name="已撤并", kind=county, active_until=datetime.date(2018, 6, 30))
    off = Unit.objects.create(name="已停用", kind=county, is_active=False)

    apps = _migrate(AFTER)
    KindQuota = apps.get_model("competition", "KindQuota")
    UnitQuota = apps.get_model("competition", "UnitQuota")
    Participation = apps.get_model("competition", "Participation")

    quotas = set(KindQuota.objects.values_list("year__year", "kind__code", "quota"))
    assert quotas == {
        (number, code, quota)
        for number in (2018, 2019)
        for code, quota in (("county", 3), ("system", 3), ("direct", 2), ("poverty_office", 0))
    }
    assert set(UnitQuota.objects.values_list("year__year", "unit_id", "quota")) == {
        (2018, override.pk, 0),
        (2019, override.pk, 0),
    }
    early = datetime.date(2000, 1, 1)
    assert set(Participation.objects.values_list("unit_id", "start", "end")) == {
        (always.pk, early, None),
        (override.pk, early, None),
        (joined.pk, datetime.date(2019, 5, 1), None),
        (left.pk, early, datetime.date(2018, 6, 30)),
    }
    assert not Participation.objects.filter(unit_id=off.pk).exists()
