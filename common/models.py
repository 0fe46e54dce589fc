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


class OutboxTask(models.Model):
    """A side effect (a task by its registered name and keyword arguments), recorded in the
    transaction that caused it, published after commit and marked done by the task.

    Nothing is lost when the broker is down: the row waits, and the dispatcher
    (`common.dispatch_outbox`, every minute) publishes it when the broker is back. The task
    claims its row before running (`common.queue.OutboxAwareTask`), so a message published
    twice or redelivered runs once.
    """

    task = models.CharField(_("任务"), max_length=200)
    kwargs = models.JSONField(_("参数"), default=dict, blank=True)
    # The Celery task id of every message published for this row: how the task finds it.
    task_id = models.CharField(_("任务编号"), max_length=64, unique=True, editable=False)
    created = models.DateTimeField(_("创建时间"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("派发时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("派发次数"), default=0)
    failures = models.PositiveIntegerField(_("失败次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    claimed_at = models.DateTimeField(_("开始执行时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created", "-pk"]
        indexes = [
            # The dispatcher reads the rows not done, oldest first, every minute.
            models.Index(
                fields=["created"], condition=Q(done_at__isnull=True), name="outbox_pending_idx"
            ),
        ]

    def __str__(self):
        return f"{self.task} {self.kwargs}"

    @property
    def status(self) -> str:
        if self.done_at is not None:
            return _("已完成")
        if self.failures >= settings.OUTBOX_MAX_FAILURES:
            return _("已放弃")
        if self.claimed_at is not None:
            return _("执行中")
        if self.dispatched_at is not None:
            return _("已派发")
        return _("待派发")


class DeletionRecord(models.Model):
    """The audit row of a deletion in the portal: who removed which record, when, and what it
    held (its fields as serialised at that moment), since the row itself is gone."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("删除时间"), default=timezone.now)
    model = models.CharField(_("记录类型"), max_length=100)
    object_id = models.PositiveBigIntegerField(_("记录编号"))
    label = models.CharField(_("记录名称"), max_length=255)
    data = models.JSONField(_("删除时的内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("删除记录")
        verbose_name_plural = _("删除记录")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["model", "object_id"], name="deletion_object_idx")]

    def __str__(self):
        return f"{self.model} {self.object_id}: {self.label}"
