import pytest
from django.core.management import call_command

from volunteers import selectors
from volunteers.models import Activity, ModelWorker, ServiceRecord, VolunteerMembership

pytestmark = pytest.mark.django_db


def test_demo_has_workers_team_and_units_on_both_sides_of_the_quota():
    call_command("seed_demo")
    assert ModelWorker.objects.count() >= 10
    assert VolunteerMembership.objects.filter(left_on__isnull=True).count() >= 5
    assert ServiceRecord.objects.count() >= 5
    assert Activity.objects.filter(date__year=2019).count() >= 20
    rows = {unit.name: unit for unit in selectors.quota_progress(2019)}
    assert rows["相山区总工会"].behind is False
    assert rows["濉溪县总工会"].behind is True
    behind = {name for name, row in rows.items() if row.behind}
    assert 0 < len(behind) < len(rows)
