"""The awards' records with a history page (common.history): nominations with their
disciplinary findings, 奖状 applications, shortlist items and decisions; a year's evaluation
settings with the year's other rules."""

from django.utils.translation import gettext_lazy as _

from common.history import history_related_register, history_subject_register
from competition.models import CompetitionYear
from volunteers.models import ModelWorker

from . import selectors
from .models import (
    DisciplinaryFinding,
    EvaluationSettings,
    Nomination,
    ShortlistItem,
    UnitApplication,
    WorkStartRecord,
)


def _nomination_related(user, nomination):
    yield _("违纪违法记录"), DisciplinaryFinding.history.filter(nomination_id=nomination.pk)
    yield _("扶贫工作起始记录"), WorkStartRecord.history.filter(nomination_id=nomination.pk)


def _model_worker_related(user, worker):
    yield _("违纪违法记录"), DisciplinaryFinding.history.filter(model_worker_id=worker.pk)
    yield _("扶贫工作起始记录"), WorkStartRecord.history.filter(model_worker_id=worker.pk)


def _year_related(user, year):
    yield _("评选规则"), EvaluationSettings.history.filter(year_id=year.pk), {"year"}


def register() -> None:
    history_subject_register(
        Nomination,
        scope=selectors.nominations_for_user,
        rule="competition.view_history",
        related=_nomination_related,
    )
    history_subject_register(
        UnitApplication, scope=selectors.applications_for_user, rule="competition.view_history"
    )
    # Who proposed or changed a decision: the office's and the leading group's record.
    history_subject_register(
        ShortlistItem,
        scope=selectors.shortlist_items_for_user,
        rule="competition.view_office_history",
    )
    history_related_register(CompetitionYear, _year_related)
    history_related_register(ModelWorker, _model_worker_related)
