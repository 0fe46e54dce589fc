from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetitionConfig(AppConfig):
    name = "competition"
    verbose_name = _("劳动竞赛")

    def ready(self):
        from . import histories, permissions  # noqa: F401  (registers the rules)

        histories.register()
