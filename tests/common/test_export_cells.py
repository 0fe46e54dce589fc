"""Excel that adds up (issue 16.7): every export's numbers are number cells, its dates date
cells, its times the local time (Asia/Shanghai), so that a column can be summed and sorted.
Each export is opened with openpyxl and its cells' types read."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from common.xlsx import Sheet, write_workbook
from reports.enums import ReportStatus
from reports.models import Report
from tests.reports.factories import make_report, period
from tests.volunteers.factories import ActivityFactory, ModelWorkerFactory

pytestmark = pytest.mark.django_db

NUMBER = (int, float, Decimal)


def sheets_of(response) -> dict[str, list[tuple]]:
    assert response.status_code == 200, response.content[:300]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book}


def row_of(rows, header, column, value):
    index = rows[0].index(header)
    [row] = [r for r in rows[1:] if r[index] == value]
    return {h: row[i] for i, h in enumerate(rows[0])}


def test_an_aware_time_is_written_as_shanghai_local_time():
    buffer = io.BytesIO()
    utc = datetime.datetime(2019, 4, 8, 1, 30, tzinfo=datetime.UTC)
    write_workbook(
        [Sheet("t", ["时间", "日期", "数"], [[utc, datetime.date(2019, 4, 8), 3]])], buffer
    )
    [cells] = openpyxl.load_workbook(buffer).active.iter_rows(min_row=2)
    assert cells[0].value == datetime.datetime(2019, 4, 8, 9, 30) and cells[0].is_date
    assert cells[1].value == datetime.datetime(2019, 4, 8) and cells[1].is_date
    assert cells[1].number_format == "yyyy-mm-dd"
    assert cells[2].data_type == "n"


def test_the_completeness_export_writes_submission_times_in_local_time(
    client_for, office_user, staff_a, unit_a, year
):
    report = make_report(unit_a, period(year, 1), status=ReportStatus.SUBMITTED, actor=staff_a)
    # 9:30 in Huaibei is 1:30 UTC; the export once wrote "2019-04-08 01:30", as text.
    at = datetime.datetime(2019, 4, 8, 1, 30, tzinfo=datetime.UTC)
    Report.objects.filter(pk=report.pk).update(submitted_at=at)
    url = reverse("reports:dashboard_xlsx") + f"?period={period(year, 1).pk}"
    sheets = sheets_of(client_for(office_user).get(url))
    units, rates = sheets["各单位"], sheets["报送率"]
    row = row_of(units, "单位", 0, unit_a.name)
    assert row["提交时间"] == datetime.datetime(2019, 4, 8, 9, 30)
    city = rates[1]
    assert isinstance(city[1], int)  # 应报
    assert all(isinstance(v, NUMBER) for v in city[2:] if v is not None)


def test_the_activity_export_writes_dates_and_numbers(client_for, office_user, unit_a, year):
    ActivityFactory(
        unit=unit_a, title="技能培训", date=datetime.date(2019, 5, 20), households=12, people=30
    )
    ActivityFactory(unit=unit_a, title="义诊", households=3, people=8)
    [rows] = sheets_of(client_for(office_user).get(reverse("volunteers:activity_export"))).values()
    row = row_of(rows, "活动名称", 1, "技能培训")
    assert row["活动日期"] == datetime.datetime(2019, 5, 20)
    assert (row["受益贫困户（户）"], row["受益人数（人）"]) == (12, 30)
    assert sum(r[rows[0].index("受益贫困户（户）")] for r in rows[1:]) == 15


def test_the_model_worker_export_writes_years_as_numbers(client_for, office_user, unit_a):
    ModelWorkerFactory(unit=unit_a, name="王劳模", birth_year=1968, honour_year=2015)
    ModelWorkerFactory(unit=unit_a, name="李劳模", birth_year=None, honour_year=None)
    url = reverse("volunteers:model_worker_export")
    [rows] = sheets_of(client_for(office_user).get(url)).values()
    row = row_of(rows, "姓名", 1, "王劳模")
    assert (row["出生年份"], row["获评年份"]) == (1968, 2015)
    empty = row_of(rows, "姓名", 1, "李劳模")
    assert (empty["出生年份"], empty["获评年份"]) == (None, None)


def test_the_quota_export_writes_counts_as_numbers(client_for, admin_user, unit_a, year):
    ActivityFactory(unit=unit_a)
    [rows] = sheets_of(
        client_for(admin_user).get(reverse("volunteers:quota_export") + "?year=2019")
    ).values()
    row = row_of(rows, "单位", 0, unit_a.name)
    assert (row["要求数"], row["已组织活动"]) == (3, 1)


def _admin_export(client, name) -> list[tuple]:
    address = reverse(f"admin:{name}_export")
    form = client.get(address).context["form"]
    data = {"format": "0", "resource": "0"}
    data |= {key: "on" for key in form.fields if key not in (*data, "export_items")}
    return list(
        openpyxl.load_workbook(io.BytesIO(client.post(address, data).content)).active.iter_rows(
            values_only=True
        )
    )


def test_the_admins_exports_write_dates_and_numbers(client, admin_user, unit_a):
    client.force_login(admin_user)
    ActivityFactory(unit=unit_a, title="培训", date=datetime.date(2019, 6, 3), households=4)
    ModelWorkerFactory(unit=unit_a, name="王劳模", birth_year=1968)
    rows = _admin_export(client, "volunteers_activity")
    row = row_of(rows, "活动名称", 1, "培训")
    assert row["活动日期"] == datetime.datetime(2019, 6, 3) and row["受益贫困户（户）"] == 4
    rows = _admin_export(client, "volunteers_modelworker")
    assert row_of(rows, "姓名", 1, "王劳模")["出生年份"] == 1968


def test_local_time_is_shanghai(settings):
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert timezone.get_current_timezone_name() == "Asia/Shanghai"
