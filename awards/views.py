import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.confirm import confirm_page, confirmed
from common.errors import refusal
from common.forms import error_lines
from common.paging import page_of
from common.pdf import FontMissing
from common.uploads import file_response
from common.web import show_errors
from common.xlsx import xlsx_response
from competition import selectors as competition_selectors
from competition.permissions import may, require
from competition.web import own_unit_or_403, year_from

from . import export, selectors, services
from .certificates import batch_filename, certificate_filename
from .eligibility import assess_nomination
from .enums import EDITABLE_STAGES, Category, DecisionStage, RunStatus, ShortlistCategory
from .forms import (
    AttachmentForm,
    AwardLimitForm,
    DecisionForm,
    FindingForm,
    NominationFilterForm,
    NominationForm,
    OverrideForm,
    SettingsForm,
    ShortlistBuildForm,
    WithdrawFindingForm,
    WorkStartForm,
    YearOpenForm,
)

logger = logging.getLogger(__name__)


# --- nominations -----------------------------------------------------------------------------


@login_required
def nomination_list(request):
    year = year_from(request)
    form = NominationFilterForm(request.GET, initial={"year": year.year})
    nominations = form.filter(selectors.nominations_for_user(request.user).filter(year=year))
    nominations = nominations.order_by("category", "unit__name", "pk")
    years = services.evaluation_settings_for(year).min_service_years
    status = form.values().get("status")
    if status:
        # The status is worked out per nomination (awards.eligibility), so a filter by it
        # assesses the year's nominations (one query) and pages the matching ones.
        rows = [(n, assess_nomination(n, service_years=years)) for n in nominations]
        page = page_of(request, [row for row in rows if row[1].status == status])
        rows = page.object_list
    else:
        page = page_of(request, nominations)
        rows = [(n, assess_nomination(n, service_years=years)) for n in page.object_list]
    context = {"year": year, "years": competition_selectors.years(), "page": page, "rows": rows}
    context["form"] = form
    return render(request, "awards/nomination_list.html", context)


@login_required
def nomination_create(request):
    year = year_from(request)
    unit = own_unit_or_403(request)
    require(request.user, "awards.create_nomination", unit)
    entries = selectors.entries_to_nominate(unit, year)
    form = NominationForm(request.POST or None, unit=unit, year=year, entries=entries)
    if request.method == "POST" and form.is_valid():
        try:
            nomination = services.nomination_create(
                actor=request.user, unit=unit, year=year, data=form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("申报已保存。"))
            return redirect("awards:nomination_detail", pk=nomination.pk)
    context = {"form": form, "year": year, "settings": services.evaluation_settings_for(year)}
    return render(request, "awards/nomination_form.html", context)


@login_required
def nomination_detail(request, pk):
    nomination = selectors.nomination_for_user(request.user, pk)
    require(request.user, "awards.view_nomination", nomination)
    years = services.evaluation_settings_for(nomination.year).min_service_years
    context = {
        "nomination": nomination,
        "verdict": assess_nomination(nomination, service_years=years),
        "override_form": OverrideForm(
            initial={"override": nomination.override, "reason": nomination.override_reason}
        ),
        "attachment_form": AttachmentForm(),
        "findings": selectors.findings_of(nomination),
        "finding_form": FindingForm(nomination=nomination),
        "work_starts": selectors.work_starts_of(nomination),
        "work_start_form": WorkStartForm(nomination=nomination),
    }
    return render(request, "awards/nomination_detail.html", context)


@login_required
@require_POST
def work_start_create(request, pk):
    nomination = selectors.nomination_for_user(request.user, pk)
    require(request.user, "awards.record_work_start", nomination)
    form = WorkStartForm(request.POST, nomination=nomination)
    if form.is_valid():
        try:
            services.work_start_record(
                actor=request.user, nomination=nomination, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(request, _("扶贫工作起始日期已记录，评选资格按此重新核定。"))
    else:
        show_errors(request, form)
    return redirect("awards:nomination_detail", pk=pk)


@login_required
@require_POST
def finding_create(request, pk):
    nomination = selectors.nomination_for_user(request.user, pk)
    require(request.user, "awards.record_finding", nomination)
    form = FindingForm(request.POST, nomination=nomination)
    if form.is_valid():
        try:
            services.finding_record(actor=request.user, nomination=nomination, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(request, _("违纪违法记录已保存；该推荐对象不再符合条件。"))
    else:
        show_errors(request, form)
    return redirect("awards:nomination_detail", pk=pk)


@login_required
@require_POST
def finding_withdraw(request, pk, finding_pk):
    nomination = selectors.nomination_for_user(request.user, pk)
    require(request.user, "awards.withdraw_finding", nomination)
    finding = get_object_or_404(selectors.findings_of(nomination), pk=finding_pk)
    form = WithdrawFindingForm(request.POST)
    if form.is_valid():
        try:
            services.finding_withdraw(
                actor=request.user,
                finding=finding,
                nomination=nomination,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(request, _("记录已撤销。"))
    else:
        show_errors(request, form)
    return redirect("awards:nomination_detail", pk=pk)


@login_required
def nomination_edit(request, pk):
    nomination = selectors.nomination_for_user(request.user, pk)
    require(request.user, "awards.edit_nomination", nomination)
    entries = selectors.entries_to_nominate(nomination.unit, nomination.year)
    form = NominationForm(
        request.POST or None,
        instance=nomination,
        unit=nomination.unit,
        year=nomination.year,
        entries=entries,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.nomination_update(
                actor=request.user, nomination=nomination, data=form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("申报已保存。"))
            return redirect("awards:nomination_detail", pk=pk)
    context = {
        "form": form,
        "year": nomination.year,
        "nomination": nomination,
        "settings": services.evaluation_settings_for(nomination.year),
    }
    return render(request, "awards/nomination_form.html", context)


@login_required
@require_POST
def nomination_override(request, pk):
    nomination = selectors.nomination_for_user(request.user, pk)
    require(request.user, "awards.override_eligibility", nomination)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("awards:nomination_detail", pk=pk)
    services.nomination_override(
        actor=request.user,
        nomination=nomination,
        override=form.cleaned_data["override"],
        reason=form.cleaned_data["reason"],
    )
    messages.success(request, _("资格审查意见已保存。"))
    return redirect("awards:nomination_detail", pk=pk)


@login_required
@require_POST
def attachment_upload(request, pk):
    nomination = selectors.nomination_for_user(request.user, pk)
    require(request.user, "awards.edit_nomination", nomination)
    form = AttachmentForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError(error_lines(form))
        services.nomination_attachment_add(
            actor=request.user, nomination=nomination, upload=form.cleaned_data["file"]
        )
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, _("附件已上传。"))
    return redirect("awards:nomination_detail", pk=pk)


@login_required
def attachment_download(request, pk):
    attachment = selectors.attachment_for_user(request.user, pk)
    require(request.user, "awards.download_attachment", attachment)
    return file_response(attachment.file, attachment.original_name)


@login_required
@require_http_methods(["GET", "POST"])
def nomination_delete(request, pk):
    nomination = selectors.nomination_for_user(request.user, pk)
    require(request.user, "awards.delete_nomination", nomination)
    back = reverse("awards:nomination_detail", args=[nomination.pk])
    if not confirmed(request):
        return confirm_page(
            request,
            title=_("删除申报"),
            question=_("确定删除对“%(name)s”的申报吗？其附件一并删除。")
            % {"name": nomination.recipient},
            details=[(_("申报类别"), nomination.get_category_display())],
            action_label=_("确认删除"),
            cancel_url=back,
        )
    try:
        services.nomination_delete(actor=request.user, nomination=nomination)
    except ValidationError as exc:
        show_errors(request, exc)
        return redirect(back)
    messages.success(request, _("申报已删除。"))
    return redirect("awards:nomination_list")


@login_required
@require_http_methods(["GET", "POST"])
def attachment_delete(request, pk):
    attachment = selectors.attachment_for_user(request.user, pk)
    require(request.user, "awards.edit_nomination", attachment.nomination)
    back = reverse("awards:nomination_detail", args=[attachment.nomination_id])
    if not confirmed(request):
        return confirm_page(
            request,
            title=_("删除附件"),
            question=_("确定删除附件“%(name)s”吗？删除后不能恢复。")
            % {"name": attachment.original_name},
            details=[(_("申报"), str(attachment.nomination))],
            action_label=_("确认删除"),
            cancel_url=back,
        )
    try:
        services.nomination_attachment_delete(actor=request.user, attachment=attachment)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, _("附件已删除。"))
    return redirect(back)


# --- evaluation runs -------------------------------------------------------------------------


def _settings_form(rules: dict, data=None) -> SettingsForm:
    """The rules form over `services.evaluation_rules(year)`."""
    return SettingsForm(
        data, instance=rules["settings"], rules=rules["rules"], awards=rules["awards"]
    )


def _units(request):
    return competition_selectors.units_for_user(request.user).order_by("kind__order", "name")


@login_required
def evaluation(request):
    year = year_from(request)
    require(request.user, "awards.view_evaluation", year)
    runs = selectors.runs_for_user(request.user).filter(year=year)
    rules = services.evaluation_rules(year)
    context = {
        "year": year,
        "years": competition_selectors.years(),
        "page": page_of(request, runs),
        "settings": rules["settings"],
        "tie_break": rules["tie_break"],
        "awards": rules["awards"].values(),
        "award_limits": selectors.award_limits(year),
        "settings_form": _settings_form(rules),
        "limit_form": AwardLimitForm(units=_units(request)),
    }
    return render(request, "awards/evaluation.html", context)


def _back(year):
    return redirect(f"{reverse('awards:evaluation')}?year={year.year}#settings")


@login_required
@require_POST
def settings_save(request):
    year = year_from(request)
    require(request.user, "awards.run_evaluation", year)
    form = _settings_form(services.evaluation_rules(year), request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([m for errors in form.errors.values() for m in errors])
        services.evaluation_settings_save(actor=request.user, year=year, data=form.cleaned_data)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, _("评选设置已保存，下次排名时生效。"))
    return _back(year)


@login_required
@require_POST
def award_limit_set(request):
    year = year_from(request)
    require(request.user, "awards.run_evaluation", year)
    form = AwardLimitForm(request.POST, units=_units(request))
    try:
        if not form.is_valid():
            raise ValidationError([m for errors in form.errors.values() for m in errors])
        unit, limit = form.cleaned_data["unit"], form.cleaned_data["max_awards"]
        services.unit_award_limit_set(actor=request.user, year=year, unit=unit, max_awards=limit)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, _("已保存“%(unit)s”的表彰名额。") % {"unit": unit.name})
    return _back(year)


@login_required
@require_POST
def run_start(request):
    year = year_from(request)
    require(request.user, "awards.run_evaluation", year)
    run = services.evaluation_run_start(actor=request.user, year=year)
    messages.success(request, _("已开始计算评选排名，请稍候。"))
    return redirect("awards:run_detail", pk=run.pk)


TABS = {
    "entries": selectors.entry_rankings,
    "units": selectors.unit_rankings,
    "collective": lambda run: selectors.nomination_rankings(run, Category.COLLECTIVE),
    "individual": lambda run: selectors.nomination_rankings(run, Category.INDIVIDUAL),
}


@login_required
def run_detail(request, pk):
    run = selectors.run_for_user(request.user, pk)
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "entries"
    context = {"run": run, "tab": tab, "page": page_of(request, TABS[tab](run))}
    return render(request, "awards/run_detail.html", context)


@login_required
def export_run(request, pk):
    run = selectors.run_for_user(request.user, pk)
    require(request.user, "awards.export_shortlist", run)
    return xlsx_response(export.run_sheets(run), export.export_filename(run))


@login_required
def priority_export(request, pk):
    run = selectors.run_for_user(request.user, pk)
    require(request.user, "awards.view_priority_list", run)
    return xlsx_response(export.priority_sheets(run), export.priority_filename(run))


# --- shortlist, decisions, certificates ------------------------------------------------------


@login_required
def shortlist(request, pk):
    run = selectors.run_for_user(request.user, pk)
    items = list(selectors.shortlist(run))
    # Eligibility now, from the records: a change since shortlisting is shown and blocks
    # the decision until it is resolved (`services.shortlist_decide` checks it again).
    nominees = {
        item.pk: item.nomination_ranking.nomination_id for item in items if item.nomination_ranking
    }
    verdicts = services.live_verdicts(run, [n for n in nominees.values() if n])
    for item in items:
        verdict = verdicts.get(nominees.get(item.pk))
        item.changed_eligibility = verdict if verdict and not verdict.shortlistable else None
    awards = selectors.year_awards(run.year)
    groups = [
        (
            label,
            [
                (item, DecisionForm(item=item, award=awards[value]))
                for item in items
                if item.category == value
            ],
        )
        for value, label in ShortlistCategory.choices
    ]
    decision = selectors.decision_of(run)
    editable = decision is None or decision.stage in EDITABLE_STAGES
    context = {
        "run": run,
        "groups": groups,
        "decision": decision,
        "editable": editable,
        # The forms only while the decisions are the office's proposal (frozen from submission).
        "can_manage": editable and may(request.user, "awards.manage_shortlist", run),
        "published": decision is not None and decision.stage == DecisionStage.PUBLISHED,
        "build_form": ShortlistBuildForm(),
        "batches": selectors.certificate_batches(run)[:5],
    }
    return render(request, "awards/shortlist.html", context)


@login_required
@require_POST
def shortlist_build(request, pk):
    run = selectors.run_for_user(request.user, pk)
    require(request.user, "awards.manage_shortlist", run)
    form = ShortlistBuildForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.non_field_errors() or _("请检查填写的内容。"))
        data = form.cleaned_data
        created = services.shortlist_build(
            actor=request.user,
            run=run,
            category=data["category"],
            top_n=data["top_n"],
            threshold=data["threshold"],
        )
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        if created:
            messages.success(request, _("已新增%(n)s名入围对象。") % {"n": len(created)})
        else:  # e.g. another admin built the same list a moment ago
            messages.info(
                request, _("没有新增入围对象：符合条件的都已在入围名单上，或没有符合条件的。")
            )
    return redirect("awards:shortlist", pk=pk)


def _item(request, pk):
    return selectors.shortlist_item_for_user(request.user, pk)


@login_required
@require_POST
def shortlist_decide(request, pk):
    item = _item(request, pk)
    require(request.user, "awards.manage_shortlist", item)
    award = selectors.year_awards(item.run.year)[item.category]
    form = DecisionForm(request.POST, item=item, award=award)
    try:
        if not form.is_valid():
            raise ValidationError(_("请检查表彰决定。"))
        services.shortlist_decide(actor=request.user, item=item, **form.cleaned_data)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, _("已保存对“%(name)s”的表彰决定。") % {"name": item.recipient})
    return redirect("awards:shortlist", pk=item.run_id)


@login_required
@require_http_methods(["GET", "POST"])
def shortlist_remove(request, pk):
    item = _item(request, pk)
    require(request.user, "awards.manage_shortlist", item)
    if not confirmed(request):
        return confirm_page(
            request,
            title=_("移出入围名单"),
            question=_("确定将“%(name)s”移出入围名单吗？") % {"name": item.recipient},
            details=[(_("入围类别"), item.get_category_display())],
            action_label=_("确认移出"),
            cancel_url=reverse("awards:shortlist", args=[item.run_id]),
        )
    services.shortlist_remove(actor=request.user, item=item)
    messages.success(request, _("已将“%(name)s”移出入围名单。") % {"name": item.recipient})
    return redirect("awards:shortlist", pk=item.run_id)


def _font_missing(request, exc: FontMissing):
    logger.error("PDF certificate refused: %s", exc)
    return refusal(request, str(exc), title=_("证书暂时无法生成"), status=503)


@login_required
def certificate(request, pk):
    """The award's numbered PDF certificate (issued on the first download)."""
    item = _item(request, pk)
    require(request.user, "awards.view_certificate", item)
    try:
        certificate = services.certificate_issue(actor=request.user, item=item)
    except ValidationError as exc:
        return refusal(request, " ".join(exc.messages), title=_("证书尚未颁发"))
    except FontMissing as exc:
        return _font_missing(request, exc)
    return file_response(certificate.file, certificate_filename(certificate, item))


@login_required
@require_POST
def certificate_batch_start(request, pk):
    run = selectors.run_for_user(request.user, pk)
    require(request.user, "awards.print_certificates", run)
    try:
        batch = services.certificate_batch_start(actor=request.user, run=run)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        batch.refresh_from_db()
        if batch.status == RunStatus.DONE:
            messages.success(request, _("已生成%(n)s份证书的打印文件。") % {"n": batch.count})
        elif batch.status == RunStatus.FAILED:
            messages.error(request, batch.error)
        else:
            messages.success(request, _("正在生成证书打印文件，请稍后刷新本页。"))
    return redirect("awards:shortlist", pk=pk)


@login_required
def certificate_batch_download(request, pk):
    batch = selectors.certificate_batch_for_user(request.user, pk)
    require(request.user, "awards.print_certificates", batch.run)
    if not batch.file:
        raise Http404(_("证书打印文件尚未生成。"))
    return file_response(batch.file, batch_filename(batch))


@login_required
def year_open(request):
    """开启新年度: choose the year to copy and the new number, see what is copied, confirm."""
    require(request.user, "competition.manage_years")
    years = competition_selectors.years()
    form = YearOpenForm(request.POST or request.GET or None, years=years)
    plan = None
    if form.is_valid():
        source, number = form.cleaned_data["source"], form.cleaned_data["year"]
        plan = services.year_open_preview(source=source, number=number)
        if request.method == "POST" and request.POST.get("confirm") == "1":
            try:
                year = services.year_open(actor=request.user, source=source, number=number)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request, _("%(year)s年度已开启，可继续调整其规则。") % {"year": year.year}
                )
                return redirect("competition:year_list")
    return render(request, "awards/year_open.html", {"form": form, "plan": plan})
