"""The unit's self-assessment (自查) page: its staff fill it in before the year's deadline; the
office and admins read it with the reviewers' means beside it; the unit reads the reviewers'
means once the year's results are published."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from common.web import put_errors

from . import permissions, selectors, services
from .forms import SelfAssessmentForm
from .web import year_from


@login_required
def self_assessment(request, pk):
    unit = get_object_or_404(selectors.units_for_user(request.user), pk=pk)
    permissions.require(request.user, "competition.view_self_assessment", unit)
    year = year_from(request)
    assessment = selectors.self_assessment_of(unit, year)
    editable = permissions.may(
        request.user, "competition.edit_self_assessment", unit
    ) and services.self_assessment_open(year)
    form = None
    if editable:
        criteria = selectors.criteria_of(year)
        form = SelfAssessmentForm(request.POST or None, criteria=criteria, assessment=assessment)
    if request.method == "POST":
        permissions.require(request.user, "competition.edit_self_assessment", unit)
        submit = "submit" in request.POST
        if form is not None and form.is_valid():
            try:
                services.self_assessment_save(
                    actor=request.user, year=year, unit=unit, scores=form.scores(), submit=submit
                )
            except ValidationError as exc:
                put_errors(form, exc, field_of=lambda code: f"points_{code}")
            else:
                messages.success(request, _("自查已提交。") if submit else _("自查已保存。"))
                return redirect(f"{request.path}?year={year.year}")
        elif form is None:
            messages.error(request, _("自查已截止或该年度已不在进行中，不能再修改。"))
            return redirect(f"{request.path}?year={year.year}")
    office_sees = permissions.may(request.user, "competition.view_all_units")
    context = {
        "unit": unit,
        "year": year,
        "assessment": assessment,
        "form": form,
        "rows": selectors.self_assessment_rows(unit, year, assessment),
        "show_office": office_sees or year.results_published,
    }
    return render(request, "competition/self_assessment.html", context)
