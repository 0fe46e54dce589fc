from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.models import UploadedFile
from common.uploads import upload_path
from competition.models import NineProject, ReportingPeriod, Unit

from .enums import ReportStatus


class Report(models.Model):
    """A unit's quarterly report (季度报告) for one reporting period."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="reports", verbose_name=_("单位")
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="reports", verbose_name=_("报送期")
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    progress = models.TextField(_("进度"), blank=True)
    results = models.TextField(_("成果"), blank=True)
    practices = models.TextField(_("典型做法"), blank=True)
    experience = models.TextField(_("经验"), blank=True)
    households_helped = models.PositiveIntegerField(_("帮扶贫困户数（户）"), default=0)
    people_helped = models.PositiveIntegerField(_("帮扶贫困人口（人）"), default=0)
    funds_invested = models.DecimalField(
        _("投入资金（元）"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    people_trained = models.PositiveIntegerField(_("培训人数（人）"), default=0)
    jobs_arranged = models.PositiveIntegerField(_("安排就业（人）"), default=0)
    projects = models.ManyToManyField(
        NineProject, blank=True, related_name="reports", verbose_name=_("涉及九大工程")
    )
    # The year's data-quality rules' findings on the figures, kept by `reports.validation`
    # at every save and status change (JSON dicts, see competition.quality), and whether
    # there is any: the office's queue filters on it.
    quality_flags = models.JSONField(_("数据异常"), default=list, blank=True)
    has_flags = models.BooleanField(_("有异常"), default=False)
    quality_explanation = models.TextField(
        _("异常说明"),
        blank=True,
        help_text=_("数据有异常提示时，提交前请说明原因（如本期集中开展了大型帮扶活动）。"),
    )
    first_submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    is_late = models.BooleanField(
        _("逾期"), default=False, help_text=_("首次提交晚于报送截止日；一经标记不再取消。")
    )
    review_comment = models.TextField(_("审核意见"), blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Raised by every save of the staff's text (report_save): a form carries the version it
    # was read at, and a save from an older one is refused instead of overwriting.
    version = models.PositiveIntegerField(_("版本"), default=0, editable=False)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("最后修改人"),
    )

    # The data-quality flags are derived (recomputed from the rules), not a change anyone made.
    history = HistoricalRecords(excluded_fields=["quality_flags", "has_flags"])

    class Meta:
        ordering = ["-period__year__year", "-period__number", "unit__name"]
        verbose_name = _("季度报告")
        verbose_name_plural = _("季度报告")
        constraints = [
            models.UniqueConstraint(fields=["unit", "period"], name="report_unique_unit_period"),
            models.CheckConstraint(condition=Q(funds_invested__gte=0), name="report_funds_nonneg"),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="report_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=Q(is_late=False) | Q(first_submitted_at__isnull=False),
                name="report_late_only_if_submitted",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["has_flags", "status"], name="report_flags_status"),
            # A period's reported units read from the index alone: the count of units
            # without a report (the office's home page, the reminders) 7 → 3 ms at scale 10.
            models.Index(fields=["period", "status", "unit"], name="report_period_status_unit"),
        ]

    def __str__(self):
        return _("%(unit)s · %(period)s") % {"unit": self.unit, "period": self.period}

    @property
    def is_editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)


def _attachment_path(instance, filename):
    return upload_path("reports", filename)


def _thumbnail_path(instance, filename):
    return upload_path("reports/thumbs", filename)


class ReportAttachment(UploadedFile):
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("报告")
    )
    file = models.FileField(_("文件"), upload_to=_attachment_path, max_length=200)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    # A small JPEG of an image attachment, made on upload; empty for documents.
    thumbnail = models.FileField(_("缩略图"), upload_to=_thumbnail_path, max_length=200, blank=True)

    class Meta(UploadedFile.Meta):
        verbose_name = _("报告附件")
        verbose_name_plural = _("报告附件")

    @property
    def unit_id(self):
        """The owning unit, so the shared `is_own_unit` predicate works on attachments."""
        return self.report.unit_id


class ReportTransition(models.Model):
    """One step of a report's workflow: who moved it from which state to which, and why."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("报告")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"))
    from_status = models.CharField(
        _("原状态"), max_length=20, choices=ReportStatus.choices, blank=True
    )
    to_status = models.CharField(_("新状态"), max_length=20, choices=ReportStatus.choices)
    comment = models.TextField(_("说明"), blank=True)
    # Claimed by the mail task with a conditional UPDATE, so a redelivered task sends nothing.
    mailed_at = models.DateTimeField(_("通知发送时间"), null=True, blank=True)

    class Meta:
        # The log is append-only: insertion order is the order things happened in, even
        # when a back-dated entry (demo, import) carries an earlier `at`.
        ordering = ["id"]
        verbose_name = _("报告流转记录")
        verbose_name_plural = _("报告流转记录")

    def __str__(self):
        # Shown in the report's admin page, where the report is known: the move in words.
        return _("%(from)s → %(to)s") % {
            "from": self.get_from_status_display() or "—",
            "to": self.get_to_status_display(),
        }


class ShowcaseItem(models.Model):
    """An accepted report's typical practice promoted as exemplary (推广经验)."""

    report = models.OneToOneField(
        Report, on_delete=models.CASCADE, related_name="showcase", verbose_name=_("报告")
    )
    title = models.CharField(_("标题"), max_length=100)
    project = models.ForeignKey(
        NineProject, on_delete=models.PROTECT, related_name="+", verbose_name=_("九大工程")
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("推荐人"),
    )
    marked_at = models.DateTimeField(_("推荐时间"))

    class Meta:
        ordering = ["-marked_at", "-id"]
        verbose_name = _("推广经验")
        verbose_name_plural = _("推广经验")

    def __str__(self):
        return self.title
