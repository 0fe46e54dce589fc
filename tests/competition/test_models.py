import datetime

import pytest
from django.db import IntegrityError, transaction

from competition.models import Criterion, NineProject, Participation, Unit
from competition.selectors import quota_for_year
from tests import factories
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def _quota(unit, year):
    return Unit.objects.annotate(q=quota_for_year(year)).get(pk=unit.pk).q


@pytest.mark.parametrize(
    ("kind_code", "expected"), [("county", 3), ("system", 3), ("direct", 1), ("poverty_office", 0)]
)
def test_quota_for_year_follows_the_years_kind_quota(kind_code, expected, year):
    unit = UnitFactory(kind_code=kind_code)
    assert _quota(unit, year) == expected
    assert _quota(unit, 2019) == expected  # a year number works too


def test_quota_for_year_own_quota_wins_even_when_zero(year):
    unit = UnitFactory(kind_code="county")
    factories.unit_quota(unit, year, 0)
    assert _quota(unit, year) == 0
    factories.unit_quota(unit, year, 5)
    assert _quota(unit, year) == 5


def test_quota_for_year_follows_admin_edit_of_the_kind_quota(year):
    factories.kind_quota("direct", year, 2)
    assert _quota(UnitFactory(kind_code="direct"), year) == 2


def test_quota_for_year_without_rows_is_zero(db):
    assert _quota(UnitFactory(kind_code="county"), 2031) == 0


def test_reference_data_nine_projects_and_criteria(year):
    assert list(NineProject.objects.values_list("name", flat=True)) == [
        "产业脱贫工程",
        "就业脱贫工程",
        "生态保护脱贫工程",
        "智力扶贫工程",
        "社保兜底脱贫工程",
        "健康脱贫工程",
        "基础设施建设扶贫工程",
        "金融扶贫工程",
        "社会扶贫工程",
    ]
    criteria = list(Criterion.objects.filter(year=year))
    assert [c.name for c in criteria] == ["比工作落实", "比项目成效", "比经济收入", "比群众满意"]
    assert {c.max_points for c in criteria} == {25}
    assert {c.weight for c in criteria} == {1}
    assert "扶志、扶智" in criteria[0].rubric


def test_unit_active_between_respects_dates():
    unit = UnitFactory(
        active_from=datetime.date(2019, 5, 1), active_until=datetime.date(2019, 8, 31)
    )
    assert not unit.is_active_between(datetime.date(2019, 1, 1), datetime.date(2019, 3, 31))
    assert unit.is_active_between(datetime.date(2019, 4, 1), datetime.date(2019, 6, 30))
    assert not unit.is_active_between(datetime.date(2019, 10, 1), datetime.date(2019, 12, 31))
    assert not unit.is_active  # today is long after
    assert not UnitFactory(is_active=False).is_active_between(
        datetime.date(2019, 4, 1), datetime.date(2019, 6, 30)
    )


def test_unit_with_several_participations_counts_in_each():
    unit = UnitFactory(is_active=False)
    Participation.objects.create(
        unit=unit, start=datetime.date(2018, 1, 1), end=datetime.date(2018, 3, 31)
    )
    Participation.objects.create(unit=unit, start=datetime.date(2019, 7, 1))
    assert unit.is_active_between(datetime.date(2018, 1, 1), datetime.date(2018, 3, 31))
    assert not unit.is_active_between(datetime.date(2018, 4, 1), datetime.date(2019, 6, 30))
    assert unit.is_active_between(datetime.date(2019, 7, 1), datetime.date(2019, 9, 30))
    assert unit.is_active


def test_participation_end_before_start_is_refused_by_the_database():
    unit = UnitFactory(is_active=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(
            unit=unit, start=datetime.date(2019, 7, 1), end=datetime.date(2019, 6, 30)
        )
