import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from competition import demo, selectors, services
from competition.enums import YearStatus
from competition.models import CompetitionYear
from reports.demo import LIVE_PLAN
from reports.models import Report, ReportTransition
from tests import factories
from volunteers.models import Activity, ServiceRecord

pytestmark = pytest.mark.django_db


def _seed():
    call_command("seed_demo", stdout=StringIO())


def _freeze(monkeypatch, day: datetime.date) -> datetime.datetime:
    """Noon of `day` in Asia/Shanghai, for everything that asks django.utils.timezone."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


@pytest.mark.parametrize(
    "day",
    [
        datetime.date(2027, 1, 1),  # nothing due yet: the first quarter has just begun
        datetime.date(2027, 4, 10),  # the first quarter's deadline: the second is open too
        datetime.date(2028, 12, 31),  # the last day of a leap year: the fourth is due 1-10
    ],
)
def test_seed_demo_on_any_day_opens_a_live_period_and_dates_nothing_later(monkeypatch, day):
    moment = _freeze(monkeypatch, day)
    _seed()
    live = CompetitionYear.objects.get(year=day.year)
    assert live.status == YearStatus.OPEN
    assert live.periods.filter(start__lte=day, deadline__gt=day).exists()
    current = selectors.current_period()
    assert current.year == live and current.deadline >= day
    assert not Activity.objects.filter(date__gt=day).exists()
    assert not ServiceRecord.objects.filter(date__gt=day).exists()
    assert not ReportTransition.objects.filter(at__gt=moment).exists()
    assert not Report.objects.filter(period__year=live, period__start__gt=day).exists()
    due = live.periods.filter(deadline__lt=day).count()
    planned = [[earlier] * (due - 1) + [latest] for earlier, latest, _ in LIVE_PLAN.values()]
    expected = sum(state is not None for states in planned for state in states) if due else 0
    assert Report.objects.filter(period__year=live, period__deadline__lt=day).count() == expected
    assert Report.objects.filter(period=current).exists()
    assert Activity.objects.filter(date__year=day.year).count() == 8


def test_live_plan_has_a_period_open_on_every_day_and_falls_back_to_the_quarters():
    source = factories.competition_year(2019)
    for number in (2026, 2028):  # 2028 has a 29 February
        periods = services.year_open_plan(source=source, number=number)["periods"]
        day = datetime.date(number, 1, 1)
        while day.year == number:
            assert demo.live_periods(periods, day), day
            assert demo.live_plan(source, day)["periods"] == periods
            day += datetime.timedelta(days=1)
    # Had an admin dropped 2019's fourth quarter, December would have nothing open: the live
    # year then takes the default quarters.
    source.periods.get(number=4).delete()
    december = datetime.date(2026, 12, 3)
    assert demo.live_plan(source, december)["periods"] == services.default_periods(2026)
