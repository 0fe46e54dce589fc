import importlib
import logging
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.apps import apps
from django.core import mail as django_mail
from django.db import transaction
from kombu.exceptions import OperationalError

from common import queue, tasks
from common.models import Notification, OutboxTask, ReminderLog
from config.celery import app as celery_app
from tests.common.factories import NotificationFactory


def test_tasks_of_every_app_are_autodiscovered():
    celery_app.loader.import_default_modules()
    for config in apps.get_app_configs():
        if (Path(config.path) / "tasks.py").exists():
            assert f"{config.name}.tasks" in sys.modules
    assert "common.send_notification_mail" in celery_app.tasks


@pytest.mark.django_db(transaction=True)
def test_enqueue_with_broker_down_logs_and_commits(caplog):
    def caller():
        with transaction.atomic():
            notification = NotificationFactory(title="已提交")
            queue.enqueue_on_commit(
                "common.send_notification_mail", notification_ids=[notification.pk]
            )
        return notification

    down = OperationalError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")
    with (
        mock.patch.object(tasks.send_notification_mail, "apply_async", side_effect=down) as sent,
        caplog.at_level(logging.ERROR, logger="common.queue"),
    ):
        notification = caller()
    sent.assert_called_once()
    assert Notification.objects.filter(pk=notification.pk, title="已提交").exists()
    assert "Could not enqueue common.send_notification_mail" in caplog.text
    assert OutboxTask.objects.get().kwargs == {"notification_ids": [notification.pk]}


@pytest.mark.django_db
def test_enqueue_waits_for_commit_and_not_on_rollback(staff_a, django_capture_on_commit_callbacks):
    notification = NotificationFactory(recipient=staff_a)
    with mock.patch.object(tasks.send_notification_mail, "apply_async") as sent:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            queue.enqueue_on_commit(
                "common.send_notification_mail", notification_ids=[notification.pk]
            )
        sent.assert_not_called()
        assert len(callbacks) == 1
        callbacks[0]()
    row = OutboxTask.objects.get()
    sent.assert_called_once_with(
        kwargs={"notification_ids": [notification.pk]}, task_id=row.task_id
    )


@pytest.mark.django_db
def test_send_notification_mail_once_per_notification(staff_a, staff_b):
    staff_b.email = ""
    staff_b.save()
    first = NotificationFactory(recipient=staff_a, title="报告已通过")
    no_address = NotificationFactory(recipient=staff_b)
    ids = [first.pk, no_address.pk, 999999]
    assert tasks.send_notification_mail.delay(notification_ids=ids).get() == [
        f"notification={first.pk}"
    ]
    assert tasks.send_notification_mail.delay(notification_ids=ids).get() == []
    assert [m.to for m in django_mail.outbox] == [["staff_a@example.org"]]
    assert ReminderLog.objects.get().key == f"notification={first.pk}"


def test_schedule_migration_is_importable():
    # Digits start the module name: import it the long way (the schedule tests use it).
    module = importlib.import_module("common.migrations.0002_default_schedule")
    assert {entry[1] for entry in module.SCHEDULE} == {
        "reports.send_deadline_reminders",
        "volunteers.send_quota_reminders",
        "awards.run_due_evaluations",
    }


@pytest.mark.django_db(transaction=True)
def test_reference_data_fixture_restores_what_a_flush_removed(reference_data):
    from django_celery_beat.models import PeriodicTask

    from competition.models import UnitKind

    assert UnitKind.objects.filter(code="county").exists()
    assert PeriodicTask.objects.filter(task="reports.send_deadline_reminders").exists()


def test_services_queue_tasks_by_their_registered_names():
    # Services name the tasks they queue (they never import tasks): every name they use is
    # registered in this process, where the apps' AppConfigs imported their tasks.
    import re

    names = set()
    for config in apps.get_app_configs():
        services = Path(config.path) / "services.py"
        if services.exists():
            names |= set(re.findall(r'enqueue_on_commit\(\s*"([\w.]+)"', services.read_text()))
    assert {"common.send_notification_mail", "awards.build_evaluation_run"} <= names
    assert names <= set(celery_app.tasks)
