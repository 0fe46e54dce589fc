"""Writes for notifications and the send-at-most-once ledger."""

import json
import logging
import smtplib
import uuid
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass

from django.core import serializers
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from . import mail, permissions, selectors
from .models import DeletionRecord, Notification, ReminderLog
from .queue import enqueue_on_commit

logger = logging.getLogger(__name__)


def acting_user(actor):
    """The user a write is recorded against: None for the system (a task, a command)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def save_recorded(obj, actor, **kwargs) -> None:
    """Save `obj` with its history row (django-simple-history) naming `actor`.

    simple-history takes the user from the request; a service also runs in commands, tasks
    and the API, so it names the acting user itself.
    """
    obj._history_user = acting_user(actor)
    obj.save(**kwargs)


def delete_recorded(obj, actor) -> None:
    """Delete `obj`; its history's deletion row names `actor`."""
    obj._history_user = acting_user(actor)
    obj.delete()


@transaction.atomic
def notification_create(
    *, recipients: Iterable, title: str, body: str = "", link: str = "", mail: bool = False
) -> list[Notification]:
    """One notification per distinct active recipient, in one INSERT.

    With `mail=True` each recipient with an address also gets it by e-mail, through the
    `common.send_notification_mail` task queued after the transaction commits.
    """
    created = Notification.objects.bulk_create(
        _build_notifications(recipients, title=title, body=body, link=link)
    )
    if mail and created:
        enqueue_on_commit("common.send_notification_mail", notification_ids=[n.pk for n in created])
    return created


def _build_notifications(recipients: Iterable, *, title, body, link) -> list[Notification]:
    notifications, seen = [], set()
    for user in recipients:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        notification = Notification(recipient=user, title=title, body=body, link=link)
        # The recipients are loaded users: checking each foreign key would cost a query apiece.
        notification.full_clean(exclude=["recipient"])
        notifications.append(notification)
    return notifications


@transaction.atomic
def notification_mark_read(*, actor, notification: Notification) -> Notification:
    permissions.require(actor, "common.view_notification", notification)
    if notification.read_at is None:
        now = timezone.now()
        # Conditional: a second click (or tab) keeps the first reading time.
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def deletion_record(*, actor, obj) -> DeletionRecord:
    """Record that `actor` deletes `obj` (call it in the deleting transaction, before the
    delete): the calling service has checked the permission and the record's state."""
    fields = json.loads(serializers.serialize("json", [obj]))[0]["fields"]
    record = DeletionRecord(
        actor=acting_user(actor),
        model=obj._meta.label_lower,
        object_id=obj.pk,
        label=str(obj)[:255],
        data=fields,
    )
    record.full_clean(exclude=["actor"])
    record.save()
    return record


def reminder_claim(kind: str, key: str) -> bool:
    """Record (kind, key) as sent; True only for the first caller, ever.

    Call it inside the transaction that does the sending: if sending fails the claim rolls
    back with it, and a concurrent caller waits on the unique index until this transaction
    ends, then gets False (or True, if this one rolled back).
    """
    _log, created = ReminderLog.objects.get_or_create(kind=kind, key=key)
    return created


@dataclass(frozen=True)
class Delivery:
    """What one ledger key stands for: mails to send and users to notify in the portal."""

    key: str
    messages: Sequence[EmailMessage] = ()
    notify: Sequence = ()
    title: str = ""
    body: str = ""
    link: str = ""


CHUNK = 200


def reminder_deliver(
    *, kind: str, deliveries: Iterable[Delivery], dry_run: bool = False
) -> list[str]:
    """Send each delivery at most once and return the keys sent (or, dry, that would be).

    All mail goes over one SMTP connection. Deliveries are claimed and notified in chunks
    of CHUNK, a constant number of queries each, whatever the number of units. A transient
    SMTP error raises MailTransientError after releasing the claims (and notifications) of
    the deliveries not yet sent, so the retried task sends exactly the rest. Call it
    outside any transaction, from a task with `**mail.RETRY_OPTIONS` and `acks_late`.
    """
    deliveries = list(deliveries)
    pending = selectors.reminder_keys_unclaimed(kind, [d.key for d in deliveries])
    deliveries = [d for d in deliveries if d.key in pending]
    if dry_run or not deliveries:
        return [d.key for d in deliveries]
    needs_smtp = any(d.messages for d in deliveries)
    sent = []
    with mail.smtp_connection() if needs_smtp else nullcontext() as connection:
        for start in range(0, len(deliveries), CHUNK):
            chunk_sent, error = _deliver_chunk(kind, deliveries[start : start + CHUNK], connection)
            sent.extend(chunk_sent)
            if error is not None:
                raise error
    return sent


def _deliver_chunk(kind: str, chunk: list[Delivery], connection):
    """Claim, notify and mail one chunk; returns (keys sent, transient error or None)."""
    with transaction.atomic():
        claimed = _claim_many(kind, [delivery.key for delivery in chunk])
        todo = [delivery for delivery in chunk if delivery.key in claimed]
        notifications = {
            delivery.key: _build_notifications(
                delivery.notify, title=delivery.title, body=delivery.body, link=delivery.link
            )
            for delivery in todo
        }
        Notification.objects.bulk_create([n for group in notifications.values() for n in group])
        sent = []
        for index, delivery in enumerate(todo):
            try:
                mail.send_batch(delivery.messages, connection=connection)
            except mail.MailTransientError as exc:
                _release(kind, todo[index:], notifications)
                return sent, exc
            except smtplib.SMTPException:
                # A permanent refusal (bad address) would fail the same way on every retry.
                logger.exception("Mail for %s %s refused; not retried", kind, delivery.key)
            sent.append(delivery.key)
    return sent, None


def _claim_many(kind: str, keys: list[str]) -> set[str]:
    """Claim the keys no one has claimed; returns those this call claimed.

    One INSERT that skips existing keys, then one SELECT of the rows carrying this call's
    token: a concurrent claimer of the same key waits on the unique index and gets nothing.
    """
    token = uuid.uuid4()
    ReminderLog.objects.bulk_create(
        [ReminderLog(kind=kind, key=key, claim=token) for key in keys], ignore_conflicts=True
    )
    return set(ReminderLog.objects.filter(claim=token).values_list("key", flat=True))


def _release(kind: str, unsent: list[Delivery], notifications: dict) -> None:
    ReminderLog.objects.filter(kind=kind, key__in=[d.key for d in unsent]).delete()
    ids = [n.pk for d in unsent for n in notifications[d.key] if n.pk is not None]
    Notification.objects.filter(pk__in=ids).delete()
