"""The broker is down, then back: a real worker on Redis, the PostgreSQL test database.

The web side (this process) publishes to a closed port while the worker listens on the real
Redis: a report is returned and an evaluation run started, both succeed and nothing reaches
the worker. Then the broker "comes back": the beat's dispatcher job goes through the real
Redis to the worker, which publishes the outbox rows; exactly one mail goes out and the run
finishes. A copy of the mail's message (a redelivery) sends nothing more.
"""

import datetime
import socket
import time
from contextlib import contextmanager

import pytest
from django.utils import timezone

from awards import services as award_services
from awards.enums import RunStatus
from common import tasks as common_tasks
from common.models import OutboxTask
from config.celery import app as celery_app
from reports import services as report_services
from reports.enums import ReportStatus
from tests.awards import factories as af
from tests.competition import factories as scoring
from tests.factories import UnitFactory, competition_year, user_with_role
from tests.reports import factories as rf

pytestmark = [
    pytest.mark.real_broker,
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _drop_broker_connections() -> None:
    # The app holds kombu's pools for the address it first used; forget them (kombu keeps
    # them per address, open) so that the next publish takes the pools of the current one.
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@contextmanager
def web_side_broker(url: str):
    """This process publishes to `url`; the worker keeps listening on the real Redis."""
    previous = celery_app.conf.get("broker_write_url")
    _drop_broker_connections()
    celery_app.conf.broker_write_url = url
    try:
        yield
    finally:
        _drop_broker_connections()
        celery_app.conf.broker_write_url = previous


def _mail_files(mail_dir) -> list[str]:
    return [f.read_text() for f in sorted(mail_dir.glob("*.log"))] if mail_dir.exists() else []


def _recipients(files: list[str]) -> list[str]:
    return sorted(
        line.removeprefix("To: ")
        for text in files
        for line in text.splitlines()
        if line.startswith("To: ")
    )


def _wait(condition, worker, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, worker.log()
        time.sleep(0.2)


def test_broker_down_then_back_one_mail_and_the_run_finishes(
    reference_data, celery_worker, settings
):
    year = competition_year(2019)
    unit = UnitFactory(name="断线测试单位")
    staff = user_with_role("unit_staff", unit=unit, username="offline_staff")
    office = user_with_role("office", username="offline_office")
    admin = user_with_role("admin", username="offline_admin")
    nomination = af.nomination(unit, year, entry=scoring.entry(unit, year, number=1))
    scoring.sheet(nomination.entry, scoring.reviewer("offline_judge"), 20, 20, 20, 20)
    report = rf.make_report(unit, rf.period(year, 1), status=ReportStatus.SUBMITTED, actor=staff)

    # The broker is down for the web side: both requests' work is saved all the same.
    with web_side_broker(f"redis://127.0.0.1:{closed_port()}/13"):
        report_services.report_return(actor=office, report=report, comment="请补充照片")
        run = award_services.evaluation_run_start(actor=admin, year=year)

    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    rows = {row.task: row for row in OutboxTask.objects.all()}
    assert set(rows) == {"common.send_notification_mail", "awards.build_evaluation_run"}
    assert rows["awards.build_evaluation_run"].kwargs == {"run_id": run.pk}
    for row in rows.values():
        assert (row.dispatched_at, row.done_at, row.attempts) == (None, None, 1)
        assert "Connection refused" in row.last_error, row.last_error
    time.sleep(1)  # the worker would have had time to act on a message, had one arrived
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED
    assert _mail_files(celery_worker.mail_dir) == []

    # A minute later the broker is back: the beat's job reaches the worker, which dispatches.
    OutboxTask.objects.update(
        created=timezone.now() - datetime.timedelta(seconds=settings.OUTBOX_RETRY_SECONDS + 1)
    )
    dispatched = common_tasks.dispatch_outbox.apply_async()
    assert celery_worker.result(dispatched) == 2
    _wait(lambda: not OutboxTask.objects.filter(done_at__isnull=True).exists(), celery_worker)

    run.refresh_from_db()
    assert (run.status, run.progress, run.error) == (RunStatus.DONE, 100, "")
    assert list(run.entry_rankings.values_list("rank", "total")) == [(1, 80.0)]
    files = _mail_files(celery_worker.mail_dir)
    assert _recipients(files) == ["offline_staff@example.org"], "exactly one mail"
    assert "请补充照片" in files[0]

    # The mail's message again (a redelivery), then the dispatcher again: nothing more.
    mail_row = OutboxTask.objects.get(task="common.send_notification_mail")
    common_tasks.send_notification_mail.apply_async(
        kwargs=mail_row.kwargs, task_id=mail_row.task_id
    )
    again = common_tasks.dispatch_outbox.apply_async()  # the solo worker takes them in order
    assert celery_worker.result(again) == 0
    assert _recipients(_mail_files(celery_worker.mail_dir)) == ["offline_staff@example.org"]
    assert "already done or being run; skipped" in celery_worker.log()
    assert OutboxTask.objects.get(pk=mail_row.pk).attempts == 2
