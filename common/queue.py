"""Enqueueing that never loses the caller's work: the outbox.

`enqueue_on_commit("app.task", **kwargs)` records the task as a row (`OutboxTask`) in the
caller's transaction and publishes it once the transaction commits. A rolled-back
transaction leaves neither row nor message. A broker that is down or hanging is logged, not
raised: the web request that changed the data still succeeds, and the row waits for the
dispatcher (`outbox_dispatch`, the beat's `common.dispatch_outbox` every minute), which
publishes it when the broker is back.

Every message of a row carries the row's task id; the task claims its row before running
(`OutboxAwareTask`, the Celery app's task class) and marks it done after, so a row published
twice (the commit's attempt and the dispatcher's) or a redelivered message runs once. With no
broker (tasks inline) the task runs at commit, as it always did.

Services name the task they queue ("reports.send_report_status_mail"): tasks import
services, never the other way round. Each app's tasks module is imported by its AppConfig,
so every task is registered by name in the web process as in the worker.
"""

import logging
import uuid
from contextvars import ContextVar
from datetime import timedelta

from celery import Task, current_app
from celery.exceptions import Retry
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import OutboxTask

logger = logging.getLogger(__name__)

TASK_ID_PREFIX = "outbox-"

# The outbox task id the task class last started in this thread: tells an inline task's own
# failure (it was reached) from a failure to publish it (it never was).
_started: ContextVar[str | None] = ContextVar("outbox_started", default=None)


def send_task_safely(task, **kwargs) -> bool:
    """Publish a task (a task or its registered name) now, without an outbox row; on any
    broker failure log it and return False. For jobs that catch up by themselves (beat)."""
    if isinstance(task, str):
        task = current_app.tasks[task]
    try:
        task.apply_async(kwargs=kwargs)
    except Exception:  # kombu.OperationalError, redis errors, timeouts: all transient here.
        logger.exception("Could not enqueue %s(%s); it will be caught up later", task.name, kwargs)
        return False
    return True


def enqueue_on_commit(task, **kwargs) -> OutboxTask:
    """Record `task(**kwargs)` in the current transaction; publish it once that commits (at
    once outside one). The row is the promise: the dispatcher publishes it if this cannot."""
    name = task if isinstance(task, str) else task.name
    row = OutboxTask(task=name, kwargs=kwargs, task_id=f"{TASK_ID_PREFIX}{uuid.uuid4().hex}")
    row.full_clean(validate_unique=False)  # a fresh uuid: no query to look for it
    row.save()
    transaction.on_commit(lambda: outbox_publish(row), robust=True)
    return row


def outbox_publish(row: OutboxTask) -> bool:
    """Publish the row's task unless someone else just did; False if the broker failed.

    The row is claimed for publishing by a conditional UPDATE (its `dispatched_at` as read),
    so two dispatchers never publish it twice; a failed publish puts it back as it was.
    """
    previous = row.dispatched_at
    now = timezone.now()
    claimed = OutboxTask.objects.filter(
        pk=row.pk, done_at__isnull=True, dispatched_at=previous
    ).update(dispatched_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return True
    task = current_app.tasks[row.task]
    _started.set(None)
    try:
        task.apply_async(kwargs=row.kwargs, task_id=row.task_id)
    except Exception as exc:
        if _started.get() == row.task_id:
            # Inline (no broker), the task itself raised; its row recorded the failure.
            logger.exception("Task %s(%s) failed inline", row.task, row.kwargs)
            return True
        logger.exception(
            "Could not enqueue %s(%s); outbox row %s waits for the dispatcher",
            row.task,
            row.kwargs,
            row.pk,
        )
        OutboxTask.objects.filter(pk=row.pk, dispatched_at=now).update(
            dispatched_at=previous, last_error=_error_text(exc)
        )
        return False
    row.dispatched_at = now
    return True


def outbox_due(now=None, *, wait: bool = True):
    """The rows the dispatcher publishes: not done, not given up, not being run, and either
    never published for OUTBOX_RETRY_SECONDS or published but not done for
    OUTBOX_REDISPATCH_SECONDS (the broker lost the message, or no worker took it).
    `wait=False` (by hand, once the broker is back) takes every such row at once."""
    now = now or timezone.now()
    retry = now - timedelta(seconds=settings.OUTBOX_RETRY_SECONDS if wait else 0)
    redispatch = now - timedelta(seconds=settings.OUTBOX_REDISPATCH_SECONDS if wait else 0)
    return (
        OutboxTask.objects.filter(done_at__isnull=True, failures__lt=settings.OUTBOX_MAX_FAILURES)
        .filter(
            Q(dispatched_at__isnull=True, created__lte=retry) | Q(dispatched_at__lte=redispatch)
        )
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=_stale_claim(now)))
        .order_by("created", "pk")
    )


def outbox_dispatch(*, now=None, wait: bool = True, limit: int = 500) -> int:
    """Publish what is due (oldest first, at most `limit`) and return how many were published.

    Stops at the first broker failure: the broker is still down, the rest waits for the next
    run. Also forgets rows done more than OUTBOX_KEEP_DAYS ago.
    """
    now = now or timezone.now()
    OutboxTask.objects.filter(done_at__lt=now - timedelta(days=settings.OUTBOX_KEEP_DAYS)).delete()
    published = 0
    for row in outbox_due(now, wait=wait)[:limit]:
        if not outbox_publish(row):
            break
        published += 1
    if published:
        logger.info("Outbox: published %s pending task(s)", published)
    return published


def outbox_retry_failed() -> int:
    """Give the rows given up (OUTBOX_MAX_FAILURES failed runs) their chances again."""
    return OutboxTask.objects.filter(
        done_at__isnull=True, failures__gte=settings.OUTBOX_MAX_FAILURES
    ).update(failures=0, dispatched_at=None)


def _stale_claim(now):
    """A claim older than the hard time limit is a worker that died mid task."""
    return now - timedelta(seconds=current_app.conf.task_time_limit or 3600)


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def _claim(task_id: str) -> bool:
    now = timezone.now()
    return bool(
        OutboxTask.objects.filter(task_id=task_id, done_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=_stale_claim(now)))
        .update(claimed_at=now)
    )


class OutboxAwareTask(Task):
    """The app's task class: a message published for an outbox row runs only if it claims
    the row (a conditional UPDATE: not done, not being run), and marks it done after. A copy
    (republished, redelivered) finds it claimed or done and returns None without running.
    A failed run releases the claim and counts a failure; a retry (Celery's own, same task
    id) just releases it. Tasks called directly or published without a row run as usual."""

    def __call__(self, *args, **kwargs):
        task_id = self.request.id or ""
        if self.request.called_directly or not task_id.startswith(TASK_ID_PREFIX):
            return super().__call__(*args, **kwargs)
        _started.set(task_id)
        if not _claim(task_id):
            logger.info("%s[%s]: already done or being run; skipped", self.name, task_id)
            return None
        rows = OutboxTask.objects.filter(task_id=task_id)
        try:
            # The tracer has pushed this request already (worker and inline alike).
            result = self.run(*args, **kwargs)
        except Retry as exc:
            rows.update(claimed_at=None, last_error=_error_text(exc.exc or exc))
            raise
        except Exception as exc:
            rows.update(claimed_at=None, failures=F("failures") + 1, last_error=_error_text(exc))
            raise
        rows.update(done_at=timezone.now(), claimed_at=None)
        return result
