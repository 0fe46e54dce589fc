"""Celery tasks of the volunteers app: thin, each calls one function of the app."""

import datetime

from celery import shared_task

from common import mail

from . import reminders, services


@shared_task(name="volunteers.send_quota_reminders", acks_late=True, **mail.RETRY_OPTIONS)
def send_quota_reminders(*, today: str | None = None) -> list[str]:
    """The Monday beat job: quota reminders, each unit at most once a week (keys sent).

    `today` (ISO date) is for tests and catch-up by hand; beat passes nothing.
    """
    day = datetime.date.fromisoformat(today) if today else None
    return [delivery.key for delivery in reminders.quota_reminders_send(today=day)]


@shared_task(name="volunteers.quality_flags_refresh", soft_time_limit=300, time_limit=360)
def quality_flags_refresh(*, year_id: int) -> int:
    """A year's data-quality rules changed: its activities' and service records' stored flags
    follow (idempotent)."""
    return services.quality_flags_refresh(year_id=year_id)
