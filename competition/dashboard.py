"""The competition core's part of the home dashboard."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common import panels
from common.panels import Panel, TodoItem

from . import permissions, selectors

OVERVIEW_UNITS = 10


def todo_panel(request) -> Panel:
    """The 待办 list first on the home page: every app's `todo_items`, in order."""
    return Panel(
        "competition/_panel_todo.html", {"items": panels.collect("todo_items", request)}, 5
    )


def todo_items(request) -> list[TodoItem]:
    """The office reviewer's sheets to score and the spot checks drawn but not recorded."""
    user = request.user
    if not permissions.may(user, "competition.review"):
        return []
    year = selectors.current_year_for(request)
    items = []
    to_score = selectors.entries_to_score_count(user, year)
    if to_score:
        label = _("%(count)s个参赛项目待您评分") % {"count": to_score}
        items.append(TodoItem(label, reverse("competition:entry_list"), order=30))
    if permissions.may(user, "competition.draw_spot_check"):
        due = selectors.spot_checks_due_count(year)
        if due:
            label = _("%(count)s个抽中单位尚未录入抽查结果") % {"count": due}
            items.append(TodoItem(label, reverse("competition:spot_check_list"), order=40))
    return items


def home_panels(request):
    return [todo_panel(request), *_overview_panels(request)]


def _overview_panels(request):
    user = request.user
    period = selectors.current_period_for(request)
    today = timezone.localdate()
    days_left = (period.deadline - today).days if period else None
    if permissions.may(user, "competition.view_all_units"):
        year = selectors.current_year_for(request)
        # A city has hundreds of units: the panel shows the first few, the unit list pages.
        units, unit_count = selectors.first_units_taking_part(user, year, OVERVIEW_UNITS)
        return [
            Panel(
                "competition/_panel_overview.html",
                {
                    "period": period,
                    "days_left": days_left,
                    "units": units,
                    "unit_count": unit_count,
                },
                order=10,
            )
        ]
    # The user's own unit (a parent's staff also read their sub-units: not this panel's).
    units = selectors.units_with_status_for_user(user, selectors.current_year_for(request))
    unit = units.filter(pk=permissions.unit_id_of(user)).first()
    return [
        Panel(
            "competition/_panel_my_unit.html",
            {"unit": unit, "period": period, "days_left": days_left},
            order=10,
        )
    ]
