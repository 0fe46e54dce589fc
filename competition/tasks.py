"""Celery tasks of the competition core: ids in, re-fetch, one service call."""

import datetime

from celery import shared_task

from common import mail

from . import reminders


@shared_task(
    name="competition.send_self_assessment_reminders", acks_late=True, **mail.RETRY_OPTIONS
)
def send_self_assessment_reminders(*, today: str | None = None) -> list[str]:
    """The daily beat job: the self-assessment reminders due today, each sent at most once."""
    day = datetime.date.fromisoformat(today) if today else None
    return [d.key for d in reminders.self_assessment_reminders_send(today=day)]
