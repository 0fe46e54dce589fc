"""Run the reminder jobs once in the foreground: deadline reminders, then quota reminders
(each registered by its app, `common.jobs`).

The same functions the beat tasks call, with the same ledger, so running it on a day the
worker already ran sends nothing more. `--dry-run` lists what would be sent and records
nothing; `--date` runs as on another day (catching up by hand, or trying the schedule out).
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from common.jobs import reminder_jobs


class Command(BaseCommand):
    help = "Send today's deadline and quota reminders once (--dry-run: only list them)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be sent; send nothing"
        )
        parser.add_argument("--date", help="run as on this day (YYYY-MM-DD); default today")

    def handle(self, *args, dry_run=False, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from exc
        verb = "would send" if dry_run else "sent"
        for job in reminder_jobs():
            deliveries = job.send(today=today, dry_run=dry_run)
            for delivery in deliveries:
                recipients = ", ".join(
                    address for message in delivery.messages for address in message.to
                )
                self.stdout.write(
                    f"{verb} {delivery.key}: {delivery.title} → "
                    f"{len(delivery.notify)} notified; mail to {recipients or '-'}"
                )
            self.stdout.write(f"{job.name} reminders: {verb} {len(deliveries)}")
