"""Reads for the competition core, always scoped to what the user may see."""

import datetime

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from . import permissions
from .enums import YearStatus
from .models import CompetitionYear, ReportingPeriod, Unit


def units_for_user(user) -> QuerySet[Unit]:
    """Every unit for office and admins; unit staff only their own; nobody else anything."""
    units = Unit.objects.select_related("kind", "parent")
    if permissions.may(user, "competition.view_all_units"):
        return units
    unit_id = permissions.unit_id_of(user)
    if unit_id is None or not permissions.is_unit_staff(user):
        return units.none()
    return units.filter(pk=unit_id)


def unit_for_user(user, pk) -> Unit:
    """One unit, 404 when out of the user's scope."""
    return get_object_or_404(units_for_user(user), pk=pk)


def units_active_between(start: datetime.date, end: datetime.date) -> QuerySet[Unit]:
    """Units that took part during [start, end]: the denominators of reporting rates."""
    return Unit.objects.filter(is_active=True).filter(
        Q(active_from__isnull=True) | Q(active_from__lte=end),
        Q(active_until__isnull=True) | Q(active_until__gte=start),
    )


def current_year(today: datetime.date | None = None) -> CompetitionYear | None:
    """The open year containing today, else the latest open one, else the latest one."""
    today = today or timezone.localdate()
    years = CompetitionYear.objects.all()
    return (
        years.filter(status=YearStatus.OPEN, start_date__lte=today, end_date__gte=today).first()
        or years.filter(status=YearStatus.OPEN).first()
        or years.first()
    )


def current_period(today: datetime.date | None = None) -> ReportingPeriod | None:
    """The period whose deadline comes next in the current year, else its last one."""
    today = today or timezone.localdate()
    year = current_year(today)
    if year is None:
        return None
    periods = ReportingPeriod.objects.filter(year=year).select_related("year")
    return periods.filter(deadline__gte=today).order_by("deadline").first() or periods.last()


def years() -> QuerySet[CompetitionYear]:
    return CompetitionYear.objects.all()


def year_by_number(number: int) -> CompetitionYear:
    return get_object_or_404(CompetitionYear, year=number)
