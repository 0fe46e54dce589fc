"""seed_demo --scale N: the sizes come from module dicts, shrunk here to a tiny city. The
scaled city's data of a year goes into the live year (the open year bench/ measures)."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db.models import Count, F
from django.utils import timezone

from awards import demo as awards_demo
from awards.models import Nomination
from competition import demo as competition_demo
from competition.models import CompetitionYear, Entry, Membership, ScoreSheet, SpotCheck, Unit
from reports import demo as reports_demo
from reports import selectors as report_selectors
from reports.models import Report, ReportTransition
from tests.demo.test_seed_demo import _counts
from volunteers import demo as volunteers_demo
from volunteers import selectors as volunteer_selectors
from volunteers.models import Activity, ModelWorker, ServiceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny(monkeypatch):
    monkeypatch.setattr(
        competition_demo,
        "SCALE_SIZES",
        {"units": 20, "reviewers": 7, "entries": 30, "sheets_per_entry": 5, "spot_checks": 2},
    )
    monkeypatch.setattr(
        volunteers_demo,
        "SCALE_SIZES",
        {"model_workers": 50, "activities": 120, "team_members": 5},
    )


def test_scale_creates_the_expected_counts(tiny):
    before = _counts()
    call_command("seed_demo", "--scale", "1")
    after = _counts()
    units = competition_demo.scaled_units()
    assert units.count() == 20
    assert after["competition.Unit"] - before["competition.Unit"] == 20
    assert Membership.objects.filter(unit__in=units, role="unit_staff").count() == 20
    assert (
        Membership.objects.filter(user__username__startswith="reviewer", role="office").count() == 7
    )
    assert Entry.objects.filter(unit__in=units).count() == 30
    assert ScoreSheet.objects.filter(entry__unit__in=units).count() == 30 * 5
    assert SpotCheck.objects.filter(unit__in=units).count() == 2
    assert ModelWorker.objects.filter(unit__in=units).count() == 50
    assert Activity.objects.filter(unit__in=units).count() == 120
    reports = Report.objects.filter(unit__in=units)
    # The periods due and the one open today, per unit: about a tenth of the due ones missing,
    # a third of the open one not begun; every report has its transitions.
    today = timezone.localdate()
    due, current = reports_demo.live_periods(competition_demo.live_year(today), today)
    slots = 20 * (len(due) + (current is not None))
    assert 0.4 * slots <= reports.count() <= slots
    assert ReportTransition.objects.filter(report__in=reports, from_status="").count() == (
        reports.count()
    )


def test_scale_goes_into_the_live_year_and_leaves_2019_as_the_demo_has_it(tiny):
    y2019 = CompetitionYear.objects.get(year=2019)
    quota_2019 = list(volunteer_selectors.quota_progress(2019).values_list("pk", "activity_count"))
    rates_2019 = [report_selectors.period_completeness(p) for p in y2019.periods.all()]
    call_command("seed_demo", "--scale", "1")
    today = timezone.localdate()
    live = competition_demo.live_year(today)
    units = competition_demo.scaled_units()
    assert not Entry.objects.filter(unit__in=units).exclude(year=live).exists()
    assert not Report.objects.filter(unit__in=units).exclude(period__year=live).exists()
    activities = Activity.objects.filter(unit__in=units)
    assert not activities.exclude(date__range=(live.start_date, today)).exists()
    services = ServiceRecord.objects.filter(membership__model_worker__unit__in=units)
    assert services.exists()
    assert not services.exclude(date__range=(live.start_date, today)).exists()
    assert not SpotCheck.objects.filter(unit__in=units).exclude(date__lte=today).exists()
    assert set(units.values_list("participations__start", flat=True)) == {live.start_date}
    assert (
        Nomination.objects.filter(statement=awards_demo.SCALE_MARK).exclude(year=live).count() == 0
    )
    assert Nomination.objects.filter(year=live, statement=awards_demo.SCALE_MARK).exists()
    quota_after = volunteer_selectors.quota_progress(2019).values_list("pk", "activity_count")
    assert list(quota_after) == quota_2019
    assert [report_selectors.period_completeness(p) for p in y2019.periods.all()] == rates_2019


def test_scale_sheets_come_from_office_reviewers_of_other_units(tiny):
    call_command("seed_demo", "--scale", "1")
    sheets = ScoreSheet.objects.filter(entry__unit__in=competition_demo.scaled_units())
    assert not sheets.exclude(reviewer__membership__role="office").exists()
    assert not sheets.filter(reviewer__membership__unit=F("entry__unit")).exists()
    per_entry = sheets.values("entry").annotate(n=Count("reviewer", distinct=True))
    assert {row["n"] for row in per_entry} == {5}
    assert len({sheet.reviewer_id for sheet in sheets}) >= 5


def test_scale_report_mix_is_realistic(tiny):
    call_command("seed_demo", "--scale", "1")
    reports = Report.objects.filter(unit__in=competition_demo.scaled_units())
    by_status = dict(reports.values_list("status").annotate(n=Count("pk")))
    assert by_status.get("accepted", 0) + by_status.get("submitted", 0) >= 0.6 * reports.count()
    assert not reports.filter(status="draft", submitted_at__isnull=False).exists()
    assert not reports.exclude(status="draft").filter(submitted_at__isnull=True).exists()


def test_scale_is_idempotent_and_grows_by_blocks(tiny):
    call_command("seed_demo", "--scale", "1")
    first = _counts()
    call_command("seed_demo", "--scale", "1")
    assert _counts() == first
    call_command("seed_demo", "--scale", "2")
    assert competition_demo.scaled_units().count() == 40
    assert Unit.objects.count() == first["competition.Unit"] + 20


def test_scale_staff_log_in_with_demo_password(tiny, rf):
    call_command("seed_demo", "--scale", "1")
    user = get_user_model().objects.get(
        membership__unit=competition_demo.scale_block_units(1)[0], membership__role="unit_staff"
    )
    request = rf.post("/accounts/login/")
    password = competition_demo.DEMO_PASSWORD
    assert authenticate(request, username=user.username, password=password) == user
