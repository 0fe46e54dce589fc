import os
import signal
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command

from common.management.commands import start_workers_if_broker as command


def _run(*args) -> str:
    out = StringIO()
    call_command("start_workers_if_broker", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_without_broker_tasks_run_inline(settings, var_dir):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_BROKER_URL = "memory://"
    assert "tasks run inline" in _run()
    assert not (var_dir / "run").exists()


def test_unreachable_broker_starts_nothing(settings, var_dir):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6399/13"  # nothing listens there
    assert "does not answer; no worker started" in _run()
    assert not (var_dir / "run").exists()


@pytest.fixture
def fake_celery(monkeypatch):
    """Popen starts a sleeper named like Celery instead of a real worker and beat."""
    started = []
    real_popen = subprocess.Popen

    def popen(args, **kwargs):
        started.append(args[args.index("config") + 1])
        return real_popen([sys.executable, "-c", "import time; time.sleep(60)", "celery"], **kwargs)

    monkeypatch.setattr(command.subprocess, "Popen", popen)
    return started


def test_reachable_broker_starts_worker_and_beat_once(
    settings, var_dir, require_redis, fake_celery
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = require_redis
    try:
        first = _run()
        assert "Celery worker started" in first and "Celery beat started" in first
        assert (var_dir / "log" / "celery-worker.log").exists()
        pids = {
            name: (var_dir / "run" / f"celery-{name}.pid").read_text()
            for name in ("worker", "beat")
        }
        second = _run()
        assert "worker already running" in second and "beat already running" in second
        assert fake_celery == ["worker", "beat"]
    finally:
        stopped = _run("--stop")
    assert "Celery worker stopped" in stopped and "Celery beat stopped" in stopped
    assert not (var_dir / "run" / "celery-worker.pid").exists()
    for pid in pids.values():
        # Our children: reap them, which also proves that --stop's TERM ended them.
        _pid, status = os.waitpid(int(pid), 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM
