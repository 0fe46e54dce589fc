"""API tokens for the outside systems (the provincial federation's, the city's others)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from competition.models import CompetitionYear

from .enums import Scope


class ApiToken(models.Model):
    """A named client's access to the read API. The secret is shown once, when the admin
    creates the token; only its SHA-256 is stored (`key_hash`), with its first characters
    (`prefix`) so the admin can tell tokens apart. A token reads the endpoints of its `scopes`
    for its `years` (or every year), until it expires or is revoked."""

    name = models.CharField(
        _("客户端名称"), max_length=100, help_text=_("如“安徽省总工会评选系统”。")
    )
    prefix = models.CharField(_("令牌前缀"), max_length=12, editable=False)
    key_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("可访问的接口"), default=list)
    all_years = models.BooleanField(_("所有年度"), default=False)
    years = models.ManyToManyField(
        CompetitionYear, blank=True, related_name="+", verbose_name=_("可访问的年度")
    )
    expires_at = models.DateTimeField(_("有效期至"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("撤销人"),
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    # Kept by a conditional UPDATE on each request (no history row for a use).
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    use_count = models.PositiveBigIntegerField(_("使用次数"), default=0)
    history = HistoricalRecords(excluded_fields=["last_used_at", "use_count"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_by__isnull=True) | Q(revoked_at__isnull=False),
                name="api_token_revocation_recorded",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_valid(self) -> bool:
        return not self.is_revoked and not self.is_expired

    def scope_labels(self) -> list[str]:
        return [str(Scope(code).label) for code in self.scopes if code in Scope.values]


class ApiTokenUse(models.Model):
    """A token's requests of one day (the record of its use)."""

    token = models.ForeignKey(
        ApiToken, on_delete=models.CASCADE, related_name="uses", verbose_name=_("接口令牌")
    )
    day = models.DateField(_("日期"))
    count = models.PositiveIntegerField(_("请求次数"), default=0)
    last_path = models.CharField(_("最近请求的地址"), max_length=300, blank=True)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("接口令牌使用记录")
        verbose_name_plural = _("接口令牌使用记录")
        constraints = [
            models.UniqueConstraint(fields=["token", "day"], name="api_token_use_once_a_day"),
        ]

    def __str__(self):
        return f"{self.token} · {self.day} · {self.count}"
