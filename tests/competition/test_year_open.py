"""Opening a year from the live one, on the admin's page (the demo's own years: tests/demo)."""

import pytest
from django.urls import reverse

from competition.models import CompetitionYear

pytestmark = pytest.mark.django_db


def test_year_open_page_previews_then_opens_for_admins_only(client_for, admin_user, office_user):
    from tests import factories

    y2019 = factories.competition_year(2019)
    url = reverse("awards:year_open")
    assert client_for(None).get(url).status_code == 302  # to the login page
    assert client_for(office_user).get(url).status_code == 403
    client = client_for(admin_user)
    page = client.get(url, {"source": y2019.pk, "year": 2020}).content.decode()
    assert "2020年度将沿用的规则" in page and "比工作落实" in page and "2020-01-01" in page
    assert "产业脱贫工程" in page and "技能扶贫" in page
    assert not CompetitionYear.objects.filter(year=2020).exists()  # a preview writes nothing
    response = client.post(url, {"source": y2019.pk, "year": 2020, "confirm": "1"})
    assert response.status_code == 302
    y2020 = CompetitionYear.objects.get(year=2020)
    assert y2020.criteria.count() == 4 and y2020.periods.count() == 4
    assert y2020.projects.count() == 9 and y2020.activity_types.count() == 6
