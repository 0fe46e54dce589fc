"""The competition year and unit a request is about, the same way for every app's views."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from . import permissions, selectors
from .models import CompetitionYear, Unit


def year_from(request) -> CompetitionYear:
    """The year chosen with ?year=, else the current one (404 for an unknown year)."""
    number = request.GET.get("year")
    if number and number.isdigit():
        return selectors.year_by_number(int(number))
    year = selectors.current_year()
    if year is None:
        raise Http404(_("尚未设置竞赛年度。"))
    return year


def own_unit_or_403(request) -> Unit:
    """The unit the user works for; refused to anyone without one."""
    unit = selectors.own_unit(request.user)
    if unit is None:
        raise PermissionDenied
    return unit


def managed_year(request, pk) -> CompetitionYear:
    """The year an admin's rules page is about (admins only; 404 for an unknown year)."""
    permissions.require(request.user, "competition.manage_years")
    return get_object_or_404(selectors.years(), pk=pk)
