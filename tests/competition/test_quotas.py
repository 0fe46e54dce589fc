"""Quotas as rules of each competition year, participation as dated records (issue 13)."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from competition import selectors, services
from competition.models import KindQuota, Participation, UnitKind, UnitQuota
from reports import selectors as report_selectors
from tests import factories
from tests.factories import UnitFactory
from tests.volunteers.factories import ActivityFactory
from volunteers import selectors as volunteer_selectors

pytestmark = pytest.mark.django_db


def _activities(unit, n, number=2019):
    for i in range(n):
        ActivityFactory(unit=unit, date=datetime.date(number, 1 + i, 1))


def _kind(code):
    return UnitKind.objects.get(code=code)


def _page(client, url):
    """The page without its per-response CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", client.get(url).content.decode())


# Years and their quotas ----------------------------------------------------------------------


def test_competition_year_create_gives_the_notices_default_quotas(db):
    year = services.competition_year_create(actor=None, year=2019)
    quotas = dict(KindQuota.objects.filter(year=year).values_list("kind__code", "quota"))
    assert quotas == {"county": 3, "system": 3, "direct": 1, "poverty_office": 0}


def test_competition_year_create_takes_quotas(db):
    year = services.competition_year_create(actor=None, year=2020, quotas={"county": 5})
    quotas = dict(KindQuota.objects.filter(year=year).values_list("kind__code", "quota"))
    assert quotas == {"county": 5, "system": 3, "direct": 1, "poverty_office": 0}
    with pytest.raises(ValidationError):
        services.competition_year_create(actor=None, year=2021, quotas={"village": 2})


def test_raising_2020_county_quota_leaves_2019_unchanged(
    client_for, office_user, admin_user, unit_a, unit_b, year
):
    year_2020 = factories.competition_year(2020)
    _activities(unit_a, 3)
    _activities(unit_b, 2)
    url = reverse("volunteers:quota") + "?year=2019"
    client = client_for(office_user)
    before = _page(client, url)
    behind_2019 = {u.name for u in volunteer_selectors.units_behind(2019)}
    summary_2019 = volunteer_selectors.quota_summary(2019)

    row = services.kind_quota_set(actor=admin_user, year=year_2020, kind=_kind("county"), quota=5)
    assert row.quota == 5 and row.history.first().history_user == admin_user

    assert _page(client, url) == before
    assert "濉溪县总工会" in before
    assert (
        {u.name for u in volunteer_selectors.units_behind(2019)} == behind_2019 == {"濉溪县总工会"}
    )
    assert volunteer_selectors.quota_summary(2019) == summary_2019 == {"units": 2, "behind": 1}
    rows = {u.name: u.effective_quota for u in volunteer_selectors.quota_progress(year)}
    assert rows == {"相山区总工会": 3, "濉溪县总工会": 3}
    rows = {u.name: u.effective_quota for u in volunteer_selectors.quota_progress(year_2020)}
    assert rows == {"相山区总工会": 5, "濉溪县总工会": 5}
    assert volunteer_selectors.units_behind(2020).count() == 2


def test_unit_quota_applies_to_its_year_only(admin_user, unit_a, year):
    year_2020 = factories.competition_year(2020)
    services.unit_quota_set(actor=admin_user, year=year_2020, unit=unit_a, quota=1)
    _activities(unit_a, 1, 2020)
    _activities(unit_a, 1, 2019)
    assert volunteer_selectors.quota_for_unit(unit_a, year_2020).effective_quota == 1
    assert volunteer_selectors.quota_for_unit(unit_a, year_2020).behind is False
    assert volunteer_selectors.quota_for_unit(unit_a, year).effective_quota == 3
    assert volunteer_selectors.quota_for_unit(unit_a, year).quota_override is None
    # Back to the kind's quota.
    assert (
        services.unit_quota_set(actor=admin_user, year=year_2020, unit=unit_a, quota=None) is None
    )
    assert not UnitQuota.objects.exists()
    assert volunteer_selectors.quota_for_unit(unit_a, year_2020).effective_quota == 3


def test_quota_services_are_for_admins_only(office_user, staff_a, unit_a, year):
    for actor in (office_user, staff_a, None):
        with pytest.raises(PermissionDenied):
            services.kind_quota_set(actor=actor, year=year, kind=_kind("county"), quota=1)
        with pytest.raises(PermissionDenied):
            services.unit_quota_set(actor=actor, year=year, unit=unit_a, quota=1)
        with pytest.raises(PermissionDenied):
            services.participation_end(actor=actor, unit=unit_a, date=datetime.date(2019, 7, 1))
    assert KindQuota.objects.get(year=year, kind__code="county").quota == 3


def test_unit_pages_show_the_current_years_quota(client_for, office_user, unit_a, year):
    factories.unit_quota(unit_a, year, 7)
    body = client_for(office_user).get(reverse("competition:unit_list")).content.decode()
    assert "7" in body and "单独设定" in body
    response = client_for(office_user).get(reverse("competition:unit_detail", args=[unit_a.pk]))
    assert response.context["unit"].effective_quota == 7
    assert response.context["unit"].taking_part is True


# Participation ---------------------------------------------------------------------------------


def _expected(unit, today=datetime.date(2020, 2, 1)):
    return report_selectors.timeliness_by_unit(2019, today=today).get(pk=unit.pk).expected


def test_unit_leaving_from_july_still_counts_in_the_first_half(admin_user, unit_a, unit_b, year):
    periods = {p.number: p for p in year.periods.all()}

    def active_in(quarter):
        period = periods[quarter]
        return set(
            selectors.units_active_between(period.start, period.end).values_list("pk", flat=True)
        )

    assert _expected(unit_a) == 4
    participation = services.participation_end(
        actor=admin_user, unit=unit_a, date=datetime.date(2019, 7, 1), reason="机构撤并"
    )
    assert (participation.end, participation.end_reason) == (datetime.date(2019, 6, 30), "机构撤并")
    assert unit_a.pk in active_in(1) and unit_a.pk in active_in(2)
    assert unit_a.pk not in active_in(3) and unit_a.pk not in active_in(4)
    assert _expected(unit_a) == 2 and _expected(unit_b) == 4
    grouped = (
        selectors.units_active_between(year.start_date, year.end_date)
        .annotate(e=report_selectors.expected_reports(2019, today=datetime.date(2020, 2, 1)))
        .get(pk=unit_a.pk)
    )
    assert grouped.e == 2
    assert set(report_selectors.units_missing_report(periods[1]).values_list("pk", flat=True)) == {
        unit_a.pk,
        unit_b.pk,
    }
    assert set(report_selectors.units_missing_report(periods[4]).values_list("pk", flat=True)) == {
        unit_b.pk
    }
    # Still in the year's quota page (it took part in the year), no longer taking part today.
    assert volunteer_selectors.quota_for_unit(unit_a, year) is not None
    assert not unit_a.is_active


def test_unit_rejoining_counts_again_from_its_new_start(admin_user, unit_a, year):
    services.participation_end(actor=admin_user, unit=unit_a, date=datetime.date(2019, 4, 1))
    with pytest.raises(ValidationError):
        services.participation_end(actor=admin_user, unit=unit_a, date=datetime.date(2019, 5, 1))
    with pytest.raises(ValidationError):
        services.participation_start(actor=admin_user, unit=unit_a, date=datetime.date(2019, 3, 1))
    services.participation_start(actor=admin_user, unit=unit_a, date=datetime.date(2019, 10, 1))
    assert unit_a.participations.count() == 2
    assert _expected(unit_a) == 2  # Q1 and Q4
    with pytest.raises(ValidationError):
        services.participation_start(actor=admin_user, unit=unit_a, date=datetime.date(2020, 1, 1))


def test_participation_start_for_a_new_unit(admin_user, year):
    unit = UnitFactory(is_active=False)
    assert _expected(unit) == 0
    participation = services.participation_start(
        actor=admin_user, unit=unit, date=datetime.date(2019, 5, 1)
    )
    assert participation.end is None and participation.history.count() == 1
    assert _expected(unit) == 3
    assert Participation.objects.filter(unit=unit).count() == 1


# Admin ------------------------------------------------------------------------------------------


def test_admin_pages_and_participation_action(client_for, admin_user, unit_a, year):
    client = client_for(admin_user)
    for name in ("kindquota", "unitquota", "unit"):
        assert client.get(reverse(f"admin:competition_{name}_changelist")).status_code == 200
    page = client.get(reverse("admin:competition_unit_change", args=[unit_a.pk]))
    assert page.status_code == 200 and "参赛记录" in page.content.decode()
    row = KindQuota.objects.get(year=year, kind__code="county")
    response = client.post(
        reverse("admin:competition_kindquota_change", args=[row.pk]), {"quota": 4}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.quota == 4 and row.history.first().history_user == admin_user
    client.post(
        reverse("admin:competition_unit_changelist"),
        {"action": "participation_end_today", "_selected_action": [unit_a.pk]},
    )
    assert not unit_a.is_active
    assert unit_a.participations.get().end is not None
