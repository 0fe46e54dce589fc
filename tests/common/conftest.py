"""Fixtures for tests that run against the real services.

`celery_worker` starts a real Celery worker process on the Redis of `require_redis` and the
PostgreSQL test database, waits until it answers a ping and stops it afterwards. Tests using
it are marked `real_broker` (tasks then go through Redis instead of running inline) and
`django_db(transaction=True)`: the worker is another process and sees only committed rows.

Transactional tests that need reference data ask for `reference_data` (tests/conftest.py).
"""

import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app

WORKER_START_TIMEOUT = 60


def database_url_of(settings_dict: dict) -> str:
    """DATABASE_URL for another process to reach the database this test uses."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


@dataclass
class WorkerProcess:
    process: subprocess.Popen
    hostname: str
    log_path: Path
    mail_dir: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def result(self, async_result, timeout=30):
        """The task's return value, read from the Redis result store the worker writes to."""
        from celery.result import AsyncResult

        return AsyncResult(async_result.id, backend=result_backend()).get(timeout=timeout)


def result_backend():
    from celery.backends.redis import RedisBackend

    return RedisBackend(app=celery_app, url=settings.CELERY_BROKER_URL)


@pytest.fixture
def celery_worker(request, require_redis, require_postgres, transactional_db, tmp_path):
    if not request.node.get_closest_marker("real_broker"):
        pytest.fail("tests using celery_worker must be marked real_broker")
    celery_app.control.purge()  # leftovers of an earlier run would be executed first
    hostname = f"test-{uuid.uuid4().hex[:8]}@pytest"
    log_path, mail_dir = tmp_path / "worker.log", tmp_path / "mail"
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of(connection.settings_dict),
        "CELERY_BROKER_URL": require_redis,
        "CELERY_RESULT_BACKEND": require_redis,
        "EMAIL_FILE_PATH": str(mail_dir),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "CONN_MAX_AGE": "0",
    }
    env.pop("EMAIL_URL", None)
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
        "--loglevel=INFO", f"--hostname={hostname}",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    worker = WorkerProcess(process, hostname, log_path, mail_dir)
    try:
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while not celery_app.control.ping(destination=[worker.hostname], timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not start:\n{worker.log()}")
        yield worker
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
