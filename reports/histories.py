"""The reports with a history page (common.history): every save of a report's text and
figures; its status moves are its timeline (ReportTransition), on the report itself."""

from common.history import history_subject_register

from . import selectors
from .models import Report


def register() -> None:
    history_subject_register(
        Report,
        scope=selectors.reports_for_user,
        rule="competition.view_history",
        hidden={"version", "edited_by"},
    )
