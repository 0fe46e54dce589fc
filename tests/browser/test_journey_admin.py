"""The admin journey of issue 8: run the evaluation, shortlist, download the .xlsx.

Three units with accepted reports and entries scored by two reviewers; the admin starts
the evaluation from the page (tasks run inline in tests), sees the rankings, shortlists the
top two units, and downloads the Excel file, which the test opens with openpyxl.
"""

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from reports.enums import ReportStatus
from tests import factories
from tests.awards.factories import accepted_application
from tests.competition import factories as scoring
from tests.factories import PASSWORD
from tests.reports.factories import make_report, period

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scored_year(reference_data):
    year = factories.competition_year(2019)
    office = factories.user_with_role("office", username="reviewer1")
    second = factories.user_with_role("office", username="reviewer2")
    factories.user_with_role("admin", username="boss", first_name="王管理")
    entries = []
    for index, (name, points) in enumerate(
        [("相山区总工会", 22), ("濉溪县总工会", 18), ("市直机关工会", 15)]
    ):
        unit = factories.UnitFactory(name=name, kind_code="county")
        staff = factories.user_with_role("unit_staff", unit=unit, username=f"staff{index}")
        make_report(
            unit, period(year, 1), status=ReportStatus.ACCEPTED, actor=staff, reviewer=office
        )
        entry = scoring.entry(unit, year, title=f"{name}帮扶项目", number=1 + index % 2)
        for reviewer in (office, second):
            scoring.sheet(entry, reviewer, points, points, points, points)
        entries.append(entry)
        # Units are candidates of the 奖状 only with an accepted application (issue 15.2).
        accepted_application(unit, year)
    return {"year": year, "entries": entries}


def test_admin_runs_evaluation_and_downloads_shortlist(page, login, scored_year):
    login("boss", PASSWORD)
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()

    page.goto("/awards/evaluation/?year=2019")
    expect(page.get_by_role("heading", name="2019年度评比表彰")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="开始计算评选排名").click()
    expect(page.get_by_text("已开始计算评选排名")).to_be_visible()
    run_url = page.url
    expect(page.locator("p").filter(has_text="状态")).to_contain_text("已完成")
    first = page.get_by_role("row").filter(has_text="相山区总工会帮扶项目")
    expect(first.locator("td").first).to_have_text("1")

    with page.expect_navigation():
        page.get_by_role("link", name="入围名单与表彰").click()
    page.get_by_label("类别").select_option(label="参赛单位")
    page.get_by_label("前N名").fill("2")
    with page.expect_navigation():
        page.get_by_role("button", name="生成入围名单").click()
    expect(page.get_by_text(re.compile("已新增 ?2 ?名入围对象"))).to_be_visible()

    page.goto(run_url)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出 Excel").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(open(download.path(), "rb").read()), read_only=True)
    assert workbook.sheetnames == ["先锋集体", "先锋个人", "参赛单位", "参赛项目"]
    units = list(workbook["参赛单位"].iter_rows(values_only=True))
    assert units[0][:3] == ("名次", "名称", "单位")
    shortlisted = {row[1] for row in units[1:] if row[11] == "是"}
    assert shortlisted == {"相山区总工会", "濉溪县总工会"}
    entries = list(workbook["参赛项目"].iter_rows(values_only=True))
    assert [row[1] for row in entries[1:]] == [
        "相山区总工会帮扶项目",
        "濉溪县总工会帮扶项目",
        "市直机关工会帮扶项目",
    ]
