import pytest
from django.utils import timezone

from volunteers import selectors
from volunteers.models import Activity, ModelWorker, ServiceRecord, VolunteerMembership

pytestmark = pytest.mark.django_db


def test_demo_has_workers_team_and_units_on_both_sides_of_the_quota():
    assert ModelWorker.objects.count() >= 10
    assert VolunteerMembership.objects.filter(left_on__isnull=True).count() >= 5
    assert ServiceRecord.objects.count() >= 5
    assert Activity.objects.filter(date__year=2019).count() >= 20
    rows = {unit.name: unit for unit in selectors.quota_progress(2019)}
    assert rows["相山区总工会"].behind is False
    assert rows["濉溪县总工会"].behind is True
    behind = {name for name, row in rows.items() if row.behind}
    assert 0 < len(behind) < len(rows)


def test_demo_live_year_has_activities_up_to_today_and_a_unit_past_its_quota():
    today = timezone.localdate()
    activities = Activity.objects.filter(date__year=today.year)
    assert activities.count() == 8 and not activities.filter(date__gt=today).exists()
    assert not activities.filter(created_by__isnull=True).exists()
    assert ServiceRecord.objects.filter(date__year=today.year).count() == 3
    rows = {unit.name: unit for unit in selectors.quota_progress(today.year)}
    assert rows["相山区总工会"].behind is False
    assert rows["濉溪县总工会"].behind is True
