"""What seed_demo leaves: checked once on the package's seeded demo (tests/demo/conftest.py)."""

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from awards.models import EvaluationRun, EvaluationSettings
from competition import selectors, services
from competition.enums import YearStatus
from competition.models import CompetitionYear, Entry, Unit
from reports import services as report_services
from reports.models import Report
from volunteers.models import Activity

pytestmark = pytest.mark.django_db


def _counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"competition", "reports", "volunteers", "awards", "auth"}
    }


def test_seed_demo_is_idempotent():
    first = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == first
    assert first["competition.Unit"] >= 15
    assert dict(CompetitionYear.objects.values_list("year", "status")) == {
        2019: YearStatus.CLOSED,
        timezone.localdate().year: YearStatus.OPEN,
    }


def test_demo_2019_is_evaluated_and_sealed():
    y2019 = CompetitionYear.objects.get(year=2019)
    admin = get_user_model().objects.get(username="admin")
    assert y2019.status == YearStatus.CLOSED
    assert EvaluationRun.objects.filter(year=y2019, status="done").count() == 1
    closing = y2019.history.order_by("-history_date").first()
    assert (closing.status, closing.history_user) == (YearStatus.CLOSED, admin)
    # 市自来水公司工会 has no 2019 report: starting one now is refused.
    unit = Unit.objects.get(name="市自来水公司工会")
    with pytest.raises(ValidationError) as refused:
        report_services.report_create(actor=admin, unit=unit, period=y2019.periods.get(number=4))
    assert refused.value.error_list[0].code == services.SEALED_CODE


def test_demo_live_year_is_opened_from_2019_with_a_period_open_today():
    today = timezone.localdate()
    y2019, live = CompetitionYear.objects.get(year=2019), selectors.current_year()
    assert (live.year, live.status) == (today.year, YearStatus.OPEN)
    assert list(live.criteria.values_list("code", "max_points", "weight")) == list(
        y2019.criteria.values_list("code", "max_points", "weight")
    )
    shift = today.year - 2019
    assert [(p.name, p.start, p.deadline) for p in live.periods.order_by("number")] == [
        (p.name, services.shift_year(p.start, shift), services.shift_year(p.deadline, shift))
        for p in y2019.periods.order_by("number")
    ]
    assert EvaluationSettings.objects.filter(year=live).exists() == (
        EvaluationSettings.objects.filter(year=y2019).exists()
    )
    assert live.periods.filter(start__lte=today, deadline__gt=today).exists()
    assert selectors.current_period().year == live
    # A modest live year: entries of the three demo staff units, sheets on two of them,
    # reports of the periods due and the open one begun, activities up to today.
    assert Entry.objects.filter(year=live).count() == 3
    assert Entry.objects.filter(year=live, sheets__isnull=False).distinct().count() == 2
    assert Report.objects.filter(period=selectors.current_period()).exists()
    assert Activity.objects.filter(date__year=today.year, date__lte=today).count() == 8


def test_demo_accounts_see_the_live_year_and_reach_2019_through_the_year_switch(client):
    year = timezone.localdate().year
    users = get_user_model().objects
    client.force_login(users.get(username="office1"))
    page = client.get(reverse("competition:standings")).content.decode()
    assert f"{year}年度参赛项目得分" in page and "劳模领办食用菌合作社扩建" in page
    assert '<option value="2019">2019</option>' in page
    page = client.get(reverse("competition:standings"), {"year": 2019}).content.decode()
    assert "2019年度参赛项目得分" in page and "企业结对帮扶贫困村" in page
    client.force_login(users.get(username="xiangshan"))
    page = client.get(reverse("home")).content.decode()
    assert f"{year}年劳模扶贫活动" in page and f"{year}年{selectors.current_period().name}" in page


@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("admin", "admin"),
        ("office1", "office"),
        ("office2", "office"),
        ("xiangshan", "unit_staff"),
        ("suixi", "unit_staff"),
        ("jiaoyu", "unit_staff"),
    ],
)
def test_demo_accounts_log_in_with_demo_password(rf, username, role):
    user = authenticate(rf.post("/accounts/login/"), username=username, password="huaibei2019")
    assert user is not None
    assert user.membership.role == role


def test_demo_staff_units(client):
    users = get_user_model().objects.select_related("membership__unit")
    assert users.get(username="xiangshan").membership.unit.name == "相山区总工会"
    assert users.get(username="suixi").membership.unit.name == "濉溪县总工会"
    assert users.get(username="jiaoyu").membership.unit.name == "市教育工会"
