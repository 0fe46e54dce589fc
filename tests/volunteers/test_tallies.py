"""Each unit's activity tally (`ActivityTally`, a derived figure the quota counts read) against
a recount from scratch, after every way activities and years change: saved, moved to another
unit or year, deleted, imported, written in bulk, and a year's dates changed; and two people
saving at once on PostgreSQL."""

import datetime
import importlib
import threading

import pytest
from django.apps import apps
from django.db import connection, transaction

from awards import services as award_services
from competition import services as competition_services
from competition.models import CompetitionYear
from tests import factories
from tests.factories import UnitFactory
from tests.volunteers.factories import ActivityFactory
from tests.volunteers.test_imports import ACTIVITY_HEADERS, activity_row, xlsx
from volunteers import selectors, services
from volunteers.models import Activity, ActivityTally

pytestmark = pytest.mark.django_db


def recounted() -> dict:
    """(unit, year) → activities dated inside the year, counted here in Python."""
    counts = {}
    years = list(CompetitionYear.objects.all())
    for unit_id, date in Activity.objects.values_list("unit_id", "date"):
        for year in years:
            if year.start_date <= date <= year.end_date:
                counts[unit_id, year.pk] = counts.get((unit_id, year.pk), 0) + 1
    return counts


def tallied() -> dict:
    rows = ActivityTally.objects.filter(count__gt=0)
    return {(row.unit_id, row.year_id): row.count for row in rows}


def _activity(unit, title, date, year):
    return Activity(
        unit=unit,
        title=title,
        date=date,
        town="渠沟镇",
        activity_type=factories.activity_type("skills", year),
        nine_project=factories.nine_project(1, year),
    )


def test_tallies_follow_saves_moves_deletes_imports_and_year_dates(
    staff_a, unit_a, unit_b, admin_user, year, worker_a
):
    y2020 = award_services.year_open(actor=admin_user, source=year, number=2020)
    first = services.activity_save(
        actor=staff_a,
        activity=_activity(unit_a, "春耕指导", datetime.date(2019, 5, 1), year),
        model_workers=[],
    )
    services.activity_save(
        actor=staff_a,
        activity=_activity(unit_a, "义诊", datetime.date(2019, 7, 1), year),
        model_workers=[],
    )
    assert tallied() == recounted() == {(unit_a.pk, year.pk): 2}

    # Moved to another unit and into the next year by the admin.
    moved = Activity.objects.get(pk=first.pk)
    moved.unit, moved.date = unit_b, datetime.date(2020, 3, 1)
    moved.activity_type = factories.activity_type("skills", y2020)
    moved.nine_project = factories.nine_project(1, y2020)
    services.activity_save(actor=admin_user, activity=moved, model_workers=[])
    assert tallied() == recounted() == {(unit_a.pk, year.pk): 1, (unit_b.pk, y2020.pk): 1}

    services.activity_delete(actor=admin_user, activity=moved)
    assert tallied() == recounted() == {(unit_a.pk, year.pk): 1}

    upload = xlsx(ACTIVITY_HEADERS, [activity_row(), activity_row(活动名称="二", 参与劳模="")])
    assert services.activities_import(actor=staff_a, upload=upload).ok
    assert tallied() == recounted() == {(unit_a.pk, year.pk): 3}

    # A failed import writes nothing, the tallies included.
    bad = xlsx(ACTIVITY_HEADERS, [activity_row(活动名称="三"), activity_row(活动日期="2019-13-1")])
    assert not services.activities_import(actor=staff_a, upload=bad).ok
    assert tallied() == recounted() == {(unit_a.pk, year.pk): 3}

    # Dated before the year began: it counts once the year is made to start earlier.
    ActivityFactory(unit=unit_b, date=datetime.date(2018, 12, 15))
    assert tallied() == recounted() == {(unit_a.pk, year.pk): 3}
    competition_services.competition_year_update(
        actor=admin_user, year=year, start_date=datetime.date(2018, 12, 1)
    )
    assert tallied() == recounted() == {(unit_a.pk, year.pk): 3, (unit_b.pk, year.pk): 1}


def test_bulk_writes_recount_whole_years(unit_a, unit_b, year):
    Activity.objects.bulk_create(
        [
            _activity(unit, f"活动{n}", datetime.date(2019, 1 + n, 1), year)
            for n, unit in enumerate([unit_a, unit_a, unit_b])
        ]
    )
    assert tallied() == {}  # written around the services: not yet counted
    services.activity_tallies_recount_year(year)
    assert tallied() == recounted() == {(unit_a.pk, year.pk): 2, (unit_b.pk, year.pk): 1}
    Activity.objects.filter(unit=unit_b).delete()
    services.activity_tallies_recount_year(year)  # a unit with none left drops to 0
    assert tallied() == recounted() == {(unit_a.pk, year.pk): 2}


def test_migration_counts_existing_activities(unit_a, unit_b, year):
    for n, unit in enumerate([unit_a, unit_b, unit_b]):
        ActivityFactory(unit=unit, date=datetime.date(2019, 3, 1 + n))
    ActivityFactory(unit=unit_a, date=datetime.date(2018, 6, 1))  # in no year
    expected = recounted()
    ActivityTally.objects.all().delete()
    migration = importlib.import_module("volunteers.migrations.0008_activity_tally")
    migration.tally_activities(apps, None)
    assert tallied() == expected == {(unit_a.pk, year.pk): 1, (unit_b.pk, year.pk): 2}


@pytest.mark.parametrize("given", ["year", "number"])
def test_units_behind_read_from_tallies_agree_with_counting(given, unit_a, unit_b, year):
    """The home page and quota page counts (tallies, for a CompetitionYear) agree with
    `quota_progress` (counting every activity) and with the correlated count of a number."""
    zero, override = UnitFactory(), UnitFactory()
    factories.unit_quota(zero, year, 0)
    factories.unit_quota(override, year, 1)
    for n in range(3):
        ActivityFactory(unit=unit_a, date=datetime.date(2019, 1 + n, 1))
    ActivityFactory(unit=unit_b, date=datetime.date(2019, 2, 1))
    asked = year if given == "year" else 2019
    expected = {u.pk for u in selectors.quota_progress(asked).filter(behind=True)}
    assert expected == {unit_b.pk, override.pk}
    assert {u.pk for u in selectors.units_behind(asked)} == expected
    units = selectors.quota_progress(asked).count()
    assert selectors.quota_summary(asked) == {"units": units, "behind": 2}


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_once_both_count(require_postgres, staff_a, unit_a, year):
    """The first save holds its transaction open; the second must wait on the tally row and
    then count both (counting without waiting, it would read a snapshot missing the first:
    seen to fail so when the recount neither inserts with ON CONFLICT nor locks)."""
    services.activity_save(
        actor=staff_a,
        activity=_activity(unit_a, "已有", datetime.date(2019, 3, 1), year),
        model_workers=[],
    )
    saved, release, errors = threading.Event(), threading.Event(), []

    def save(title, hold):
        try:
            with transaction.atomic():
                services.activity_save(
                    actor=staff_a,
                    activity=_activity(unit_a, title, datetime.date(2019, 4, 1), year),
                    model_workers=[],
                )
                if hold:
                    saved.set()
                    release.wait(10)
        except Exception as exc:  # reported below: a thread's failure must fail the test
            errors.append(exc)
        finally:
            saved.set()
            connection.close()

    first = threading.Thread(target=save, args=("先", True))
    second = threading.Thread(target=save, args=("后", False))
    first.start()
    saved.wait(10)
    second.start()
    second.join(1)
    assert second.is_alive(), "the second save should wait for the first's lock"
    release.set()
    first.join(15)
    second.join(15)
    assert errors == []
    assert tallied() == recounted() == {(unit_a.pk, year.pk): 3}
