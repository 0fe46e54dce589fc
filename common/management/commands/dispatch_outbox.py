"""Publish the outbox's pending tasks once, in the foreground (what the beat's
`common.dispatch_outbox` does every minute), and say what is left.

Without options it publishes the rows due, as the beat job would. `--now` publishes every
pending row at once (the broker is back and you do not want to wait); `--retry-failed` first
gives the rows given up after OUTBOX_MAX_FAILURES failed runs their chances again. A row
published twice still runs once: the task claims it.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from common import queue
from common.models import OutboxTask


class Command(BaseCommand):
    help = "Publish the outbox's pending tasks (mail, evaluation runs) once."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="publish every pending row now")
        parser.add_argument(
            "--retry-failed", action="store_true", help="retry the rows given up too"
        )

    def handle(self, *args, now=False, retry_failed=False, **options):
        if retry_failed:
            self.stdout.write(f"rows given up, retried: {queue.outbox_retry_failed()}")
        published = queue.outbox_dispatch(wait=not (now or retry_failed))
        pending = OutboxTask.objects.filter(done_at__isnull=True)
        given_up = pending.filter(failures__gte=settings.OUTBOX_MAX_FAILURES).count()
        self.stdout.write(
            f"published: {published}; not done yet: {pending.count() - given_up}; "
            f"given up: {given_up}"
        )
