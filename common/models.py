from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def validate_link(value: str) -> None:
    """A link is a path on the portal or an http(s) address: never `javascript:` and the like."""
    if value and not value.startswith(("/", "http://", "https://")):
        raise ValidationError(_("链接必须以 / 或 http(s):// 开头。"))


class UploadedFile(models.Model):
    """What every stored upload keeps besides its file: the user's file name, who and when.

    Subclasses add the `file` field (with their own `upload_to`, see `common.uploads`), the
    owning object, and a `unit_id` property for the permission rules.
    """

    original_name = models.CharField(_("原文件名"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class Notification(models.Model):
    """An in-portal message to one user; unread while `read_at` is empty."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("接收人"),
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=500, blank=True, validators=[validate_link])
    created = models.DateTimeField(_("创建时间"), default=timezone.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created", "-pk"]
        indexes = [
            # The navbar counts a user's unread notifications on every page.
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(fields=["recipient", "-created"], name="notification_recipient_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class ReminderLog(models.Model):
    """The ledger of things sent at most once: one row per (kind, key), claimed before sending.

    `key` names what was sent to whom, e.g. "deadline:unit=3:period=7:d-3"; the unique
    constraint lets the database refuse a second claim from a rerun, a duplicated beat or a
    retried task.
    """

    kind = models.CharField(_("类别"), max_length=50)
    key = models.CharField(_("键"), max_length=200)
    created = models.DateTimeField(_("发送时间"), default=timezone.now)
    # Which batch claimed the row (see common.services._claim_many).
    claim = models.UUIDField(_("批次"), null=True, blank=True, editable=False, db_index=True)

    class Meta:
        verbose_name = _("提醒记录")
        verbose_name_plural = _("提醒记录")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="reminderlog_unique_kind_key")
        ]

    def __str__(self):
        return f"{self.kind}: {self.key}"
