"""The demo, seeded once for every test of this package.

`seed_demo` takes seconds (more on PostgreSQL), and a few dozen tests read what it leaves. The
package's tests share one seeded database: it is committed before the first of them and each
test runs in its own transaction on top of it, rolled back after the test as usual, so no test
sees another's changes. Leaving the package empties the database and puts back the reference
data (as a transactional test does), so tests elsewhere start as they always did.

A test that must seed under other conditions (a frozen day, other module constants) belongs
outside this package.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from config.celery import app as celery_app
from tests.conftest import restore_reference_data, storages_in


@pytest.fixture(scope="package", autouse=True)
def demo_seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("demo-media")
    fast = override_settings(
        # What tests/conftest.py gives each test: MD5 hashing, media in a temporary directory.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        STORAGES=storages_in(media),
        MEDIA_ROOT=str(media),
    )
    eager = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = celery_app.conf.task_eager_propagates = True
    with django_db_blocker.unblock(), fast:
        call_command("seed_demo", stdout=StringIO())
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = eager
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        restore_reference_data()
