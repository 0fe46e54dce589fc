"""Celery tasks of the reports app: ids in, re-fetch, one service call."""

import smtplib

from celery import shared_task

from . import services


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
