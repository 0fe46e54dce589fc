"""The May Day rule (issue 15): a year's evaluation is held before 1 May of the following
year; a later evaluation date is refused, in the model, the service and the portal's year
settings page, with a Chinese message naming the rule."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from competition import services
from competition.enums import YearStatus
from competition.models import CompetitionYear

pytestmark = pytest.mark.django_db

D = datetime.date
RULE = "评比须在次年“五一”劳动节前完成"


def settings_data(year, **changes):
    data = {
        "title": year.title,
        "theme": year.theme,
        "start_date": year.start_date.isoformat(),
        "end_date": year.end_date.isoformat(),
        "evaluation_date": year.evaluation_date.isoformat(),
        "disagreement_threshold": "10",
        "unassigned_may_score": "on",
    }
    return {**data, **changes}


def test_new_year_defaults_to_15_april_of_the_next_year():
    year = services.competition_year_create(actor=None, year=2030)
    assert year.evaluation_date == D(2031, 4, 15)


@pytest.mark.parametrize("day", [D(2020, 5, 1), D(2020, 6, 30), D(2021, 3, 1)])
def test_a_date_on_or_after_may_day_is_refused(year, day):
    year.evaluation_date = day
    with pytest.raises(ValidationError) as caught:
        year.full_clean()
    message = " ".join(caught.value.message_dict["evaluation_date"])
    assert RULE in message and "2020-04-30" in message


def test_30_april_is_the_last_day(year):
    year.evaluation_date = D(2020, 4, 30)
    year.full_clean()


def test_the_service_refuses_it_and_keeps_the_stored_date(year, admin_user):
    before = year.evaluation_date
    with pytest.raises(ValidationError) as caught:
        services.competition_year_update(
            actor=admin_user, year=year, evaluation_date=D(2020, 6, 30)
        )
    assert RULE in " ".join(caught.value.messages)
    year.refresh_from_db()
    assert year.evaluation_date == before


def test_year_create_refuses_it():
    with pytest.raises(ValidationError):
        services.competition_year_create(actor=None, year=2031, evaluation_date=D(2032, 5, 1))
    assert not CompetitionYear.objects.filter(year=2031).exists()


def test_settings_page_offers_the_default_and_refuses_a_late_date(client_for, admin_user, year):
    admin = client_for(admin_user)
    url = reverse("competition:year_settings", args=[year.pk])
    page = admin.get(url).content.decode()
    assert "2020-04-15" in page and "最晚 2020-04-30" in page

    response = admin.post(url, settings_data(year, evaluation_date="2020-06-30"))
    assert response.status_code == 200
    assert RULE in response.content.decode()
    year.refresh_from_db()
    assert year.evaluation_date != D(2020, 6, 30)

    response = admin.post(url, settings_data(year, evaluation_date="2020-04-28"))
    assert response.status_code == 302
    year.refresh_from_db()
    assert year.evaluation_date == D(2020, 4, 28)


def test_settings_page_is_read_only_for_a_closed_year(client_for, admin_user, year):
    CompetitionYear.objects.filter(pk=year.pk).update(status=YearStatus.CLOSED)
    admin = client_for(admin_user)
    url = reverse("competition:year_settings", args=[year.pk])
    page = admin.get(url).content.decode()
    assert 'name="evaluation_date"' not in page and "规则只读" in page
    response = admin.post(url, settings_data(year, title="改名"), follow=True)
    assert "该竞赛年度已结束并封存" in response.content.decode()
    year.refresh_from_db()
    assert year.title != "改名"


def test_a_year_opened_from_another_keeps_its_date_before_may_day(year):
    plan = services.year_open_plan(source=year, number=2020)
    assert plan["evaluation_date"] == D(2021, 4, 15)
