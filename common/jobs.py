"""The daily reminder jobs, registered by the apps that own them (reports: deadlines,
volunteers: quotas) from their AppConfig, so that `send_reminders` (common) runs them all
without naming the apps above it."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ReminderJob:
    name: str
    order: int
    send: Callable  # send(today=None, dry_run=False) -> list[Delivery]


_JOBS: dict[str, ReminderJob] = {}


def reminder_job_register(*, name: str, order: int, send: Callable) -> None:
    _JOBS[name] = ReminderJob(name=name, order=order, send=send)


def reminder_jobs() -> list[ReminderJob]:
    return sorted(_JOBS.values(), key=lambda job: job.order)
