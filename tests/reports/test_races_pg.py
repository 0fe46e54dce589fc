"""Two people acting on one report at once, on PostgreSQL (real row locks, two connections).

The first holds its transaction open after acting while the second tries; the second must
wait on the report's row lock, then be refused with a Chinese message (never a 500, never a
second move from a status it did not see).
"""

import threading
import time

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from common.models import Notification, OutboxTask
from competition.models import NineProject
from reports import services
from reports.enums import ReportStatus
from reports.models import ReportAttachment, ReportTransition
from tests import factories
from tests.reports import factories as rf
from tests.reports.matrix import PNG

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _race(first, second) -> dict:
    """Run `first` in a transaction held open until `second` has had time to block on it."""
    acted, release, results = threading.Event(), threading.Event(), {}

    def run_first():
        try:
            with transaction.atomic():
                results["first"] = first()
                acted.set()
                release.wait(10)
        except Exception as exc:
            results["first"] = exc
        finally:
            acted.set()
            connection.close()

    def run_second():
        acted.wait(10)
        try:
            results["second"] = second()
        except Exception as exc:
            results["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    acted.wait(10)
    time.sleep(0.5)
    results["second_waited"] = "second" not in results
    release.set()
    for thread in threads:
        thread.join(15)
    return results


@pytest.fixture
def submitted(require_postgres, unit_a, staff_a, year):
    return rf.make_report(unit_a, rf.period(year, 1), status=ReportStatus.SUBMITTED, actor=staff_a)


@pytest.fixture
def reviewers(office_user):
    return office_user, factories.user_with_role("office", username="office_two")


@pytest.mark.parametrize("first_move", ["accept", "return"])
def test_two_reviewers_at_once_second_is_refused(first_move, submitted, reviewers):
    one, two = reviewers

    def accept(actor):
        return lambda: services.report_accept(actor=actor, report=submitted, comment="同意")

    def give_back(actor):
        return lambda: services.report_return(actor=actor, report=submitted, comment="补充")

    moves = {"accept": accept, "return": give_back}
    second_move = "return" if first_move == "accept" else "accept"
    results = _race(moves[first_move](one), moves[second_move](two))

    assert results["second_waited"] is True
    assert not isinstance(results["first"], Exception), results["first"]
    refused = results["second"]
    assert isinstance(refused, ValidationError), refused
    assert refused.code == "not_submitted"
    status = ReportStatus.ACCEPTED if first_move == "accept" else ReportStatus.RETURNED
    assert refused.messages == [
        f"该报告已不在待审核状态（当前为“{status.label}”），可能已由其他审核人处理。"
    ]
    submitted.refresh_from_db()
    assert submitted.status == status
    # One review move, so one mail to the unit: the loser left nothing behind.
    reviews = ReportTransition.objects.filter(report=submitted, from_status="submitted")
    assert list(reviews.values_list("to_status", "actor")) == [(status, one.pk)]
    assert not ReportTransition.objects.filter(report=submitted, actor=two).exists()
    mails = OutboxTask.objects.filter(task="common.send_notification_mail")
    assert mails.count() == 1
    assert Notification.objects.filter(link=f"/reports/{submitted.pk}/").count() == 1


def test_upload_while_a_colleague_submits_answers_a_message(
    require_postgres, unit_a, staff_a, year
):
    colleague = factories.user_with_role("unit_staff", unit=unit_a, username="staff_a2")
    report = rf.make_report(unit_a, rf.period(year, 1), actor=staff_a)
    project = NineProject.objects.get(year=year, number=1)
    client = Client()
    client.force_login(staff_a, backend="common.auth.PortalModelBackend")
    url = reverse("reports:attachment_upload", args=[report.pk])

    def submit():
        return services.report_save(
            actor=colleague, report=report, data=rf.COMPLETE, projects=[project], submit=True
        )

    def upload():
        return client.post(url, {"file": SimpleUploadedFile("照片.png", PNG)})

    results = _race(submit, upload)

    assert results["second_waited"] is True
    assert not isinstance(results["first"], Exception), results["first"]
    response = results["second"]
    assert not isinstance(response, Exception), response
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report_detail", args=[report.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "报告已提交或已通过，不能再添加附件。"
    ]
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert not ReportAttachment.objects.filter(report=report).exists()
