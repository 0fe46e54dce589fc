"""Writes for the competition core. Each takes an acting user and runs in one transaction."""

import datetime

from django.db import transaction

from .enums import Role, YearStatus
from .models import CompetitionYear, Membership, ReportingPeriod, Unit, default_evaluation_date

DEADLINE_DAYS_AFTER_QUARTER = 10


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, 3 * quarter - 2, 1)
    if quarter == 4:
        end = datetime.date(year, 12, 31)
    else:
        end = datetime.date(year, 3 * quarter + 1, 1) - datetime.timedelta(days=1)
    return start, end


@transaction.atomic
def competition_year_create(
    *,
    actor,
    year: int,
    title: str = "",
    theme: str | None = None,
    evaluation_date: datetime.date | None = None,
    deadline_days: int = DEADLINE_DAYS_AFTER_QUARTER,
) -> CompetitionYear:
    """Create a competition year with its four quarterly reporting periods.

    Each deadline defaults to `deadline_days` after the quarter ends; the evaluation date to
    15 April of the following year, so that rankings are ready before May Day.
    """
    competition_year = CompetitionYear(
        year=year,
        title=title or f"{year}年度打赢脱贫攻坚战劳动竞赛",
        start_date=datetime.date(year, 1, 1),
        end_date=datetime.date(year, 12, 31),
        evaluation_date=evaluation_date or default_evaluation_date(year),
        status=YearStatus.OPEN,
    )
    if theme:
        competition_year.theme = theme
    competition_year.full_clean()
    competition_year.save()
    periods_ensure(actor=actor, competition_year=competition_year, deadline_days=deadline_days)
    return competition_year


@transaction.atomic
def periods_ensure(
    *, actor, competition_year: CompetitionYear, deadline_days: int = DEADLINE_DAYS_AFTER_QUARTER
) -> list[ReportingPeriod]:
    """Create whichever of the year's four periods are missing; existing ones are kept."""
    periods = []
    for quarter in range(1, 5):
        start, end = quarter_bounds(competition_year.year, quarter)
        period, _created = ReportingPeriod.objects.get_or_create(
            year=competition_year,
            quarter=quarter,
            defaults={
                "start": start,
                "end": end,
                "deadline": end + datetime.timedelta(days=deadline_days),
            },
        )
        periods.append(period)
    return periods


@transaction.atomic
def membership_set(*, actor, user, role: str, unit: Unit | None = None) -> Membership:
    """Give a user a role (and, for unit staff, a unit), replacing any earlier one."""
    membership = Membership.objects.filter(user=user).first() or Membership(user=user)
    membership.role = role
    membership.unit = unit
    membership.full_clean()
    membership.save()
    if role == Role.ADMIN and not (user.is_staff and user.is_superuser):
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    return membership
