"""Shared fixtures.

Tasks run inline in tests (whatever CELERY_BROKER_URL says) unless a test asks for the real
broker. Tests that need PostgreSQL, Redis or Chromium skip when those are absent, with the
reason, except with REQUIRE_SERVICES=1 (CI), where they fail instead.
"""

import importlib
import os
import shutil

import pytest
from django.apps import apps as global_apps
from django.conf import settings
from django.db import connection
from django.utils import translation

from config.celery import app as celery_app
from tests import factories


def pytest_configure(config):
    """Under pytest-xdist each process has its own test database (`test_huaibei_gw0`, …) and,
    here, its own Redis database (CELERY_BROKER_URL's number plus the process's, modulo 16):
    a real Celery worker started by one process never takes the tasks, pings or purges of
    another's."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    url = settings.CELERY_BROKER_URL
    if not worker.startswith("gw") or not url.startswith("redis://"):
        return
    base, _, number = url.rpartition("/")
    if not number.isdigit():
        base, number = url.rstrip("/"), "0"
    url = f"{base}/{(int(number) + int(worker[2:])) % 16}"
    # Celery reads CELERY_BROKER_URL from the environment before its configuration.
    os.environ["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL = url
    celery_app.conf.broker_url = url
    if settings.CELERY_RESULT_BACKEND:
        os.environ["CELERY_RESULT_BACKEND"] = settings.CELERY_RESULT_BACKEND = url
        celery_app.conf.result_backend = url


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (`make test` runs one process per core, `--dist loadgroup`), some
    tests stay together in one process, in the order pytest-django gives them (transactional
    tests last):

    - the demo's tests (tests/demo): they share one seed per process (tests/demo/conftest.py);
    - the browser tests: one chromium at a time, beside the other process's tests.
    """
    for item in items:
        if item.nodeid.startswith("tests/demo/"):
            item.add_marker(pytest.mark.xdist_group("demo"))
        elif item.nodeid.startswith("tests/browser/"):
            item.add_marker(pytest.mark.xdist_group("browser"))


def need(available: bool, reason: str) -> None:
    """Skip (newcomer's machine) or fail (CI, REQUIRE_SERVICES=1) when a service is missing."""
    if available:
        return
    if settings.REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def redis_url() -> str | None:
    url = settings.CELERY_BROKER_URL
    return url if url.startswith("redis://") else None


def redis_reachable(url: str | None) -> bool:
    if not url:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


@pytest.fixture(autouse=True)
def _chinese_after_each_test():
    """A request in English leaves its language active in the thread (Django activates it
    per request and never resets it): the next test starts in Chinese again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Test users hash their passwords with MD5: the portal's Argon2 costs a tenth of a second
    or more per user, and the suite makes thousands. tests/common/test_passwords.py checks
    the portal's own hashers."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


@pytest.fixture
def require_postgres():
    need(
        connection.vendor == "postgresql",
        "needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/huaibei",
    )


@pytest.fixture
def require_redis():
    url = redis_url()
    need(
        redis_reachable(url),
        "needs Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/14 with Redis running",
    )
    return url


@pytest.fixture
def require_chromium():
    path = shutil.which("chromium")
    need(path is not None, "needs Debian's chromium: apt-get install -y chromium")
    return path


DATA_MIGRATIONS = (
    "competition.migrations.0002_reference_data",
    "common.migrations.0002_default_schedule",
    "common.migrations.0005_outbox_schedule",
)


def restore_reference_data() -> None:
    """Run the data migrations again (they are idempotent)."""
    for name in DATA_MIGRATIONS:
        module = importlib.import_module(name)
        (getattr(module, "create", None) or module.create_schedule)(global_apps, None)


@pytest.fixture
def reference_data(transactional_db):
    """Put back what a transactional test's flush removed.

    A transactional test ends by emptying every table, reference data included; a later one
    that needs unit kinds, nine projects, criteria or the beat schedule asks for this.
    """
    restore_reference_data()


@pytest.fixture(autouse=True)
def _reference_data_for_transactional_tests(request):
    """Every transactional test starts with the reference data, whoever flushed it before."""
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and (
        marker.kwargs.get("transaction") or (len(marker.args) > 0 and marker.args[0])
    )
    if transactional or {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("reference_data")


@pytest.fixture(autouse=True)
def _tasks_inline(request):
    """Run Celery tasks in-process, unless the test is marked `real_broker`."""
    if request.node.get_closest_marker("real_broker"):
        yield
        return
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


def storages_in(directory) -> dict:
    """The STORAGES of a test: media files under `directory`, static files unhashed."""
    return {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(directory)},
        },
        # No collectstatic in tests: serve the unhashed names.
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.STORAGES = storages_in(tmp_path / "media")
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def year(db):
    return factories.competition_year(2019)


@pytest.fixture
def unit_a(db):
    return factories.UnitFactory(name="相山区总工会", kind_code="county")


@pytest.fixture
def unit_b(db):
    return factories.UnitFactory(name="濉溪县总工会", kind_code="county")


@pytest.fixture
def staff_a(unit_a):
    return factories.user_with_role("unit_staff", unit=unit_a, username="staff_a")


@pytest.fixture
def staff_b(unit_b):
    return factories.user_with_role("unit_staff", unit=unit_b, username="staff_b")


@pytest.fixture
def office_user(db):
    return factories.user_with_role("office", username="office")


@pytest.fixture
def admin_user(db):
    return factories.user_with_role("admin", username="boss")


@pytest.fixture
def client_for(client):
    """`client_for(user)`: a test client logged in as that user (None: anonymous)."""

    def make(user):
        client.logout()
        if user is not None:
            client.force_login(user, backend="common.auth.PortalModelBackend")
        return client

    return make
