"""The reports app's panels: the home page, and evidence on a competition entry's page."""

from common.panels import Panel
from competition import permissions
from competition import selectors as competition_selectors
from competition.models import subtree_ids

from . import selectors


def home_panels(request):
    user = request.user
    period = competition_selectors.current_period_for(request)
    if permissions.may(user, "reports.view_queue"):
        missing = selectors.units_missing_report(period).count() if period else 0
        context = {
            "period": period,
            "waiting": selectors.count_waiting_review(user),
            "missing": missing,
        }
        return [Panel("reports/_panel_office.html", context, order=20)]
    own = competition_selectors.units_for_user(user).filter(pk=permissions.unit_id_of(user))
    unit = own.first()
    if unit is None or not permissions.may(user, "reports.create_report", unit):
        return []
    report = selectors.report_for_unit_period(unit, period) if period else None
    context = {
        "unit": unit,
        "period": period,
        "report": report,
        "days_left": selectors.days_left(period) if period else None,
    }
    return [Panel("reports/_panel_staff.html", context, order=20)]


def evidence_panels(request, unit, year):
    """The unit's quarterly reports of `year` (CompetitionYear or number), with status and links."""
    if not permissions.may(request.user, "competition.view_unit", unit):
        return []
    reports = selectors.reports_for_unit_year(unit, year)
    return [Panel("reports/_panel_evidence.html", {"unit": unit, "reports": reports}, order=20)]


def unit_panels(request, unit):
    """A unit's page lists its reports of the current year; a parent unit's, the figures of
    its sub-units and their total (rolled up over the whole subtree)."""
    year = competition_selectors.current_year_for(request)
    if year is None:
        return []
    panels = evidence_panels(request, unit, year)
    ids = subtree_ids(unit.pk)
    if len(ids) > 1:
        units = competition_selectors.units_for_user(request.user).filter(pk__in=ids)
        figures = selectors.figures_by_unit(ids, year)
        rows = [{"unit": u, **figures.get(u.pk, {})} for u in units.order_by("name")]
        context = {"year": year, "rows": rows, "total": selectors.figures_rolled_up(ids, year)}
        panels.append(Panel("reports/_panel_rollup.html", context, order=15))
    return panels
