"""A year's rule pages in the portal (admins): criteria, quotas, the units taking part and
the reporting periods, reachable from the years page; read-only for a closed year, whose
writes the services refuse (issue 13)."""

import datetime
import re

import pytest
from django.urls import reverse

from competition.enums import YearStatus
from competition.models import CompetitionYear, Criterion, KindQuota, Participation, UnitQuota
from reports.enums import ReportStatus
from tests import factories
from tests.competition import factories as scoring
from tests.reports import factories as rf
from tests.snapshot import changes, snapshot

pytestmark = pytest.mark.django_db

D = datetime.date
SEALED = "该竞赛年度已结束并封存，记录不能再修改。"
READ_ONLY = "该竞赛年度已结束并封存，规则只读。"
PAGES = ("year_settings", "year_criteria", "year_quotas", "year_units", "year_periods")


# Deletions act on the confirmation page's POST (common/confirm.py).
CONFIRM = {"confirm": ""}


def url(name, year, **kwargs):
    return reverse(f"competition:{name}", kwargs={"pk": year.pk, **kwargs})


def text(response) -> str:
    return response.content.decode()


def seal(year):
    CompetitionYear.objects.filter(pk=year.pk).update(status=YearStatus.CLOSED)
    year.refresh_from_db()


@pytest.fixture
def admin(client_for, admin_user):
    return client_for(admin_user)


def test_years_page_links_to_the_rule_pages(admin, year):
    page = text(admin.get(reverse("competition:year_list")))
    for name in PAGES:
        assert f'href="{url(name, year)}"' in page
    assert f'href="{reverse("awards:evaluation")}?year=2019#settings"' in page


@pytest.mark.parametrize("name", PAGES)
def test_rule_pages_are_for_admins_only(client_for, office_user, staff_a, admin_user, year, name):
    assert client_for(None).get(url(name, year)).status_code == 302
    assert client_for(office_user).get(url(name, year)).status_code == 403
    assert client_for(staff_a).get(url(name, year)).status_code == 403
    admin = client_for(admin_user)
    assert admin.get(reverse(f"competition:{name}", kwargs={"pk": 999})).status_code == 404
    assert admin.get(url(name, year)).status_code == 200


# --- criteria --------------------------------------------------------------------------------


def test_criteria_added_edited_and_deleted(client_for, admin_user, office_user, unit_a, year):
    admin = client_for(admin_user)
    response = admin.post(
        url("year_criteria", year),
        {
            "code": "innovation",
            "name": "比创新",
            "rubric": "创新做法",
            "max_points": 20,
            "weight": 2,
        },
    )
    assert response.status_code == 302
    criterion = year.criteria.get(code="innovation")
    assert (criterion.number, criterion.max_points, criterion.weight) == (5, 20, 2)
    page = text(admin.get(url("year_criteria", year)))
    assert "比创新" in page and "<code>innovation</code>" in page

    edit = url("criterion_edit", year, criterion_pk=criterion.pk)
    assert 'name="code"' not in text(admin.get(edit))  # the code names it in the rankings
    admin.post(
        edit, {"number": 6, "name": "比创新创造", "rubric": "新", "max_points": 10, "weight": 1}
    )
    criterion.refresh_from_db()
    assert (criterion.number, criterion.name, criterion.max_points) == (6, "比创新创造", 10)

    # The score sheet form follows the year's criteria.
    entry = scoring.entry(unit_a, year)
    form = text(client_for(office_user).get(reverse("competition:sheet_edit", args=[entry.pk])))
    assert form.count('class="form-label') >= 5 and "比创新创造（0–10）" in form

    admin = client_for(admin_user)
    response = admin.post(
        url("criterion_delete", year, criterion_pk=criterion.pk), CONFIRM, follow=True
    )
    assert "已删除评比标准“比创新创造”" in text(response)
    assert not year.criteria.filter(code="innovation").exists()


def test_criterion_form_errors_are_shown(admin, year):
    response = admin.post(
        url("year_criteria", year),
        {"name": "比工作落实", "rubric": "-", "max_points": 0, "weight": 1},
    )
    page = text(response)
    assert response.status_code == 200
    assert "确保该值大于或等于1" in page
    assert year.criteria.count() == 4


def test_a_scored_criterion_is_not_deleted(admin, unit_a, year):
    entry = scoring.entry(unit_a, year)
    scoring.sheet(entry, scoring.reviewer("judge"), 20, 20, 20, 20)
    work = year.criteria.get(code="work")
    response = admin.post(url("criterion_delete", year, criterion_pk=work.pk), CONFIRM, follow=True)
    assert "已有评委按此标准评分，不能删除；可将权重设为 0。" in text(response)
    assert Criterion.objects.filter(pk=work.pk).exists()


# --- quotas ----------------------------------------------------------------------------------


def test_quotas_set_per_kind_and_per_unit(admin, unit_a, year):
    data = {"quota_county": 4, "quota_system": 3, "quota_direct": 2, "quota_poverty_office": 0}
    assert admin.post(url("year_quotas", year), data).status_code == 302
    assert dict(KindQuota.objects.filter(year=year).values_list("kind__code", "quota")) == {
        "county": 4,
        "system": 3,
        "direct": 2,
        "poverty_office": 0,
    }
    other = factories.competition_year(2020)
    assert KindQuota.objects.get(year=other, kind__code="direct").quota == 1

    admin.post(url("unit_quota_set", year), {"unit": unit_a.pk, "quota": 7})
    assert UnitQuota.objects.get(year=year, unit=unit_a).quota == 7
    page = text(admin.get(url("year_quotas", year)))
    assert 'name="quota_direct" value="2"' in page
    assert f'<td>{unit_a.name}</td><td>县区总工会</td><td class="text-end">7</td>' in page
    admin.post(url("unit_quota_set", year), {"unit": unit_a.pk, "quota": ""})
    assert not UnitQuota.objects.exists()


# --- the units taking part -------------------------------------------------------------------


def test_units_start_and_end_by_date(admin, unit_a, year):
    newcomer = factories.UnitFactory(name="新建工会", is_active=False)
    response = admin.post(
        url("participation_start", year), {"unit": newcomer.pk, "date": "2019-07-01"}, follow=True
    )
    assert "“新建工会”自 2019-07-01 起参赛。" in text(response)
    response = admin.post(
        url("participation_end", year),
        {"unit": unit_a.pk, "date": "2019-10-01", "reason": "撤并"},
        follow=True,
    )
    assert "“相山区总工会”自 2019-10-01 起退出竞赛。" in text(response)
    assert list(unit_a.participations.values_list("end", "end_reason")) == [
        (D(2019, 9, 30), "撤并")
    ]
    page = text(admin.get(url("year_units", year)))
    assert "2000-01-01 — 2019-09-30（撤并）" in page
    assert "2019-07-01 — 至今" in page

    response = admin.post(
        url("participation_start", year), {"unit": newcomer.pk, "date": "2019-08-01"}, follow=True
    )
    assert "该单位在 2019-08-01 及以后仍在参赛。" in text(response)
    assert Participation.objects.filter(unit=newcomer).count() == 1


def test_units_page_query_count_does_not_grow(admin, year, django_assert_max_num_queries):
    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert admin.get(url("year_units", year)).status_code == 200
        return len(queries)

    for i in range(3):
        factories.UnitFactory(name=f"甲{i}")
    few = count()
    for i in range(30):
        factories.UnitFactory(name=f"乙{i}")
    assert count() == few
    with django_assert_max_num_queries(15):
        admin.get(url("year_units", year))


# --- reporting periods -----------------------------------------------------------------------


def test_periods_edited_deleted_added_and_replaced(admin, year):
    q4 = year.periods.get(number=4)
    edit = url("period_edit", year, period_pk=q4.pk)
    data = {"number": 4, "name": "第4季度", "start": "2019-10-01", "end": "2019-11-30"}
    assert admin.post(edit, {**data, "deadline": "2019-12-10"}).status_code == 302
    q4.refresh_from_db()
    assert q4.end == D(2019, 11, 30)
    response = admin.post(
        url("year_periods", year),
        {"number": 5, "name": "12月", "start": "2019-12-01", "end": "2019-12-31", "deadline": "2020-01-10"},
    )  # fmt: skip
    assert response.status_code == 302
    assert list(year.periods.values_list("name", flat=True)) == [
        "第1季度", "第2季度", "第3季度", "第4季度", "12月"
    ]  # fmt: skip
    admin.post(url("period_delete", year, period_pk=year.periods.get(number=5).pk), CONFIRM)
    assert year.periods.count() == 4

    response = admin.post(
        url("periods_replace", year), {"scheme": "monthly", "deadline_days": 10}, follow=True
    )
    assert "2019年度的报送期已替换为12期。" in text(response)
    assert [p.name for p in year.periods.order_by("number")] == [f"{m}月" for m in range(1, 13)]


def test_overlapping_period_refused_on_the_form(admin, year):
    response = admin.post(
        url("year_periods", year),
        {"number": 5, "name": "12月", "start": "2019-12-01", "end": "2019-12-31", "deadline": "2020-01-10"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "与第4季度（2019-10-01至2019-12-31）时间重叠。" in text(response)


def test_periods_with_reports_are_kept(admin, unit_a, staff_a, year):
    rf.make_report(unit_a, rf.period(year, 1), status=ReportStatus.DRAFT, actor=staff_a)
    page = text(admin.get(url("year_periods", year)))
    q1 = year.periods.get(number=1)
    assert url("period_delete", year, period_pk=q1.pk) not in page
    assert url("periods_replace", year) not in page  # a report exists
    response = admin.post(url("period_delete", year, period_pk=q1.pk), CONFIRM, follow=True)
    assert "2019年第1季度已有报告，不能删除。" in text(response)
    response = admin.post(url("periods_replace", year), {"scheme": "monthly"}, follow=True)
    assert year.periods.count() == 4


# --- a closed year ---------------------------------------------------------------------------


def _posts(year, unit, criterion, period):
    return [
        (
            url("year_criteria", year),
            {"name": "比创新", "rubric": "-", "max_points": 5, "weight": 1},
        ),
        (
            url("criterion_edit", year, criterion_pk=criterion.pk),
            {"number": 1, "name": "比工作", "rubric": "-", "max_points": 25, "weight": 2},
        ),
        (url("criterion_delete", year, criterion_pk=criterion.pk), CONFIRM),
        (
            url("year_quotas", year),
            {"quota_county": 5, "quota_system": 3, "quota_direct": 2, "quota_poverty_office": 0},
        ),
        (url("unit_quota_set", year), {"unit": unit.pk, "quota": 9}),
        (url("participation_start", year), {"unit": unit.pk, "date": "2019-06-01"}),
        (url("participation_end", year), {"unit": unit.pk, "date": "2019-06-01"}),
        (
            url("year_periods", year),
            {
                "number": 5,
                "name": "追加",
                "start": "2019-12-01",
                "end": "2019-12-31",
                "deadline": "2020-01-10",
            },
        ),
        (
            url("period_edit", year, period_pk=period.pk),
            {
                "number": 4,
                "name": "第4季度",
                "start": "2019-10-01",
                "end": "2019-11-30",
                "deadline": "2019-12-10",
            },
        ),
        (url("period_delete", year, period_pk=period.pk), CONFIRM),
        (url("periods_replace", year), {"scheme": "monthly", "deadline_days": 10}),
    ]


FORM_ACTIONS = re.compile(r'<form method="post"')


def test_closed_year_pages_read_only_and_writes_refused(admin, unit_a, year):
    criterion, period = year.criteria.get(code="work"), year.periods.get(number=4)
    seal(year)
    for name in PAGES:
        page = text(admin.get(url(name, year)))
        assert READ_ONLY in page, name
        assert not FORM_ACTIONS.search(page), name
    for page in (
        text(admin.get(url("criterion_edit", year, criterion_pk=criterion.pk))),
        text(admin.get(url("period_edit", year, period_pk=period.pk))),
    ):
        assert READ_ONLY in page and not FORM_ACTIONS.search(page)
    before = snapshot()
    for target, data in _posts(year, unit_a, criterion, period):
        response = admin.post(target, data, follow=True)
        assert SEALED in text(response), target
    assert changes(before, snapshot()) == []


def test_criteria_of_a_year_in_evaluation_are_read_only(admin, year):
    CompetitionYear.objects.filter(pk=year.pk).update(status=YearStatus.EVALUATING)
    page = text(admin.get(url("year_criteria", year)))
    assert "该年度已进入评比，评比标准只读。" in page and not FORM_ACTIONS.search(page)
    assert FORM_ACTIONS.search(text(admin.get(url("year_quotas", year))))  # not sealed
    response = admin.post(
        url("year_criteria", year),
        {"name": "比创新", "rubric": "-", "max_points": 5, "weight": 1},
        follow=True,
    )
    assert "该竞赛年度已不在进行中，评比标准不能再修改。" in text(response)
    assert year.criteria.count() == 4
