from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("季度报告")

    def ready(self):
        from . import permissions  # noqa: F401  (registers the rules)
