"""The volunteers app's panels on shared pages (see common/panels.py).

- `home_panels(request)`: unit staff see their unit's quota progress this year; office and
  admins the number of units behind quota, with a link to the quota page.
- `unit_panels(request, unit)`: the unit's quota progress, model workers and latest activities.
- `report_panels(request, report)`: the activities of `report.unit` dated in `report.period`
  (anything with `.start`/`.end`), shown on the quarterly report page.
- `quality_panels(request, period)`: the activities and service records dated in the period
  with data-quality flags, on the data-quality page (office and admins).
- `evidence_panels(request, unit, year)`: the unit's activities in `year` (a CompetitionYear
  or a number), shown on a competition entry as evidence.

The pages calling these have already checked that the user may see the unit.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from common.panels import Panel, TodoItem
from competition import permissions, quality
from competition import selectors as competition_selectors
from competition.models import subtree_ids

from . import selectors


def home_panels(request):
    year = competition_selectors.current_year_for(request)
    user = request.user
    if year is None:
        return []
    if permissions.may(user, "volunteers.view_quota"):
        behind = selectors.units_behind(year).count()
        context = {"year": year, "behind": behind}
        return [Panel("volunteers/_panel_quota_overview.html", context, order=20)]
    unit_id = permissions.unit_id_of(user)
    if unit_id is None or not permissions.is_unit_staff(user):
        return []
    progress = selectors.quota_progress(year, types=()).filter(pk=unit_id).first()
    return [Panel("volunteers/_panel_quota_unit.html", {"year": year, "progress": progress}, 20)]


def unit_panels(request, unit):
    year = competition_selectors.current_year_for(request)
    context = {
        "unit": unit,
        "year": year,
        "progress": selectors.quota_for_unit(unit, year) if year else None,
        "worker_count": unit.model_workers.count(),
        "activities": list(selectors.activities_for_unit_year(unit, year)[:10] if year else []),
    }
    panels = [Panel("volunteers/_panel_unit.html", context, order=20)]
    ids = subtree_ids(unit.pk)
    if year and len(ids) > 1:
        # Each sub-unit's quota is its own: the parent's is not met by its sub-units.
        rows = selectors.quota_progress(year, units=ids, types=())
        context = {"year": year, "rows": rows, "total": selectors.activities_rolled_up(ids, year)}
        panels.append(Panel("volunteers/_panel_rollup.html", context, order=16))
    return panels


def report_panels(request, report):
    activities = list(selectors.activities_for_unit_period(report.unit, report.period))
    context = {
        "unit": report.unit,
        "activities": activities,
        "start": report.period.start,
        "end": report.period.end,
    }
    return [Panel("volunteers/_panel_activities.html", context, order=20)]


def evidence_panels(request, unit, year):
    start, end = selectors.year_bounds(year)
    activities = list(selectors.activities_for_unit_year(unit, year))
    context = {
        "title": "evidence",
        "unit": unit,
        "activities": activities,
        "start": start,
        "end": end,
    }
    return [Panel("volunteers/_panel_activities.html", context, order=20)]


def todo_items(request) -> list[TodoItem]:
    """Unit staff: this year's “5+1” activities still missing against the quota."""
    user = request.user
    unit_id = permissions.unit_id_of(user)
    if unit_id is None or not permissions.is_unit_staff(user):
        return []
    year = competition_selectors.current_year_for(request)
    if year is None:
        return []
    progress = selectors.quota_progress(year, types=()).filter(pk=unit_id, behind=True).first()
    if progress is None:
        return []
    label = _("%(year)s年度“5+1”活动还差%(missing)s次（已开展%(count)s次，要求%(quota)s次）") % {
        "year": year.year,
        "missing": progress.effective_quota - progress.activity_count,
        "count": progress.activity_count,
        "quota": progress.effective_quota,
    }
    url = reverse("volunteers:activity_create")
    return [TodoItem(label, url, due=year.end_date, order=50)]


def quality_panels(request, period):
    activities = list(selectors.flagged_activities(request.user, period.start, period.end)[:200])
    records = list(selectors.flagged_service_records(request.user, period.start, period.end)[:200])
    for row in (*activities, *records):
        row.flags = quality.described(row.quality_flags)
    context = {"activities": activities, "records": records}
    return [Panel("volunteers/_panel_quality.html", context, order=50)]
