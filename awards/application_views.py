"""Applications for the 五一劳动奖状 (按程序申报): a unit applies with its statement and
evidence against the year's conditions; the office reviews."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.paging import page_of
from common.web import show_errors
from competition import selectors as competition_selectors
from competition.permissions import may, require
from competition.web import own_unit_or_403, year_from

from . import selectors, services
from .enums import ApplicationStatus
from .forms import ApplicationForm, ApplicationReviewForm


def _conditions(unit, year):
    return selectors.application_conditions(unit, year, services.evaluation_settings_for(year))


@login_required
def application_list(request):
    year = year_from(request)
    require(request.user, "awards.view_applications")
    applications = selectors.applications_for_user(request.user).filter(year=year)
    status = request.GET.get("status", "")
    if status in ApplicationStatus.values:
        applications = applications.filter(status=status)
    context = {
        "year": year,
        "years": competition_selectors.years(),
        "page": page_of(request, applications),
        "status": status,
        "statuses": ApplicationStatus.choices,
    }
    unit = request.user.membership.unit if hasattr(request.user, "membership") else None
    if unit is not None and may(request.user, "awards.apply_for_unit", unit):
        context["own"] = applications.filter(unit=unit).first()
        context["conditions"] = _conditions(unit, year)
    return render(request, "awards/application_list.html", context)


@login_required
def application_apply(request):
    year = year_from(request)
    unit = own_unit_or_403(request)
    require(request.user, "awards.apply_for_unit", unit)
    existing = selectors.applications_for_user(request.user).filter(year=year, unit=unit).first()
    form = ApplicationForm(request.POST or None, instance=existing)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(
                actor=request.user, unit=unit, year=year, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(request, _("奖状申报已提交，等待竞赛办公室审核。"))
            return redirect("awards:application_detail", pk=application.pk)
    context = {"form": form, "year": year, "unit": unit, "conditions": _conditions(unit, year)}
    return render(request, "awards/application_form.html", context)


@login_required
def application_detail(request, pk):
    application = selectors.application_for_user(request.user, pk)
    require(request.user, "awards.view_application", application)
    context = {
        "application": application,
        "conditions": _conditions(application.unit, application.year),
        "review_form": ApplicationReviewForm(),
        "history": application.history.select_related("history_user").order_by("-history_date"),
    }
    return render(request, "awards/application_detail.html", context)


@login_required
@require_POST
def application_review(request, pk):
    application = selectors.application_for_user(request.user, pk)
    require(request.user, "awards.review_application", application)
    form = ApplicationReviewForm(request.POST)
    if form.is_valid():
        try:
            services.application_review(
                actor=request.user, application=application, **form.cleaned_data
            )
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(request, _("审核结果已保存，已通知申报单位。"))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("awards:application_detail", pk=pk)
