from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    default = True  # the module holds AxesConfig too
    name = "common"
    verbose_name = _("通用")

    def ready(self):
        from . import permissions, tasks  # noqa: F401  (registers the rules and the tasks)


class AxesConfig(AxesAppConfig):
    """django-axes under a Chinese name in the admin (its own catalogue has no Chinese)."""

    verbose_name = _("登录记录与锁定")
