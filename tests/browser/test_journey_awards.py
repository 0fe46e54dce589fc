"""The award procedure of issue 15 in the browser, end to end: a unit applies for the 奖状,
the office accepts; the admin ranks; the office shortlists, proposes the 奖状 and submits;
the admin (the leading group) approves; the office starts the 公示, another unit objects,
the office answers; with the clock past the 公示's last working day the office ends it and
the leading group publishes the 表彰决定; the unit downloads its PDF certificate, which the
test opens with pypdf to find its number and the unit's name.

The units' staff take their steps (the application, the objection, the certificate) on a
phone's screen, 390×844, where no page is wider than the screen; the office and the leading
group at a desk.
"""

import datetime
import re
import types
from io import BytesIO

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from awards import approval, services
from awards.models import AwardDecision, Certificate
from tests import factories
from tests.browser.conftest import menu
from tests.competition import factories as scoring
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}


@pytest.fixture
def year_to_award(reference_data):
    year = factories.competition_year(2019)
    office = factories.user_with_role("office", username="reviewer1", first_name="许文华")
    admin = factories.user_with_role("admin", username="boss", first_name="王管理")
    unit = factories.UnitFactory(name="相山区总工会", kind_code="county")
    factories.user_with_role("unit_staff", unit=unit, username="staff0")
    other = factories.UnitFactory(name="濉溪县总工会", kind_code="county")
    factories.user_with_role("unit_staff", unit=other, username="staff1")
    scoring.sheet(
        scoring.entry(unit, year, title="劳模领办合作社", number=1), office, 22, 22, 22, 22
    )
    # The admin's rules of the year: here a unit applies on its ranking alone.
    services.evaluation_settings_save(
        actor=admin, year=year, data={"apply_needs_quota": False, "apply_needs_reports": False}
    )
    return year


def as_user(page, login, username):
    """Log in as `username`: the units' staff on a phone, everyone else at a desk."""
    page.context.clear_cookies()
    page.set_viewport_size(PHONE if username.startswith("staff") else DESK)
    login(username, PASSWORD)


def fits_the_screen(page):
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def click(page, name, role="button"):
    with page.expect_navigation():
        page.get_by_role(role, name=name).first.click()


def test_the_whole_award_procedure(page, login, year_to_award, monkeypatch):
    # The unit applies for the 奖状; the office accepts.
    as_user(page, login, "staff0")
    page.goto("/awards/applications/apply/?year=2019")
    fits_the_screen(page)
    page.get_by_label("组织工作情况").fill("组织劳模深入贫困村开展技能培训。")
    page.get_by_label("事实材料").fill("培训贫困户 120 人次。")
    click(page, "提交申报")
    expect(page.get_by_text("奖状申报已提交，等待竞赛办公室审核。")).to_be_visible()
    fits_the_screen(page)
    application_url = page.url

    as_user(page, login, "reviewer1")
    page.goto(application_url)
    page.get_by_label("通过", exact=True).check()
    click(page, "保存审核结果")
    expect(page.get_by_text("审核结果已保存，已通知申报单位。")).to_be_visible()

    # The admin ranks.
    as_user(page, login, "boss")
    page.goto("/awards/evaluation/?year=2019")
    click(page, "开始计算评选排名")
    expect(page.locator("p").filter(has_text="状态")).to_contain_text("已完成")
    run_url = page.url

    # The office shortlists the unit, proposes the 奖状 and submits the proposal.
    as_user(page, login, "reviewer1")
    page.goto(run_url)
    click(page, "入围名单与表彰", role="link")
    page.get_by_label("类别").select_option(label="参赛单位")
    page.get_by_label("前N名").fill("1")
    click(page, "生成入围名单")
    row = page.get_by_role("row").filter(has_text="相山区总工会")
    row.locator("select[name=award]").select_option(label="淮北市五一劳动奖状")
    with page.expect_navigation():
        row.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存对“相山区总工会”的表彰决定。")).to_be_visible()
    click(page, "审批与公示", role="link")
    decision_url = page.url
    click(page, "报送领导小组审批")
    expect(page.get_by_text("已报送领导小组审批；审批期间表彰决定不能修改。")).to_be_visible()
    expect(page.locator("[data-stage]")).to_have_text("待审批")

    # The leading group approves.
    as_user(page, login, "boss")
    page.goto(decision_url)
    click(page, "批准")
    expect(page.locator("[data-stage]")).to_have_text("已批准")

    # The office starts the 公示 (today, five working days).
    as_user(page, login, "reviewer1")
    page.goto(decision_url)
    click(page, "开始公示")
    expect(page.locator("[data-stage]")).to_have_text("公示中")
    decision = AwardDecision.objects.get()

    # Another unit objects from the 公示 page it finds in the menu.
    as_user(page, login, "staff1")
    menu(page, "评比表彰", "表彰公示")
    fits_the_screen(page)
    click(page, "2019年度表彰名单", role="link")
    fits_the_screen(page)
    listed = page.get_by_role("row").filter(has_text="淮北市五一劳动奖状")
    expect(listed).to_contain_text("参赛单位相山区总工会相山区总工会")
    page.get_by_label("针对的表彰对象").select_option(label="相山区总工会（相山区总工会）")
    page.get_by_label("异议内容").fill("请核实该单位的活动数。")
    click(page, "提出异议")
    expect(page.get_by_text("异议已提交，竞赛办公室将答复。")).to_be_visible()
    fits_the_screen(page)

    # The office answers it.
    as_user(page, login, "reviewer1")
    page.goto(f"/awards/publicity/{decision.pk}/objections/")
    expect(page.get_by_text("请核实该单位的活动数。")).to_be_visible()
    page.get_by_label("答复").fill("经核实，活动数属实。")
    click(page, "保存答复")
    expect(page.get_by_text("答复已保存，已通知提出人。")).to_be_visible()

    # The clock past the 公示's last working day, for the procedure's services only.
    after = decision.publicity_end + datetime.timedelta(days=1)
    clock = types.SimpleNamespace(localdate=lambda: after, now=timezone.now)
    monkeypatch.setattr(approval, "timezone", clock)
    page.goto(decision_url)
    click(page, "结束公示")
    expect(page.locator("[data-stage]")).to_have_text("公示结束")

    as_user(page, login, "boss")
    page.goto(decision_url)
    page.get_by_label("决定文号").fill("淮工〔2020〕15号")
    page.get_by_label("决定正文").fill("决定授予相山区总工会淮北市五一劳动奖状。")
    click(page, "发布表彰决定")
    expect(page.get_by_text("表彰决定已发布，可颁发证书。")).to_be_visible()
    expect(page.locator("[data-stage]")).to_have_text("已发布")
    monkeypatch.undo()

    # The unit downloads its certificate from the 公示 page.
    as_user(page, login, "staff0")
    page.goto(f"/awards/publicity/{decision.pk}/")
    fits_the_screen(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="证书（PDF）").click()
    content = open(download_info.value.path(), "rb").read()
    text = "".join("".join(p.extract_text().split()) for p in PdfReader(BytesIO(content)).pages)
    certificate = Certificate.objects.get()
    assert certificate.label == "〔2019〕第1号"
    assert "〔2019〕第1号" in text and "相山区总工会" in text
    assert re.search(rf"{after.year}年{after.month}月{after.day}日", text)
