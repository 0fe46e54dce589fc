"""Enqueueing that never loses the caller's work.

Side effects (mail, rankings) are queued only after the transaction commits, and a broker
that is down or hanging is logged, not raised: the web request that changed the data still
succeeds and the scheduled jobs catch up later.
"""

import logging

from celery import shared_task
from django.db import transaction

from . import mail
from .models import Notification

logger = logging.getLogger(__name__)


def send_task_safely(task, **kwargs) -> bool:
    """Publish a task now; on any broker failure log it and return False."""
    try:
        task.apply_async(kwargs=kwargs)
    except Exception:  # kombu.OperationalError, redis errors, timeouts: all transient here.
        logger.exception("Could not enqueue %s(%s); it will be caught up later", task.name, kwargs)
        return False
    return True


def enqueue_on_commit(task, **kwargs) -> None:
    """Queue `task(**kwargs)` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: send_task_safely(task, **kwargs), robust=True)


@shared_task(name="common.send_notification_mail", acks_late=True, **mail.RETRY_OPTIONS)
def send_notification_mail(*, notification_ids: list[int]) -> list[str]:
    """Mail each notification to its recipient once (ledger kind "notification_mail")."""
    from . import services  # services queue this task: import at call time

    notifications = Notification.objects.filter(
        pk__in=notification_ids, recipient__is_active=True
    ).select_related("recipient")
    deliveries = [
        services.Delivery(
            key=f"notification={notification.pk}",
            messages=[
                mail.render_mail(
                    "notification",
                    {
                        "notification": notification,
                        "recipient": notification.recipient,
                        "url": mail.absolute_url(notification.link),
                    },
                    to=[notification.recipient.email],
                )
            ],
        )
        for notification in notifications
        if notification.recipient.email
    ]
    return services.reminder_deliver(kind="notification_mail", deliveries=deliveries)
