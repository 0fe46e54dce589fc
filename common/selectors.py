"""Reads for notifications (always the user's own) and the send-at-most-once ledger."""

from collections.abc import Iterable

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from .models import Notification, ReminderLog


def notifications_for_user(user) -> QuerySet[Notification]:
    """The user's notifications, unread first, newest first within each group."""
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    unread_first = Case(
        When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return Notification.objects.filter(recipient=user).order_by(unread_first, "-created", "-pk")


def notification_for_user(user, pk) -> Notification:
    """One of the user's notifications; anybody else's is 404."""
    return get_object_or_404(notifications_for_user(user), pk=pk)


def unread_count(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def reminder_keys_unclaimed(kind: str, keys: Iterable[str]) -> set[str]:
    """The keys not yet in the ledger, in one query (a cheap filter before rendering mail)."""
    keys = set(keys)
    if not keys:
        return set()
    claimed = ReminderLog.objects.filter(kind=kind, key__in=keys).values_list("key", flat=True)
    return keys - set(claimed)
