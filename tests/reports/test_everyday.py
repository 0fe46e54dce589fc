"""Issue 16 in the reports app: in-portal notifications of the review, no lost typing
(the upload saves the draft, a stale save is refused and shows the other's text), the
confirmation page of an attachment's deletion, the staff's 待办 on the home page."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from common.models import Notification
from competition.models import ReviewerAssignment, SpotCheckDraw
from reports import services
from reports.enums import ReportStatus
from reports.models import ReportAttachment
from tests import factories
from tests.competition import factories as scoring
from tests.reports import factories as rf
from tests.reports.matrix import PNG

pytestmark = pytest.mark.django_db


def _zeros():
    return {n: 0 for n in services.NUMBER_FIELDS}


def test_return_notifies_the_unit_staff_in_the_portal_and_mails_once(
    submitted_a, staff_a, staff_b, office_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.report_return(actor=office_user, report=submitted_a, comment="请补充照片")
    notification = Notification.objects.get()
    assert notification.recipient == staff_a
    assert "退回" in notification.title
    assert notification.body == "请补充照片"
    assert notification.link == reverse("reports:report_detail", args=[submitted_a.pk])
    assert [message.to for message in mail.outbox] == [[staff_a.email]]


def test_accept_and_reopen_notify_too(
    submitted_a, staff_a, office_user, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.report_accept(actor=office_user, report=submitted_a)
        services.report_reopen(actor=admin_user, report=submitted_a, reason="数据有误")
    titles = list(Notification.objects.order_by("pk").values_list("title", flat=True))
    assert len(titles) == 2
    assert "通过" in titles[0]
    assert "重新开放" in titles[1]
    assert len(mail.outbox) == 2


def test_review_without_notify_notifies_nobody(submitted_a, office_user):
    services.report_accept(actor=office_user, report=submitted_a, notify=False)
    assert not Notification.objects.exists()


def test_upload_button_saves_the_typed_text_with_the_file(client_for, staff_a, draft_a):
    url = reverse("reports:report_edit", args=[draft_a.pk])
    data = {
        "progress": "刚输入的进度",
        "version": draft_a.version,
        "upload": "1",
        "attachment-file": SimpleUploadedFile("现场.png", PNG, content_type="image/png"),
        **_zeros(),
    }
    client = client_for(staff_a)
    response = client.post(url, data)
    assert response.status_code == 302
    draft_a.refresh_from_db()
    assert draft_a.progress == "刚输入的进度"
    assert ReportAttachment.objects.get(report=draft_a).original_name == "现场.png"
    page = client.get(url)
    assert [str(m) for m in page.context["messages"]] == ["草稿已保存，附件“现场.png”已上传。"]
    assert "刚输入的进度" in page.content.decode()


def test_upload_refused_keeps_the_typed_text_on_the_page(client_for, staff_a, draft_a):
    url = reverse("reports:report_edit", args=[draft_a.pk])
    bad = SimpleUploadedFile("a.png", b"MZ\x90\x00" + b"\x00" * 50, content_type="image/png")
    data = {"progress": "不要丢", "upload": "1", "attachment-file": bad, **_zeros()}
    response = client_for(staff_a).post(url, data)
    assert response.status_code == 200
    assert "不要丢" in response.content.decode()
    assert "附件未上传，您填写的内容也尚未保存" in response.content.decode()
    assert not ReportAttachment.objects.exists()


def test_second_save_from_a_stale_page_shows_the_others_text(client_for, staff_a, draft_a):
    colleague = factories.user_with_role("unit_staff", unit=draft_a.unit, username="staff_a2")
    url = reverse("reports:report_edit", args=[draft_a.pk])
    version = draft_a.version
    first = client_for(colleague).post(
        url, {"progress": "同事的进度", "version": version, "save": "1", **_zeros()}
    )
    assert first.status_code == 302
    second = client_for(staff_a).post(
        url, {"progress": "我的进度", "version": version, "save": "1", **_zeros()}
    )
    assert second.status_code == 200
    draft_a.refresh_from_db()
    assert draft_a.progress == "同事的进度"  # not overwritten
    page = second.content.decode()
    assert f"在您编辑期间已由{colleague.get_full_name()}保存，您的修改尚未保存。" in page
    assert "同事的进度" in page and "我的进度" in page
    assert second.context["theirs"] == [("进度", "同事的进度")]
    # The form now carries the current version: saving again is a deliberate overwrite.
    again = client_for(staff_a).post(
        url, {"progress": "我的进度", "version": draft_a.version, "save": "1", **_zeros()}
    )
    assert again.status_code == 302
    draft_a.refresh_from_db()
    assert draft_a.progress == "我的进度"
    assert draft_a.edited_by == staff_a


def test_report_save_refuses_a_stale_version(staff_a, draft_a):
    services.report_save(actor=staff_a, report=draft_a, data={"progress": "一"}, version=0)
    with pytest.raises(services.EditConflict) as caught:
        services.report_save(actor=staff_a, report=draft_a, data={"progress": "二"}, version=0)
    assert caught.value.current.progress == "一"


def test_attachment_delete_asks_first(client_for, staff_a, draft_a):
    upload = SimpleUploadedFile("a.png", PNG)
    attachment = services.attachment_add(actor=staff_a, report=draft_a, upload=upload)
    url = reverse("reports:attachment_delete", args=[attachment.pk])
    client = client_for(staff_a)
    page = client.get(url)
    assert page.status_code == 200
    assert "确定删除附件“a.png”吗？" in page.content.decode()
    assert client.post(url).status_code == 200  # a POST without the confirmation asks again
    assert ReportAttachment.objects.filter(pk=attachment.pk).exists()
    response = client.post(url, {"confirm": ""})
    assert response["Location"] == reverse("reports:report_edit", args=[draft_a.pk])
    assert not ReportAttachment.objects.filter(pk=attachment.pk).exists()


def _todo_labels(response):
    return [item.label for item in response.context["panels"][0].context["items"]]


def test_home_todo_lists_the_returned_report_with_the_comment(
    client_for, staff_a, submitted_a, office_user
):
    services.report_return(actor=office_user, report=submitted_a, comment="请补充照片")
    response = client_for(staff_a).get(reverse("home"))
    items = response.context["panels"][0].context["items"]
    returned = [item for item in items if "已退回" in item.label]
    assert len(returned) == 1
    assert returned[0].url == reverse("reports:report_edit", args=[submitted_a.pk])
    assert "请补充照片" in returned[0].detail
    assert "请补充照片" in response.content.decode()


def test_home_todo_office_sees_reports_waiting(client_for, office_user, submitted_a):
    response = client_for(office_user).get(reverse("home"))
    assert "1份季度报告等待审核" in _todo_labels(response)


def _grow(year, unit_a, staff_a, office_user, numbers):
    """Each period of `numbers`: the unit's report (returned or draft), another unit's
    submitted report, an entry assigned to the reviewer and a spot-check draw."""
    for number in numbers:
        period = rf.period(year, number)
        status = ReportStatus.RETURNED if number % 2 else ReportStatus.DRAFT
        rf.make_report(unit_a, period, status=status, actor=staff_a, reviewer=office_user)
        other = factories.UnitFactory()
        rf.make_report(other, period, status=ReportStatus.SUBMITTED)
        entry = scoring.entry(other, year, title=f"项目{number}")
        ReviewerAssignment.objects.create(entry=entry, reviewer=office_user)
        SpotCheckDraw.objects.create(
            year=year, seed=number, count=1, pool=[[other.pk, 3]], result=[other.pk]
        )


@pytest.mark.parametrize("role", ["staff", "office", "admin"])
def test_home_queries_do_not_grow_with_the_data(
    role, client_for, staff_a, office_user, admin_user, unit_a, year,
    django_assert_max_num_queries,
):  # fmt: skip
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = {"staff": staff_a, "office": office_user, "admin": admin_user}[role]
    client = client_for(user)
    _grow(year, unit_a, staff_a, office_user, [1])
    client.get(reverse("home"))  # warm up (session, caches)
    with CaptureQueriesContext(connection) as small:
        first = client.get(reverse("home"))
    _grow(year, unit_a, staff_a, office_user, [2, 3, 4])
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("home"))
    if role == "staff":  # the year's four periods: started (1) or not (2-4), then all begun
        assert "开始填写2019年第4季度报告" in _todo_labels(first)
        assert "完成并提交2019年第4季度报告（草稿）" in _todo_labels(response)
    elif role == "office":
        assert "1份季度报告等待审核" in _todo_labels(first)
        assert "4份季度报告等待审核" in _todo_labels(response)
        assert "4个参赛项目待您评分" in _todo_labels(response)
