import datetime

import pytest
from django.test import RequestFactory

from reports import dashboard, selectors
from reports.enums import ReportStatus
from tests.factories import UnitFactory
from tests.reports import factories as rf

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(year, unit_a, unit_b, staff_a, office_user):
    """Q1: A on time, B late, C returned, D draft, E missing, F inactive since before Q1."""
    p1 = rf.period(year, 1)
    c = UnitFactory(name="市教育工会", kind_code="system")
    d = UnitFactory(name="市卫计委工会", kind_code="system")
    e = UnitFactory(name="市直机关工会", kind_code="direct")
    UnitFactory(name="已撤并单位", kind_code="direct", active_until=datetime.date(2018, 12, 31))
    rf.make_report(unit_a, p1, status=ReportStatus.ACCEPTED, reviewer=office_user)
    rf.make_report(unit_b, p1, status=ReportStatus.SUBMITTED, is_late=True)
    rf.make_report(c, p1, status=ReportStatus.RETURNED, reviewer=office_user)
    rf.make_report(d, p1)
    return {"p1": p1, "c": c, "d": d, "e": e}


def test_units_missing_report_counts_draft_and_returned(city):
    missing = selectors.units_missing_report(city["p1"])
    assert {(u.name, u.report_status) for u in missing} == {
        ("市教育工会", "returned"),
        ("市卫计委工会", "draft"),
        ("市直机关工会", ""),
    }
    # The home panel's count, on the bare units, agrees (the unit left in 2018 is not owed).
    assert selectors.units_missing_report_count(city["p1"]) == 3


def test_period_completeness_counts_active_units_only(city):
    summary = selectors.period_completeness(city["p1"])
    assert summary["city"] == {
        "on_time": 1,
        "late": 1,
        "returned": 1,
        "draft": 1,
        "missing": 1,
        "expected": 5,
        "reported": 2,
        "reporting_rate": 40.0,
        "on_time_rate": 20.0,
    }
    kinds = {row["kind"]: (row["expected"], row["reported"]) for row in summary["kinds"]}
    assert kinds == {"县区总工会": (2, 2), "系统工会": (2, 0), "直属工会": (1, 0)}


def test_timeliness_by_unit(city, year, unit_a, unit_b):
    rf.make_report(unit_a, rf.period(year, 2), status=ReportStatus.SUBMITTED, is_late=True)
    rows = {u.name: u for u in selectors.timeliness_by_unit(2019, today=datetime.date(2019, 7, 20))}
    a, b, e = rows["相山区总工会"], rows["濉溪县总工会"], rows["市直机关工会"]
    # By 20 July only Q2's deadline (10 July) and Q1's have passed.
    assert (a.on_time, a.late, a.expected, a.missing) == (1, 1, 2, 0)
    assert (b.on_time, b.late, b.expected, b.missing) == (0, 1, 2, 1)
    assert (e.on_time, e.late, e.expected, e.missing) == (0, 0, 2, 2)
    assert rows["已撤并单位"].expected == 0


def test_reports_for_unit_year_and_evidence_panel(city, year, unit_a, staff_a, staff_b):
    assert [r.period.number for r in selectors.reports_for_unit_year(unit_a, year)] == [1]
    assert list(selectors.reports_for_unit_year(unit_a, 2020)) == []
    request = RequestFactory().get("/")
    request.user = staff_a
    panels = dashboard.evidence_panels(request, unit_a, 2019)
    assert [r.unit for r in panels[0].context["reports"]] == [unit_a]
    request.user = staff_b
    assert dashboard.evidence_panels(request, unit_a, 2019) == []


def test_reports_for_user_scopes(city, staff_a, office_user, unit_a):
    assert {r.unit for r in selectors.reports_for_user(staff_a)} == {unit_a}
    assert selectors.reports_for_user(office_user).count() == 4


def test_escalation_days_setting(settings, year):
    assert selectors.escalation_days() == 7
    settings.REPORT_ESCALATION_DAYS = 30
    periods = selectors.overdue_periods(2019, today=datetime.date(2019, 5, 5))
    assert list(periods) == []
    periods = selectors.overdue_periods(2019, today=datetime.date(2019, 5, 11))
    assert [p.number for p in periods] == [1]


def test_grouped_counts_agree_with_timeliness_by_unit(city, year, unit_a, unit_b):
    # The awards ranking joins these instead of running timeliness_by_unit's per-unit counts.
    rf.make_report(unit_a, rf.period(year, 2), status=ReportStatus.SUBMITTED, is_late=True)
    UnitFactory(name="年中加入单位", kind_code="direct", active_from=datetime.date(2019, 5, 1))
    today = datetime.date(2019, 7, 20)
    counts = {row["unit"]: (row["on_time"], row["late"]) for row in
              selectors.report_counts_by_unit(2019)}  # fmt: skip
    units = selectors.timeliness_by_unit(2019, today=today)
    per_unit = {u.name: (u.on_time, u.late, u.expected) for u in units}
    grouped = {
        u.name: (*counts.get(u.pk, (0, 0)), u.grouped_expected)
        for u in units.annotate(grouped_expected=selectors.expected_reports(2019, today=today))
    }
    assert grouped == per_unit
    assert per_unit["年中加入单位"] == (0, 0, 1)
    assert per_unit["相山区总工会"] == (1, 1, 2)
