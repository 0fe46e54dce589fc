import pytest

from awards import services
from tests.common.conftest import celery_worker, reference_data  # noqa: F401  (shared fixtures)
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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by emptying every table, reference data included; put the
    reference data back for the tests after ours (the browser tests do not ask for it)."""
    result = yield
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        import importlib

        from django.apps import apps
        from pytest_django.plugin import blocking_manager_key

        from tests.common.conftest import DATA_MIGRATIONS

        with item.config.stash[blocking_manager_key].unblock():
            for name in DATA_MIGRATIONS:
                module = importlib.import_module(name)
                (getattr(module, "create", None) or module.create_schedule)(apps, None)
    return result
