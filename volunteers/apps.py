from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("劳模扶贫")

    def ready(self):
        from . import permissions  # noqa: F401  (registers the rules)
