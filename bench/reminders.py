"""(d) The deadline reminder job for every unit of the bench city, on a reminder day.

Inside one transaction that is rolled back at the end (nothing it writes stays): every
active unit without an active staff user gets one, the ledger of deadline reminders is
emptied, and the job runs for the open year's period with the most units missing a report,
as on the day of its d-7 reminder, with a counting in-memory mail backend. Reports the time,
the SQL queries (to build the batch, and in all) and the SMTP connections opened.

Targets: one SMTP connection; a bounded number of queries whatever the number of units:
`common.services.reminder_deliver` claims and notifies units in chunks of 200, a few
queries per chunk (inside this rolled-back transaction its commits are savepoints).

Run alone: `BENCH_DATABASE_URL=... python -m bench.reminders` (or through bench/run.py).
"""

import datetime
import os
import time

from django.core import mail as django_mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext, override_settings

BACKEND = "bench.reminders.CountingBackend"


class CountingBackend(EmailBackend):
    """Django's in-memory backend, counting the connections opened and the messages sent."""

    opened = 0
    messages = 0

    def open(self):
        CountingBackend.opened += 1
        return super().open()

    def send_messages(self, messages):
        CountingBackend.messages += len(messages)
        return super().send_messages(messages)


def _busiest_period():
    """The open years' period with the most units missing its report, with that number."""
    from competition.enums import YearStatus
    from competition.models import ReportingPeriod
    from reports import selectors

    best = None
    for period in ReportingPeriod.objects.filter(year__status=YearStatus.OPEN).select_related(
        "year"
    ):
        missing = selectors.units_missing_report(period).count()
        if best is None or missing > best[1]:
            best = (period, missing)
    return best


def _ensure_staff() -> int:
    """An active staff user for every active unit that has none; returns how many were made."""
    from django.contrib.auth import get_user_model

    from competition.enums import Role
    from competition.models import Membership
    from competition.selectors import units_taking_part

    User = get_user_model()
    staffed = Membership.objects.filter(
        unit=OuterRef("pk"), role=Role.UNIT_STAFF, user__is_active=True
    )
    units = list(units_taking_part().filter(~Exists(staffed)).values_list("pk"))
    users = User.objects.bulk_create(
        User(username=f"bench-staff-{pk}", email=f"bench-staff-{pk}@example.org", password="!")
        for (pk,) in units
    )
    Membership.objects.bulk_create(
        Membership(user=user, role=Role.UNIT_STAFF, unit_id=pk)
        for user, (pk,) in zip(users, units, strict=True)
    )
    return len(users)


def _measure() -> dict:
    from common.models import Notification, ReminderLog
    from reports import reminders

    made = _ensure_staff()
    busiest = _busiest_period()
    if busiest is None:
        return {"status": "no reporting period in an open year"}
    period, missing = busiest
    ReminderLog.objects.filter(kind=reminders.KIND).delete()
    today = period.deadline - datetime.timedelta(days=7)
    notifications_before = Notification.objects.count()

    with CaptureQueriesContext(connection) as build_queries:
        started = time.perf_counter()
        planned = reminders.deadline_reminders_send(today=today, dry_run=True)
        build_seconds = time.perf_counter() - started
    CountingBackend.opened = CountingBackend.messages = 0
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        sent = reminders.deadline_reminders_send(today=today)
        seconds = time.perf_counter() - started
    per_unit = (len(queries) - len(build_queries)) / len(sent) if sent else None
    return {
        "period": str(period),
        "reminder_day": f"{today.isoformat()} (d-7)",
        "units_missing_report": missing,
        "staff_users_added_then_rolled_back": made,
        "units_reminded": len(sent),
        "would_send_dry_run": len(planned),
        "mails_sent": CountingBackend.messages,
        "notifications_created": Notification.objects.count() - notifications_before,
        "seconds": round(seconds, 3),
        "build_seconds_dry_run": round(build_seconds, 3),
        "queries": len(queries),
        "queries_to_build_dry_run": len(build_queries),
        "target_queries_to_build": "constant (≤ 6)",
        "queries_per_unit_sent": round(per_unit, 2) if per_unit is not None else None,
        "smtp_connections": CountingBackend.opened,
        "target_smtp_connections": 1,
    }


def run() -> dict:
    with override_settings(EMAIL_BACKEND=BACKEND):
        with transaction.atomic():
            try:
                return _measure()
            finally:
                transaction.set_rollback(True)
                django_mail.outbox = []


if __name__ == "__main__":
    import json

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("CELERY_BROKER_URL", "")
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        os.environ["DATABASE_URL"] = url
    django.setup()
    from bench import reminders  # not __main__: the backend's counters live in that module

    print(json.dumps(reminders.run(), ensure_ascii=False, indent=2))
