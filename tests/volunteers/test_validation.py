"""Data-quality rules on activities and service records: refusal, warning with explanation,
the flags on the activity and on the office's data-quality page."""

import datetime
from decimal import Decimal

from django.urls import reverse

from reports.enums import ReportStatus
from tests.reports import factories as rf
from volunteers.models import Activity, ServiceRecord


def _activity_data(**overrides):
    return {
        "title": "种植培训", "activity_type": "skills", "nine_project": 1, "date": "2019-05-20",
        "town": "渠沟镇", "village": "钟楼村", "households": 5, "people": 12, "description": "",
        **overrides,
    }  # fmt: skip


def test_activity_with_more_households_than_people_is_refused(client_for, staff_a, year):
    data = _activity_data(households=40, people=3)
    response = client_for(staff_a).post(reverse("volunteers:activity_create"), data)
    assert response.status_code == 200
    assert "不能少于" in response.context["form"].errors["people"][0]
    assert not Activity.objects.exists()


def test_activity_warning_shown_beside_its_field_then_saved_with_explanation(
    client_for, staff_a, year
):
    client = client_for(staff_a)
    data = _activity_data(households=800, people=2400)
    response = client.post(reverse("volunteers:activity_create"), data)
    assert response.status_code == 200
    assert "quality_explanation" in response.context["form"].errors
    page = response.content.decode()
    assert "quality-warning" in page and "高于本年度规则的上限 500" in page
    assert not Activity.objects.exists()
    data["quality_explanation"] = "全镇集中义诊。"
    response = client.post(reverse("volunteers:activity_create"), data)
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert activity.has_flags and activity.quality_flags[0]["field"] == "households"
    assert activity.quality_explanation == "全镇集中义诊。"
    detail = client.get(reverse("volunteers:activity_detail", args=[activity.pk])).content.decode()
    assert "全镇集中义诊。" in detail and "高于本年度规则的上限 500" in detail


def test_service_record_over_twelve_hours_needs_an_explanation(client_for, staff_a, member_a, year):
    client = client_for(staff_a)
    url = reverse("volunteers:service_record_create", args=[member_a.pk])
    data = {"date": "2019-06-01", "hours": "16", "place": "钟楼村",
            "content": "抗洪抢险"}  # fmt: skip
    response = client.post(url, data)
    assert "quality_explanation" in response.context["form"].errors
    data["quality_explanation"] = "汛期连续值守。"
    assert client.post(url, data).status_code == 302
    record = ServiceRecord.objects.get()
    assert record.has_flags and record.hours == Decimal(16)


def test_quality_page_lists_the_periods_flagged_reports_and_activities(
    client_for, office_user, staff_a, unit_a, year
):
    period = rf.period(year, 2)
    rf.make_report(unit_a, period, status=ReportStatus.SUBMITTED, actor=staff_a)
    client_for(staff_a).post(
        reverse("volunteers:activity_create"),
        _activity_data(households=800, people=2400, quality_explanation="集中义诊"),
    )
    outside = datetime.date(2019, 9, 1)  # the third quarter: not on the second's page
    client_for(staff_a).post(
        reverse("volunteers:activity_create"),
        _activity_data(title="另一次", date=outside.isoformat(), households=900, people=2700,
                       quality_explanation="另一季度"),
    )  # fmt: skip
    response = client_for(office_user).get(reverse("reports:quality"), {"period": period.pk})
    page = response.content.decode()
    assert "集中义诊" in page and "另一季度" not in page
    assert list(response.context["page"]) == []  # the report's figures are ordinary
