"""Enqueueing that never loses the caller's work.

Side effects (mail, rankings) are queued only after the transaction commits, and a broker
that is down or hanging is logged, not raised: the web request that changed the data still
succeeds and the scheduled jobs catch up later.
"""

import logging

from django.db import transaction

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
