"""The competition core's part of the home dashboard."""

from django.utils import timezone

from common.panels import Panel

from . import permissions, selectors

OVERVIEW_UNITS = 10


def home_panels(request):
    user = request.user
    period = selectors.current_period_for(request)
    today = timezone.localdate()
    days_left = (period.deadline - today).days if period else None
    if permissions.may(user, "competition.view_all_units"):
        year = selectors.current_year_for(request)
        units = selectors.units_with_status_for_user(user, year).filter(taking_part=True)
        # A city has hundreds of units: the panel shows the first few, the unit list pages.
        return [
            Panel(
                "competition/_panel_overview.html",
                {
                    "period": period,
                    "days_left": days_left,
                    "units": units[:OVERVIEW_UNITS],
                    "unit_count": units.count(),
                },
                order=10,
            )
        ]
    unit = selectors.units_with_status_for_user(user, selectors.current_year_for(request)).first()
    return [
        Panel(
            "competition/_panel_my_unit.html",
            {"unit": unit, "period": period, "days_left": days_left},
            order=10,
        )
    ]
