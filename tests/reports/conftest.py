import pytest

from reports.enums import ReportStatus
from tests.reports import factories as rf


@pytest.fixture
def period_1(year):
    return rf.period(year, 1)


@pytest.fixture
def draft_a(unit_a, period_1, staff_a):
    return rf.make_report(unit_a, period_1, actor=staff_a)


@pytest.fixture
def submitted_a(unit_a, period_1, staff_a):
    return rf.make_report(unit_a, period_1, status=ReportStatus.SUBMITTED, actor=staff_a)


@pytest.fixture
def accepted_a(unit_a, period_1, staff_a, office_user):
    return rf.make_report(
        unit_a, period_1, status=ReportStatus.ACCEPTED, actor=staff_a, reviewer=office_user
    )
