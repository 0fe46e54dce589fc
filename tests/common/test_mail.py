import smtplib

import pytest
from django.core import mail as django_mail
from django.core.mail import EmailMessage
from django.utils import translation

from common import mail, tasks
from common.mail import MailTransientError
from tests.common.factories import NotificationFactory


class CountingBackend:
    opened = 0
    batches: list = []

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        CountingBackend.opened += 1

    def close(self):
        pass

    def send_messages(self, messages):
        CountingBackend.batches.append(list(messages))
        return len(messages)


@pytest.fixture
def counting_backend(settings):
    settings.EMAIL_BACKEND = "tests.common.test_mail.CountingBackend"
    CountingBackend.opened, CountingBackend.batches = 0, []
    return CountingBackend


def test_send_batch_uses_one_connection_and_returns_sent(counting_backend):
    messages = [EmailMessage("提醒", "正文", to=[f"u{i}@example.org"]) for i in range(5)]
    messages.append(EmailMessage("提醒", "没有收件人", to=[]))
    sent = mail.send_batch(messages)
    assert sent == messages[:5]
    assert counting_backend.opened == 1
    assert counting_backend.batches == [messages[:5]]


def test_send_batch_empty_opens_nothing(counting_backend):
    assert mail.send_batch([]) == []
    assert counting_backend.opened == 0


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        smtplib.SMTPConnectError(421, b"busy"),
        TimeoutError("timed out"),
        ConnectionRefusedError(111, "Connection refused"),
        smtplib.SMTPDataError(451, b"try again later"),
    ],
)
def test_transient_smtp_errors_become_retryable(error):
    class Broken:
        def send_messages(self, messages):
            raise error

    with pytest.raises(MailTransientError):
        mail.send_batch([EmailMessage("s", "b", to=["a@example.org"])], connection=Broken())


def test_permanent_smtp_error_is_not_retryable():
    class Refusing:
        def send_messages(self, messages):
            raise smtplib.SMTPDataError(554, b"rejected")

    with pytest.raises(smtplib.SMTPDataError):
        mail.send_batch([EmailMessage("s", "b", to=["a@example.org"])], connection=Refusing())


def test_smtp_connection_refused_on_open_is_retryable(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    with pytest.raises(MailTransientError):
        mail.send_batch([EmailMessage("s", "b", to=["a@example.org"])])


def test_mail_task_retries_transient_errors_a_bounded_number_of_times():
    task = tasks.send_notification_mail
    assert task.autoretry_for == (MailTransientError,)
    assert task.max_retries == 5
    assert task.retry_backoff and task.acks_late


@pytest.mark.django_db
def test_render_mail_is_chinese_in_any_active_language(staff_a):
    notification = NotificationFactory(recipient=staff_a, title="<第一季度>报送提醒")
    context = {"notification": notification, "recipient": staff_a, "url": "http://x/reports/"}
    with translation.override("en"):
        message = mail.render_mail("notification", context, to=[staff_a.email])
    assert message.subject == "【劳动竞赛管理平台】<第一季度>报送提醒"
    assert "您好" in message.body and "<第一季度>" in message.body  # text: not escaped
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "&lt;第一季度&gt;" in html
    assert "0561-3021532" in html
    assert django_mail.outbox == []
