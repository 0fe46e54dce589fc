"""The competition core's part of the home dashboard."""

from django.utils import timezone

from common.panels import Panel

from . import permissions, selectors


def home_panels(request):
    user = request.user
    period = selectors.current_period()
    today = timezone.localdate()
    days_left = (period.deadline - today).days if period else None
    if permissions.may(user, "competition.view_all_units"):
        units = selectors.units_for_user(user).filter(is_active=True)
        return [
            Panel(
                "competition/_panel_overview.html",
                {
                    "period": period,
                    "days_left": days_left,
                    "units": units,
                    "unit_count": len(units),
                },
                order=10,
            )
        ]
    unit = selectors.units_for_user(user).first()
    return [
        Panel(
            "competition/_panel_my_unit.html",
            {"unit": unit, "period": period, "days_left": days_left},
            order=10,
        )
    ]
