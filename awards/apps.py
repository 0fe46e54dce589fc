from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("评比表彰")

    def ready(self):
        from . import histories, permissions, tasks  # noqa: F401  (registers rules and tasks)

        histories.register()
