"""The reports of the demo, on the package's seeded demo (tests/demo/conftest.py)."""

import pytest
from django.utils import timezone

from reports import selectors
from reports.enums import ReportStatus
from reports.models import Report, ShowcaseItem
from tests.reports import factories as rf

pytestmark = pytest.mark.django_db


def test_demo_has_every_state():
    reports = Report.objects.filter(period__year__year=2019)
    assert set(reports.values_list("status", flat=True)) == set(ReportStatus.values)
    assert reports.filter(is_late=True).exists()
    assert reports.filter(status=ReportStatus.RETURNED).exclude(review_comment="").exists()
    for name in ("相山区总工会", "濉溪县总工会", "市教育工会"):
        assert reports.filter(unit__name=name).count() >= 3
    assert ShowcaseItem.objects.filter(report__status=ReportStatus.ACCEPTED).count() == 1
    period_4 = rf.period(reports.first().period.year, 4)
    assert selectors.units_missing_report(period_4).filter(report_status="").exists()


def test_demo_live_year_has_reports_due_and_the_open_period_begun():
    from competition import selectors as competition_selectors

    current = competition_selectors.current_period()
    live = current.year
    assert live.year == timezone.localdate().year and live.is_open
    reports = Report.objects.filter(period__year=live)
    assert reports.get(unit__name="相山区总工会", period=current).status == ReportStatus.DRAFT
    assert not reports.filter(unit__name="濉溪县总工会", period=current).exists()
    assert not reports.filter(period__start__gt=timezone.localdate()).exists()
    assert not reports.filter(period=current, is_late=True).exists()
    due = live.periods.filter(deadline__lt=timezone.localdate())
    if due:  # from 11 April on: reports of the periods due, some waiting for review
        assert reports.filter(period=due.last(), status=ReportStatus.SUBMITTED).exists()
        assert reports.filter(period=due.last(), unit__name="市教育工会").get().status == (
            ReportStatus.RETURNED
        )
    assert not ShowcaseItem.objects.filter(report__period__year=live).exists()
