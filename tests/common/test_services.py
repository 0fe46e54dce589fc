import smtplib

import pytest
from django.core import mail as django_mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.utils import timezone

from common import selectors, services
from common.mail import MailTransientError
from common.models import Notification, ReminderLog
from tests.common.factories import NotificationFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_notification_create_one_per_distinct_active_recipient(
    staff_a, staff_b, django_assert_num_queries
):
    inactive = UserFactory(username="gone", is_active=False)
    recipients = [staff_a, staff_b, staff_a, inactive]
    with django_assert_num_queries(3):  # savepoint, one INSERT, release
        created = services.notification_create(
            recipients=recipients, title="报送提醒", body="内容", link="/reports/"
        )
    assert sorted(n.recipient.username for n in created) == ["staff_a", "staff_b"]
    assert all(n.pk for n in created)
    assert Notification.objects.filter(title="报送提醒").count() == 2


def test_notification_create_refuses_script_link(staff_a):
    with pytest.raises(ValidationError):
        services.notification_create(recipients=[staff_a], title="x", link="javascript:alert(1)")
    assert not Notification.objects.exists()


def test_notification_create_with_mail_sends_after_commit(
    staff_a, staff_b, django_capture_on_commit_callbacks
):
    staff_b.email = ""
    staff_b.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_create(
            recipients=[staff_a, staff_b],
            title="季度报告已退回",
            body="请修改",
            link="/reports/1/",
            mail=True,
        )
    assert len(django_mail.outbox) == 1
    message = django_mail.outbox[0]
    assert message.to == ["staff_a@example.org"]
    assert message.subject == "【劳动竞赛管理平台】季度报告已退回"
    assert "http://127.0.0.1:8000/reports/1/" in message.body


def test_mark_read_own_sets_time_once(staff_a):
    notification = NotificationFactory(recipient=staff_a)
    services.notification_mark_read(actor=staff_a, notification=notification)
    first = Notification.objects.get(pk=notification.pk).read_at
    assert first is not None
    services.notification_mark_read(
        actor=staff_a, notification=Notification.objects.get(pk=notification.pk)
    )
    assert Notification.objects.get(pk=notification.pk).read_at == first


def test_mark_read_foreign_is_denied(staff_a, staff_b):
    notification = NotificationFactory(recipient=staff_a)
    with pytest.raises(PermissionDenied):
        services.notification_mark_read(actor=staff_b, notification=notification)
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_mark_all_read_only_touches_own_unread(staff_a, staff_b):
    NotificationFactory.create_batch(3, recipient=staff_a)
    NotificationFactory(recipient=staff_a, read_at=timezone.now())
    NotificationFactory(recipient=staff_b)
    assert services.notification_mark_all_read(actor=staff_a) == 3
    assert selectors.unread_count(staff_a) == 0
    assert selectors.unread_count(staff_b) == 1


def test_reminder_claim_first_caller_only():
    assert services.reminder_claim("deadline", "deadline:unit=3:period=7:d-3") is True
    assert services.reminder_claim("deadline", "deadline:unit=3:period=7:d-3") is False
    assert services.reminder_claim("deadline", "deadline:unit=3:period=7:d-1") is True
    assert services.reminder_claim("quota", "deadline:unit=3:period=7:d-3") is True
    assert ReminderLog.objects.count() == 3


def _message(to):
    return EmailMessage("提醒", "正文", to=[to])


def _deliveries(*users):
    return [
        services.Delivery(
            key=f"unit={user.pk}",
            messages=[_message(user.email)],
            notify=[user],
            title="报送提醒",
            link="/reports/",
        )
        for user in users
    ]


def test_reminder_deliver_sends_each_key_once(staff_a, staff_b):
    sent = services.reminder_deliver(kind="deadline", deliveries=_deliveries(staff_a, staff_b))
    assert sent == [f"unit={staff_a.pk}", f"unit={staff_b.pk}"]
    assert sorted(m.to[0] for m in django_mail.outbox) == [
        "staff_a@example.org",
        "staff_b@example.org",
    ]
    assert Notification.objects.filter(title="报送提醒").count() == 2
    # A second run, a duplicated beat, a retried task: nothing more.
    assert (
        services.reminder_deliver(kind="deadline", deliveries=_deliveries(staff_a, staff_b)) == []
    )
    assert len(django_mail.outbox) == 2
    assert Notification.objects.filter(title="报送提醒").count() == 2


def test_reminder_deliver_dry_run_sends_and_records_nothing(staff_a):
    sent = services.reminder_deliver(kind="deadline", deliveries=_deliveries(staff_a), dry_run=True)
    assert sent == [f"unit={staff_a.pk}"]
    assert django_mail.outbox == []
    assert not ReminderLog.objects.exists()
    assert not Notification.objects.exists()


class FlakyBackend:
    """Accepts `accept` messages, then drops the connection like a tired SMTP server."""

    accept = 1
    sent: list = []
    opened = 0

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        FlakyBackend.opened += 1

    def close(self):
        pass

    def send_messages(self, messages):
        if len(FlakyBackend.sent) >= FlakyBackend.accept:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        FlakyBackend.sent.extend(messages)
        return len(messages)


@pytest.fixture
def flaky_backend(settings):
    settings.EMAIL_BACKEND = "tests.common.test_services.FlakyBackend"
    FlakyBackend.sent, FlakyBackend.opened, FlakyBackend.accept = [], 0, 1
    return FlakyBackend


def test_reminder_deliver_transient_error_keeps_what_was_sent(flaky_backend, staff_a, staff_b):
    with pytest.raises(MailTransientError):
        services.reminder_deliver(kind="deadline", deliveries=_deliveries(staff_a, staff_b))
    # The first unit is recorded; the failed one rolled back (claim and notification).
    assert list(ReminderLog.objects.values_list("key", flat=True)) == [f"unit={staff_a.pk}"]
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["staff_a"]
    assert flaky_backend.opened == 1

    flaky_backend.accept = 10
    sent = services.reminder_deliver(kind="deadline", deliveries=_deliveries(staff_a, staff_b))
    assert sent == [f"unit={staff_b.pk}"]
    assert [m.to[0] for m in flaky_backend.sent] == ["staff_a@example.org", "staff_b@example.org"]


class RefusingBackend(FlakyBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"staff_a@example.org": (550, b"no such user")})


def test_reminder_deliver_permanent_refusal_is_logged_not_retried(settings, staff_a, caplog):
    settings.EMAIL_BACKEND = "tests.common.test_services.RefusingBackend"
    sent = services.reminder_deliver(kind="deadline", deliveries=_deliveries(staff_a))
    assert sent == [f"unit={staff_a.pk}"]
    assert ReminderLog.objects.count() == 1
    assert "refused; not retried" in caplog.text
