"""`make run` calls this before runserver: a worker and beat when Redis is there, else inline.

The processes outlive the command (and runserver): their pid files under var/run/ keep a
second `make run` from starting them twice; `--stop` ends them.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

PROCESSES = ("worker", "beat")


def broker_reachable(url: str) -> bool:
    if not url.startswith(("redis://", "rediss://")):
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def running_pid(pid_file: Path) -> int | None:
    """The pid in the file if that process is still a Celery process, else None."""
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        return None
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists() and b"celery" not in cmdline.read_bytes():
        return None  # the pid was reused by something else
    return pid


class Command(BaseCommand):
    help = "Start a Celery worker and beat in the background if the broker is reachable."

    def add_arguments(self, parser):
        parser.add_argument("--stop", action="store_true", help="Stop the worker and beat.")

    def handle(self, *args, stop=False, **options):
        var_dir = Path(settings.VAR_DIR)
        run_dir, log_dir = var_dir / "run", var_dir / "log"
        if stop:
            self.stop(run_dir)
            return
        url = "" if settings.CELERY_TASK_ALWAYS_EAGER else settings.CELERY_BROKER_URL
        if not url:
            self.stdout.write("Celery: no CELERY_BROKER_URL; tasks run inline in the web process.")
            return
        if not broker_reachable(url):
            self.stdout.write(
                f"Celery: the broker {url} does not answer; no worker started. Queued tasks wait "
                "in the outbox (admin: 后台任务) until it is up; then run `make worker` and "
                "`make beat` (or `manage.py dispatch_outbox`), or unset CELERY_BROKER_URL to "
                "run tasks inline."
            )
            return
        run_dir.mkdir(parents=True, exist_ok=True)
        log_dir.mkdir(parents=True, exist_ok=True)
        for name in PROCESSES:
            pid_file = run_dir / f"celery-{name}.pid"
            pid = running_pid(pid_file)
            if pid:
                self.stdout.write(f"Celery {name} already running (pid {pid}).")
                continue
            log_file = log_dir / f"celery-{name}.log"
            with open(log_file, "ab") as log:
                process = subprocess.Popen(
                    [sys.executable, "-m", "celery", "-A", "config", name, "--loglevel=INFO"],
                    cwd=settings.BASE_DIR,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    # Its own session: Ctrl-C on runserver does not reach it.
                    start_new_session=True,
                )
            pid_file.write_text(f"{process.pid}\n")
            self.stdout.write(f"Celery {name} started (pid {process.pid}, log {log_file}).")

    def stop(self, run_dir: Path):
        for name in PROCESSES:
            pid_file = run_dir / f"celery-{name}.pid"
            pid = running_pid(pid_file)
            if pid:
                # TERM is Celery's warm shutdown: running tasks finish first.
                os.kill(pid, signal.SIGTERM)
                self.stdout.write(f"Celery {name} stopped (pid {pid}).")
            pid_file.unlink(missing_ok=True)
