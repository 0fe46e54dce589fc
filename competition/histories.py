"""The competition's records with a history page (common.history): units, years with their
rules, entries with their score sheets, spot checks and notices."""

from django.utils.translation import gettext_lazy as _

from common.history import history_subject_register

from . import permissions, selectors
from .models import (
    ActivityType,
    CompetitionYear,
    Criterion,
    Entry,
    KindQuota,
    NineProject,
    Notice,
    Participation,
    ReportingPeriod,
    Score,
    ScoreSheet,
    SpotCheck,
    Unit,
    UnitQuota,
)


def _unit_related(user, unit):
    yield _("参赛时段"), Participation.history.filter(unit_id=unit.pk), {"unit"}
    yield _("单位活动数要求"), UnitQuota.history.filter(unit_id=unit.pk), {"unit"}


def _year_related(user, year):
    yield _("评比标准"), Criterion.history.filter(year_id=year.pk), {"year"}
    yield _("九大工程"), NineProject.history.filter(year_id=year.pk), {"year"}
    yield _("活动类型"), ActivityType.history.filter(year_id=year.pk), {"year"}
    yield _("报告期"), ReportingPeriod.history.filter(year_id=year.pk), {"year"}
    yield _("单位类别活动数要求"), KindQuota.history.filter(year_id=year.pk), {"year"}
    yield _("单位活动数要求"), UnitQuota.history.filter(year_id=year.pk), {"year"}


def _entry_related(user, entry):
    """Who gave what: only to those who may read the named sheets of this entry."""
    if not permissions.may(user, "competition.view_sheets", entry):
        return
    sheets = ScoreSheet.objects.filter(entry=entry).select_related("reviewer")
    names = {
        sheet.pk: _("评分表 · %(who)s")
        % {"who": sheet.reviewer.get_full_name() or sheet.reviewer.username}
        for sheet in sheets
    }
    yield (
        lambda record: names.get(record.id, _("评分表")),
        ScoreSheet.history.filter(id__in=names),
        {"entry", "reviewer"},
    )
    yield (
        lambda record: f"{names.get(record.sheet_id, _('评分表'))} · {record.criterion.name}",
        Score.history.filter(sheet_id__in=names).select_related("criterion"),
        {"sheet", "criterion"},
    )


def register() -> None:
    history_subject_register(
        Unit,
        scope=selectors.units_for_user,
        rule="competition.view_history",
        related=_unit_related,
    )
    history_subject_register(
        CompetitionYear,
        scope=lambda user: CompetitionYear.objects.all(),
        rule="competition.view_office_history",
        related=_year_related,
    )
    history_subject_register(
        Entry,
        scope=selectors.entries_for_user,
        rule="competition.view_history",
        related=_entry_related,
    )
    history_subject_register(
        SpotCheck, scope=selectors.spot_checks_for_user, rule="competition.view_history"
    )
    history_subject_register(
        Notice,
        scope=lambda user: Notice.objects.all(),
        rule="competition.view_office_history",
    )
