"""The notification mail task (queued by `services.notification_create` by name, see
`common.queue`)."""

from celery import shared_task

from . import mail, queue, services
from .models import Notification


@shared_task(name="common.send_notification_mail", acks_late=True, **mail.RETRY_OPTIONS)
def send_notification_mail(*, notification_ids: list[int]) -> list[str]:
    """Mail each notification to its recipient once (ledger kind "notification_mail")."""
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


@shared_task(name="common.dispatch_outbox", acks_late=True, soft_time_limit=5 * 60)
def dispatch_outbox() -> int:
    """The beat's job every minute: publish the outbox rows still pending (how many)."""
    return queue.outbox_dispatch()
