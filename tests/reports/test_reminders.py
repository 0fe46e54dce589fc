"""Deadline reminders: the schedule and its catch-up, recipients, the ledger, retries, the
broker-down path and the send_reminders command. Tasks run inline; "today" is passed in."""

import datetime
import importlib
import logging
import smtplib
from io import StringIO
from unittest import mock

import pytest
from django.core import mail as django_mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from kombu.exceptions import OperationalError

from common import queue
from common.mail import MailTransientError
from common.models import Notification, ReminderLog
from competition.enums import YearStatus
from config.celery import app as celery_app
from reports import reminders, tasks
from reports.enums import ReportStatus
from tests import factories
from tests.reports import factories as rf

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2019, 4, 10)  # the 2019 first quarter's, 10 days after it ends


def day(offset: int) -> datetime.date:
    """The date `offset` days after the first quarter's deadline (negative: before)."""
    return DEADLINE + datetime.timedelta(days=offset)


def send(offset: int, **kwargs) -> list[str]:
    return [d.key for d in reminders.deadline_reminders_send(today=day(offset), **kwargs)]


def key(unit, period, kind) -> str:
    return f"deadline:unit={unit.pk}:period={period.pk}:{kind}"


def mailed_to() -> list[str]:
    return sorted(address for message in django_mail.outbox for address in message.to)


@pytest.fixture
def q1(year):
    period = rf.period(year, 1)
    assert period.deadline == DEADLINE
    return period


@pytest.fixture
def reported_b(unit_b, staff_b, q1):
    return rf.make_report(unit_b, q1, status=ReportStatus.SUBMITTED, actor=staff_b)


# The schedule -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "kind"),
    [
        (-30, None),
        (-8, None),
        (-7, "d-7"),
        (-6, "d-7"),
        (-4, "d-7"),
        (-3, "d-3"),
        (-2, "d-3"),
        (-1, "d-1"),
        (0, "d-1"),
        (1, "d+1"),
        (4, "d+1"),
        (7, "d+1"),
        (8, None),
        (60, None),
    ],
)
def test_reminder_kind_is_the_most_recent_due(offset, kind):
    assert reminders.reminder_kind(DEADLINE, day(offset)) == kind


@pytest.mark.parametrize(
    ("offset", "kind", "when"),
    [(-7, "d-7", "距截止还有7天"), (-3, "d-3", "距截止还有3天"), (-1, "d-1", "距截止还有1天")],
)
def test_reminder_day_mails_and_notifies_missing_unit_only(
    offset, kind, when, unit_a, staff_a, q1, reported_b, staff_b, settings
):
    settings.PORTAL_BASE_URL = "https://jingsai.example.org"
    assert send(offset) == [key(unit_a, q1, kind)]

    assert mailed_to() == ["staff_a@example.org"]
    message = django_mail.outbox[0]
    assert message.subject == f"【劳动竞赛管理平台】2019年第1季度报告尚未提交（{when}）"
    assert "相山区总工会：" in message.body
    assert "2019年4月10日" in message.body and f"{when[3:]}" in message.body
    assert "https://jingsai.example.org/reports/" in message.body
    html = message.alternatives[0][0]
    assert "https://jingsai.example.org/reports/" in html and "2019年4月10日" in html
    notification = Notification.objects.get()
    assert (notification.recipient, notification.link) == (staff_a, "/reports/")
    assert notification.title == f"2019年第1季度报告尚未提交（{when}）"
    assert list(ReminderLog.objects.values_list("kind", "key")) == [
        ("deadline_reminder", key(unit_a, q1, kind))
    ]


def test_first_day_after_deadline_says_overdue(unit_a, staff_a, q1):
    assert send(1) == [key(unit_a, q1, "d+1")]
    message = django_mail.outbox[0]
    assert "已逾期1天" in message.subject
    assert "现已逾期1天，至今尚未提交" in message.body
    assert Notification.objects.get().title == "2019年第1季度报告尚未提交（已逾期1天）"


def test_deadline_day_catches_up_the_last_reminder_as_due_today(unit_a, staff_a, q1):
    assert send(0) == [key(unit_a, q1, "d-1")]
    assert "今天截止" in django_mail.outbox[0].subject
    assert "今天（2019年4月10日）截止" in django_mail.outbox[0].body


@pytest.mark.parametrize("offset", [-30, -8, 8, 40])
def test_days_outside_every_window_send_nothing(offset, unit_a, staff_a, q1):
    assert send(offset) == []
    assert django_mail.outbox == [] and not Notification.objects.exists()
    assert not ReminderLog.objects.exists()


def test_days_between_reminders_send_nothing_once_sent(unit_a, staff_a, q1):
    assert send(-7) == [key(unit_a, q1, "d-7")]
    for offset in (-6, -5, -4):
        assert send(offset) == []
    assert send(-3) == [key(unit_a, q1, "d-3")]
    assert send(-2) == []
    assert len(django_mail.outbox) == 2


def test_submitted_and_accepted_units_get_nothing(
    unit_a, staff_a, unit_b, staff_b, q1, office_user
):
    rf.make_report(unit_a, q1, status=ReportStatus.ACCEPTED, actor=staff_a, reviewer=office_user)
    rf.make_report(unit_b, q1, status=ReportStatus.SUBMITTED, actor=staff_b)
    django_mail.outbox.clear()  # the acceptance mail
    Notification.objects.all().delete()  # and its notification
    assert send(-3) == []
    assert django_mail.outbox == []
    assert not Notification.objects.exists()


def test_draft_and_returned_reports_count_as_missing(
    unit_a, staff_a, unit_b, staff_b, q1, office_user
):
    draft = rf.make_report(unit_a, q1, actor=staff_a)
    returned = rf.make_report(
        unit_b, q1, status=ReportStatus.RETURNED, actor=staff_b, reviewer=office_user
    )
    django_mail.outbox.clear()  # the "returned" mail
    Notification.objects.all().delete()  # and its notification
    assert sorted(send(-1)) == sorted([key(unit_a, q1, "d-1"), key(unit_b, q1, "d-1")])
    by_address = {message.to[0]: message for message in django_mail.outbox}
    assert set(by_address) == {"staff_a@example.org", "staff_b@example.org"}
    assert f"/reports/{draft.pk}/edit/" in by_address["staff_a@example.org"].body
    assert "尚未提交" in by_address["staff_a@example.org"].body
    assert f"/reports/{returned.pk}/edit/" in by_address["staff_b@example.org"].body
    assert "退回" in by_address["staff_b@example.org"].body
    links = dict(Notification.objects.values_list("recipient__username", "link"))
    assert links == {
        "staff_a": f"/reports/{draft.pk}/edit/",
        "staff_b": f"/reports/{returned.pk}/edit/",
    }


def test_every_active_staff_user_once_and_nobody_else(unit_a, staff_a, q1, office_user):
    second = factories.user_with_role("unit_staff", unit=unit_a, username="staff_a2")
    no_mail = factories.user_with_role("unit_staff", unit=unit_a, username="nomail", email="")
    gone = factories.user_with_role("unit_staff", unit=unit_a, username="gone")
    gone.is_active = False
    gone.save()
    assert send(-7) == [key(unit_a, q1, "d-7")]
    assert mailed_to() == ["staff_a2@example.org", "staff_a@example.org"]
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == [
        "nomail",
        "staff_a",
        "staff_a2",
    ]
    assert second.notifications.count() == 1 and no_mail.notifications.count() == 1


def test_unit_without_staff_is_not_claimed(unit_a, q1):
    assert send(-7) == []
    assert not ReminderLog.objects.exists()
    factories.user_with_role("unit_staff", unit=unit_a, username="newcomer")
    assert send(-6) == [key(unit_a, q1, "d-7")]  # caught up once somebody can read it


def test_unit_inactive_in_the_period_is_not_reminded(unit_a, staff_a, q1):
    unit_a.participations.update(start=datetime.date(2019, 5, 1))
    assert send(-7) == []


def test_closed_year_sends_nothing(unit_a, staff_a, q1, year):
    year.status = YearStatus.CLOSED
    year.save()
    assert send(-7) == []


# The ledger and catch-up --------------------------------------------------------------------


def test_second_run_sends_nothing(unit_a, staff_a, unit_b, staff_b, q1):
    first = send(-3)
    assert sorted(first) == sorted([key(unit_a, q1, "d-3"), key(unit_b, q1, "d-3")])
    assert send(-3) == []
    assert tasks.send_deadline_reminders.delay(today=day(-3).isoformat()).get() == []
    assert len(django_mail.outbox) == 2
    assert Notification.objects.count() == 2
    assert ReminderLog.objects.filter(kind="deadline_reminder").count() == 2


def test_missed_day_is_caught_up_once_and_never_an_older_kind(unit_a, staff_a, q1):
    # Nothing ran on D-7 nor on D-3 (Redis down): on D-2 only the d-3 reminder goes out.
    assert send(-2) == [key(unit_a, q1, "d-3")]
    assert "距截止还有2天" in django_mail.outbox[0].subject  # the real days left
    assert send(-2) == []
    # The next one follows the schedule as usual; d-7 is never sent afterwards.
    assert send(-1) == [key(unit_a, q1, "d-1")]
    assert not ReminderLog.objects.filter(key__endswith=":d-7").exists()


def test_after_deadline_reminder_is_caught_up_within_a_week(unit_a, staff_a, q1):
    assert send(5) == [key(unit_a, q1, "d+1")]
    assert "已逾期5天" in django_mail.outbox[0].subject
    assert send(6) == []


def test_report_returned_inside_a_window_gets_that_windows_reminder(
    unit_a, staff_a, q1, office_user
):
    report = rf.make_report(unit_a, q1, status=ReportStatus.SUBMITTED, actor=staff_a)
    assert send(-7) == []
    from reports import services

    services.report_return(actor=office_user, report=report, comment="请补充数据。", notify=False)
    assert send(-5) == [key(unit_a, q1, "d-7")]


def test_broker_down_beat_publish_logs_and_next_run_catches_up(unit_a, staff_a, q1, caplog):
    down = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    task = tasks.send_deadline_reminders
    with (
        mock.patch.object(task, "apply_async", side_effect=down) as publish,
        caplog.at_level(logging.ERROR, logger="common.queue"),
    ):
        assert queue.send_task_safely(task, today=day(-3).isoformat()) is False
    publish.assert_called_once()
    assert "Could not enqueue reports.send_deadline_reminders" in caplog.text
    assert django_mail.outbox == [] and not ReminderLog.objects.exists()
    # Redis is back the next morning: the d-3 reminder missed yesterday goes out.
    assert task.delay(today=day(-2).isoformat()).get() == [key(unit_a, q1, "d-3")]
    assert mailed_to() == ["staff_a@example.org"]


# One connection, bounded queries, retries ---------------------------------------------------


class CountingBackend:
    opened = 0
    calls = 0
    fail_on_call: int | None = None
    sent: list = []

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        CountingBackend.opened += 1

    def close(self):
        pass

    def send_messages(self, messages):
        CountingBackend.calls += 1
        if CountingBackend.calls == CountingBackend.fail_on_call:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        CountingBackend.sent.extend(messages)
        return len(messages)


@pytest.fixture
def backend(settings):
    settings.EMAIL_BACKEND = "tests.reports.test_reminders.CountingBackend"
    CountingBackend.opened, CountingBackend.calls, CountingBackend.sent = 0, 0, []
    CountingBackend.fail_on_call = None
    return CountingBackend


def _units_with_staff(n: int, start: int = 0) -> list:
    units = []
    for i in range(start, start + n):
        unit = factories.UnitFactory(name=f"提醒单位{i}")
        factories.user_with_role("unit_staff", unit=unit, username=f"remind{i}")
        units.append(unit)
    return units


def _queries(**kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        reminders.deadline_reminders_send(**kwargs)
    return len(queries)


def test_one_smtp_connection_for_the_whole_batch(backend, q1):
    _units_with_staff(6)
    assert len(send(-7)) == 6
    assert backend.opened == 1
    assert len(backend.sent) == 6


def test_queries_bounded_to_build_and_to_send(backend, q1):
    _units_with_staff(3)
    build_small = _queries(today=day(-7), dry_run=True)
    send_small = _queries(today=day(-7))
    _units_with_staff(12, start=3)  # 15 units now; the first 3 already had their d-7
    build_large = _queries(today=day(-3), dry_run=True)
    send_large = _queries(today=day(-3))
    assert build_small == build_large <= 6  # periods, units, staff, ledger (×2)
    # reminder_deliver claims and notifies a whole chunk of units in a few queries.
    assert send_small - build_small == send_large - build_large <= 8
    assert backend.opened == 2  # one per run


def test_transient_smtp_error_is_retried_and_sends_only_the_rest(backend, q1):
    units = _units_with_staff(3)
    backend.fail_on_call = 2  # the server drops the connection at the second unit
    # As the worker runs it: the Retry is handled, not raised to the caller (the eager
    # apply runs the retry at once, ignoring the backoff's countdown).
    result = tasks.send_deadline_reminders.apply(kwargs={"today": day(-7).isoformat()}, throw=False)
    assert result.get() == [key(units[1], q1, "d-7"), key(units[2], q1, "d-7")]
    addresses = [message.to[0] for message in backend.sent]
    assert addresses == ["remind0@example.org", "remind1@example.org", "remind2@example.org"]
    assert backend.opened == 2  # the first attempt and the retry
    assert ReminderLog.objects.count() == 3
    assert Notification.objects.count() == 3


def test_tasks_are_named_acknowledged_late_and_retry_transient_errors():
    task = tasks.send_deadline_reminders
    assert task.name == "reports.send_deadline_reminders"
    assert task.acks_late is True
    assert task.autoretry_for == (MailTransientError,)
    assert task.max_retries == 5 and task.retry_backoff


# The send_reminders command -----------------------------------------------------------------


def _command(*args) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_send_reminders_dry_run_lists_and_writes_nothing(unit_a, staff_a, q1):
    output = _command("--dry-run", "--date", day(-7).isoformat())
    assert f"would send {key(unit_a, q1, 'd-7')}: 2019年第1季度报告尚未提交" in output
    assert "mail to staff_a@example.org" in output
    assert "deadline reminders: would send 1" in output
    assert "quota reminders: would send 0" in output
    assert django_mail.outbox == []
    assert not ReminderLog.objects.exists() and not Notification.objects.exists()


def test_send_reminders_sends_once_and_says_what(unit_a, staff_a, q1):
    output = _command("--date", day(-7).isoformat())
    assert f"sent {key(unit_a, q1, 'd-7')}" in output
    assert "deadline reminders: sent 1" in output
    assert mailed_to() == ["staff_a@example.org"]
    assert "deadline reminders: sent 0" in _command("--date", day(-7).isoformat())


def test_send_reminders_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--date"):
        _command("--date", "2019-13-01")


def test_beat_schedule_names_the_reminder_tasks():
    schedule = importlib.import_module("common.migrations.0002_default_schedule").SCHEDULE
    celery_app.loader.import_default_modules()
    for name in ("reports.send_deadline_reminders", "volunteers.send_quota_reminders"):
        assert name in {entry[1] for entry in schedule}
        assert name in celery_app.tasks


def test_task_without_a_date_runs_for_today(unit_a, staff_a, q1):
    # As beat calls it: no arguments, today's Asia/Shanghai date (far past 2019's deadlines).
    assert tasks.send_deadline_reminders.delay().get() == []
