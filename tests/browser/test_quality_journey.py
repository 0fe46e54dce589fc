"""Data quality in a browser (issue 18): a unit's staff enters an outlying number, sees the
warning beside the field, explains it and submits; the office filters the review queue by
有异常 and reads the explanation there and on the report."""

import pytest
from playwright.sync_api import expect

from reports.enums import ReportStatus
from reports.models import Report
from tests import factories
from tests.browser.test_journeys import switch_user
from tests.factories import PASSWORD
from tests.reports.factories import COMPLETE, make_report, period

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXPLANATION = "本季度承接易地扶贫搬迁安置点的集中帮扶，台账已上传。"


def test_staff_explains_an_outlier_and_office_filters_the_queue(page, login, reference_data):
    year = factories.competition_year(2019)
    unit = factories.UnitFactory(name="杜集区总工会", kind_code="county")
    ordinary = factories.UnitFactory(name="烈山区总工会", kind_code="county")
    staff = factories.user_with_role("unit_staff", unit=unit, username="duji")
    other = factories.user_with_role("unit_staff", unit=ordinary, username="lieshan")
    factories.user_with_role("office", username="reviewer")
    make_report(ordinary, period(year, 1), status=ReportStatus.SUBMITTED, actor=other)
    report = make_report(unit, period(year, 1), actor=staff)

    login(staff.username, PASSWORD)
    page.goto(f"/reports/{report.pk}/edit/")
    for name in ("progress", "results", "practices", "experience"):
        page.fill(f"#id_{name}", COMPLETE[name])
    page.get_by_label("产业脱贫工程").check()
    page.fill("#id_households_helped", "9000")
    page.fill("#id_people_helped", "30000")
    page.fill("#id_funds_invested", "9000000")
    with page.expect_navigation():
        page.get_by_role("button", name="提交审核").click()

    warning = page.locator("#div_id_households_helped .quality-warning")
    expect(warning).to_contain_text("高于本年度规则的上限 5000")
    expect(page.locator("#div_id_quality_explanation")).to_contain_text(
        "提交前请在“异常说明”中说明原因"
    )
    page.fill("#id_quality_explanation", EXPLANATION)
    with page.expect_navigation():
        page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_text("报告已提交，等待竞赛办公室审核。")).to_be_visible()
    assert Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED

    switch_user(page, login, "reviewer")
    page.goto("/reports/review/")
    expect(page.locator("tbody tr")).to_have_count(2)
    page.select_option("#id_flagged", "1")
    with page.expect_navigation():
        page.get_by_role("button", name="筛选").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("杜集区总工会")
    expect(rows.first).to_contain_text("有异常")
    expect(rows.first).to_contain_text(EXPLANATION)
    with page.expect_navigation():
        rows.first.get_by_role("link", name="审阅").click()
    expect(page.locator("#quality-flags")).to_contain_text(EXPLANATION)
