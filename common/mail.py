"""Batches of e-mail in Chinese over one SMTP connection, with transient errors made retryable.

A task that sends mail declares `@shared_task(name=..., **mail.RETRY_OPTIONS)`: a dropped or
timed-out SMTP connection raises `MailTransientError`, which Celery retries with backoff a
bounded number of times; a permanent refusal (a 5xx reply) is not retried.
"""

import logging
import smtplib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


class MailTransientError(Exception):
    """The mail server could not be reached or asked us to come back later: retry."""


# TimeoutError is socket.timeout; ConnectionError covers refused and reset connections.
TRANSIENT_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    TimeoutError,
    ConnectionError,
)

RETRY_OPTIONS = {
    "autoretry_for": (MailTransientError,),
    "retry_backoff": 30,
    "retry_backoff_max": 15 * 60,
    "retry_jitter": True,
    "max_retries": 5,
}


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, TRANSIENT_ERRORS):
        return True
    # 4xx replies (421 service not available, 450/451 try again) are temporary by definition.
    return isinstance(exc, smtplib.SMTPResponseException) and 400 <= exc.smtp_code < 500


@contextmanager
def transient_as_retryable() -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        if is_transient(exc):
            raise MailTransientError(f"{type(exc).__name__}: {exc}") from exc
        raise


@contextmanager
def smtp_connection() -> Iterator:
    """One open connection for a whole batch (opening one per mail is slow and gets throttled)."""
    connection = get_connection(fail_silently=False)
    with transient_as_retryable():
        connection.open()
    try:
        yield connection
    finally:
        with suppress(smtplib.SMTPException, OSError):
            connection.close()


def absolute_url(link: str) -> str:
    """A portal path as an address a mail reader can open."""
    if link.startswith("/"):
        return settings.PORTAL_BASE_URL.rstrip("/") + link
    return link


def render_mail(template: str, context: dict, *, to: list[str]) -> EmailMultiAlternatives:
    """The message from `emails/<template>_subject.txt`, `<template>.txt` and `<template>.html`.

    Rendered in the portal's language (Chinese), whatever language the caller runs in.
    """
    context = {
        "PORTAL_BASE_URL": settings.PORTAL_BASE_URL.rstrip("/"),
        "OFFICE_NAME": settings.OFFICE_NAME,
        "OFFICE_PHONE": settings.OFFICE_PHONE,
        "OFFICE_EMAIL": settings.OFFICE_EMAIL,
        **context,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, to=to)
    message.attach_alternative(html, "text/html")
    return message


def send_batch(messages: Iterable[EmailMessage], *, connection=None) -> list[EmailMessage]:
    """Send the messages over one connection (`connection`, or one opened here) and return
    those sent. Messages without recipients are dropped. Transient failures raise
    MailTransientError; anything else propagates as it is."""
    messages = [message for message in messages if message.recipients()]
    if not messages:
        return []
    if connection is None:
        with smtp_connection() as opened:
            return send_batch(messages, connection=opened)
    with transient_as_retryable():
        count = connection.send_messages(messages) or 0
    return messages[:count]
