"""Issue 16 in the competition core: notices and assignments notify, a draft notice is
deleted (recorded) after confirmation, the office's and admin's 待办 on the home page."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from common.models import DeletionRecord, Notification
from competition import services
from competition.models import Notice, SpotCheckDraw
from tests.competition import factories as scoring

pytestmark = pytest.mark.django_db


def _draft(year, author):
    return services.notice_create(actor=author, year=year, title="第二期通报", body="正文")


def test_publishing_a_notice_notifies_every_user_with_a_role_but_the_author(
    year, staff_a, staff_b, office_user, admin_user, django_capture_on_commit_callbacks
):
    notice = _draft(year, office_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_publish(actor=office_user, notice=notice)
    notified = set(Notification.objects.values_list("recipient__username", flat=True))
    assert notified == {staff_a.username, staff_b.username, admin_user.username}
    link = reverse("competition:notice_detail", args=[notice.pk])
    assert set(Notification.objects.values_list("link", flat=True)) == {link}
    assert "第二期通报" in Notification.objects.first().title
    assert len(mail.outbox) == 3


def test_assignment_notifies_the_reviewer_once(year, unit_a, admin_user):
    judge = scoring.reviewer("judge")
    entry = scoring.entry(unit_a, year, title="甲项目")
    services.assignment_add(actor=admin_user, entry=entry, reviewer=judge)
    services.assignment_add(actor=admin_user, entry=entry, reviewer=judge)  # already there
    notification = Notification.objects.get()
    assert notification.recipient == judge
    assert "甲项目" in notification.title
    assert notification.link == reverse("competition:entry_detail", args=[entry.pk])


def test_spread_notifies_each_reviewer_once_with_a_count(year, unit_a, unit_b, admin_user):
    judges = [scoring.reviewer("judge1"), scoring.reviewer("judge2")]
    scoring.entry(unit_a, year, title="甲")
    scoring.entry(unit_b, year, title="乙", number=2)
    services.assignments_spread(actor=admin_user, year=year, per_entry=2, seed=1)
    rows = list(Notification.objects.values_list("recipient", "title"))
    assert sorted(pk for pk, _title in rows) == sorted(judge.pk for judge in judges)
    assert all("2个参赛项目" in title for _pk, title in rows)


def test_draft_notice_delete_asks_then_deletes_and_records(client_for, year, office_user):
    notice = _draft(year, office_user)
    url = reverse("competition:notice_delete", args=[notice.pk])
    client = client_for(office_user)
    assert "确定删除通报草稿“第二期通报”吗？" in client.get(url).content.decode()
    response = client.post(url, {"confirm": ""})
    assert response["Location"] == reverse("competition:notice_list")
    assert not Notice.objects.filter(pk=notice.pk).exists()
    record = DeletionRecord.objects.get()
    assert (record.model, record.object_id, record.actor) == (
        "competition.notice",
        notice.pk,
        office_user,
    )
    assert record.data["title"] == "第二期通报"
    assert notice.history.filter(history_type="-").get().history_user == office_user


def test_published_notice_cannot_be_deleted(year, office_user):
    notice = _draft(year, office_user)
    services.notice_publish(actor=office_user, notice=notice)
    with pytest.raises(ValidationError) as caught:
        services.notice_delete(actor=office_user, notice=notice)
    assert caught.value.messages == ["通报已发布，不能删除。"]
    assert Notice.objects.filter(pk=notice.pk).exists()
    assert not DeletionRecord.objects.exists()


def _todo(client, user):
    response = client(user).get(reverse("home"))
    return {item.label: item.url for item in response.context["panels"][0].context["items"]}


def test_office_todo_counts_sheets_to_score_and_spot_checks_due(
    client_for, year, unit_a, unit_b, admin_user
):
    judge = scoring.reviewer("judge")
    first = scoring.entry(unit_a, year, title="甲")
    second = scoring.entry(unit_b, year, title="乙", number=2)
    services.assignment_add(actor=admin_user, entry=first, reviewer=judge)
    services.assignment_add(actor=admin_user, entry=second, reviewer=judge)
    scoring.sheet(second, judge, 20, 20, 20, 20)
    SpotCheckDraw.objects.create(
        year=year, seed=1, count=2, pool=[[unit_a.pk, 3], [unit_b.pk, 3]],
        result=[unit_a.pk, unit_b.pk],
    )  # fmt: skip
    todo = _todo(client_for, judge)
    assert todo["1个参赛项目待您评分"] == reverse("competition:entry_list")
    assert todo["2个抽中单位尚未录入抽查结果"] == reverse("competition:spot_check_list")


def test_admin_todo_asks_to_start_the_evaluation(client_for, year, admin_user):
    todo = _todo(client_for, admin_user)
    assert todo[f"{year.year}年度评选尚未开始"] == reverse("awards:evaluation")


def test_staff_todo_quota_behind_and_report_to_start(client_for, year, staff_a):
    from tests.reports import factories as rf

    rf.period(year, 1)
    todo = _todo(client_for, staff_a)
    assert any("“5+1”活动还差3次" in label for label in todo)
    assert todo[f"开始填写{year.periods.get(number=1)}报告"] == reverse("reports:report_list")
