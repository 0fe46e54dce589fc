from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("劳模扶贫")

    def ready(self):
        from common.jobs import reminder_job_register
        from competition.services import year_dates_changed_register

        from . import histories, permissions, reminders, services, tasks  # noqa: F401

        histories.register()

        reminder_job_register(name="quota", order=2, send=reminders.quota_reminders_send)
        year_dates_changed_register(services.activity_tallies_recount_year)
