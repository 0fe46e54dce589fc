"""Two copies of one outbox message run at the same time, on PostgreSQL: the task runs once."""

import threading

import pytest
from celery import shared_task
from django.db import connection

from common.models import OutboxTask

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

STARTED, RELEASE = threading.Event(), threading.Event()
RUNS: list[str] = []


@shared_task(name="tests.outbox_slow_probe")
def slow_probe(*, label: str) -> str:
    RUNS.append(label)
    STARTED.set()
    RELEASE.wait(10)  # still running while the copy arrives
    return label


def test_two_copies_at_once_run_the_task_once(require_postgres):
    row = OutboxTask.objects.create(
        task="tests.outbox_slow_probe", kwargs={"label": "x"}, task_id="outbox-test-pg-race"
    )
    STARTED.clear()
    RELEASE.clear()
    RUNS.clear()
    results = {}

    def deliver(name):
        try:
            results[name] = slow_probe.apply(kwargs={"label": name}, task_id=row.task_id).get()
        finally:
            connection.close()

    first = threading.Thread(target=deliver, args=("first",))
    first.start()
    assert STARTED.wait(10)
    second = threading.Thread(target=deliver, args=("copy",))
    second.start()
    second.join(10)
    RELEASE.set()
    first.join(10)

    assert RUNS == ["first"]
    assert results == {"first": "first", "copy": None}
    row.refresh_from_db()
    assert row.done_at is not None and row.claimed_at is None
