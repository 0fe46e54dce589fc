import datetime

import pytest

from competition.models import Criterion, NineProject, Unit, UnitKind
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind_code", "expected"), [("county", 3), ("system", 3), ("direct", 1), ("poverty_office", 0)]
)
def test_effective_quota_follows_kind_default(kind_code, expected):
    unit = UnitFactory(kind_code=kind_code)
    assert unit.effective_quota == expected


def test_effective_quota_override_wins_even_when_zero():
    unit = UnitFactory(kind_code="county", quota_override=0)
    assert unit.effective_quota == 0
    unit.quota_override = 5
    assert unit.effective_quota == 5


def test_effective_quota_follows_admin_edit_of_kind_default():
    kind = UnitKind.objects.get(code="direct")
    kind.default_quota = 2
    kind.save()
    unit = Unit.objects.get(pk=UnitFactory(kind_code="direct").pk)
    assert unit.effective_quota == 2


def test_reference_data_nine_projects_and_criteria():
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
    criteria = list(Criterion.objects.all())
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
    unit.is_active = False
    assert not unit.is_active_between(datetime.date(2019, 4, 1), datetime.date(2019, 6, 30))
