"""A year's rules in the portal (admins): criteria, quotas, the units taking part, reporting
periods. Reachable from the years page; the evaluation rules are the awards app's page.

Every page is read-only for a closed year (`competition.edit_year_rules`); its writes are
refused by the services anyway (`year_require_unsealed`), and say so in a message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.confirm import confirm_page, confirmed
from common.paging import page_of
from common.web import put_errors

from . import selectors, services
from .forms import (
    CriterionForm,
    KindQuotasForm,
    ParticipationEndForm,
    ParticipationStartForm,
    PeriodForm,
    PeriodsReplaceForm,
    QualityRuleForm,
    UnitQuotaForm,
    YearSettingsForm,
)
from .web import managed_year


def _units(request):
    return selectors.units_for_user(request.user).order_by("kind__order", "name")


def _refused(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _failed(request, form, exc: ValidationError) -> bool:
    """Put a service's refusal of some fields on the form; one of the whole write (a sealed
    year, a year no longer open, whose page shows no form) in a message: True then, to
    redirect back."""
    if not hasattr(exc, "error_dict"):
        _refused(request, exc)
        return True
    put_errors(form, exc)
    return False


def _render(request, template, year, **context):
    return render(request, f"competition/{template}", {"year": year, **context})


# --- the year's own settings -------------------------------------------------------------------


@login_required
def year_settings(request, pk):
    year = managed_year(request, pk)
    form = YearSettingsForm(request.POST or None, instance=year)
    if request.method == "POST" and form.is_valid():
        try:
            services.competition_year_update(actor=request.user, year=year, **form.cleaned_data)
        except ValidationError as exc:
            if _failed(request, form, exc):
                return redirect("competition:year_settings", pk=year.pk)
        else:
            messages.success(request, _("%(year)s年度设置已保存。") % {"year": year.year})
            return redirect("competition:year_settings", pk=year.pk)
    # The form changed the object it edits; the page's heading shows the stored year.
    stored = get_object_or_404(selectors.years(), pk=year.pk)
    return _render(request, "year_settings.html", stored, form=form)


# --- criteria --------------------------------------------------------------------------------


@login_required
def year_criteria(request, pk):
    year = managed_year(request, pk)
    form = CriterionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            criterion = services.criterion_save(actor=request.user, year=year, **form.cleaned_data)
        except ValidationError as exc:
            if _failed(request, form, exc):
                return redirect("competition:year_criteria", pk=year.pk)
        else:
            messages.success(request, _("已新增评比标准“%(name)s”。") % {"name": criterion.name})
            return redirect("competition:year_criteria", pk=year.pk)
    criteria = selectors.criteria_of(year)
    return _render(request, "criterion_list.html", year, criteria=criteria, form=form)


@login_required
def criterion_edit(request, pk, criterion_pk):
    year = managed_year(request, pk)
    criterion = get_object_or_404(year.criteria, pk=criterion_pk)
    form = CriterionForm(request.POST or None, instance=criterion)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_save(
                actor=request.user, year=year, criterion=criterion, **form.cleaned_data
            )
        except ValidationError as exc:
            if _failed(request, form, exc):
                return redirect("competition:year_criteria", pk=year.pk)
        else:
            messages.success(request, _("评比标准“%(name)s”已保存。") % {"name": criterion.name})
            return redirect("competition:year_criteria", pk=year.pk)
    return _render(request, "criterion_form.html", year, criterion=criterion, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def criterion_delete(request, pk, criterion_pk):
    year = managed_year(request, pk)
    criterion = get_object_or_404(year.criteria, pk=criterion_pk)
    if not confirmed(request):
        return confirm_page(
            request,
            title=_("删除评比标准"),
            question=_("确定删除%(year)s年度的评比标准“%(name)s”吗？")
            % {"year": year.year, "name": criterion.name},
            action_label=_("确认删除"),
            cancel_url=reverse("competition:year_criteria", args=[year.pk]),
        )
    try:
        services.criterion_delete(actor=request.user, criterion=criterion)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("已删除评比标准“%(name)s”。") % {"name": criterion.name})
    return redirect("competition:year_criteria", pk=year.pk)


# --- quotas ----------------------------------------------------------------------------------


def _quotas_form(year, data=None) -> KindQuotasForm:
    quotas = {row.kind_id: row.quota for row in selectors.kind_quotas(year)}
    return KindQuotasForm(data, kinds=selectors.unit_kinds(), quotas=quotas)


@login_required
def year_quotas(request, pk):
    year = managed_year(request, pk)
    form = _quotas_form(year, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.kind_quotas_save(actor=request.user, year=year, quotas=form.quotas)
        except ValidationError as exc:
            if _failed(request, form, exc):
                return redirect("competition:year_quotas", pk=year.pk)
        else:
            messages.success(request, _("%(year)s年度的活动数要求已保存。") % {"year": year.year})
            return redirect("competition:year_quotas", pk=year.pk)
    context = {
        "kind_quotas": selectors.kind_quotas(year),
        "unit_quotas": selectors.unit_quotas(year),
        "form": form,
        "unit_form": UnitQuotaForm(units=_units(request)),
    }
    return _render(request, "quota_list.html", year, **context)


@login_required
@require_POST
def unit_quota_set(request, pk):
    year = managed_year(request, pk)
    form = UnitQuotaForm(request.POST, units=_units(request))
    try:
        if not form.is_valid():
            raise ValidationError([m for errors in form.errors.values() for m in errors])
        unit, quota = form.cleaned_data["unit"], form.cleaned_data["quota"]
        services.unit_quota_set(actor=request.user, year=year, unit=unit, quota=quota)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("已保存“%(unit)s”的活动数要求。") % {"unit": unit.name})
    return redirect("competition:year_quotas", pk=year.pk)


# --- the units taking part -------------------------------------------------------------------


@login_required
def year_units(request, pk):
    year = managed_year(request, pk)
    units = _units(request)
    context = {
        "page": page_of(request, selectors.units_with_participations(year)),
        "start_form": ParticipationStartForm(units=units, initial={"date": year.start_date}),
        "end_form": ParticipationEndForm(units=units),
    }
    return _render(request, "participation_list.html", year, **context)


def _participation(request, pk, form_class, service, done):
    year = managed_year(request, pk)
    form = form_class(request.POST, units=_units(request))
    try:
        if not form.is_valid():
            raise ValidationError([m for errors in form.errors.values() for m in errors])
        data = form.cleaned_data
        service(actor=request.user, **data)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, done % {"unit": data["unit"].name, "date": data["date"]})
    return redirect("competition:year_units", pk=year.pk)


@login_required
@require_POST
def participation_start(request, pk):
    done = _("“%(unit)s”自 %(date)s 起参赛。")
    return _participation(request, pk, ParticipationStartForm, services.participation_start, done)


@login_required
@require_POST
def participation_end(request, pk):
    done = _("“%(unit)s”自 %(date)s 起退出竞赛。")
    return _participation(request, pk, ParticipationEndForm, services.participation_end, done)


# --- reporting periods -----------------------------------------------------------------------


@login_required
def year_periods(request, pk):
    year = managed_year(request, pk)
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.period_save(actor=request.user, year=year, **form.cleaned_data)
        except ValidationError as exc:
            if _failed(request, form, exc):
                return redirect("competition:year_periods", pk=year.pk)
        else:
            messages.success(request, _("已新增报送期“%(name)s”。") % {"name": period.name})
            return redirect("competition:year_periods", pk=year.pk)
    context = {
        "periods": selectors.periods_of(year),
        "reports": selectors.report_counts_by_period(year),
        "form": form,
        "replace_form": PeriodsReplaceForm(),
    }
    return _render(request, "period_list.html", year, **context)


@login_required
def period_edit(request, pk, period_pk):
    year = managed_year(request, pk)
    period = get_object_or_404(selectors.periods_of(year), pk=period_pk)
    form = PeriodForm(request.POST or None, instance=period)
    if request.method == "POST" and form.is_valid():
        try:
            services.period_save(actor=request.user, year=year, period=period, **form.cleaned_data)
        except ValidationError as exc:
            if _failed(request, form, exc):
                return redirect("competition:year_periods", pk=year.pk)
        else:
            messages.success(request, _("报送期“%(name)s”已保存。") % {"name": period.name})
            return redirect("competition:year_periods", pk=year.pk)
    return _render(request, "period_form.html", year, period=period, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def period_delete(request, pk, period_pk):
    year = managed_year(request, pk)
    period = get_object_or_404(selectors.periods_of(year), pk=period_pk)
    if not confirmed(request):
        return confirm_page(
            request,
            title=_("删除报送期"),
            question=_("确定删除报送期“%(name)s”吗？") % {"name": period},
            details=[(_("报送截止日"), period.deadline.isoformat())],
            action_label=_("确认删除"),
            cancel_url=reverse("competition:year_periods", args=[year.pk]),
        )
    try:
        services.period_delete(actor=request.user, period=period)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("已删除报送期“%(name)s”。") % {"name": period.name})
    return redirect("competition:year_periods", pk=year.pk)


@login_required
@require_POST
def periods_replace(request, pk):
    year = managed_year(request, pk)
    form = PeriodsReplaceForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([m for errors in form.errors.values() for m in errors])
        periods = services.periods_replace(actor=request.user, year=year, **form.cleaned_data)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _("%(year)s年度的报送期已替换为%(n)s期。") % {"year": year.year, "n": len(periods)},
        )
    return redirect("competition:year_periods", pk=year.pk)


# --- data-quality rules ----------------------------------------------------------------------


@login_required
def year_quality(request, pk):
    year = managed_year(request, pk)
    form = QualityRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.quality_rule_save(actor=request.user, year=year, **form.cleaned_data)
        except ValidationError as exc:
            if _failed(request, form, exc):
                return redirect("competition:year_quality", pk=year.pk)
        else:
            messages.success(request, _("已新增数据质量规则（序号 %(n)s）。") % {"n": rule.number})
            return redirect("competition:year_quality", pk=year.pk)
    rules = selectors.quality_rules_of(year)
    return _render(request, "quality_rule_list.html", year, rules=rules, form=form)


@login_required
def quality_rule_edit(request, pk, rule_pk):
    year = managed_year(request, pk)
    rule = get_object_or_404(year.quality_rules, pk=rule_pk)
    form = QualityRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.quality_rule_save(
                actor=request.user, year=year, rule=rule, **form.cleaned_data
            )
        except ValidationError as exc:
            if _failed(request, form, exc):
                return redirect("competition:year_quality", pk=year.pk)
        else:
            messages.success(request, _("数据质量规则（序号 %(n)s）已保存。") % {"n": rule.number})
            return redirect("competition:year_quality", pk=year.pk)
    return _render(request, "quality_rule_form.html", year, rule=rule, form=form)


@login_required
@require_POST
def quality_rule_delete(request, pk, rule_pk):
    year = managed_year(request, pk)
    rule = get_object_or_404(year.quality_rules, pk=rule_pk)
    try:
        services.quality_rule_delete(actor=request.user, rule=rule)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("已删除数据质量规则（序号 %(n)s）。") % {"n": rule.number})
    return redirect("competition:year_quality", pk=year.pk)
