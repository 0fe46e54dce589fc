"""Factories for the scoring tests."""

from decimal import Decimal

from competition import services
from competition.models import Entry, ScoreSheet
from tests import factories


def entry(unit, year, *, title=None, number=1, **kwargs) -> Entry:
    return Entry.objects.create(
        unit=unit,
        year=year,
        nine_project=factories.nine_project(number),
        title=title or f"{unit.name}帮扶项目{Entry.objects.count() + 1}",
        description="项目简介",
        target_villages="桃园村",
        target_households=kwargs.pop("households", 20),
        **kwargs,
    )


def sheet(entry, reviewer, work, effect, income, satisfaction, comment="") -> ScoreSheet:
    """A sheet written straight to the database (no rule checks): for arranging aggregates.
    The entry's score summary is refreshed as the scoring service does."""
    sheet = ScoreSheet.objects.create(
        entry=entry,
        reviewer=reviewer,
        work=Decimal(work),
        effect=Decimal(effect),
        income=Decimal(income),
        satisfaction=Decimal(satisfaction),
        comment=comment,
    )
    services.entry_scores_refresh(entries=[entry.pk])
    return sheet


def reviewer(username, unit=None):
    return factories.user_with_role("office", unit=unit, username=username)
