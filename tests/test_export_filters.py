"""Exports follow the list's filters (issue 16.6/16.7): the list's 导出 Excel link carries the
query string the list was filtered with, and the export keeps the same rows (the list and the
export share one filter code path). Each export is opened with openpyxl."""

import datetime
import io
import re
from html import unescape

import openpyxl
import pytest
from django.urls import reverse

from reports.enums import ReportStatus
from tests import factories
from tests.reports.factories import make_report, period
from tests.volunteers.factories import ActivityFactory, ModelWorkerFactory
from volunteers.enums import HonourLevel

pytestmark = pytest.mark.django_db


def export_link(body: str, url_name: str) -> str:
    """The href of the page's link to `url_name` (the query string as the page wrote it)."""
    path = reverse(url_name)
    return unescape(re.search(rf'href="({re.escape(path)}[^"]*)"', body).group(1))


def column(response, header: str, sheet: int = 0) -> list:
    assert response.status_code == 200, response.content[:300]
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[sheet].values)
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


def test_the_activity_export_keeps_the_lists_filters(client_for, office_user, unit_a, unit_b, year):
    ActivityFactory(unit=unit_a, title="春季培训", activity_type="skills",
                    date=datetime.date(2019, 3, 10))  # fmt: skip
    ActivityFactory(unit=unit_a, title="夏季义诊", activity_type="health",
                    date=datetime.date(2019, 7, 1))  # fmt: skip
    ActivityFactory(unit=unit_b, title="濉溪培训", activity_type="skills",
                    date=datetime.date(2019, 5, 5))  # fmt: skip
    ActivityFactory(unit=unit_a, title="秋季培训", activity_type="skills",
                    date=datetime.date(2019, 10, 5))  # fmt: skip
    client = client_for(office_user)
    filters = {"type": "skills", "unit": unit_a.pk, "date_to": "2019-09-30", "page": "1"}
    listed = client.get(reverse("volunteers:activity_list"), filters)
    assert [a.title for a in listed.context["page"]] == ["春季培训"]
    link = export_link(listed.content.decode(), "volunteers:activity_export")
    assert "type=skills" in link and f"unit={unit_a.pk}" in link and "page=" not in link

    assert column(client.get(link), "活动名称") == ["春季培训"]
    # Unfiltered, it is every visible activity, in the list's order (latest first).
    everything = client.get(reverse("volunteers:activity_export"))
    assert column(everything, "活动名称") == ["秋季培训", "夏季义诊", "濉溪培训", "春季培训"]


def test_the_activity_export_of_a_unit_stays_its_own_whatever_the_query(
    client_for, staff_a, unit_a, unit_b
):
    ActivityFactory(unit=unit_a, title="本单位")
    ActivityFactory(unit=unit_b, title="别的单位")
    response = client_for(staff_a).get(reverse("volunteers:activity_export"), {"unit": unit_b.pk})
    assert column(response, "活动名称") == ["本单位"]


def test_the_model_worker_export_keeps_the_lists_filters(client_for, office_user, unit_a, unit_b):
    ModelWorkerFactory(unit=unit_a, name="张建国", honour_level=HonourLevel.PROVINCIAL)
    ModelWorkerFactory(unit=unit_a, name="张秀英", honour_level=HonourLevel.CITY)
    ModelWorkerFactory(unit=unit_b, name="张海峰", honour_level=HonourLevel.PROVINCIAL)
    ModelWorkerFactory(unit=unit_a, name="李明", honour_level=HonourLevel.PROVINCIAL)
    client = client_for(office_user)
    filters = {"q": "张", "honour_level": HonourLevel.PROVINCIAL, "unit": unit_a.pk}
    listed = client.get(reverse("volunteers:model_worker_list"), filters)
    assert [w.name for w in listed.context["page"]] == ["张建国"]
    link = export_link(listed.content.decode(), "volunteers:model_worker_export")
    assert column(client.get(link), "姓名") == ["张建国"]
    by_name = client.get(reverse("volunteers:model_worker_export"), {"q": "张"})
    assert sorted(column(by_name, "姓名")) == sorted(["张建国", "张秀英", "张海峰"])


def test_the_model_worker_list_says_when_nothing_matches(client_for, staff_a, unit_a):
    ModelWorkerFactory(unit=unit_a, name="张建国")
    response = client_for(staff_a).get(reverse("volunteers:model_worker_list"), {"q": "王"})
    assert "unit" not in response.context["form"].fields
    assert "没有符合条件的劳模。" in response.content.decode()


def test_the_completeness_export_keeps_the_pages_period_and_grouping(client_for, office_user, year):
    parent = factories.UnitFactory(name="濉溪县总工会", kind_code="county")
    factories.UnitFactory(name="濉溪县教育工会", kind_code="system", parent=parent)
    factories.UnitFactory(name="杜集区总工会", kind_code="county")
    factories.UnitFactory(name="市教育工会", kind_code="system")
    second = period(year, 2)
    make_report(parent, second, status=ReportStatus.SUBMITTED)
    client = client_for(office_user)
    page = client.get(reverse("reports:dashboard"), {"period": second.pk, "group": "parent"})
    link = export_link(page.content.decode(), "reports:dashboard_xlsx")
    assert f"period={second.pk}" in link and "group=parent" in link

    # Grouped as on the page: the sub-unit right after its parent, whatever their kinds.
    export = client.get(link)
    grouped = dict(zip(column(export, "单位"), column(export, "上级单位"), strict=True))
    names = list(grouped)
    assert names.index("濉溪县教育工会") == names.index("濉溪县总工会") + 1
    assert grouped["濉溪县教育工会"] == "濉溪县总工会" and grouped["市教育工会"] is None
    assert len(names) == 4

    # Not grouped (the page's default), the export is by kind, and of the chosen period only.
    by_kind = client.get(reverse("reports:dashboard_xlsx"), {"period": second.pk})
    assert column(by_kind, "类别") == ["县区总工会", "县区总工会", "系统工会", "系统工会"]
    states = dict(zip(column(by_kind, "单位"), column(by_kind, "报送情况"), strict=True))
    assert states == {"濉溪县总工会": "按时报送", "濉溪县教育工会": "未报",
                      "杜集区总工会": "未报", "市教育工会": "未报"}  # fmt: skip
