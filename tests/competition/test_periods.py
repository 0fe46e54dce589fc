"""Reporting periods as data of the year: schemes, period_save/period_delete, the migration."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from competition import services
from competition.enums import PeriodScheme
from competition.models import ReportingPeriod, period_label
from tests.reports.factories import make_report

pytestmark = pytest.mark.django_db

D = datetime.date


def test_default_periods_monthly_twelve_months_with_their_own_ends():
    periods = services.default_periods(2020, PeriodScheme.MONTHLY)
    assert [p["name"] for p in periods] == [f"{m}月" for m in range(1, 13)]
    assert [p["number"] for p in periods] == list(range(1, 13))
    assert (periods[1]["start"], periods[1]["end"]) == (D(2020, 2, 1), D(2020, 2, 29))
    assert periods[11]["deadline"] == D(2021, 1, 10)


def test_default_periods_half_yearly_and_deadline_days():
    periods = services.default_periods(2019, PeriodScheme.HALF_YEARLY, deadline_days=20)
    assert [(p["name"], p["start"], p["end"], p["deadline"]) for p in periods] == [
        ("上半年", D(2019, 1, 1), D(2019, 6, 30), D(2019, 7, 20)),
        ("下半年", D(2019, 7, 1), D(2019, 12, 31), D(2020, 1, 20)),
    ]


def test_year_create_with_given_periods_numbers_them_in_order():
    year = services.competition_year_create(
        actor=None,
        year=2021,
        periods=[
            {"name": "上半年", "start": D(2021, 1, 1), "end": D(2021, 6, 30), "deadline": D(2021, 7, 5)},
            {"name": "下半年", "start": D(2021, 7, 1), "end": D(2021, 12, 31), "deadline": D(2022, 1, 5)},
        ],
    )  # fmt: skip
    assert [(p.number, str(p)) for p in year.periods.all()] == [
        (1, "2021年上半年"),
        (2, "2021年下半年"),
    ]


def test_year_create_refuses_overlapping_periods_and_creates_nothing():
    periods = services.default_periods(2021, PeriodScheme.HALF_YEARLY)
    periods[1]["start"] = D(2021, 6, 1)
    with pytest.raises(ValidationError) as error:
        services.competition_year_create(actor=None, year=2021, periods=periods)
    assert error.value.message_dict == {"start": ["与上半年（2021-01-01至2021-06-30）时间重叠。"]}
    assert not ReportingPeriod.objects.filter(year__year=2021).exists()


def test_period_label_is_year_and_name():
    assert period_label(2019, "第3季度") == "2019年第3季度"
    assert period_label(2019, "上半年") == "2019年上半年"


# --- period_save / period_delete ---------------------------------------------------------


def fields(**changes):
    """A December period of 2019: valid once `short_q4` has ended the fourth quarter in
    November."""
    return {
        "number": 5,
        "name": "12月",
        "start": D(2019, 12, 1),
        "end": D(2019, 12, 31),
        "deadline": D(2020, 1, 10),
    } | changes


@pytest.fixture
def short_q4(year, admin_user):
    q4 = year.periods.get(number=4)
    return services.period_save(
        actor=admin_user, year=year, period=q4, **fields(number=4, name="第4季度") | {
            "start": D(2019, 10, 1), "end": D(2019, 11, 30), "deadline": D(2019, 12, 10)
        }
    )  # fmt: skip


def test_period_save_adds_and_changes_periods(year, admin_user, short_q4):
    december = services.period_save(actor=admin_user, year=year, **fields())
    assert str(december) == "2019年12月"
    assert [p.name for p in year.periods.all()] == [
        "第1季度",
        "第2季度",
        "第3季度",
        "第4季度",
        "12月",
    ]
    assert short_q4.end == D(2019, 11, 30)


@pytest.mark.parametrize(
    "changes, errors",
    [
        ({"end": D(2019, 11, 30)}, {"end": ["结束日期不能早于开始日期。"]}),
        (
            {"end": D(2020, 1, 31), "deadline": D(2020, 2, 10)},
            {"start": ["报送期须在竞赛年度（2019-01-01至2019-12-31）之内。"]},
        ),
        ({"deadline": D(2019, 12, 30)}, {"deadline": ["报送截止日不能早于结束日期。"]}),
        ({"number": 4}, {"number": ["本年度已有序号为4的报送期。"]}),
        ({"name": "第3季度"}, {"name": ["本年度已有名为“第3季度”的报送期。"]}),
        ({"number": 3, "name": "年末"}, {"number": ["本年度已有序号为3的报送期。"]}),
        ({"number": 0}, {"number": ["确保该值大于或等于1。"]}),
        (
            {"start": D(2019, 11, 15)},
            {"start": ["与第4季度（2019-10-01至2019-11-30）时间重叠。"]},
        ),
    ],
)
def test_period_save_refuses_in_chinese(year, admin_user, short_q4, changes, errors):
    with pytest.raises(ValidationError) as error:
        services.period_save(actor=admin_user, year=year, **fields(**changes))
    assert error.value.message_dict == errors
    assert year.periods.count() == 4


def test_period_save_refuses_numbers_out_of_date_order(year, admin_user):
    q1 = year.periods.get(number=1)
    with pytest.raises(ValidationError) as error:
        services.period_save(
            actor=admin_user, year=year, period=q1,
            number=9, name=q1.name, start=q1.start, end=q1.end, deadline=q1.deadline,
        )  # fmt: skip
    assert error.value.message_dict == {"number": ["序号须与时间先后一致：第2季度的序号为2。"]}


def test_period_save_and_delete_are_for_admins_only(year, office_user, staff_a):
    q4 = year.periods.get(number=4)
    for user in (office_user, staff_a, None):
        with pytest.raises(PermissionDenied):
            services.period_save(actor=user, year=year, **fields())
        with pytest.raises(PermissionDenied):
            services.period_delete(actor=user, period=q4)


def test_period_delete_refuses_a_period_with_reports(year, admin_user, unit_a, staff_a):
    q1, q2 = year.periods.get(number=1), year.periods.get(number=2)
    make_report(unit_a, q1, actor=staff_a)
    with pytest.raises(ValidationError) as error:
        services.period_delete(actor=admin_user, period=q1)
    assert error.value.messages == ["2019年第1季度已有报告，不能删除。"]
    services.period_delete(actor=admin_user, period=q2)
    assert [p.number for p in year.periods.all()] == [1, 3, 4]


# --- The migration -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_migration_keeps_quarter_labels():
    before = [("competition", "0004_entry_score")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    old_year = old.get_model("competition", "CompetitionYear").objects.create(
        year=2019,
        start_date=D(2019, 1, 1),
        end_date=D(2019, 12, 31),
        evaluation_date=D(2020, 4, 15),
    )
    old.get_model("competition", "ReportingPeriod").objects.create(
        year=old_year, quarter=3, start=D(2019, 7, 1), end=D(2019, 9, 30), deadline=D(2019, 10, 10)
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    period = ReportingPeriod.objects.get(year__year=2019)
    assert (period.number, period.name, str(period)) == (3, "第3季度", "2019年第3季度")


# --- The admin: the year's periods inline, written through the services ------------------


def _change_form(client, year, **changes):
    """The year's admin change form as the page shows it, with `changes` to named fields."""
    response = client.get(reverse("admin:competition_competitionyear_change", args=[year.pk]))
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += list(formset.forms)
        for field in formset.management_form:
            data[field.html_name] = field.value()
    for form in forms:
        for field in form:
            value = field.value()
            if value is True:
                data[field.html_name] = "on"
            elif value not in (None, False):
                data[field.html_name] = str(value)
    data.update(changes)
    return reverse("admin:competition_competitionyear_change", args=[year.pk]), data


def test_admin_moves_a_boundary_between_two_periods(client, year, admin_user):
    client.force_login(admin_user)
    url, data = _change_form(
        client, year,
        **{"periods-0-end": "2019-04-30", "periods-0-deadline": "2019-05-10",
           "periods-1-start": "2019-05-01", "periods-1-name": "第2季度（5-6月）"},
    )  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    assert [(p.name, p.start, p.end) for p in year.periods.all()[:2]] == [
        ("第1季度", D(2019, 1, 1), D(2019, 4, 30)),
        ("第2季度（5-6月）", D(2019, 5, 1), D(2019, 6, 30)),
    ]


def test_admin_shows_overlap_in_chinese_and_saves_nothing(client, year, admin_user):
    client.force_login(admin_user)
    url, data = _change_form(
        client, year, **{"periods-0-end": "2019-04-30", "periods-0-deadline": "2019-05-10"}
    )
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors
    assert "与第2季度（2019-04-01至2019-06-30）时间重叠。" in response.content.decode(), errors
    assert year.periods.get(number=1).end == D(2019, 3, 31)
