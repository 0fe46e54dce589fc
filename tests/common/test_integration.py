"""A real Celery worker process, through Redis, on the PostgreSQL test database."""

import time

import pytest

from common import services, tasks
from common.models import ReminderLog
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.real_broker,
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
]


def _mails(mail_dir) -> list[str]:
    """Each file is one SMTP connection (the file backend's); each "To:" header one mail."""
    files = sorted(mail_dir.glob("*.log")) if mail_dir.exists() else []
    return [file.read_text() for file in files]


def test_notification_mail_through_broker_sent_once(celery_worker):
    users = [UserFactory(username=f"worker{i}", email=f"worker{i}@example.org") for i in range(3)]
    created = services.notification_create(
        recipients=users, title="第一季度报告即将截止", body="请及时提交。", link="/reports/"
    )
    ids = [notification.pk for notification in created]

    first = tasks.send_notification_mail.apply_async(kwargs={"notification_ids": ids})
    assert sorted(celery_worker.result(first)) == sorted(f"notification={pk}" for pk in ids)
    # Again, as a duplicated beat or a redelivered message would: nothing more is sent.
    second = tasks.send_notification_mail.apply_async(kwargs={"notification_ids": ids})
    assert celery_worker.result(second) == []

    assert set(ReminderLog.objects.values_list("key", flat=True)) == {
        f"notification={pk}" for pk in ids
    }
    files = _mails(celery_worker.mail_dir)
    assert len(files) == 1, "one SMTP connection for the whole batch"
    recipients = sorted(
        line.removeprefix("To: ") for line in files[0].splitlines() if line.startswith("To: ")
    )
    assert recipients == ["worker0@example.org", "worker1@example.org", "worker2@example.org"]
    assert "http://127.0.0.1:8000/reports/" in files[0]
    assert "common.send_notification_mail" in celery_worker.log()


def test_enqueue_on_commit_reaches_the_worker(celery_worker):
    user = UserFactory(username="committed", email="committed@example.org")
    services.notification_create(recipients=[user], title="报告已退回", mail=True)
    # The task was published when the (autocommit) transaction ended; wait for its row.
    deadline = time.monotonic() + 30
    while not ReminderLog.objects.filter(kind="notification_mail").exists():
        assert time.monotonic() < deadline, celery_worker.log()
        time.sleep(0.2)
    assert "committed@example.org" in _mails(celery_worker.mail_dir)[0]
