"""The default beat schedule (django-celery-beat, Asia/Shanghai); editable in the admin.

Idempotent: an entry that already exists under its name is left as the admin set it.
The tasks themselves live in reports/, volunteers/ and awards/ (their tasks.py).
"""

from django.db import migrations
from django.utils import timezone

TIMEZONE = "Asia/Shanghai"

# (name, task, crontab (minute, hour, day_of_week), description)
SCHEDULE = [
    (
        "报送截止提醒",
        "reports.send_deadline_reminders",
        ("0", "8", "*"),
        "每日 08:00：截止前 7、3、1 天及截止后次日，提醒尚未提交季度报告的单位。",
    ),
    (
        "活动配额提醒",
        "volunteers.send_quota_reminders",
        ("30", "8", "1"),
        "每周一 08:30：第三季度起，提醒年度活动未达要求的单位。",
    ),
    (
        "年度评选排名",
        "awards.run_due_evaluations",
        ("0", "2", "*"),
        "每日 02:00：评选日为当天的年度，启动评选排名。",
    ),
]


def create_schedule(apps, schema_editor, entries=None):
    """Create the entries (SCHEDULE by default; later migrations pass their own)."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, task, (minute, hour, day_of_week), description in entries or SCHEDULE:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        fields = {
            "minute": minute,
            "hour": hour,
            "day_of_week": day_of_week,
            "day_of_month": "*",
            "month_of_year": "*",
            "timezone": TIMEZONE,
        }
        crontab = CrontabSchedule.objects.filter(**fields).first()
        crontab = crontab or CrontabSchedule.objects.create(**fields)
        PeriodicTask.objects.create(
            name=name, task=task, crontab=crontab, description=description, enabled=True
        )
    # The DatabaseScheduler reloads only when this marker changes.
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[entry[0] for entry in SCHEDULE]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("common", "0001_notifications_and_reminder_log"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
