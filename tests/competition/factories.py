"""Factories for the scoring tests."""

from decimal import Decimal

from competition import services
from competition.models import Entry, Score, ScoreSheet
from tests import factories


def entry(unit, year, *, title=None, number=1, **kwargs) -> Entry:
    return Entry.objects.create(
        unit=unit,
        year=year,
        nine_project=factories.nine_project(number, year),
        title=title or f"{unit.name}帮扶项目{Entry.objects.count() + 1}",
        description="项目简介",
        target_villages="桃园村",
        target_households=kwargs.pop("households", 20),
        **kwargs,
    )


def sheet(entry, reviewer, *points, comment="", **by_code) -> ScoreSheet:
    """A sheet written straight to the database (no rule checks): for arranging aggregates.
    `points` in the order of the year's criteria (四比: work, effect, income, satisfaction),
    or by criterion code. The entry's score summary is refreshed as the scoring service does."""
    criteria = list(entry.year.criteria.order_by("number"))
    values = dict(zip((c.code for c in criteria), points, strict=False)) | by_code
    sheet = ScoreSheet.objects.create(entry=entry, reviewer=reviewer, comment=comment)
    Score.objects.bulk_create(
        Score(sheet=sheet, criterion=c, points=Decimal(values[c.code]))
        for c in criteria
        if c.code in values
    )
    services.entry_scores_refresh(entries=[entry.pk])
    return sheet


def reviewer(username, unit=None):
    return factories.user_with_role("office", unit=unit, username=username)


def points_of(sheet) -> dict:
    """A sheet's points by criterion code."""
    return {s.criterion.code: s.points for s in sheet.scores.select_related("criterion")}
