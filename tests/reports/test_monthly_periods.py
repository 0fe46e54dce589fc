"""A year reported monthly (12 periods): completeness, timeliness, deadline reminders, pages."""

import datetime

import pytest
from django.core import mail as django_mail
from django.urls import reverse

from common.models import Notification
from competition import services
from competition.enums import PeriodScheme
from reports import reminders, selectors
from reports.enums import ReportStatus
from tests.factories import UnitFactory
from tests.reports import factories as rf

pytestmark = pytest.mark.django_db


@pytest.fixture
def monthly(db):
    periods = services.default_periods(2022, PeriodScheme.MONTHLY)
    return services.competition_year_create(actor=None, year=2022, periods=periods)


@pytest.fixture
def march(monthly):
    return rf.period(monthly, 3)


def test_monthly_year_has_twelve_periods_in_order(monthly):
    assert [str(p) for p in monthly.periods.all()] == [f"2022年{m}月" for m in range(1, 13)]
    assert rf.period(monthly, 2).deadline == datetime.date(2022, 3, 10)


def test_monthly_period_completeness(march, unit_a, unit_b, staff_a, office_user):
    UnitFactory(name="市直机关工会", kind_code="direct")
    UnitFactory(name="三月后加入", kind_code="direct", active_from=datetime.date(2022, 4, 1))
    rf.make_report(unit_a, march, status=ReportStatus.ACCEPTED, reviewer=office_user)
    rf.make_report(unit_b, march, status=ReportStatus.SUBMITTED, is_late=True)
    summary = selectors.period_completeness(march)
    assert (summary["city"]["expected"], summary["city"]["on_time"], summary["city"]["late"]) == (
        3,
        1,
        1,
    )
    assert summary["city"]["missing"] == 1
    missing = {u.name for u in selectors.units_missing_report(march)}
    assert missing == {"市直机关工会"}
    assert selectors.units_missing_report(rf.period(march.year, 4)).count() == 4


def test_monthly_timeliness_counts_every_month_past_its_deadline(monthly, march, unit_a):
    rf.make_report(unit_a, rf.period(monthly, 1))
    rf.make_report(unit_a, march, status=ReportStatus.SUBMITTED, is_late=True)
    rows = {u.name: u for u in selectors.timeliness_by_unit(2022, today=datetime.date(2022, 5, 20))}
    # January to April are past their deadlines (10 February .. 10 May); May's is 10 June.
    a = rows["相山区总工会"]
    assert (a.expected, a.on_time, a.late, a.missing) == (4, 0, 1, 3)


def test_monthly_deadline_reminder_names_the_month(monthly, unit_a, staff_a, unit_b, staff_b):
    february = rf.period(monthly, 2)
    rf.make_report(unit_b, february, status=ReportStatus.SUBMITTED, actor=staff_b)
    # 7 March: February's deadline (10 March) is 3 days away; January's is long past.
    sent = reminders.deadline_reminders_send(today=datetime.date(2022, 3, 7))
    assert [d.key for d in sent] == [f"deadline:unit={unit_a.pk}:period={february.pk}:d-3"]
    assert (
        django_mail.outbox[0].subject
        == "【劳动竞赛管理平台】2022年2月报告尚未提交（距截止还有3天）"
    )
    assert "贵单位2022年2月的报告将于2022年3月10日截止" in django_mail.outbox[0].body
    notification = Notification.objects.get()
    assert notification.title == "2022年2月报告尚未提交（距截止还有3天）"
    assert notification.body == "请于2022-03-10前填写并提交本期报告（2月）。"


def test_monthly_dashboard_and_report_list_show_month_names(
    monthly, march, client_for, office_user, staff_a
):
    page = client_for(office_user).get(reverse("reports:dashboard"), {"period": march.pk})
    html = page.content.decode()
    assert page.status_code == 200
    assert f'<option value="{march.pk}" selected>2022年3月</option>' in html
    assert "2022年12月" in html
    export = client_for(office_user).get(reverse("reports:dashboard_xlsx"), {"period": march.pk})
    assert "2022-03-completeness.xlsx" in export["Content-Disposition"]
    listing = client_for(staff_a).get(reverse("reports:report_list")).content.decode()
    assert all(f"2022年{m}月" in listing for m in range(1, 13))
