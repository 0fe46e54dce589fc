"""Quota reminders: from the period containing 1 July on, units behind their quota, once a week."""

import datetime

import pytest
from django.core import mail as django_mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.mail import MailTransientError
from common.models import Notification, ReminderLog
from competition.enums import YearStatus
from tests import factories
from tests.volunteers.factories import ActivityFactory
from volunteers import reminders, tasks

pytestmark = pytest.mark.django_db

Q3_START = datetime.date(2019, 7, 1)  # a Monday


def send(today: datetime.date, **kwargs) -> list[str]:
    return [d.key for d in reminders.quota_reminders_send(today=today, **kwargs)]


def key(unit, week: str) -> str:
    return f"quota:unit={unit.pk}:year=2019:week={week}"


@pytest.fixture
def behind_a(unit_a, staff_a, year):
    """相山区总工会 (county, quota 3) with one activity: behind."""
    ActivityFactory(unit=unit_a, date=datetime.date(2019, 5, 1))
    return unit_a


@pytest.fixture
def done_b(unit_b, staff_b, year):
    """濉溪县总工会 (county, quota 3) with three activities: not behind."""
    for month in (2, 4, 6):
        ActivityFactory(unit=unit_b, date=datetime.date(2019, month, 1))
    return unit_b


@pytest.mark.parametrize("today", [datetime.date(2019, 1, 7), datetime.date(2019, 6, 30)])
def test_before_the_period_containing_1_july_nothing(today, behind_a, done_b):
    assert send(today) == []
    assert django_mail.outbox == [] and not ReminderLog.objects.exists()


def test_from_the_period_containing_1_july_units_behind_are_reminded(behind_a, done_b, settings):
    settings.PORTAL_BASE_URL = "https://jingsai.example.org"
    assert send(Q3_START) == [key(behind_a, "2019-W27")]
    assert [m.to for m in django_mail.outbox] == [["staff_a@example.org"]]
    message = django_mail.outbox[0]
    assert "已开展1次，要求3次" in message.subject
    assert "相山区总工会：" in message.body
    assert "已开展“跟着劳模去扶贫”“5+1”活动1次，年度要求3次，尚差2次" in message.body
    assert "https://jingsai.example.org/volunteers/activities/new/" in message.body
    assert "https://jingsai.example.org/volunteers/activities/new/" in message.alternatives[0][0]
    notification = Notification.objects.get()
    assert notification.recipient.username == "staff_a"
    assert notification.title == "2019年度“5+1”活动进度提醒：已开展1次，要求3次"
    assert notification.link == "/volunteers/activities/new/"


def test_quota_override_counts(behind_a, done_b, year):
    factories.unit_quota(done_b, year, 5)
    assert sorted(send(Q3_START)) == sorted([key(behind_a, "2019-W27"), key(done_b, "2019-W27")])


def test_at_most_once_a_week(behind_a):
    assert send(Q3_START) == [key(behind_a, "2019-W27")]
    for offset in range(1, 7):  # a rerun, a duplicated beat, a run later that week
        assert send(Q3_START + datetime.timedelta(days=offset)) == []
    assert send(datetime.date(2019, 7, 8)) == [key(behind_a, "2019-W28")]
    assert len(django_mail.outbox) == 2
    assert Notification.objects.count() == 2


def test_missed_monday_is_caught_up_later_that_week(behind_a):
    assert send(datetime.date(2019, 7, 10)) == [key(behind_a, "2019-W28")]
    assert send(datetime.date(2019, 7, 11)) == []


def test_unit_catching_up_its_quota_is_no_longer_reminded(behind_a):
    assert send(Q3_START) == [key(behind_a, "2019-W27")]
    for month in (7, 7):
        ActivityFactory(unit=behind_a, date=datetime.date(2019, month, 3))
    assert send(datetime.date(2019, 7, 8)) == []


def test_closed_year_and_after_year_end_nothing(behind_a, year):
    assert send(datetime.date(2020, 1, 6)) == []
    year.status = YearStatus.EVALUATING
    year.save()
    assert send(datetime.date(2019, 9, 2)) == []


def test_dry_run_records_nothing(behind_a):
    assert send(Q3_START, dry_run=True) == [key(behind_a, "2019-W27")]
    assert django_mail.outbox == []
    assert not ReminderLog.objects.exists() and not Notification.objects.exists()


def test_task_runs_the_job_and_is_idempotent(behind_a):
    task = tasks.send_quota_reminders
    assert task.name == "volunteers.send_quota_reminders"
    assert task.acks_late is True and task.autoretry_for == (MailTransientError,)
    assert task.delay(today=Q3_START.isoformat()).get() == [key(behind_a, "2019-W27")]
    assert task.delay(today=Q3_START.isoformat()).get() == []
    assert len(django_mail.outbox) == 1


def _queries(**kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        reminders.quota_reminders_send(**kwargs)
    return len(queries)


def _behind_units(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        unit = factories.UnitFactory(name=f"配额单位{i}")
        factories.user_with_role("unit_staff", unit=unit, username=f"quota{i}")


def test_queries_bounded_to_build_and_to_send(year):
    _behind_units(3)
    build_small = _queries(today=Q3_START, dry_run=True)
    send_small = _queries(today=Q3_START)
    _behind_units(12, start=3)
    week_later = Q3_START + datetime.timedelta(days=7)
    build_large = _queries(today=week_later, dry_run=True)
    send_large = _queries(today=week_later)
    assert build_small == build_large <= 6
    assert send_small - build_small == send_large - build_large <= 8


def _year_2022(periods) -> None:
    from competition import services

    services.competition_year_create(actor=None, year=2022, periods=periods)


def test_monthly_year_reminded_from_july(unit_a, staff_a):
    from competition import services
    from competition.enums import PeriodScheme

    _year_2022(services.default_periods(2022, PeriodScheme.MONTHLY))
    ActivityFactory(unit=unit_a, date=datetime.date(2022, 5, 1))
    assert send(datetime.date(2022, 6, 27)) == []  # June, the sixth of twelve periods
    assert send(datetime.date(2022, 7, 4)) == [f"quota:unit={unit_a.pk}:year=2022:week=2022-W27"]


def test_reminded_from_the_start_of_the_period_containing_1_july(unit_a, staff_a):
    D = datetime.date
    _year_2022(
        [
            {"name": "一期", "start": D(2022, 1, 1), "end": D(2022, 5, 31), "deadline": D(2022, 6, 10)},
            {"name": "二期", "start": D(2022, 6, 1), "end": D(2022, 12, 31), "deadline": D(2023, 1, 10)},
        ]
    )  # fmt: skip
    assert send(D(2022, 5, 30)) == []
    assert send(D(2022, 6, 1)) == [f"quota:unit={unit_a.pk}:year=2022:week=2022-W22"]
