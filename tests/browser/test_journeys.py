"""The portal's daily journeys, as a person does them in a browser (issue 8).

1. A unit's staff records a 5+1 activity with a photo, fills the quarterly report, attaches a
   PDF and submits it; at a desktop's size and a phone's (390×844, the menus behind the
   navigation bar's toggler), nothing wider than the screen.
2. An office reviewer returns the report with a comment; the staff reads it, fixes the report
   and resubmits; the reviewer accepts it and scores an entry of that unit on the four criteria.

The assertions read what a person sees: Chinese headings, status badges, the timeline.
"""

import re

import pytest
from playwright.sync_api import expect

from competition import services as competition_services
from reports.enums import ReportStatus
from reports.models import Report, ReportAttachment
from tests import factories
from tests.browser.conftest import menu
from tests.browser.test_phone import jpeg
from tests.competition.factories import points_of
from tests.factories import PASSWORD
from tests.reports.factories import COMPLETE, make_report, period
from volunteers.models import Activity, ActivityPhoto

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

# The smallest file a PDF sniffer accepts: the magic number and an end-of-file marker.
PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def city(reference_data):
    year = factories.competition_year(2019)
    unit = factories.UnitFactory(name="相山区总工会", kind_code="county")
    staff = factories.user_with_role(
        "unit_staff", unit=unit, username="xiangshan", first_name="张填报"
    )
    office = factories.user_with_role("office", username="reviewer", first_name="李评审")
    return {"year": year, "unit": unit, "staff": staff, "office": office}


def switch_user(page, login, username):
    """Log out by dropping the session cookie, then log in as someone else."""
    page.context.clear_cookies()
    login(username, PASSWORD)
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_staff_records_activity_and_submits_report_with_attachment(
    page, login, city, tmp_path, viewport
):
    if viewport:
        page.set_viewport_size(viewport)
    login("xiangshan", PASSWORD)
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()

    # A 5+1 activity through the web form.
    page.goto("/volunteers/activities/new/")
    expect(page.get_by_role("heading", name="录入活动")).to_be_visible()
    page.fill("#id_title", "劳模进村技能培训")
    page.select_option("#id_activity_type", label="技能扶贫")
    page.select_option("#id_nine_project", label="产业脱贫工程")
    page.fill("#id_date", "2019-03-15")
    page.fill("#id_town", "渠沟镇")
    page.fill("#id_village", "钟楼村")
    page.fill("#id_households", "8")
    page.fill("#id_people", "21")
    page.fill("#id_description", "劳模讲授果树修剪技术。")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("活动已保存。")).to_be_visible()
    expect(page.get_by_role("heading", name="劳模进村技能培训")).to_be_visible()
    expect(page.locator("dl")).to_contain_text("技能扶贫")
    expect(page.locator("dl")).to_contain_text("渠沟镇 钟楼村")
    assert Activity.objects.get().unit == city["unit"]

    # A photo of it, from the activity's page; its thumbnail appears.
    page.locator("input[type=file][name=file]").set_input_files(
        {"name": "培训现场.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}
    )
    with page.expect_navigation():
        page.get_by_role("button", name="上传照片").click()
    expect(page.get_by_text("已上传 1 张照片。")).to_be_visible()
    thumbnail = page.locator("img.portal-thumb")
    expect(thumbnail).to_have_count(1)
    thumbnail.scroll_into_view_if_needed()
    expect(thumbnail).to_be_visible()
    assert ActivityPhoto.objects.get().original_name == "培训现场.jpg"
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]

    # The quarterly report: start the first quarter's, attach a PDF, fill it, submit.
    menu(page, "季度报告", "季度报告")
    expect(page.get_by_role("heading", name=re.compile("季度报告"))).to_be_visible()
    first_quarter = page.get_by_role("listitem").filter(has_text="2019年第1季度")
    with page.expect_navigation():
        first_quarter.get_by_role("button", name="开始填写").click()
    expect(page.get_by_role("heading", name="填写季度报告")).to_be_visible()
    expect(page.locator(".badge").first).to_have_text("草稿")

    pdf = tmp_path / "一季度帮扶台账.pdf"
    pdf.write_bytes(PDF_BYTES)
    page.set_input_files("#id_attachment-file", str(pdf))
    with page.expect_navigation():
        page.get_by_role("button", name="保存草稿并上传附件").click()
    expect(page.get_by_text("草稿已保存，附件“一季度帮扶台账.pdf”已上传。")).to_be_visible()
    expect(page.get_by_role("link", name="一季度帮扶台账.pdf")).to_be_visible()

    for name in ("progress", "results", "practices", "experience"):
        page.fill(f"#id_{name}", COMPLETE[name])
    page.get_by_label("产业脱贫工程").check()
    page.fill("#id_households_helped", "12")
    page.fill("#id_people_helped", "30")
    page.fill("#id_funds_invested", "50000.50")
    with page.expect_navigation():
        page.get_by_role("button", name="提交审核").click()

    expect(page.get_by_text("报告已提交，等待竞赛办公室审核。")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("相山区总工会"))).to_be_visible()
    expect(page.locator(".badge").filter(has_text="已提交")).to_be_visible()
    timeline = page.locator("ul.timeline")
    expect(timeline).to_contain_text("创建 → 草稿")
    expect(timeline).to_contain_text("草稿 → 已提交")
    expect(timeline).to_contain_text("张填报")
    expect(page.get_by_role("main").get_by_text("劳模进村技能培训")).to_be_visible()

    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    report = Report.objects.get()
    assert report.status == ReportStatus.SUBMITTED
    assert str(report.funds_invested) == "50000.50"
    assert list(report.projects.values_list("number", flat=True)) == [1]
    attachment = ReportAttachment.objects.get()
    assert attachment.original_name == "一季度帮扶台账.pdf"
    assert attachment.file.read() == PDF_BYTES


def test_review_return_fix_resubmit_accept_and_score(page, login, city):
    unit, office = city["unit"], city["office"]
    report = make_report(
        unit, period(city["year"], 1), status=ReportStatus.SUBMITTED, actor=city["staff"]
    )
    entry = competition_services.entry_create(
        actor=city["staff"],
        unit=unit,
        year=city["year"],
        nine_project=factories.nine_project(1),
        title="劳模带富石榴种植",
        description="组织劳模指导石榴种植。",
        target_villages="钟楼村",
        target_households=40,
    )

    # The office returns it with a comment.
    login("reviewer", PASSWORD)
    menu(page, "季度报告", "报告审核")
    expect(page.get_by_role("heading", name="报告审核")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="相山区总工会")
    expect(row).to_contain_text("已提交")
    with page.expect_navigation():
        row.get_by_role("link", name="审阅").click()
    page.get_by_label("退回修改").check()
    page.fill("#id_comment", "请补充帮扶资金的来源。")
    with page.expect_navigation():
        page.get_by_role("button", name="提交审核结论").click()
    expect(page.get_by_text("报告已退回，已通知该单位修改。")).to_be_visible()

    # The staff sees the comment, fixes the report and resubmits.
    switch_user(page, login, "xiangshan")
    menu(page, "季度报告", "季度报告")
    with page.expect_navigation():
        page.get_by_role("link", name="2019年第1季度").click()
    expect(page.locator(".badge").filter(has_text="已退回")).to_be_visible()
    expect(page.locator(".alert").filter(has_text="审核意见")).to_contain_text(
        "请补充帮扶资金的来源。"
    )
    with page.expect_navigation():
        page.get_by_role("link", name="修改报告").click()
    expect(page.get_by_text("竞赛办公室审核意见")).to_be_visible()
    page.fill("#id_progress", "本季度走访贫困户；帮扶资金来自工会经费和企业捐助。")
    with page.expect_navigation():
        page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_text("报告已提交，等待竞赛办公室审核。")).to_be_visible()
    expect(page.locator(".badge").filter(has_text="已提交")).to_be_visible()
    timeline = page.locator("ul.timeline")
    expect(timeline).to_contain_text("已提交 → 已退回")
    expect(timeline).to_contain_text("请补充帮扶资金的来源。")
    expect(timeline).to_contain_text("已退回 → 已提交")

    # The reviewer accepts it.
    switch_user(page, login, "reviewer")
    page.goto(f"/reports/{report.pk}/")
    expect(page.get_by_role("main")).to_contain_text("帮扶资金来自工会经费和企业捐助")
    page.get_by_label("通过").check()
    with page.expect_navigation():
        page.get_by_role("button", name="提交审核结论").click()
    expect(page.get_by_text("报告已通过审核，已通知该单位。")).to_be_visible()
    page.goto(f"/reports/{report.pk}/")
    expect(page.locator(".badge").filter(has_text="已通过")).to_be_visible()
    expect(page.locator("ul.timeline")).to_contain_text("已提交 → 已通过")
    expect(page.get_by_role("link", name="修改报告")).to_have_count(0)
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    assert report.transitions.count() == 5  # created, submitted, returned, submitted, accepted

    # ...and scores an entry of that unit on the four criteria.
    menu(page, "竞赛评分", "参赛项目")
    with page.expect_navigation():
        page.get_by_role("link", name="劳模带富石榴种植").click()
    expect(page.get_by_role("heading", name=re.compile("劳模带富石榴种植"))).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="评分", exact=True).click()
    expect(page.get_by_role("heading", name="评分：劳模带富石榴种植")).to_be_visible()
    page.get_by_label("比工作落实").fill("22")
    page.get_by_label("比项目成效").fill("20.5")
    page.get_by_label("比经济收入").fill("18")
    page.get_by_label("比群众满意").fill("24")
    page.fill("#id_comment", "措施扎实，群众认可。")
    with page.expect_navigation():
        page.get_by_role("button", name="提交评分").click()
    expect(page.get_by_text("评分已保存，评比冻结前仍可修改。")).to_be_visible()
    sheets = page.get_by_role("row").filter(has_text="李评审")
    expect(sheets).to_contain_text("20.5")
    expect(sheets).to_contain_text("措施扎实，群众认可。")
    sheet = entry.sheets.get()
    assert (sheet.reviewer, str(points_of(sheet)["effect"]), sheet.comment) == (
        office,
        "20.5",
        "措施扎实，群众认可。",
    )
