import datetime

import pytest

from tests import factories
from tests.factories import UnitFactory
from tests.volunteers.factories import ActivityFactory, ServiceRecordFactory
from volunteers import selectors
from volunteers.enums import ActivityType

pytestmark = pytest.mark.django_db


def _activities(unit, n, **kwargs):
    for i in range(n):
        ActivityFactory(unit=unit, date=datetime.date(2019, 1 + i % 12, 1), **kwargs)


def _progress(year=2019):
    return {unit.name: unit for unit in selectors.quota_progress(year)}


def test_quota_county_needs_three(unit_a, unit_b, year):
    _activities(unit_a, 3)
    _activities(unit_b, 2)
    rows = _progress(year)
    assert (rows["相山区总工会"].activity_count, rows["相山区总工会"].effective_quota) == (3, 3)
    assert rows["相山区总工会"].behind is False
    assert (rows["濉溪县总工会"].activity_count, rows["濉溪县总工会"].behind) == (2, True)


def test_quota_system_union_needs_three_and_direct_one(year):
    system = UnitFactory(name="市教育工会", kind_code="system")
    direct = UnitFactory(name="市供电公司工会", kind_code="direct")
    _activities(system, 2)
    _activities(direct, 1)
    rows = _progress()
    assert (rows["市教育工会"].effective_quota, rows["市教育工会"].behind) == (3, True)
    assert (rows["市供电公司工会"].effective_quota, rows["市供电公司工会"].behind) == (1, False)


def test_quota_override_beats_kind_default(unit_a, unit_b, year):
    factories.unit_quota(unit_a, year, 5)
    factories.unit_quota(unit_b, year, 1)
    _activities(unit_a, 4)
    _activities(unit_b, 1)
    rows = _progress()
    assert (rows["相山区总工会"].effective_quota, rows["相山区总工会"].behind) == (5, True)
    assert (rows["濉溪县总工会"].effective_quota, rows["濉溪县总工会"].behind) == (1, False)
    assert (rows["相山区总工会"].quota_override, rows["濉溪县总工会"].quota_override) == (5, 1)


def test_quota_kind_default_edited_by_admin_applies(unit_a, year):
    factories.kind_quota("county", year, 1)
    _activities(unit_a, 1)
    assert _progress()["相山区总工会"].behind is False


def test_quota_counts_only_activities_inside_the_year(unit_a, year):
    ActivityFactory(unit=unit_a, date=datetime.date(2018, 12, 31))
    ActivityFactory(unit=unit_a, date=datetime.date(2020, 1, 1))
    ActivityFactory(unit=unit_a, date=datetime.date(2019, 12, 31))
    assert _progress(year)["相山区总工会"].activity_count == 1


def test_quota_per_type_counts(unit_a):
    _activities(unit_a, 2, activity_type=ActivityType.HEALTH)
    _activities(unit_a, 1, activity_type=ActivityType.PAIRING)
    row = _progress()["相山区总工会"]
    assert (row.count_health, row.count_pairing, row.count_skills) == (2, 1, 0)
    assert getattr(row, selectors.type_count_name("health")) == 2


def test_quota_only_units_active_that_year(unit_a, unit_b, year):
    unit_b.participations.update(end=datetime.date(2018, 6, 30))
    UnitFactory(name="停用单位", is_active=False)
    assert set(_progress()) == {"相山区总工会"}


def test_quota_progress_is_one_query(unit_a, unit_b, django_assert_num_queries):
    _activities(unit_a, 4)
    types = selectors.activity_types_for(2019)  # the year's types: the columns of the page
    with django_assert_num_queries(1):
        rows = list(selectors.quota_progress(2019, types=types))
        assert [row.kind.name for row in rows] == ["县区总工会", "县区总工会"]


def test_quota_progress_filters_behind(unit_a, unit_b, year):
    _activities(unit_a, 3)
    assert [u.name for u in selectors.quota_progress(2019).filter(behind=True)] == ["濉溪县总工会"]
    assert selectors.quota_progress(2019).filter(behind=True).count() == 1


def test_units_behind_agrees_with_quota_progress(unit_a, unit_b, year):
    # Quotas 3 (district unions), 1 (override), 0 (never behind); activities outside the
    # year do not count.
    zero = UnitFactory()
    factories.unit_quota(zero, year, 0)
    override = UnitFactory()
    factories.unit_quota(override, year, 1)
    _activities(unit_a, 3)
    _activities(unit_b, 2)
    ActivityFactory(unit=override, date=datetime.date(2018, 12, 31))
    expected = {u.pk for u in selectors.quota_progress(2019).filter(behind=True)}
    assert {u.pk for u in selectors.units_behind(2019)} == expected
    assert expected == {unit_b.pk, override.pk} and zero.pk not in expected
    units = selectors.quota_progress(2019).count()
    assert selectors.quota_summary(2019) == {"units": units, "behind": 2}
    ActivityFactory(unit=override, date=datetime.date(2019, 6, 1))
    assert selectors.units_behind(2019).count() == 1
    assert selectors.quota_summary(2019) == {"units": units, "behind": 1}


def test_activities_for_unit_period(unit_a, unit_b, year):
    q2 = year.periods.get(number=2)
    inside = ActivityFactory(unit=unit_a, date=datetime.date(2019, 4, 1))
    ActivityFactory(unit=unit_a, date=datetime.date(2019, 7, 1))
    ActivityFactory(unit=unit_b, date=datetime.date(2019, 5, 1))
    assert list(selectors.activities_for_unit_period(unit_a, q2)) == [inside]


def test_activities_for_unit_year_accepts_number_or_year(unit_a, year):
    inside = ActivityFactory(unit=unit_a, date=datetime.date(2019, 4, 1))
    ActivityFactory(unit=unit_a, date=datetime.date(2020, 4, 1))
    assert list(selectors.activities_for_unit_year(unit_a, year)) == [inside]
    assert list(selectors.activities_for_unit_year(unit_a, 2019)) == [inside]


def test_scoped_selectors(staff_a, office_user, worker_a, worker_b, activity_a, activity_b):
    assert list(selectors.model_workers_for_user(staff_a)) == [worker_a]
    assert list(selectors.activities_for_user(staff_a)) == [activity_a]
    assert set(selectors.model_workers_for_user(office_user)) == {worker_a, worker_b}
    assert set(selectors.activities_for_user(office_user)) == {activity_a, activity_b}


def test_service_totals_per_member_and_unit(staff_a, office_user, member_a, unit_a):
    ServiceRecordFactory(membership=member_a, hours=3, date=datetime.date(2019, 3, 1))
    ServiceRecordFactory(membership=member_a, hours=2.5, date=datetime.date(2019, 4, 1))
    ServiceRecordFactory(membership=member_a, hours=8, date=datetime.date(2020, 4, 1))
    membership = selectors.memberships_for_user(staff_a, year=2019).get()
    assert (membership.record_count, membership.total_hours) == (2, 5.5)
    assert selectors.memberships_for_user(staff_a).get().total_hours == 13.5
    unit = selectors.service_totals_by_unit(office_user, year=2019).get()
    assert (unit, unit.record_count, unit.total_hours) == (unit_a, 2, 5.5)


@pytest.mark.parametrize("as_queryset", [False, True])
def test_quota_progress_of_some_units_counts_as_for_the_city(unit_a, unit_b, as_queryset):
    """A page of units (keys or a queryset) gets the same counts, per type too, as the whole
    city's query; the other units' activities do not leak into them."""
    types = ActivityType.values
    for index, unit in enumerate((unit_a, unit_b)):
        for number, activity_type in enumerate(types[: 3 + index]):
            _activities(unit, number + 1, activity_type=activity_type)
    _activities(unit_b, 2, activity_type=types[0])
    ActivityFactory(unit=unit_a, date=datetime.date(2018, 12, 31))
    names = ["pk", "activity_count", "behind", *map(selectors.type_count_name, types)]
    city = {row["pk"]: row for row in selectors.quota_progress(2019).values(*names)}
    units = [unit_a.pk]
    if as_queryset:
        units = selectors.quota_units(2019).filter(pk=unit_a.pk).values("pk")
    page = list(selectors.quota_progress(2019, units=units).values(*names))
    assert page == [city[unit_a.pk]]
    assert city[unit_a.pk]["activity_count"] == 1 + 2 + 3
    assert city[unit_b.pk]["activity_count"] == 1 + 2 + 3 + 4 + 2
