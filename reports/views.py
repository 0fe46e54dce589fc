from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common import panels
from common.confirm import confirm_page, confirmed
from common.paging import page_of
from common.uploads import file_response, thumbnail_response
from common.web import show_errors
from common.xlsx import Sheet, xlsx_response
from competition import quality as quality_checks
from competition import selectors as competition_selectors
from competition.models import CompetitionYear, ReportingPeriod, period_label
from competition.permissions import may, require, unit_id_of

from . import selectors, services
from .enums import Completeness, ReportStatus
from .forms import (
    AttachmentForm,
    QueueFilterForm,
    ReopenForm,
    ReportFilterForm,
    ReportForm,
    ReviewForm,
    ShowcaseForm,
)
from .models import Report


@login_required
def report_list(request):
    reports = selectors.reports_for_user(request.user)
    every_unit = may(request.user, "competition.view_all_units")
    form = ReportFilterForm(request.GET, many_units=every_unit)
    page = page_of(request, form.filter(reports))
    year = competition_selectors.current_year()
    # The heading names the unit only for its staff; the office's list holds every unit's.
    unit = None if every_unit else competition_selectors.own_unit(request.user)
    open_periods = []
    if year is not None and unit is not None and unit.pk == unit_id_of(request.user):
        started = reports.filter(unit=unit, period__year=year).values("period_id")
        open_periods = ReportingPeriod.objects.filter(year=year).exclude(pk__in=started)
    context = {"page": page, "open_periods": open_periods, "unit": unit, "form": form}
    context["every_unit"] = every_unit
    return render(request, "reports/report_list.html", context)


@login_required
@require_POST
def report_start(request, period_pk):
    period = get_object_or_404(ReportingPeriod, pk=period_pk)
    unit = competition_selectors.own_unit(request.user)
    if unit is None:
        raise Http404
    require(request.user, "reports.create_report", unit)
    report = services.report_create(actor=request.user, unit=unit, period=period)
    return redirect("reports:report_edit", pk=report.pk)


@login_required
def report_detail(request, pk):
    report = selectors.report_for_user(request.user, pk)
    require(request.user, "reports.view_report", report)
    context = {
        "report": report,
        "days_left": selectors.days_left(report.period),
        "review_form": ReviewForm(),
        "reopen_form": ReopenForm(),
        "attachment_form": AttachmentForm(),
        "showcase_form": ShowcaseForm(
            report=report,
            initial={"title": getattr(getattr(report, "showcase", None), "title", "")},
        ),
        "panels": panels.collect("report_panels", request, report),
        "quality_flags": quality_checks.described(report.quality_flags),
    }
    return render(request, "reports/report_detail.html", context)


@login_required
def report_edit(request, pk):
    """The staff's report form. Its 上传附件 button saves the typed text with the file, so an
    upload never loses what was typed; a save from a stale page shows the other's text."""
    report = selectors.report_for_user(request.user, pk)
    require(request.user, "reports.edit_report", report)
    submit, upload = "submit" in request.POST, "upload" in request.POST
    form = ReportForm(request.POST or None, instance=report, submit=submit)
    files = AttachmentForm(request.POST or None, request.FILES or None, prefix="attachment")
    theirs = None
    if request.method == "POST" and form.is_valid() and (not upload or files.is_valid()):
        try:
            services.report_save(
                actor=request.user,
                report=report,
                data=form.cleaned_data,
                projects=form.cleaned_data["projects"],
                submit=submit,
                version=form.cleaned_data["version"],
                upload=files.cleaned_data["file"] if upload else None,
            )
        except services.EditConflict as exc:
            theirs = _conflict(form, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _saved_message(submit, upload, files))
            return redirect("reports:report_detail" if submit else "reports:report_edit", pk=pk)
    elif upload:
        form.add_error(None, _upload_refused(form))
    context = {
        "report": report,
        "form": form,
        "attachment_form": files if upload else AttachmentForm(prefix="attachment"),
        "theirs": theirs,
        "days_left": selectors.days_left(report.period),
    }
    return render(request, "reports/report_edit.html", context)


def _upload_refused(form) -> str:
    if not form.is_valid():
        return _("附件未上传：请先更正下面标出的错误，再重新选择文件上传。")
    return _("附件未上传，您填写的内容也尚未保存：请重新选择文件，或点“保存草稿”。")


def _saved_message(submit: bool, upload: bool, files) -> str:
    if submit:
        return _("报告已提交，等待竞赛办公室审核。")
    if upload:
        name = files.cleaned_data["file"].name
        return _("草稿已保存，附件“%(name)s”已上传。") % {"name": name}
    return _("草稿已保存。")


def _conflict(form, exc) -> list[tuple[str, str]]:
    """Keep the user's typing on the form, now against the other's version (a second save
    then overwrites knowingly); return the other's text of each section that differs."""
    current = exc.current
    form.data = form.data.copy()
    form.data["version"] = current.version
    form.add_error(None, exc)
    return [
        (form.fields[name].label, getattr(current, name))
        for name in services.TEXT_SECTIONS
        if getattr(current, name) != form.cleaned_data.get(name)
    ]


@login_required
@require_POST
def report_review(request, pk):
    report = selectors.report_for_user(request.user, pk)
    require(request.user, "reports.review_report", report)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("reports:report_detail", pk=pk)
    comment = form.cleaned_data["comment"]
    accept = form.cleaned_data["decision"] == ReviewForm.ACCEPT
    review = services.report_accept if accept else services.report_return
    try:
        review(actor=request.user, report=report, comment=comment)
    except ValidationError as exc:
        show_errors(request, exc)
        return redirect("reports:report_detail", pk=pk)
    messages.success(
        request,
        _("报告已通过审核，已通知该单位。") if accept else _("报告已退回，已通知该单位修改。"),
    )
    return redirect("reports:review_queue")


@login_required
@require_POST
def report_reopen(request, pk):
    report = selectors.report_for_user(request.user, pk)
    require(request.user, "reports.reopen_report", report)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.report_reopen(
                actor=request.user, report=report, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:  # reopened by another admin meanwhile
            show_errors(request, exc)
        else:
            messages.success(request, _("报告已重新开放，单位可修改后再次提交。"))
    else:
        # Say what is wrong (missing, or too long), not always "missing".
        for message in form.errors["reason"]:
            messages.error(request, message)
    return redirect("reports:report_detail", pk=pk)


@login_required
@require_POST
def attachment_upload(request, pk):
    report = selectors.report_for_user(request.user, pk)
    require(request.user, "reports.edit_report", report)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.attachment_add(actor=request.user, report=report, upload=upload)
        except ValidationError as exc:  # the caps per report, a report no longer editable
            show_errors(request, exc)
            report.refresh_from_db()
            if not may(request.user, "reports.edit_report", report):
                # e.g. a colleague submitted it meanwhile: its page, not a form it can't use
                return redirect("reports:report_detail", pk=pk)
        else:
            messages.success(request, _("附件“%(name)s”已上传。") % {"name": upload.name})
    else:
        for message in form.errors.get("file", [_("请选择文件。")]):
            messages.error(request, message)
    return redirect("reports:report_edit", pk=pk)


@login_required
def attachment_download(request, pk):
    attachment = selectors.attachment_for_user(request.user, pk)
    require(request.user, "reports.download_attachment", attachment)
    return file_response(attachment.file, attachment.original_name)


@login_required
def attachment_thumbnail(request, pk):
    attachment = selectors.attachment_for_user(request.user, pk)
    require(request.user, "reports.download_attachment", attachment)
    return thumbnail_response(attachment.thumbnail)


@login_required
@require_http_methods(["GET", "POST"])
def attachment_delete(request, pk):
    attachment = selectors.attachment_for_user(request.user, pk)
    require(request.user, "reports.delete_attachment", attachment)
    if not confirmed(request):
        return confirm_page(
            request,
            title=_("删除附件"),
            question=_("确定删除附件“%(name)s”吗？删除后不能恢复。")
            % {"name": attachment.original_name},
            details=[(_("报告"), str(attachment.report))],
            action_label=_("确认删除"),
            cancel_url=reverse("reports:report_edit", args=[attachment.report_id]),
        )
    try:
        services.attachment_delete(actor=request.user, attachment=attachment)
    except ValidationError as exc:  # e.g. a colleague submitted the report meanwhile
        show_errors(request, exc)
        return redirect("reports:report_detail", pk=attachment.report_id)
    messages.success(request, _("附件已删除。"))
    return redirect("reports:report_edit", pk=attachment.report_id)


@login_required
def review_queue(request):
    require(request.user, "reports.view_queue")
    form = QueueFilterForm(request.GET or None)
    reports = selectors.review_queue(request.user, **form.filters())
    # Counted on the reports alone (the rows' joins for unit, kind and period are not).
    page = page_of(request, reports.values(*QUEUE_COLUMNS), count=reports.count())
    _attach_queue_cells(page.object_list)
    return render(request, "reports/review_queue.html", {"form": form, "page": page})


# A row of the review queue: a dict, not a Report with its unit, kind, period and year.
QUEUE_COLUMNS = (
    "pk", "unit__name", "unit__kind__name", "period__year__year", "period__name",
    "period__deadline", "status", "is_late", "submitted_at",
    "has_flags", "quality_flags", "quality_explanation",
)  # fmt: skip


def _attach_queue_cells(rows) -> None:
    """Each row's `period` name and `status_badge`: reports/_status.html rendered once per
    (status, late) of the page rather than included once per row."""
    badges = {}
    for row in rows:
        key = (row["status"], row["is_late"])
        if key not in badges:
            context = {"status": key[0], "label": ReportStatus(key[0]).label, "late": key[1]}
            badges[key] = render_to_string("reports/_status.html", context)
        row["status_badge"] = badges[key]
        row["period"] = period_label(row["period__year__year"], row["period__name"])
        row["flags"] = quality_checks.described(row["quality_flags"])


# A unit row of the dashboard: dicts, not Unit instances (a page is 50 plain rows).
DASHBOARD_COLUMNS = (
    "name", "kind__name", "state", "report_id", "submitted_at", "contact_person", "phone",
    "parent__name",
)  # fmt: skip
COMPLETENESS_CLASSES = {
    Completeness.ON_TIME: "text-bg-success",
    Completeness.LATE: "text-bg-warning",
    Completeness.MISSING: "text-bg-danger",
}


def _period_from(request) -> ReportingPeriod | None:
    periods = ReportingPeriod.objects.select_related("year")
    pk = request.GET.get("period", "")
    if pk.isdigit():
        return get_object_or_404(periods, pk=pk)
    return competition_selectors.current_period()


def _by_parent(request) -> bool:
    """The dashboard's grouping (each parent followed by its sub-units), kept by its export."""
    return request.GET.get("group") == "parent"


@login_required
def dashboard(request):
    require(request.user, "reports.view_dashboard")
    period = _period_from(request)
    summary = selectors.period_completeness(period) if period else None
    by_parent = _by_parent(request)
    if period:
        # The page of keys first (every unit expected to report is counted by the summary);
        # then only its 50 units are joined with their reports.
        page = page_of(
            request,
            selectors.completeness_keys(period, by_parent=by_parent),
            details=lambda keys: selectors.completeness_units(period, units=keys).values(
                "pk", *DASHBOARD_COLUMNS
            ),
            count=summary["city"]["expected"],
        )
    else:
        page = page_of(request, [])
    labels = dict(Completeness.choices)
    for unit in page.object_list:
        unit["state_class"] = COMPLETENESS_CLASSES.get(unit["state"], "text-bg-secondary")
        unit["state_label"] = labels[unit["state"]]
    chart = None
    if summary:
        chart = {
            "labels": [row["kind"] for row in summary["kinds"]],
            "series": [
                {"label": str(state.label), "data": [row[state.value] for row in summary["kinds"]]}
                for state in Completeness
            ],
        }
    context = {
        "period": period,
        "periods": ReportingPeriod.objects.select_related("year"),
        "summary": summary,
        "page": page,
        "chart": chart,
        "by_parent": by_parent,
    }
    return render(request, "reports/dashboard.html", context)


QUALITY_COLUMNS = (
    "pk", "unit__name", "unit__kind__name", "status", "quality_flags", "quality_explanation",
)  # fmt: skip


@login_required
def quality(request):
    """The period's data-quality flags per unit (数据质量): reports here, activities and
    service records from the volunteers app's panel."""
    require(request.user, "reports.view_quality")
    period = _period_from(request)
    rows = selectors.flagged_reports(request.user, period) if period else Report.objects.none()
    page = page_of(request, rows.values(*QUALITY_COLUMNS))
    for row in page.object_list:
        row["flags"] = quality_checks.described(row["quality_flags"])
        row["status_label"] = ReportStatus(row["status"]).label
    context = {
        "period": period,
        "periods": ReportingPeriod.objects.select_related("year"),
        "page": page,
        "panels": panels.collect("quality_panels", request, period) if period else [],
    }
    return render(request, "reports/quality.html", context)


@login_required
def dashboard_xlsx(request):
    require(request.user, "reports.view_dashboard")
    period = _period_from(request)
    if period is None:
        return redirect("reports:dashboard")
    summary = selectors.period_completeness(period)
    labels = dict(Completeness.choices)
    unit_rows = (
        (
            u.name,
            u.kind.name,
            u.contact_person,
            u.phone,
            str(labels[u.state]),
            u.submitted_at,  # a date-time cell, in local time (common.xlsx)
            u.parent.name if u.parent else "",
        )
        for u in selectors.completeness_units(period, by_parent=_by_parent(request))
    )
    rate_headers = [str(label) for label in labels.values()]
    rate_rows = [
        (
            row["kind"],
            row["expected"],
            *[row[s] for s in labels],
            row["reporting_rate"],
            row["on_time_rate"],
        )
        for row in [{"kind": _("全市"), **summary["city"]}, *summary["kinds"]]
    ]
    sheets = [
        Sheet(
            _("各单位"),
            [
                *(_("单位"), _("类别"), _("联系人"), _("联系电话"), _("报送情况")),
                *(_("提交时间"), _("上级单位")),
            ],
            unit_rows,
        ),
        Sheet(
            _("报送率"),
            [_("范围"), _("应报"), *rate_headers, _("报送率（%）"), _("及时率（%）")],
            rate_rows,
        ),
    ]
    return xlsx_response(sheets, f"{period.year.year}-{period.number:02d}-completeness.xlsx")


@login_required
def overdue(request):
    require(request.user, "reports.view_overdue")
    year = competition_selectors.current_year()
    number = request.GET.get("year", "")
    if number.isdigit():
        year = get_object_or_404(CompetitionYear, year=number)
    groups = selectors.overdue_list(year) if year else []
    context = {
        "year": year,
        "groups": groups,
        "days": selectors.escalation_days(),
        "years": CompetitionYear.objects.all(),
    }
    return render(request, "reports/overdue.html", context)


@login_required
def showcase(request):
    require(request.user, "reports.view_showcase")
    projects = competition_selectors.projects_of(competition_selectors.current_year_for(request))
    number = request.GET.get("project", "")
    project = get_object_or_404(projects, number=number) if number.isdigit() else None
    page = page_of(request, selectors.showcase_items(project=project))
    context = {"page": page, "projects": projects, "project": project}
    return render(request, "reports/showcase.html", context)


@login_required
@require_POST
def showcase_mark(request, pk):
    report = selectors.report_for_user(request.user, pk)
    require(request.user, "reports.manage_showcase", report)
    form = ShowcaseForm(request.POST, report=report)
    if form.is_valid():
        try:
            services.showcase_mark(actor=request.user, report=report, **form.cleaned_data)
        except ValidationError as exc:  # e.g. reopened by an admin meanwhile
            show_errors(request, exc)
        else:
            messages.success(request, _("已列为推广经验。"))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("reports:report_detail", pk=pk)


@login_required
@require_POST
def showcase_unmark(request, pk):
    report = selectors.report_for_user(request.user, pk)
    require(request.user, "reports.manage_showcase", report)
    services.showcase_unmark(actor=request.user, report=report)
    messages.success(request, _("已从推广经验中移除。"))
    return redirect("reports:report_detail", pk=pk)
