"""Enqueueing that never loses the caller's work.

Side effects (mail, rankings) are queued only after the transaction commits, and a broker
that is down or hanging is logged, not raised: the web request that changed the data still
succeeds and the scheduled jobs catch up later.

Services name the task they queue ("reports.send_report_status_mail"): tasks import
services, never the other way round. Each app's tasks module is imported by its AppConfig,
so every task is registered by name in the web process as in the worker.
"""

import logging

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def send_task_safely(task, **kwargs) -> bool:
    """Publish a task (a task or its registered name) now; on any broker failure log it and
    return False."""
    if isinstance(task, str):
        task = current_app.tasks[task]
    try:
        task.apply_async(kwargs=kwargs)
    except Exception:  # kombu.OperationalError, redis errors, timeouts: all transient here.
        logger.exception("Could not enqueue %s(%s); it will be caught up later", task.name, kwargs)
        return False
    return True


def enqueue_on_commit(task, **kwargs) -> None:
    """Queue `task(**kwargs)` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: send_task_safely(task, **kwargs), robust=True)
