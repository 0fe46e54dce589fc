"""Opening 2020 from 2019 copies the rules as rows of 2020: editing 2020 changes nothing of
2019 (issue 13). Checked on the demo, by the text of 2019's pages before and after."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from awards import services as awards_services
from awards.models import EvaluationSettings
from competition import services
from competition.models import CompetitionYear, UnitKind
from volunteers import selectors as volunteer_selectors

pytestmark = pytest.mark.django_db

PAGES = [
    ("office1", "competition:standings", "?year=2019"),
    ("office1", "competition:standings", "?year=2019&normalised=on"),
    ("office1", "volunteers:quota", "?year=2019"),
    ("office1", "awards:evaluation", "?year=2019"),
    ("office1", "competition:entry_list", "?year=2019"),
    ("admin", "competition:project_list", None),
    ("admin", "competition:activity_type_list", None),
]
TAG = re.compile(r"<[^>]+>|csrfmiddlewaretoken\S*|\s+")
# The year switch lists every year: 2020 appears there, and only there.
YEAR_SWITCH = re.compile(r'<select[^>]*name="year".*?</select>', re.S)


def _texts(client) -> list[str]:
    texts = []
    for username, name, query in PAGES:
        client.force_login(
            get_user_model().objects.get(username=username),
            backend="common.auth.PortalModelBackend",
        )
        if query is None:  # a page of the year 2019 itself
            year = CompetitionYear.objects.get(year=2019)
            response = client.get(reverse(name, args=[year.pk]))
        else:
            response = client.get(reverse(name) + query)
        assert response.status_code == 200
        texts.append(TAG.sub(" ", YEAR_SWITCH.sub("", response.content.decode())))
    return texts


def test_opening_2020_from_2019_and_changing_it_leaves_2019_as_it_was(client):
    y2019 = CompetitionYear.objects.get(year=2019)
    admin = get_user_model().objects.get(username="admin")
    before = _texts(client)
    quota_2019 = list(
        volunteer_selectors.quota_progress(y2019).values_list("pk", "effective_quota")
    )

    y2020 = awards_services.year_open(actor=admin, source=y2019, number=2020)
    assert list(y2020.criteria.values_list("code", flat=True)) == list(
        y2019.criteria.values_list("code", flat=True)
    )
    first = y2020.periods.order_by("number").first()
    assert (first.name, first.start.year) == ("第1季度", 2020)
    assert EvaluationSettings.objects.filter(year=y2020).exists() == (
        EvaluationSettings.objects.filter(year=y2019).exists()
    )
    # 2020 as the admin changes it: a fifth criterion, other weights, a 直属 quota of 2,
    # monthly periods.
    services.criterion_save(
        actor=admin, year=y2020, code="innovation", name="比创新", rubric="创新做法",
        max_points=Decimal(20), weight=Decimal(2),
    )  # fmt: skip
    work = y2020.criteria.get(code="work")
    services.criterion_save(actor=admin, year=y2020, criterion=work, weight=Decimal(3))
    services.kind_quota_set(
        actor=admin, year=y2020, kind=UnitKind.objects.get(code="direct"), quota=2
    )
    for period in y2020.periods.order_by("-number"):
        services.period_delete(actor=admin, period=period)
    for fields in services.default_periods(2020, "monthly"):
        services.period_save(actor=admin, year=y2020, **fields)
    assert y2020.periods.count() == 12
    # ...its own projects and activity types: a renamed project, a new one, a renamed type.
    project = y2020.projects.get(number=1)
    services.project_save(actor=admin, year=y2020, project=project, name="产业振兴工程")
    services.project_save(actor=admin, year=y2020, name="乡村建设工程", short_name="乡建")
    skills = y2020.activity_types.get(code="skills")
    services.activity_type_save(actor=admin, year=y2020, activity_type=skills, name="技能培训")

    assert _texts(client) == before
    after = list(volunteer_selectors.quota_progress(y2019).values_list("pk", "effective_quota"))
    assert after == quota_2019
    assert y2019.criteria.count() == 4 and y2019.periods.count() == 4
    assert y2019.projects.get(number=1).name == "产业脱贫工程" and y2019.projects.count() == 9
    assert y2019.activity_types.get(code="skills").name == "技能扶贫"


def test_year_open_command_refuses_an_existing_year(capsys):
    call_command("year_open", "2021", "--from", "2019")
    assert "2021年度已开启" in capsys.readouterr().out

    with pytest.raises(CommandError, match="2021年度已存在"):
        call_command("year_open", "2021", "--from", "2019")
