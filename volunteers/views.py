from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from common.confirm import confirm_page, confirmed
from common.forms import error_lines
from common.paging import page_of
from common.uploads import file_response, thumbnail_response
from common.web import put_errors
from common.xlsx import Sheet, xlsx_response
from competition import quality
from competition import selectors as competition_selectors
from competition.permissions import may, require
from competition.web import year_from

from . import selectors, services
from .forms import (
    ActivityFilterForm,
    ActivityForm,
    ImportForm,
    ModelWorkerFilterForm,
    ModelWorkerForm,
    PhotoForm,
    ServiceRecordForm,
    TeamJoinForm,
    TeamLeaveForm,
)
from .models import Activity, ModelWorker
from .resources import ActivityResource, ModelWorkerResource, template_notes

# Model workers ---------------------------------------------------------------------------


@login_required
def model_worker_list(request):
    form, workers = _model_workers_filtered(request)
    context = {"page": page_of(request, workers), "form": form}
    return render(request, "volunteers/model_worker_list.html", context)


def _model_workers_filtered(request):
    """The list's filter form and the model workers it keeps: the list and its export."""
    many = may(request.user, "competition.view_all_units")
    form = ModelWorkerFilterForm(
        request.GET, units=competition_selectors.units_for_user(request.user) if many else None
    )
    return form, form.filter(selectors.model_workers_for_user(request.user))


@login_required
def model_worker_detail(request, pk):
    worker = get_object_or_404(selectors.model_worker_detail_for_user(request.user), pk=pk)
    require(request.user, "volunteers.view_model_worker", worker)
    context = {
        "worker": worker,
        "show_phone": may(request.user, "volunteers.view_phone", worker),
        "current": next((m for m in worker.team_memberships.all() if m.is_current), None),
        "join_form": TeamJoinForm(initial={"joined_on": timezone.localdate()}),
        "leave_form": TeamLeaveForm(initial={"left_on": timezone.localdate()}),
    }
    return render(request, "volunteers/model_worker_detail.html", context)


def _model_worker_form(request, worker: ModelWorker, *, choose_unit: bool):
    form = ModelWorkerForm(request.POST or None, instance=worker, choose_unit=choose_unit)
    if request.method == "POST" and form.is_valid():
        try:
            worker = services.model_worker_save(actor=request.user, model_worker=form.instance)
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("劳模信息已保存。"))
            return redirect("volunteers:model_worker_detail", worker.pk)
    return render(request, "volunteers/model_worker_form.html", {"form": form, "worker": worker})


@login_required
def model_worker_create(request):
    require(request.user, "volunteers.add_model_worker")
    unit = competition_selectors.own_unit(request.user)
    worker = ModelWorker(unit=unit) if unit else ModelWorker()
    return _model_worker_form(request, worker, choose_unit=unit is None)


@login_required
def model_worker_edit(request, pk):
    worker = get_object_or_404(selectors.model_workers_for_user(request.user), pk=pk)
    require(request.user, "volunteers.edit_model_worker", worker)
    return _model_worker_form(
        request, worker, choose_unit=competition_selectors.own_unit(request.user) is None
    )


# Volunteer team --------------------------------------------------------------------------


@login_required
def team_list(request):
    require(request.user, "volunteers.view_team")
    year = year_from(request).year
    memberships = selectors.memberships_for_user(request.user, year=year)
    context = {
        "page": page_of(request, memberships),
        "year": year,
        "unit_totals": selectors.service_totals_by_unit(request.user, year=year),
    }
    return render(request, "volunteers/team_list.html", context)


@login_required
@require_POST
def team_join(request, pk):
    worker = get_object_or_404(selectors.model_workers_for_user(request.user), pk=pk)
    require(request.user, "volunteers.manage_team", worker)
    form = TeamJoinForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(error_lines(form))
        services.team_join(actor=request.user, model_worker=worker, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("%(name)s已加入志愿服务队。") % {"name": worker.name})
    return redirect("volunteers:model_worker_detail", worker.pk)


@login_required
@require_POST
def team_leave(request, pk):
    """The date is posted from the worker's page, then confirmed on a page of its own."""
    membership = get_object_or_404(selectors.memberships_for_user(request.user), pk=pk)
    require(request.user, "volunteers.manage_team", membership)
    form = TeamLeaveForm(request.POST)
    back = reverse("volunteers:model_worker_detail", args=[membership.model_worker_id])
    try:
        if not form.is_valid():
            raise ValidationError(error_lines(form))
        if not confirmed(request):
            services.team_leave_check(membership=membership, **form.cleaned_data)
            return confirm_page(
                request,
                title=_("登记离队"),
                question=_("确定登记该队员离队吗？"),
                details=[
                    (_("队员"), membership.model_worker.name),
                    (_("离队日期"), form.cleaned_data["left_on"].isoformat()),
                ],
                action_label=_("确认离队"),
                cancel_url=back,
                hidden={"left_on": form.cleaned_data["left_on"].isoformat()},
            )
        services.team_leave(actor=request.user, membership=membership, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已登记离队。"))
    return redirect(back)


@login_required
def service_record_create(request, pk):
    membership = get_object_or_404(selectors.memberships_for_user(request.user), pk=pk)
    require(request.user, "volunteers.manage_team", membership)
    form = ServiceRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_record_add(
                actor=request.user, membership=membership, **form.cleaned_data
            )
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("服务记录已保存。"))
            return redirect("volunteers:model_worker_detail", membership.model_worker_id)
    context = {"form": form, "membership": membership}
    return render(request, "volunteers/service_record_form.html", context)


# Activities ------------------------------------------------------------------------------


@login_required
def activity_list(request):
    """Every year's activities; the type filter offers the current year's types and matches
    the type of the same code in each year."""
    form, activities = _activities_filtered(request)
    context = {"page": page_of(request, activities), "form": form}
    return render(request, "volunteers/activity_list.html", context)


def _activities_filtered(request):
    """The list's filter form and the activities it keeps: the list and its export."""
    many = may(request.user, "competition.view_all_units")
    form = ActivityFilterForm(
        request.GET,
        year=competition_selectors.current_year_for(request),
        units=competition_selectors.units_for_user(request.user) if many else None,
    )
    return form, form.filter(selectors.activities_for_user(request.user))


@login_required
def activity_detail(request, pk):
    activity = get_object_or_404(selectors.activity_detail_for_user(request.user), pk=pk)
    require(request.user, "volunteers.view_activity", activity)
    context = {
        "activity": activity,
        "photo_form": PhotoForm(),
        "quality_flags": quality.described(activity.quality_flags),
    }
    return render(request, "volunteers/activity_detail.html", context)


def _activity_form(request, activity: Activity):
    choose_unit = competition_selectors.own_unit(request.user) is None
    if activity.activity_type_id:
        year = activity.activity_type.year
    else:
        year = competition_selectors.current_year_for(request)
    form = ActivityForm(
        request.POST or None,
        instance=activity,
        year=year,
        unit=activity.unit if activity.unit_id else None,
        choose_unit=choose_unit,
    )
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_save(
                actor=request.user,
                activity=form.instance,
                model_workers=list(form.cleaned_data["model_workers"]),
            )
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("活动已保存。"))
            return redirect("volunteers:activity_detail", activity.pk)
    return render(request, "volunteers/activity_form.html", {"form": form, "activity": activity})


@login_required
def activity_create(request):
    require(request.user, "volunteers.add_activity")
    unit = competition_selectors.own_unit(request.user)
    return _activity_form(request, Activity(unit=unit) if unit else Activity())


@login_required
def activity_edit(request, pk):
    activity = get_object_or_404(selectors.activities_for_user(request.user), pk=pk)
    require(request.user, "volunteers.edit_activity", activity)
    return _activity_form(request, activity)


@login_required
@require_POST
def photo_upload(request, pk):
    activity = get_object_or_404(selectors.activities_for_user(request.user), pk=pk)
    require(request.user, "volunteers.upload_photo", activity)
    form = PhotoForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError(error_lines(form))
        photos = services.activity_photos_add(
            actor=request.user,
            activity=activity,
            uploads=form.cleaned_data["file"],
            caption=form.cleaned_data["caption"],
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已上传 %(count)s 张照片。") % {"count": len(photos)})
    return redirect("volunteers:activity_detail", activity.pk)


@login_required
def photo_download(request, pk):
    photo = get_object_or_404(selectors.photos_for_user(request.user), pk=pk)
    require(request.user, "volunteers.download_photo", photo)
    return file_response(photo.file, photo.original_name)


@login_required
def photo_thumbnail(request, pk):
    photo = get_object_or_404(selectors.photos_for_user(request.user), pk=pk)
    require(request.user, "volunteers.download_photo", photo)
    return thumbnail_response(photo.thumbnail)


@login_required
@require_http_methods(["GET", "POST"])
def activity_delete(request, pk):
    activity = get_object_or_404(selectors.activities_for_user(request.user), pk=pk)
    require(request.user, "volunteers.delete_activity", activity)
    back = reverse("volunteers:activity_detail", args=[activity.pk])
    if not confirmed(request):
        return confirm_page(
            request,
            title=_("删除活动"),
            question=_("确定删除活动“%(name)s”吗？其照片一并删除，且不再计入年度活动次数。")
            % {"name": activity},
            details=[(_("单位"), activity.unit.name), (_("活动日期"), activity.date.isoformat())],
            action_label=_("确认删除"),
            cancel_url=back,
        )
    try:
        services.activity_delete(actor=request.user, activity=activity)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(back)
    messages.success(request, _("活动已删除。"))
    return redirect("volunteers:activity_list")


@login_required
@require_http_methods(["GET", "POST"])
def photo_delete(request, pk):
    photo = get_object_or_404(selectors.photos_for_user(request.user), pk=pk)
    require(request.user, "volunteers.delete_photo", photo)
    back = reverse("volunteers:activity_detail", args=[photo.activity_id])
    if not confirmed(request):
        return confirm_page(
            request,
            title=_("删除照片"),
            question=_("确定删除照片“%(name)s”吗？删除后不能恢复。") % {"name": photo},
            details=[(_("活动"), str(photo.activity))],
            action_label=_("确认删除"),
            cancel_url=back,
        )
    try:
        services.activity_photo_delete(actor=request.user, photo=photo)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("照片已删除。"))
    return redirect(back)


# Excel: templates, exports, imports ------------------------------------------------------

RESOURCES = {"model_worker": ModelWorkerResource, "activity": ActivityResource}
TITLES = {"model_worker": gettext_lazy("劳动模范"), "activity": gettext_lazy("劳模扶贫活动")}


def _template(kind: str):
    resource = RESOURCES[kind]()
    sheets = [
        Sheet(str(TITLES[kind]), resource.get_export_headers(), []),
        Sheet(_("填写说明"), [_("列"), _("可填写的值")], template_notes(), widths=[20, 100]),
    ]
    return xlsx_response(sheets, _("%(title)s导入模板.xlsx") % {"title": str(TITLES[kind])})


def _export(request, kind: str, queryset):
    require(request.user, "volunteers.export")
    resource = RESOURCES[kind](show_phone=may(request.user, "volunteers.view_phone"))
    rows = (resource.export_resource(obj) for obj in queryset)
    sheet = Sheet(str(TITLES[kind]), resource.get_export_headers(), rows)
    return xlsx_response([sheet], f"{TITLES[kind]!s}.xlsx")


def _import(request, kind: str, service):
    require(request.user, "volunteers.import")
    form = ImportForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        outcome = service(actor=request.user, upload=form.cleaned_data["file"])
        if outcome.ok:
            messages.success(request, _("导入成功，共 %(n)s 条。") % {"n": outcome.created})
            return redirect(f"volunteers:{kind}_list")
    context = {"form": form, "outcome": outcome, "kind": kind, "title": str(TITLES[kind])}
    return render(request, "volunteers/import_form.html", context)


@login_required
def model_worker_template(request):
    require(request.user, "volunteers.import")
    return _template("model_worker")


@login_required
def activity_template(request):
    require(request.user, "volunteers.import")
    return _template("activity")


@login_required
def model_worker_export(request):
    """The list's model workers, under the same filters (its query string)."""
    _form, workers = _model_workers_filtered(request)
    return _export(request, "model_worker", workers)


@login_required
def activity_export(request):
    """The list's activities, under the same filters (its query string), in its order."""
    _form, activities = _activities_filtered(request)
    return _export(request, "activity", activities.prefetch_related("model_workers"))


@login_required
def model_worker_import(request):
    return _import(request, "model_worker", services.model_workers_import)


@login_required
def activity_import(request):
    return _import(request, "activity", services.activities_import)


# Quota progress --------------------------------------------------------------------------


def _quota_rows(year, types):
    rows = list(selectors.quota_progress(year, types=types))
    for row in rows:
        row.type_counts = [getattr(row, selectors.type_count_name(t)) for t in types]
    return rows


QUOTA_COLUMNS = (
    "pk",
    "name",
    "kind__name",
    "parent__name",
    "quota_override",
    "effective_quota",
    "activity_count",
    "behind",
)


@login_required
def quota(request):
    require(request.user, "volunteers.view_quota")
    # The year itself (its dates bound the counts, its tallies count the units behind);
    # the page and its links show its number.
    year = year_from(request)
    # Paginated at 50 like every list, over the bare units: counting and cutting the page
    # before aggregating spares two scans of the city's activities (the chart shows the
    # units of the page, the units-behind count covers them all).
    types = selectors.activity_types_for(year)
    counts = [selectors.type_count_name(t) for t in types]
    summary = selectors.quota_summary(year)
    by_parent = request.GET.get("group") == "parent"
    page = page_of(
        request,
        selectors.quota_units(year, by_parent=by_parent).values_list("pk", flat=True),
        # Plain rows (dicts): cheaper to build and for the template to read than models.
        details=lambda keys: selectors.quota_progress(year, units=keys, types=types).values(
            *QUOTA_COLUMNS, *counts
        ),
        count=summary["units"],
    )
    rows = page.object_list
    for row in rows:
        row["type_counts"] = [row[name] for name in counts]
    chart = {
        "labels": [row["name"] for row in rows],
        "counts": [row["activity_count"] for row in rows],
        "quotas": [row["effective_quota"] for row in rows],
        "countLabel": _("已组织活动"),
        "quotaLabel": _("要求数"),
    }
    context = {
        "year": year.year,
        "page": page,
        "rows": rows,
        "types": [t.name for t in types],
        "behind_count": summary["behind"],
        "by_parent": by_parent,
        "chart": chart,
    }
    return render(request, "volunteers/quota.html", context)


@login_required
def quota_export(request):
    require(request.user, "volunteers.view_quota")
    year = year_from(request)
    types = selectors.activity_types_for(year)
    headers = [_("单位"), _("类别"), _("要求数"), _("已组织活动"), *(t.name for t in types)]
    headers.append(_("完成情况"))
    rows = (
        [
            row.name,
            row.kind.name,
            row.effective_quota,
            row.activity_count,
            *row.type_counts,
            _("未完成") if row.behind else _("已完成"),
        ]
        for row in _quota_rows(year, types)
    )
    sheet = Sheet(_("%(year)s年活动完成情况") % {"year": year.year}, headers, rows)
    return xlsx_response([sheet], _("劳模扶贫活动完成情况-%(year)s.xlsx") % {"year": year.year})
