"""The outbox dispatcher in the beat schedule: every minute (common.dispatch_outbox).

Idempotent like 0002: an entry that already exists under its name is left as the admin set it.
"""

import importlib

from django.db import migrations

default_schedule = importlib.import_module("common.migrations.0002_default_schedule")

SCHEDULE = [
    (
        "后台任务补发",
        "common.dispatch_outbox",
        ("*", "*", "*"),
        "每分钟：补发因消息队列不可用而未送出的后台任务（退回/通过邮件、评选排名等），每项只执行一次。",
    ),
]


def create_schedule(apps, schema_editor):
    default_schedule.create_schedule(apps, schema_editor, entries=SCHEDULE)


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[entry[0] for entry in SCHEDULE]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("common", "0004_outbox_task"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
