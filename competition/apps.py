from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetitionConfig(AppConfig):
    name = "competition"
    verbose_name = _("劳动竞赛")

    def ready(self):
        from common.jobs import reminder_job_register

        from . import histories, permissions, reminders, tasks  # noqa: F401  (rules, tasks)

        histories.register()
        reminder_job_register(
            name="self_assessment", order=3, send=reminders.self_assessment_reminders_send
        )
