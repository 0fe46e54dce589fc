"""The volunteers' records with a history page (common.history): activities, model workers."""

from common.history import history_subject_register

from . import selectors
from .models import Activity, ModelWorker


def register() -> None:
    history_subject_register(
        Activity, scope=selectors.activities_for_user, rule="competition.view_history"
    )
    history_subject_register(
        ModelWorker, scope=selectors.model_workers_for_user, rule="competition.view_history"
    )
