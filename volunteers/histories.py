"""The volunteers' records with a history page (common.history): activities and model workers,
a model worker's with their team membership and service records."""

from django.utils.translation import gettext as _

from common.history import history_subject_register

from . import selectors
from .models import Activity, ModelWorker, ServiceRecord, VolunteerMembership


def _model_worker_related(user, worker):
    yield _("志愿服务队"), VolunteerMembership.history.filter(model_worker_id=worker.pk)
    records = ServiceRecord.history.filter(membership__model_worker_id=worker.pk)
    yield _("服务记录"), records


def register() -> None:
    history_subject_register(
        Activity, scope=selectors.activities_for_user, rule="competition.view_history"
    )
    history_subject_register(
        ModelWorker,
        scope=selectors.model_workers_for_user,
        rule="competition.view_history",
        related=_model_worker_related,
    )
