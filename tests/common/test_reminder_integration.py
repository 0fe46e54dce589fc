"""The deadline reminder job through Redis and a real worker process, on PostgreSQL, twice."""

import datetime
import email.policy
from email import message_from_string

import pytest

from common.models import Notification, ReminderLog
from reports import services as report_services
from reports import tasks as report_tasks
from reports.enums import ReportStatus
from tests import factories
from tests.reports.factories import COMPLETE, on_time
from volunteers import tasks as volunteer_tasks

pytestmark = [
    pytest.mark.real_broker,
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
]


def _report(unit, period, staff, status, office):
    """A report in `status`, with no status mail queued (the worker would send it too)."""
    report = report_services.report_create(actor=staff, unit=unit, period=period)
    if status == ReportStatus.DRAFT:
        return report
    report_services.report_save(
        actor=staff, report=report, data=COMPLETE, projects=[factories.nine_project(1)],
        submit=True, at=on_time(period),
    )  # fmt: skip
    if status == ReportStatus.RETURNED:
        report_services.report_return(actor=office, report=report, comment="补充", notify=False)
    elif status == ReportStatus.ACCEPTED:
        report_services.report_accept(actor=office, report=report, notify=False)
    return report


def _mail_files(mail_dir) -> list[str]:
    """One file per SMTP connection (the file backend's), messages separated by dashes."""
    files = sorted(mail_dir.glob("*.log")) if mail_dir.exists() else []
    return [file.read_text() for file in files]


def _recipients(files: list[str]) -> list[str]:
    return sorted(
        line.removeprefix("To: ")
        for text in files
        for line in text.splitlines()
        if line.startswith("To: ")
    )


def test_deadline_reminders_through_broker_twice_one_mail_each(reference_data, celery_worker):
    year = factories.competition_year(2019)
    period = year.periods.get(number=1)
    office = factories.user_with_role("office", username="office")
    states = {
        "missing": None,
        "draft": ReportStatus.DRAFT,
        "returned": ReportStatus.RETURNED,
        "submitted": ReportStatus.SUBMITTED,
        "accepted": ReportStatus.ACCEPTED,
    }
    units = {}
    for name, status in states.items():
        unit = factories.UnitFactory(name=f"单位-{name}")
        staff = factories.user_with_role("unit_staff", unit=unit, username=f"{name}1")
        factories.user_with_role("unit_staff", unit=unit, username=f"{name}2")
        if status is not None:
            _report(unit, period, staff, status, office)
        units[name] = unit
    today = (period.deadline - datetime.timedelta(days=3)).isoformat()

    first = report_tasks.send_deadline_reminders.apply_async(kwargs={"today": today})
    sent = celery_worker.result(first)
    second = report_tasks.send_deadline_reminders.apply_async(kwargs={"today": today})
    assert celery_worker.result(second) == []

    missing = ("missing", "draft", "returned")
    expected_keys = {f"deadline:unit={units[n].pk}:period={period.pk}:d-3" for n in missing}
    assert set(sent) == expected_keys
    assert set(ReminderLog.objects.values_list("key", flat=True)) == expected_keys
    files = _mail_files(celery_worker.mail_dir)
    assert len(files) == 1, "one SMTP connection for the batch; none for the empty rerun"
    assert _recipients(files) == sorted(f"{n}{i}@example.org" for n in missing for i in (1, 2))
    subjects = [
        message_from_string(part.strip(), policy=email.policy.default)["Subject"].strip()
        for part in files[0].split("-" * 79)
        if part.strip()
    ]
    assert subjects == ["【劳动竞赛管理平台】2019年第1季度报告尚未提交（距截止还有3天）"] * 6
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == sorted(
        f"{n}{i}" for n in missing for i in (1, 2)
    )
    assert "reports.send_deadline_reminders" in celery_worker.log()


def test_quota_reminders_through_broker_once_a_week(reference_data, celery_worker):
    factories.competition_year(2019)
    behind = factories.UnitFactory(name="未达标单位")
    factories.user_with_role("unit_staff", unit=behind, username="behind")
    first = volunteer_tasks.send_quota_reminders.apply_async(kwargs={"today": "2019-07-01"})
    assert celery_worker.result(first) == [f"quota:unit={behind.pk}:year=2019:week=2019-W27"]
    again = volunteer_tasks.send_quota_reminders.apply_async(kwargs={"today": "2019-07-03"})
    assert celery_worker.result(again) == []
    assert _recipients(_mail_files(celery_worker.mail_dir)) == ["behind@example.org"]
