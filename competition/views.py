from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common import panels
from common.confirm import confirm_page, confirmed
from common.paging import page_of
from common.uploads import file_response, thumbnail_response
from common.web import put_errors

from . import permissions, selectors, services
from .forms import (
    ActivityTypeForm,
    AssignmentForm,
    ConflictForm,
    DrawForm,
    EntryForm,
    NoticeForm,
    ProjectForm,
    ScoreSheetForm,
    SpotCheckFilterForm,
    SpotCheckForm,
    SpreadForm,
    StandingsFilterForm,
    UnitFilterForm,
    YearReopenForm,
)
from .models import ReviewerAssignment, Unit
from .web import managed_year, year_from


@login_required
def home(request):
    return render(
        request, "competition/home.html", {"panels": panels.collect("home_panels", request)}
    )


@login_required
def unit_list(request):
    year = selectors.current_year_for(request)
    form = UnitFilterForm(request.GET)
    units = form.filter(selectors.units_with_status_for_user(request.user, year))
    page = page_of(request, units)
    return render(request, "competition/unit_list.html", {"page": page, "year": year, "form": form})


@login_required
def unit_detail(request, pk):
    year = selectors.current_year_for(request)
    unit = selectors.unit_with_status_for_user(request.user, pk, year)
    permissions.require(request.user, "competition.view_unit", unit)
    context = {
        "unit": unit,
        "year": year,
        "participations": unit.participations.all(),
        "children": selectors.units_for_user(request.user).filter(parent=unit).order_by("name"),
        "panels": panels.collect("unit_panels", request, unit),
    }
    return render(request, "competition/unit_detail.html", context)


# --- 四比双争 scoring -------------------------------------------------------------------------


@login_required
def entry_list(request):
    year = year_from(request)
    entries = selectors.entry_list(request.user, year)
    return render(
        request,
        "competition/entry_list.html",
        {"year": year, "years": selectors.years(), "page": page_of(request, entries)},
    )


@login_required
def entry_create(request):
    year = year_from(request)
    unit = selectors.own_unit(request.user)
    permissions.require(request.user, "competition.create_entry", unit)
    form = EntryForm(request.POST or None, year=year)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_create(
                actor=request.user, unit=unit, year=year, **form.cleaned_data
            )
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("参赛项目“%(title)s”已报名。") % {"title": entry.title})
            return redirect("competition:entry_detail", pk=entry.pk)
    return render(request, "competition/entry_form.html", {"form": form, "year": year})


@login_required
def entry_edit(request, pk):
    entry = selectors.entry_for_user(request.user, pk)
    permissions.require(request.user, "competition.edit_entry", entry)
    form = EntryForm(request.POST or None, instance=entry, year=entry.year)
    if request.method == "POST" and form.is_valid():
        services.entry_update(actor=request.user, entry=entry, **form.cleaned_data)
        messages.success(request, _("参赛项目已保存。"))
        return redirect("competition:entry_detail", pk=entry.pk)
    return render(request, "competition/entry_form.html", {"form": form, "year": entry.year})


@login_required
def entry_detail(request, pk):
    entry = selectors.entry_for_user(request.user, pk)
    permissions.require(request.user, "competition.view_entry", entry)
    user = request.user
    standing = None
    if permissions.may(user, "competition.view_scores", entry):
        standing = selectors.entry_standings(entry.year).filter(pk=entry.pk).first()
    criteria = selectors.criteria_of(entry.year)
    sheets = None
    if permissions.may(user, "competition.view_sheets", entry):
        sheets = selectors.sheets_with_totals(entry, criteria)
    self_points = None
    if standing and (
        permissions.may(user, "competition.view_all_units") or entry.year.results_published
    ):
        self_points = selectors.self_points_of(entry.unit, entry.year)
    context = {
        "entry": entry,
        "standing": standing,
        "self_points": self_points,
        "sheets": sheets,
        "criteria": criteria,
        "spot_checks": entry.spot_checks.all(),
        "evidence": panels.collect("evidence_panels", request, entry.unit, entry.year),
    }
    return render(request, "competition/entry_detail.html", context)


@login_required
def sheet_edit(request, pk):
    entry = selectors.entry_for_user(request.user, pk)
    permissions.require(request.user, "competition.score_entry", entry)
    sheet = entry.sheets.filter(reviewer=request.user).first()
    criteria = selectors.criteria_of(entry.year)
    initial = {}
    if sheet:
        codes = {c.pk: c.code for c in criteria}
        initial = {
            codes[s.criterion_id]: s.points for s in sheet.scores.all() if s.criterion_id in codes
        }
        initial["comment"] = sheet.comment
    form = ScoreSheetForm(request.POST or None, initial=initial, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        try:
            services.score_sheet_save(
                actor=request.user,
                entry=entry,
                points=form.points,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("评分已保存，评比冻结前仍可修改。"))
            return redirect("competition:entry_detail", pk=entry.pk)
    history = selectors.score_history(sheet) if sheet else []
    return render(
        request,
        "competition/sheet_form.html",
        {"entry": entry, "form": form, "sheet": sheet, "history": history},
    )


STANDINGS_COLUMNS = (
    "pk",
    "title",
    "unit__name",
    "unit_id",
    "nine_project__short_name",
    "means",
    "weighted_total",
    "sheet_count",
    "spread",
    "disputed",
)


def _attach_self_totals(year, page) -> None:
    """Each row's unit's self-assessed total and whether it is far from the reviewers'."""
    totals = selectors.self_totals(year, {row["unit_id"] for row in page})
    for row in page:
        total = totals.get(row["unit_id"])
        row["self_total"] = total
        reviewed = row["weighted_total"]
        row["self_gap"] = (
            total is not None
            and reviewed is not None
            and abs(total - float(reviewed)) > float(year.self_gap_threshold)
        )


@login_required
def standings(request):
    year = year_from(request)
    permissions.require(request.user, "competition.view_standings", year)
    form = StandingsFilterForm(request.GET or None, year=year)
    valid = form.is_valid()
    nine_project = form.cleaned_data["nine_project"] if valid else None
    normalised = valid and form.cleaned_data["normalised"]
    rows = selectors.entry_standings(year, nine_project=nine_project)
    # The page's keys first (sorted on the entries' totals alone), then its rows, as plain
    # dicts: cheaper to build and for the template to read than models.
    page = page_of(
        request,
        selectors.standings_keys(year, nine_project=nine_project),
        details=lambda keys: rows.filter(pk__in=keys).values(*STANDINGS_COLUMNS),
        count=selectors.standings_entries(year, nine_project=nine_project).count(),
    )
    if normalised:
        totals = selectors.normalised_totals(year, [row["pk"] for row in page])
        for row in page:
            row["normalised_total"] = totals.get(row["pk"])
    show_self = permissions.may(request.user, "competition.view_all_units")
    if show_self:  # other units' self-assessments are the office's to read
        _attach_self_totals(year, page)
    return render(
        request,
        "competition/standings.html",
        {
            "year": year,
            "years": selectors.years(),
            "form": form,
            "page": page,
            "normalised": normalised,
            "show_self": show_self,
            "criteria": selectors.criteria_of(year),
        },
    )


@login_required
@require_POST
def results_publish(request):
    year = year_from(request)
    permissions.require(request.user, "competition.publish_results", year)
    published = request.POST.get("published") == "1"
    services.results_publish(actor=request.user, year=year, published=published)
    if published:
        messages.success(request, _("%(year)s年度评分结果已公布。") % {"year": year.year})
    else:
        messages.success(request, _("已撤回评分结果的公布。"))
    return redirect(f"{reverse('competition:standings')}?year={year.year}")


PROGRESS_STATUSES = ("scored", "pending", "conflict", "unassigned")
REVIEWER_COLUMNS = 20


def _progress_badges() -> dict[str, str]:
    """The four cells of the scoring matrix, rendered once per page from their template: a
    page has 50 entries × every reviewer, and a template `if` with a translation per cell
    cost a third of it."""
    lines = render_to_string("competition/includes/progress_badges.html").strip().splitlines()
    return dict(zip(PROGRESS_STATUSES, (mark_safe(line) for line in lines[-4:]), strict=True))


@login_required
def progress(request):
    year = year_from(request)
    permissions.require(request.user, "competition.view_progress", year)
    page = page_of(request, selectors.progress_entries(request.user, year))
    # The reviewers are the columns: a province has a hundred, shown a screen at a time.
    columns = Paginator(selectors.reviewers(), REVIEWER_COLUMNS).get_page(
        request.GET.get("reviewers")
    )
    reviewer_list = list(columns.object_list)
    rows = selectors.scoring_progress(year, page.object_list, reviewer_list)
    badges = _progress_badges()
    rows = [(entry, cells, [badges[cell.status] for cell in cells]) for entry, cells in rows]
    return render(
        request,
        "competition/progress.html",
        {
            "year": year,
            "page": page,
            "rows": rows,
            "reviewers": reviewer_list,
            "columns": columns,
        },
    )


@login_required
def assignment_list(request):
    year = year_from(request)
    permissions.require(request.user, "competition.manage_assignments")
    form = AssignmentForm(request.POST or None, year=year, reviewers=selectors.reviewers())
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_add(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("已分配评委。"))
            return redirect(f"{reverse('competition:assignment_list')}?year={year.year}")
    context = {
        "year": year,
        "form": form,
        "spread_form": SpreadForm(),
        "page": page_of(request, selectors.assignments(year)),
    }
    return render(request, "competition/assignment_list.html", context)


@login_required
@require_POST
def assignment_spread(request):
    year = year_from(request)
    permissions.require(request.user, "competition.manage_assignments")
    form = SpreadForm(request.POST)
    if form.is_valid():
        created = services.assignments_spread(actor=request.user, year=year, **form.cleaned_data)
        messages.success(request, _("已新增 %(n)s 条评委分配。") % {"n": len(created)})
    else:
        messages.error(request, _("请填写每个项目的评委数和随机种子。"))
    return redirect(f"{reverse('competition:assignment_list')}?year={year.year}")


@login_required
@require_POST
def assignment_delete(request, pk):
    permissions.require(request.user, "competition.manage_assignments")
    assignment = get_object_or_404(ReviewerAssignment.objects.select_related("entry__year"), pk=pk)
    services.assignment_remove(actor=request.user, assignment=assignment)
    messages.success(request, _("已取消该评委分配。"))
    year = assignment.entry.year.year
    return redirect(f"{reverse('competition:assignment_list')}?year={year}")


@login_required
def conflict_list(request):
    permissions.require(request.user, "competition.view_conflicts")
    form = ConflictForm(request.POST or None)
    if request.method == "POST":
        permissions.require(request.user, "competition.declare_conflict")
        if form.is_valid():
            try:
                services.conflict_declare(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("利益冲突已申报，您将不能为该单位的项目评分。"))
                return redirect("competition:conflict_list")
    conflicts = selectors.conflicts_for_user(request.user)
    return render(
        request,
        "competition/conflict_list.html",
        {"form": form, "page": page_of(request, conflicts)},
    )


@login_required
def spot_check_list(request):
    year = year_from(request)
    form = SpotCheckFilterForm(request.GET)
    checks = form.filter(selectors.spot_checks_for_user(request.user).filter(year=year))
    context = {
        "year": year,
        "years": selectors.years(),
        "form": form,
        "page": page_of(request, checks),
        "draw_form": DrawForm(),
        "draws": selectors.draws_for_user(request.user).filter(year=year)[:10],
    }
    return render(request, "competition/spot_check_list.html", context)


@login_required
def spot_check_create(request):
    year = year_from(request)
    permissions.require(request.user, "competition.record_spot_check")
    initial = {"unit": request.GET.get("unit")}
    form = SpotCheckForm(request.POST or None, request.FILES or None, year=year, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            check = services.spot_check_record(actor=request.user, year=year, **data)
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("抽查记录已保存。"))
            return redirect("competition:spot_check_detail", pk=check.pk)
    return render(request, "competition/spot_check_form.html", {"form": form, "year": year})


@login_required
def spot_check_detail(request, pk):
    check = selectors.spot_check_for_user(request.user, pk)
    permissions.require(request.user, "competition.view_spot_check", check)
    return render(request, "competition/spot_check_detail.html", {"check": check})


@login_required
def spot_check_photo(request, pk):
    photo = selectors.spot_check_photo_for_user(request.user, pk)
    permissions.require(request.user, "competition.view_spot_check", photo.spot_check)
    return file_response(photo.file, photo.original_name)


@login_required
def spot_check_photo_thumbnail(request, pk):
    photo = selectors.spot_check_photo_for_user(request.user, pk)
    permissions.require(request.user, "competition.view_spot_check", photo.spot_check)
    return thumbnail_response(photo.thumbnail)


@login_required
@require_POST
def draw_create(request):
    year = year_from(request)
    permissions.require(request.user, "competition.draw_spot_check")
    form = DrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的抽取数量。"))
        return redirect(f"{reverse('competition:spot_check_list')}?year={year.year}")
    try:
        draw = services.spot_check_draw_run(actor=request.user, year=year, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{reverse('competition:spot_check_list')}?year={year.year}")
    messages.success(request, _("已抽取 %(n)s 个单位。") % {"n": len(draw.result)})
    return redirect("competition:draw_detail", pk=draw.pk)


@login_required
def draw_detail(request, pk):
    draw = get_object_or_404(selectors.draws_for_user(request.user), pk=pk)
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[p[0] for p in draw.pool])}
    replay = services.draw_units(draw.pool, draw.seed, draw.count)
    context = {
        "draw": draw,
        "drawn": [units.get(pk) for pk in draw.result],
        "pool": [(units.get(pk), weight) for pk, weight in draw.pool],
        "replay_matches": replay == draw.result,
    }
    return render(request, "competition/draw_detail.html", context)


@login_required
def notice_list(request):
    notices = selectors.notices_for_user(request.user)
    return render(request, "competition/notice_list.html", {"page": page_of(request, notices)})


@login_required
def notice_create(request):
    permissions.require(request.user, "competition.publish_notice")
    form = NoticeForm(request.POST or None, initial={"year": selectors.current_year()})
    if request.method == "POST" and form.is_valid():
        notice = services.notice_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("通报草稿已保存，发布后所有用户可见。"))
        return redirect("competition:notice_detail", pk=notice.pk)
    return render(request, "competition/notice_form.html", {"form": form})


@login_required
def notice_detail(request, pk):
    notice = get_object_or_404(selectors.notices_for_user(request.user), pk=pk)
    permissions.require(request.user, "competition.view_notice", notice)
    return render(request, "competition/notice_detail.html", {"notice": notice})


@login_required
@require_POST
def notice_publish(request, pk):
    notice = get_object_or_404(selectors.notices_for_user(request.user), pk=pk)
    permissions.require(request.user, "competition.publish_notice", notice)
    try:
        services.notice_publish(actor=request.user, notice=notice)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("通报已发布。"))
    return redirect("competition:notice_detail", pk=notice.pk)


@login_required
@require_http_methods(["GET", "POST"])
def notice_delete(request, pk):
    notice = get_object_or_404(selectors.notices_for_user(request.user), pk=pk)
    permissions.require(request.user, "competition.delete_notice", notice)
    back = reverse("competition:notice_detail", args=[notice.pk])
    if not confirmed(request):
        return confirm_page(
            request,
            title=_("删除通报草稿"),
            question=_("确定删除通报草稿“%(title)s”吗？") % {"title": notice.title},
            details=[(_("竞赛年度"), str(notice.year))],
            action_label=_("确认删除"),
            cancel_url=back,
        )
    try:
        services.notice_delete(actor=request.user, notice=notice)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(request, _("通报草稿已删除。"))
    return redirect("competition:notice_list")


# --- competition years: closing (sealing) and reopening ---------------------------------------


@login_required
def year_list(request):
    permissions.require(request.user, "competition.manage_years")
    years = list(selectors.years())
    context = {
        "years": years,
        "changes": selectors.year_status_changes(years),
        "reopen_form": YearReopenForm(),
    }
    return render(request, "competition/year_list.html", context)


@login_required
@require_POST
def year_close(request, pk):
    permissions.require(request.user, "competition.manage_years")
    year = get_object_or_404(selectors.years(), pk=pk)
    try:
        services.competition_year_close(actor=request.user, year=year)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(year)s年度已结束并封存。") % {"year": year.year})
    return redirect("competition:year_list")


@login_required
@require_POST
def year_reopen(request, pk):
    permissions.require(request.user, "competition.manage_years")
    year = get_object_or_404(selectors.years(), pk=pk)
    form = YearReopenForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("重新开放时必须填写原因（不超过90个字）。"))
        services.competition_year_reopen(
            actor=request.user, year=year, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(year)s年度已重新开放。") % {"year": year.year})
    return redirect("competition:year_list")


# --- a year's projects and activity types ------------------------------------------------------

RULE_PAGES = {
    # kind: (related name on the year, form, save service, its argument, delete service)
    "project": ("projects", ProjectForm, services.project_save, "project", services.project_delete),
    "activity_type": (
        "activity_types",
        ActivityTypeForm,
        services.activity_type_save,
        "activity_type",
        services.activity_type_delete,
    ),
}


def _rule_list(request, pk, kind):
    year = managed_year(request, pk)
    rows = getattr(year, RULE_PAGES[kind][0]).order_by("number")
    context = {"year": year, "rows": rows, "sealed": services.year_is_sealed(year)}
    return render(request, f"competition/{kind}_list.html", context)


def _rule_edit(request, pk, kind, row_pk=None):
    year = managed_year(request, pk)
    related, form_class, save, argument, _delete = RULE_PAGES[kind]
    row = get_object_or_404(getattr(year, related), pk=row_pk) if row_pk else None
    form = form_class(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        try:
            save(actor=request.user, year=year, **{argument: row}, **form.cleaned_data)
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(f"competition:{kind}_list", pk=year.pk)
    return render(request, f"competition/{kind}_form.html", {"form": form, "year": year})


def _rule_delete(request, pk, kind, row_pk):
    year = managed_year(request, pk)
    related, _form, _save, argument, delete = RULE_PAGES[kind]
    row = get_object_or_404(getattr(year, related), pk=row_pk)
    if not confirmed(request):
        return confirm_page(
            request,
            title=_("删除“%(name)s”") % {"name": row.name},
            question=_("确定删除%(year)s年度的“%(name)s”吗？")
            % {"year": year.year, "name": row.name},
            action_label=_("确认删除"),
            cancel_url=reverse(f"competition:{kind}_list", args=[year.pk]),
        )
    try:
        delete(actor=request.user, **{argument: row})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("“%(name)s”已删除。") % {"name": row.name})
    return redirect(f"competition:{kind}_list", pk=year.pk)


@login_required
def project_list(request, pk):
    return _rule_list(request, pk, "project")


@login_required
def project_create(request, pk):
    return _rule_edit(request, pk, "project")


@login_required
def project_edit(request, pk, project_pk):
    return _rule_edit(request, pk, "project", project_pk)


@login_required
@require_http_methods(["GET", "POST"])
def project_delete(request, pk, project_pk):
    return _rule_delete(request, pk, "project", project_pk)


@login_required
def activity_type_list(request, pk):
    return _rule_list(request, pk, "activity_type")


@login_required
def activity_type_create(request, pk):
    return _rule_edit(request, pk, "activity_type")


@login_required
def activity_type_edit(request, pk, type_pk):
    return _rule_edit(request, pk, "activity_type", type_pk)


@login_required
@require_http_methods(["GET", "POST"])
def activity_type_delete(request, pk, type_pk):
    return _rule_delete(request, pk, "activity_type", type_pk)
