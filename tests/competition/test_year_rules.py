"""The services behind a year's rule pages: every rule of a closed year is refused (and
nothing is written); several kind quotas at once; periods replaced by a scheme while no
report exists; a criterion added without a code (issue 13)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from competition import services
from competition.enums import PeriodScheme, YearStatus
from competition.models import CompetitionYear, Criterion, KindQuota, UnitKind
from reports.enums import ReportStatus
from tests import factories
from tests.reports import factories as rf
from tests.snapshot import changes, snapshot

pytestmark = pytest.mark.django_db

D = datetime.date
SEALED = "该竞赛年度已结束并封存，记录不能再修改。"


def seal(year):
    CompetitionYear.objects.filter(pk=year.pk).update(status=YearStatus.CLOSED)
    year.refresh_from_db()


def _kind(code):
    return UnitKind.objects.get(code=code)


def test_every_rule_of_a_closed_year_is_refused(year, unit_a, admin_user):
    criterion = year.criteria.get(code="work")
    period = year.periods.get(number=4)
    seal(year)
    before = snapshot()
    calls = [
        (services.kind_quota_set, {"year": year, "kind": _kind("direct"), "quota": 2}),
        (services.kind_quotas_save, {"year": year, "quotas": {_kind("direct"): 2}}),
        (services.unit_quota_set, {"year": year, "unit": unit_a, "quota": 5}),
        (services.unit_quota_set, {"year": year, "unit": unit_a, "quota": None}),
        (
            services.criterion_save,
            {"year": year, "name": "比创新", "rubric": "-", "max_points": 10, "weight": 1},
        ),
        (services.criterion_save, {"year": year, "criterion": criterion, "weight": 2}),
        (services.criterion_delete, {"criterion": criterion}),
        (
            services.period_save,
            {
                "year": year,
                "period": period,
                "number": 4,
                "name": "第4季度",
                "start": D(2019, 10, 1),
                "end": D(2019, 12, 31),
                "deadline": D(2020, 1, 31),
            },
        ),
        (services.period_delete, {"period": period}),
        (services.periods_replace, {"year": year, "scheme": PeriodScheme.MONTHLY}),
        (services.participation_end, {"unit": unit_a, "date": D(2019, 7, 1)}),
        (services.participation_start, {"unit": unit_a, "date": D(2019, 7, 1)}),
    ]
    for call, kwargs in calls:
        with pytest.raises(ValidationError) as info:
            call(actor=admin_user, **kwargs)
        assert info.value.messages == [SEALED], call.__name__
        assert info.value.code == "year_sealed"
    assert changes(before, snapshot()) == []


def test_a_unit_may_leave_from_the_first_day_after_a_closed_year(year, unit_a, admin_user):
    seal(year)
    participation = services.participation_end(actor=admin_user, unit=unit_a, date=D(2020, 1, 1))
    # 2019's figures stay: the unit took part until its last day.
    assert participation.end == D(2019, 12, 31)


def test_kind_quotas_save_writes_only_the_changed_kinds(year, admin_user, office_user):
    quotas = {_kind("county"): 3, _kind("system"): 4, _kind("direct"): 2}
    with pytest.raises(PermissionDenied):
        services.kind_quotas_save(actor=office_user, year=year, quotas=quotas)
    written = services.kind_quotas_save(actor=admin_user, year=year, quotas=quotas)
    assert sorted(row.kind.code for row in written) == ["direct", "system"]
    assert dict(KindQuota.objects.filter(year=year).values_list("kind__code", "quota")) == {
        "county": 3,
        "system": 4,
        "direct": 2,
        "poverty_office": 0,
    }
    row = KindQuota.objects.get(year=year, kind__code="direct")
    assert row.history.latest().history_user == admin_user
    assert KindQuota.objects.get(year=year, kind__code="county").history.count() == 1


@pytest.mark.parametrize(
    ("scheme", "names"),
    [
        (PeriodScheme.MONTHLY, [f"{m}月" for m in range(1, 13)]),
        (PeriodScheme.HALF_YEARLY, ["上半年", "下半年"]),
        (PeriodScheme.QUARTERLY, [f"第{n}季度" for n in range(1, 5)]),
    ],
)
def test_periods_replaced_by_a_scheme(admin_user, scheme, names):
    y2020 = factories.competition_year(2020)
    periods = services.periods_replace(
        actor=admin_user, year=y2020, scheme=scheme, deadline_days=15
    )
    assert [p.name for p in periods] == names
    stored = list(y2020.periods.order_by("number"))
    assert [(p.number, p.name) for p in stored] == list(enumerate(names, start=1))
    assert stored[-1].end == D(2020, 12, 31)
    assert stored[-1].deadline == D(2021, 1, 15)


def test_periods_not_replaced_once_a_report_exists(year, unit_a, staff_a, admin_user, office_user):
    with pytest.raises(PermissionDenied):
        services.periods_replace(actor=office_user, year=year, scheme=PeriodScheme.MONTHLY)
    rf.make_report(unit_a, rf.period(year, 2), status=ReportStatus.DRAFT, actor=staff_a)
    before = list(year.periods.values_list("pk", "number", "name", "start", "end", "deadline"))
    with pytest.raises(ValidationError) as info:
        services.periods_replace(actor=admin_user, year=year, scheme=PeriodScheme.MONTHLY)
    assert info.value.messages == ["本年度已有报告，不能整体替换报送期；可逐个修改或新增报送期。"]
    after = list(year.periods.values_list("pk", "number", "name", "start", "end", "deadline"))
    assert after == before


def test_a_criterion_added_without_a_code_gets_one(year, admin_user):
    first = services.criterion_save(
        actor=admin_user, year=year, name="比创新", rubric="创新做法", max_points=Decimal(10),
        weight=Decimal(1),
    )  # fmt: skip
    Criterion.objects.filter(pk=first.pk).update(number=9)
    second = services.criterion_save(
        actor=admin_user, year=year, code="", number=5, name="比作风", rubric="-",
        max_points=Decimal(10), weight=Decimal(1),
    )  # fmt: skip
    assert (first.code, first.number) == ("c5", 5)
    # c5 is taken (by the first, now ninth): the next free one.
    assert (second.code, second.number) == ("c6", 5)
