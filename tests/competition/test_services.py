import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from competition import selectors, services
from competition.enums import Role
from competition.models import CompetitionYear, Membership, ReportingPeriod
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_year_create_makes_four_quarters_with_deadlines_ten_days_after():
    year = services.competition_year_create(actor=None, year=2019)
    periods = list(year.periods.order_by("number"))
    assert [(p.number, p.name, p.start, p.end, p.deadline) for p in periods] == [
        (1, "第1季度", datetime.date(2019, 1, 1), datetime.date(2019, 3, 31), datetime.date(2019, 4, 10)),
        (2, "第2季度", datetime.date(2019, 4, 1), datetime.date(2019, 6, 30), datetime.date(2019, 7, 10)),
        (3, "第3季度", datetime.date(2019, 7, 1), datetime.date(2019, 9, 30), datetime.date(2019, 10, 10)),
        (4, "第4季度", datetime.date(2019, 10, 1), datetime.date(2019, 12, 31), datetime.date(2020, 1, 10)),
    ]  # fmt: skip
    assert year.evaluation_date == datetime.date(2020, 4, 15)
    assert str(periods[0]) == "2019年第1季度"


def test_year_create_with_custom_deadline_days_and_leap_february():
    year = services.competition_year_create(actor=None, year=2020, deadline_days=15)
    first = year.periods.get(number=1)
    assert first.end == datetime.date(2020, 3, 31)
    assert first.deadline == datetime.date(2020, 4, 15)


def test_periods_ensure_is_idempotent_and_keeps_edits():
    year = services.competition_year_create(actor=None, year=2019)
    q2 = year.periods.get(number=2)
    q2.deadline = datetime.date(2019, 7, 20)
    q2.save()
    services.periods_ensure(actor=None, competition_year=year)
    assert year.periods.count() == 4
    assert year.periods.get(number=2).deadline == datetime.date(2019, 7, 20)


def test_year_create_refuses_duplicate_year():
    services.competition_year_create(actor=None, year=2019)
    with pytest.raises(ValidationError):
        services.competition_year_create(actor=None, year=2019)


@pytest.mark.parametrize("number", [0, 2])  # below 1; taken by the second quarter
def test_period_constraints_refuse_number_zero_and_duplicates(number):
    year = services.competition_year_create(actor=None, year=2019)
    with pytest.raises(IntegrityError):
        ReportingPeriod.objects.create(
            year=year,
            number=number,
            name="额外",
            start=datetime.date(2019, 1, 1),
            end=datetime.date(2019, 1, 2),
            deadline=datetime.date(2019, 1, 3),
        )


def test_membership_staff_needs_a_unit():
    user = UserFactory()
    with pytest.raises(ValidationError):
        services.membership_set(actor=None, user=user, role=Role.UNIT_STAFF, unit=None)
    assert not Membership.objects.filter(user=user).exists()


def test_membership_admin_gets_django_admin_access():
    user = UserFactory()
    services.membership_set(actor=None, user=user, role=Role.ADMIN)
    user.refresh_from_db()
    assert user.is_staff and user.is_superuser


def test_current_period_is_next_deadline_else_last():
    services.competition_year_create(actor=None, year=2019)
    assert selectors.current_period(datetime.date(2019, 4, 5)).number == 1
    assert selectors.current_period(datetime.date(2019, 4, 11)).number == 2
    assert selectors.current_period(datetime.date(2026, 11, 30)).number == 4


def test_units_active_between_counts_only_active_units():
    UnitFactory(name="A")
    UnitFactory(name="B", is_active=False)
    UnitFactory(name="C", active_from=datetime.date(2019, 7, 1))
    UnitFactory(name="D", active_until=datetime.date(2019, 2, 1))
    names = set(
        selectors.units_active_between(
            datetime.date(2019, 1, 1), datetime.date(2019, 3, 31)
        ).values_list("name", flat=True)
    )
    assert names == {"A", "D"}


def test_current_year_prefers_open_year_of_today_then_latest_open_then_latest(
    django_assert_num_queries,
):
    for number in (2018, 2019, 2020):
        services.competition_year_create(actor=None, year=number)
    CompetitionYear.objects.filter(year=2020).update(status="closed")
    with django_assert_num_queries(1):
        assert selectors.current_year(datetime.date(2018, 6, 1)).year == 2018
    assert selectors.current_year(datetime.date(2026, 6, 1)).year == 2019
    CompetitionYear.objects.update(status="closed")
    assert selectors.current_year(datetime.date(2018, 6, 1)).year == 2020


def test_current_period_takes_one_query(django_assert_num_queries):
    services.competition_year_create(actor=None, year=2019)
    with django_assert_num_queries(1):
        period = selectors.current_period(datetime.date(2019, 7, 1))
    assert (period.year.year, period.number) == (2019, 2)


def test_unit_staff_by_unit_only_active_staff(unit_a, unit_b):
    from tests.factories import user_with_role

    first = user_with_role("unit_staff", unit=unit_a, username="a1")
    second = user_with_role("unit_staff", unit=unit_a, username="a2")
    gone = user_with_role("unit_staff", unit=unit_a, username="a3")
    gone.is_active = False
    gone.save()
    user_with_role("office", unit=unit_a, username="reviewer_a")
    user_with_role("unit_staff", unit=unit_b, username="b1")
    staff = selectors.unit_staff_by_unit([unit_a.pk])
    assert dict(staff) == {unit_a.pk: [first, second]}
