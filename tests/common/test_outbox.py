"""The outbox (common.queue): side effects recorded in the caller's transaction, published
after commit, caught up by the dispatcher when the broker was down, and run once per row.

Tasks run inline here (no broker): "publishing" runs the task in the process, as it does
on a machine without Redis. tests/common/test_outbox_integration.py does the same through
a real broker and worker.
"""

import datetime
from contextlib import contextmanager
from io import StringIO
from unittest import mock

import pytest
from celery import shared_task
from django.core import mail as django_mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from common import queue
from common import tasks as common_tasks
from common.models import Notification, OutboxTask
from config.celery import app as celery_app
from reports import services as report_services
from reports.enums import ReportStatus
from tests.reports import factories as rf

pytestmark = pytest.mark.django_db

DOWN = OperationalError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")

RUNS: list[dict] = []
FAIL_NEXT: list[Exception] = []


@shared_task(name="tests.outbox_probe")
def probe(**kwargs):
    """Counts its runs; raises the exceptions queued in FAIL_NEXT first."""
    RUNS.append(kwargs)
    if FAIL_NEXT:
        raise FAIL_NEXT.pop(0)
    return len(RUNS)


class Transient(Exception):
    pass


@shared_task(name="tests.outbox_probe_retrying", bind=True, max_retries=3)
def probe_retrying(self, **kwargs):
    RUNS.append(kwargs)
    if FAIL_NEXT:
        raise self.retry(exc=FAIL_NEXT.pop(0), countdown=0)
    return len(RUNS)


@pytest.fixture(autouse=True)
def _fresh_probe():
    RUNS.clear()
    FAIL_NEXT.clear()
    yield
    RUNS.clear()
    FAIL_NEXT.clear()


@contextmanager
def with_broker():
    """A broker is configured: tasks are published, not run inline."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = previous


@contextmanager
def broker_down(task=probe):
    """Publishing `task` fails as with Redis down."""
    with with_broker(), mock.patch.object(task, "apply_async", side_effect=DOWN) as publish:
        yield publish


@pytest.fixture
def enqueue(django_capture_on_commit_callbacks):
    """`enqueue(name, **kwargs)` as a service would, its transaction committed."""

    def run(name, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return queue.enqueue_on_commit(name, **kwargs)

    return run


def later(seconds: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=seconds)


@pytest.fixture
def submitted(unit_a, staff_a, year):
    return rf.make_report(unit_a, rf.period(year, 1), status=ReportStatus.SUBMITTED, actor=staff_a)


# Written in the transaction, published after commit ----------------------------------------


def test_enqueue_writes_the_row_in_the_callers_transaction(django_capture_on_commit_callbacks):
    with mock.patch.object(probe, "apply_async") as publish:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            with transaction.atomic():
                queue.enqueue_on_commit("tests.outbox_probe", report_id=7)
                row = OutboxTask.objects.get()
                assert (row.task, row.kwargs, row.dispatched_at, row.attempts) == (
                    "tests.outbox_probe",
                    {"report_id": 7},
                    None,
                    0,
                )
        publish.assert_not_called()
        assert len(callbacks) == 1
        callbacks[0]()
    publish.assert_called_once_with(kwargs={"report_id": 7}, task_id=row.task_id)
    row.refresh_from_db()
    assert row.task_id.startswith("outbox-")
    assert row.attempts == 1 and row.dispatched_at is not None and row.status == "已派发"


def test_enqueue_rolled_back_leaves_no_row_and_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            queue.enqueue_on_commit("tests.outbox_probe", report_id=7)
            raise RuntimeError("the service failed after queueing")
    assert callbacks == []
    assert not OutboxTask.objects.exists()
    assert RUNS == []


def test_inline_task_runs_at_commit_and_its_row_is_done(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            queue.enqueue_on_commit("tests.outbox_probe", report_id=7)
            assert RUNS == []
    assert RUNS == [{"report_id": 7}]
    row = OutboxTask.objects.get()
    assert row.done_at is not None and row.claimed_at is None and row.status == "已完成"


def test_service_interface_unchanged_report_return_mails_once(
    submitted, office_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report_services.report_return(actor=office_user, report=submitted, comment="请补充照片")
    assert [m.to for m in django_mail.outbox] == [["staff_a@example.org"]]
    row = OutboxTask.objects.get()
    # The unit is told in the portal; its mail is the notification's (one task per event).
    assert row.task == "common.send_notification_mail"
    assert row.kwargs == {"notification_ids": [Notification.objects.get().pk]}
    assert row.done_at is not None


# The broker is down: the row waits, the dispatcher publishes it once --------------------------


def test_broker_down_then_dispatcher_sends_the_mail_once(
    submitted, office_user, django_capture_on_commit_callbacks, caplog, settings
):
    with (
        broker_down(common_tasks.send_notification_mail),
        django_capture_on_commit_callbacks(execute=True),
    ):
        report_services.report_return(actor=office_user, report=submitted, comment="请补充照片")
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.RETURNED, "the request's work is saved"
    assert django_mail.outbox == []
    row = OutboxTask.objects.get()
    assert (row.dispatched_at, row.attempts, row.done_at, row.status) == (None, 1, None, "待派发")
    assert row.last_error.startswith("OperationalError: Error 111")
    assert "outbox row" in caplog.text and "waits for the dispatcher" in caplog.text

    # Not yet due: the commit's own attempt gets OUTBOX_RETRY_SECONDS.
    assert queue.outbox_dispatch() == 0
    assert queue.outbox_dispatch(now=later(settings.OUTBOX_RETRY_SECONDS + 1)) == 1
    assert [m.to for m in django_mail.outbox] == [["staff_a@example.org"]]
    row.refresh_from_db()
    assert row.done_at is not None and row.attempts == 2
    # Whenever it runs again, nothing more is published or sent.
    assert queue.outbox_dispatch(now=later(86400)) == 0
    assert len(django_mail.outbox) == 1


def test_dispatcher_publishes_each_pending_row_once(django_capture_on_commit_callbacks):
    with broker_down():
        with django_capture_on_commit_callbacks(execute=True):
            for number in (1, 2, 3):
                queue.enqueue_on_commit("tests.outbox_probe", number=number)
    assert RUNS == []
    assert queue.outbox_dispatch(wait=False) == 3
    assert queue.outbox_dispatch(wait=False) == 0
    assert sorted(run["number"] for run in RUNS) == [1, 2, 3]
    assert OutboxTask.objects.filter(done_at__isnull=True).count() == 0


def test_dispatcher_stops_at_the_first_broker_failure(django_capture_on_commit_callbacks):
    with broker_down() as publish:
        with django_capture_on_commit_callbacks(execute=True):
            for number in (1, 2, 3):
                queue.enqueue_on_commit("tests.outbox_probe", number=number)
        assert publish.call_count == 3
        assert queue.outbox_dispatch(wait=False) == 0
        assert publish.call_count == 4, "the broker is still down: the rest waits"
    assert OutboxTask.objects.filter(dispatched_at__isnull=True).count() == 3


def test_two_dispatchers_with_the_same_row_publish_it_once():
    row = OutboxTask.objects.create(
        task="tests.outbox_probe", kwargs={"n": 1}, task_id="outbox-test-two-dispatchers"
    )
    stale_copy = OutboxTask.objects.get(pk=row.pk)
    with mock.patch.object(probe, "apply_async") as publish:
        assert queue.outbox_publish(row) is True
        assert queue.outbox_publish(stale_copy) is True  # read before the first published it
    publish.assert_called_once()
    row.refresh_from_db()
    assert row.attempts == 1


def test_published_but_never_run_is_published_again_later(settings, enqueue):
    with mock.patch.object(probe, "apply_async") as publish:
        enqueue("tests.outbox_probe", n=1)
        publish.assert_called_once()
        # The broker lost the message (a restart without persistence) or no worker took it.
        assert queue.outbox_dispatch(now=later(settings.OUTBOX_REDISPATCH_SECONDS - 5)) == 0
        assert queue.outbox_dispatch(now=later(settings.OUTBOX_REDISPATCH_SECONDS + 5)) == 1
    assert publish.call_count == 2
    row = OutboxTask.objects.get()
    assert publish.call_args_list[0] == publish.call_args_list[1]
    assert publish.call_args.kwargs["task_id"] == row.task_id


# The task claims its row: a copy of the message runs nothing ---------------------------------


def test_redelivered_message_does_not_run_the_task_again(enqueue):
    row = enqueue("tests.outbox_probe", n=1)
    assert RUNS == [{"n": 1}]
    # The same message again (redelivered after a lost ack, or the dispatcher's copy).
    assert probe.apply(kwargs={"n": 1}, task_id=row.task_id).get() is None
    assert RUNS == [{"n": 1}]


def test_redelivered_status_mail_is_not_sent_twice(
    submitted, office_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report_services.report_return(actor=office_user, report=submitted, comment="请补充照片")
    row = OutboxTask.objects.get(task="common.send_notification_mail")
    assert len(django_mail.outbox) == 1
    common_tasks.send_notification_mail.apply(kwargs=row.kwargs, task_id=row.task_id).get()
    assert len(django_mail.outbox) == 1


def test_copy_arriving_while_the_task_runs_is_skipped_unless_the_claim_is_stale():
    row = OutboxTask.objects.create(
        task="tests.outbox_probe", kwargs={"n": 1}, task_id="outbox-test-claim"
    )
    OutboxTask.objects.filter(pk=row.pk).update(claimed_at=timezone.now())
    assert probe.apply(kwargs={"n": 1}, task_id=row.task_id).get() is None
    assert RUNS == []
    # A worker that died mid task: its claim is older than the hard time limit.
    dead = timezone.now() - datetime.timedelta(seconds=celery_app.conf.task_time_limit + 60)
    OutboxTask.objects.filter(pk=row.pk).update(claimed_at=dead)
    assert probe.apply(kwargs={"n": 1}, task_id=row.task_id).get() == 1
    row.refresh_from_db()
    assert row.done_at is not None


def test_task_without_a_row_runs_as_before():
    assert probe.delay(n=2).get() == 1
    assert probe(n=3) == 2  # called directly
    assert not OutboxTask.objects.exists()


def test_failed_run_counts_a_failure_and_the_dispatcher_tries_again(settings, enqueue):
    FAIL_NEXT.append(ValueError("the mail server refused"))
    row = enqueue("tests.outbox_probe", n=1)
    row.refresh_from_db()
    assert (row.failures, row.claimed_at, row.done_at) == (1, None, None)
    assert row.last_error == "ValueError: the mail server refused"
    assert queue.outbox_dispatch(now=later(settings.OUTBOX_REDISPATCH_SECONDS + 5)) == 1
    row.refresh_from_db()
    assert row.done_at is not None and len(RUNS) == 2


def test_rows_failing_every_time_are_given_up_and_can_be_retried(settings, enqueue):
    settings.OUTBOX_MAX_FAILURES = 2
    FAIL_NEXT.extend([ValueError("1"), ValueError("2")])
    row = enqueue("tests.outbox_probe", n=1)
    assert queue.outbox_dispatch(wait=False) == 1
    row.refresh_from_db()
    assert (row.failures, row.status) == (2, "已放弃")
    assert queue.outbox_dispatch(wait=False) == 0
    out = StringIO()
    call_command("dispatch_outbox", "--retry-failed", stdout=out)
    assert "rows given up, retried: 1" in out.getvalue()
    assert "published: 1; not done yet: 0; given up: 0" in out.getvalue()
    assert len(RUNS) == 3


def test_celery_retry_releases_the_row_without_a_failure(enqueue, settings):
    # Inline, Celery raises the Retry instead of retrying; in a worker the retry is a new
    # message with the same task id, which claims the released row.
    FAIL_NEXT.append(Transient("421 try again later"))
    row = enqueue("tests.outbox_probe_retrying", n=1)
    row.refresh_from_db()
    assert (row.failures, row.claimed_at, row.done_at) == (0, None, None)
    assert row.last_error == "Transient: 421 try again later"
    assert probe_retrying.apply(kwargs={"n": 1}, task_id=row.task_id).get() == 2
    row.refresh_from_db()
    assert row.done_at is not None
    assert queue.outbox_dispatch(now=later(settings.OUTBOX_REDISPATCH_SECONDS + 5)) == 0


def test_dispatcher_forgets_rows_done_long_ago(settings, enqueue):
    old = enqueue("tests.outbox_probe", n=1)
    OutboxTask.objects.filter(pk=old.pk).update(
        done_at=timezone.now() - datetime.timedelta(days=settings.OUTBOX_KEEP_DAYS + 1)
    )
    recent = enqueue("tests.outbox_probe", n=2)
    queue.outbox_dispatch()
    assert list(OutboxTask.objects.values_list("pk", flat=True)) == [recent.pk]


def test_dispatch_outbox_command_says_what_is_left(enqueue):
    with broker_down():
        enqueue("tests.outbox_probe", n=1)
    out = StringIO()
    with broker_down():
        call_command("dispatch_outbox", "--now", stdout=out)
    assert out.getvalue().strip() == "published: 0; not done yet: 1; given up: 0"
    call_command("dispatch_outbox", "--now", stdout=out)
    assert "published: 1; not done yet: 0; given up: 0" in out.getvalue()


def test_admin_lists_the_rows_with_their_status_read_only(client, admin_user, enqueue):
    with broker_down():
        enqueue("tests.outbox_probe", n=1)
    enqueue("tests.outbox_probe", n=2)
    client.force_login(admin_user)
    page = client.get("/admin/common/outboxtask/").content.decode()
    assert page.count("tests.outbox_probe") >= 2
    assert "待派发" in page and "已完成" in page
    assert "/admin/common/outboxtask/add/" not in page
