"""Everyday work in the browser (issue 16): typing survives an upload (and the 附件 section
comes before 提交审核 on a phone), the office's return reaches the staff in the portal and on
the home page's 待办, and a destructive button asks first; the staff's part of each at a phone's
size (390×844)."""

import pytest
from playwright.sync_api import expect

from common.models import Notification
from reports.enums import ReportStatus
from reports.models import ReportAttachment
from tests import factories
from tests.browser.conftest import open_navbar
from tests.browser.test_journeys import PDF_BYTES, switch_user
from tests.factories import PASSWORD
from tests.reports.factories import make_report, period

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def city(reference_data):
    year = factories.competition_year(2019)
    unit = factories.UnitFactory(name="相山区总工会", kind_code="county")
    staff = factories.user_with_role(
        "unit_staff", unit=unit, username="xiangshan", first_name="张填报"
    )
    office = factories.user_with_role("office", username="reviewer", first_name="李评审")
    return {"year": year, "unit": unit, "staff": staff, "office": office}


def test_typed_progress_survives_an_upload_on_a_phone(page, login, city, tmp_path):
    report = make_report(city["unit"], period(city["year"], 1), actor=city["staff"])
    page.set_viewport_size(PHONE)
    login("xiangshan", PASSWORD)
    page.goto(f"/reports/{report.pk}/edit/")

    # On a phone the 附件 section comes before the 提交审核 button.
    attachments = page.locator("#attachments").bounding_box()
    submit = page.get_by_role("button", name="提交审核").bounding_box()
    assert attachments["y"] + attachments["height"] <= submit["y"]
    assert attachments["width"] <= PHONE["width"]

    page.fill("#id_progress", "本季度走访贫困户 12 户，尚未保存。")
    pdf = tmp_path / "走访台账.pdf"
    pdf.write_bytes(PDF_BYTES)
    page.set_input_files("#id_attachment-file", str(pdf))
    with page.expect_navigation():
        page.get_by_role("button", name="保存草稿并上传附件").click()

    expect(page.get_by_text("草稿已保存，附件“走访台账.pdf”已上传。")).to_be_visible()
    expect(page.locator("#id_progress")).to_have_value("本季度走访贫困户 12 户，尚未保存。")
    expect(page.get_by_role("link", name="走访台账.pdf")).to_be_visible()
    report.refresh_from_db()
    assert report.progress == "本季度走访贫困户 12 户，尚未保存。"
    assert ReportAttachment.objects.get(report=report).original_name == "走访台账.pdf"


def test_returned_report_is_notified_and_on_the_todo_list(page, login, city):
    report = make_report(
        city["unit"], period(city["year"], 1), status=ReportStatus.SUBMITTED, actor=city["staff"]
    )
    login("reviewer", PASSWORD)
    page.goto(f"/reports/{report.pk}/")
    page.get_by_label("退回修改").check()
    page.fill("#id_comment", "请补充帮扶资金的来源。")
    with page.expect_navigation():
        page.get_by_role("button", name="提交审核结论").click()
    expect(page.get_by_text("报告已退回，已通知该单位修改。")).to_be_visible()

    # The unit's staff read it on a phone: the navbar (behind its toggler) counts the unread
    # notification; the home page's 待办 names the report.
    page.set_viewport_size(PHONE)
    switch_user(page, login, "xiangshan")
    open_navbar(page)
    expect(page.get_by_role("link", name="通知 1")).to_be_visible()
    todo = page.locator("#todo")
    item = todo.get_by_role("link", name="修改已退回的2019年第1季度报告")
    expect(item).to_be_visible()
    expect(todo).to_contain_text("请补充帮扶资金的来源。")

    with page.expect_navigation():
        page.get_by_role("link", name="通知 1").click()
    entry = page.locator(".list-group-item").filter(has_text="报告已退回")
    expect(entry).to_contain_text("未读")
    expect(entry).to_contain_text("请补充帮扶资金的来源。")
    with page.expect_navigation():
        entry.get_by_role("button", name="查看").click()
    expect(page.get_by_role("heading", name="相山区总工会 · 2019年第1季度")).to_be_visible()
    assert Notification.objects.get(recipient=city["staff"]).read_at is not None
    open_navbar(page)
    expect(page.get_by_role("link", name="通知", exact=True)).to_be_visible()

    page.goto("/")
    with page.expect_navigation():
        page.locator("#todo").get_by_role("link", name="修改已退回的2019年第1季度报告").click()
    expect(page.get_by_role("heading", name="填写季度报告")).to_be_visible()


def test_attachment_delete_asks_first(page, login, city, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reports import services

    report = make_report(city["unit"], period(city["year"], 1), actor=city["staff"])
    upload = SimpleUploadedFile("旧台账.pdf", PDF_BYTES, content_type="application/pdf")
    services.attachment_add(actor=city["staff"], report=report, upload=upload)
    page.set_viewport_size(PHONE)
    login("xiangshan", PASSWORD)
    page.goto(f"/reports/{report.pk}/edit/")
    attachments = page.locator("#attachments")

    with page.expect_navigation():
        attachments.get_by_role("link", name="删除").click()
    expect(page.get_by_role("heading", name="删除附件")).to_be_visible()
    expect(page.get_by_text("确定删除附件“旧台账.pdf”吗？删除后不能恢复。")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert ReportAttachment.objects.filter(report=report).exists()
    with page.expect_navigation():
        page.get_by_role("link", name="取消，返回").click()
    expect(page.locator("#attachments").get_by_role("link", name="旧台账.pdf")).to_be_visible()

    with page.expect_navigation():
        page.locator("#attachments").get_by_role("link", name="删除").click()
    with page.expect_navigation():
        page.get_by_role("button", name="确认删除").click()
    expect(page.get_by_text("附件已删除。")).to_be_visible()
    expect(page.locator("#attachments")).to_contain_text("无附件。")
    assert not ReportAttachment.objects.filter(report=report).exists()
