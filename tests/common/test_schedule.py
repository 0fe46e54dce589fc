import importlib

import pytest
from django.apps import apps as global_apps
from django_celery_beat.models import PeriodicTask

pytestmark = pytest.mark.django_db

schedule = importlib.import_module("common.migrations.0002_default_schedule")
outbox_schedule = importlib.import_module("common.migrations.0005_outbox_schedule")


def _rows():
    return {
        task.task: (
            task.name,
            task.enabled,
            task.crontab.minute,
            task.crontab.hour,
            task.crontab.day_of_week,
            task.crontab.day_of_month,
            task.crontab.month_of_year,
            str(task.crontab.timezone),
        )
        for task in PeriodicTask.objects.select_related("crontab")
    }


def test_default_schedule_from_migration():
    assert _rows() == {
        "reports.send_deadline_reminders": (
            "报送截止提醒",
            True,
            "0",
            "8",
            "*",
            "*",
            "*",
            "Asia/Shanghai",
        ),
        "volunteers.send_quota_reminders": (
            "活动配额提醒",
            True,
            "30",
            "8",
            "1",
            "*",
            "*",
            "Asia/Shanghai",
        ),
        "awards.run_due_evaluations": (
            "年度评选排名",
            True,
            "0",
            "2",
            "*",
            "*",
            "*",
            "Asia/Shanghai",
        ),
        "common.dispatch_outbox": (
            "后台任务补发",
            True,
            "*",
            "*",
            "*",
            "*",
            "*",
            "Asia/Shanghai",
        ),
        "competition.send_self_assessment_reminders": (
            "单位自查提醒",
            True,
            "15",
            "8",
            "*",
            "*",
            "*",
            "Asia/Shanghai",
        ),
    }


def test_schedule_migration_is_idempotent_and_keeps_admin_edits():
    edited = PeriodicTask.objects.get(task="reports.send_deadline_reminders")
    edited.enabled = False
    edited.save()
    schedule.create_schedule(global_apps, None)
    rows = _rows()
    assert PeriodicTask.objects.count() == 5
    assert rows["reports.send_deadline_reminders"][1] is False


def test_schedule_migration_recreates_a_deleted_entry():
    PeriodicTask.objects.filter(task="awards.run_due_evaluations").delete()
    schedule.create_schedule(global_apps, None)
    assert _rows()["awards.run_due_evaluations"][3] == "2"
    assert PeriodicTask.objects.count() == 5


def test_outbox_schedule_migration_recreates_the_dispatcher_only():
    PeriodicTask.objects.filter(task="common.dispatch_outbox").delete()
    outbox_schedule.create_schedule(global_apps, None)
    assert _rows()["common.dispatch_outbox"][2:4] == ("*", "*")
    assert PeriodicTask.objects.count() == 5
