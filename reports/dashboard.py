"""The reports app's panels: the home page, and evidence on a competition entry's page."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.panels import Panel, TodoItem
from common.web import once_per_request
from competition import permissions
from competition import selectors as competition_selectors
from competition.models import subtree_ids

from . import selectors
from .enums import ReportStatus


def _waiting_for(request) -> int:
    """The reports waiting for review, counted once a request (the panel and the 待办)."""
    return once_per_request(
        request, "reports_waiting", lambda: selectors.count_waiting_review(request.user)
    )


def home_panels(request):
    user = request.user
    period = competition_selectors.current_period_for(request)
    if permissions.may(user, "reports.view_queue"):
        missing = selectors.units_missing_report_count(period) if period else 0
        context = {
            "period": period,
            "waiting": _waiting_for(request),
            "missing": missing,
        }
        return [Panel("reports/_panel_office.html", context, order=20)]
    unit = competition_selectors.own_unit(user)
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


def todo_items(request) -> list[TodoItem]:
    """Staff: each begun period's report to start, finish or correct (with the office's
    comment), by deadline. Office and admins: the reports waiting for review."""
    user = request.user
    if permissions.may(user, "reports.view_queue"):
        waiting = _waiting_for(request)
        if not waiting:
            return []
        label = _("%(count)s份季度报告等待审核") % {"count": waiting}
        return [TodoItem(label, reverse("reports:review_queue"), order=20)]
    unit = competition_selectors.own_unit(user)
    if unit is None or not permissions.may(user, "reports.create_report", unit):
        return []
    year = competition_selectors.current_year_for(request)
    today = timezone.localdate()
    return [
        _staff_item(period, report, today)
        for period, report in selectors.staff_report_todo(unit, year, today)
    ]


def _staff_item(period, report, today) -> TodoItem:
    urgent = period.deadline < today
    if report is None:
        label = _("开始填写%(period)s报告") % {"period": period}
        return TodoItem(label, reverse("reports:report_list"), due=period.deadline, urgent=urgent)
    url = reverse("reports:report_edit", args=[report.pk])
    if report.status == ReportStatus.RETURNED:
        label = _("修改已退回的%(period)s报告") % {"period": period}
        detail = _("审核意见：%(comment)s") % {"comment": report.review_comment}
        return TodoItem(label, url, detail=detail, due=period.deadline, urgent=True, order=10)
    label = _("完成并提交%(period)s报告（草稿）") % {"period": period}
    return TodoItem(label, url, due=period.deadline, urgent=urgent)
