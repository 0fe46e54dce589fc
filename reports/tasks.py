"""Celery tasks of the reports app: ids in, re-fetch, one service call."""

import datetime
import smtplib

from celery import shared_task

from common import mail

from . import reminders, services


@shared_task(
    name="reports.send_report_status_mail",
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    max_retries=3,
    soft_time_limit=90,
    time_limit=120,
)
def send_report_status_mail(*, transition_id: int) -> int:
    """Mail the unit's staff about a returned/accepted report; nothing if it is gone."""
    return services.report_status_mail_send(transition_id=transition_id)


@shared_task(name="reports.send_deadline_reminders", acks_late=True, **mail.RETRY_OPTIONS)
def send_deadline_reminders(*, today: str | None = None) -> list[str]:
    """The daily beat job: today's deadline reminders, each sent at most once (keys sent).

    `today` (ISO date) is for tests and catch-up by hand; beat passes nothing.
    """
    day = datetime.date.fromisoformat(today) if today else None
    return [delivery.key for delivery in reminders.deadline_reminders_send(today=day)]


@shared_task(name="reports.quality_flags_refresh", soft_time_limit=300, time_limit=360)
def quality_flags_refresh(*, year_id: int) -> int:
    """A year's data-quality rules changed: its reports' stored flags follow (idempotent)."""
    return services.quality_flags_refresh(year_id=year_id)
