from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("季度报告")

    def ready(self):
        from common.jobs import reminder_job_register

        from . import histories, permissions, reminders, tasks  # noqa: F401  (rules, tasks)

        histories.register()

        reminder_job_register(name="deadline", order=1, send=reminders.deadline_reminders_send)
