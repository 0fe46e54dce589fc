import pytest

from awards import services
from tests.common.conftest import celery_worker  # noqa: F401  (shared fixture)
from tests.competition import factories as scoring


@pytest.fixture
def reviewers(db):
    return [scoring.reviewer(f"judge{i}") for i in range(3)]


@pytest.fixture
def build_run(admin_user, django_capture_on_commit_callbacks):
    """`build_run(year)`: a finished run of the year's rankings (the task runs inline)."""

    def make(year, actor=None):
        with django_capture_on_commit_callbacks(execute=True):
            run = services.evaluation_run_start(actor=actor or admin_user, year=year)
        run.refresh_from_db()
        return run

    return make
