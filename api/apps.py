from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("数据接口")

    def ready(self):
        from . import permissions, schema  # noqa: F401  (registers the rules, the schema's auth)
