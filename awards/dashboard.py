"""The awards app's panels: the evaluation on the office's home page, a unit's awards."""

from common.panels import Panel
from competition import permissions
from competition import selectors as competition_selectors

from . import selectors


def home_panels(request):
    if not permissions.may(request.user, "awards.view_evaluation"):
        return []
    year = competition_selectors.current_year_for(request)
    if year is None:
        return []
    context = {
        "year": year,
        "run": selectors.runs_for_user(request.user).filter(year=year).first(),
        "nominations": selectors.nominations_for_user(request.user).filter(year=year).count(),
    }
    return [Panel("awards/_panel_evaluation.html", context, order=40)]


def unit_panels(request, unit):
    if not permissions.may(request.user, "competition.view_unit", unit):
        return []
    awards = list(selectors.awards_of_unit(unit)[:10])
    if not awards:
        return []
    return [Panel("awards/_panel_unit_awards.html", {"awards": awards}, order=40)]
