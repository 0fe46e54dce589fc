"""四比双争 scoring: entries, score sheets, conflicts, assignments, spot checks, notices."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.uploads import upload_path

from ..enums import SpotCheckRating
from .core import CompetitionYear, Criterion, NineProject, Unit

# The standings' order on `Entry.standing_total`: highest first, the unscored (None) last as
# −1 (totals are 0–100; SQLite cannot index NULLS LAST), then by title.
STANDING_TOTAL_ORDER = (Coalesce("standing_total", Value(-1.0)).desc(), F("title"))


class Entry(models.Model):
    """A unit's entry (参赛项目) in one year's competition, under one of the nine projects."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="entries", verbose_name=_("参赛单位")
    )
    year = models.ForeignKey(
        CompetitionYear,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("竞赛年度"),
    )
    nine_project = models.ForeignKey(
        NineProject, on_delete=models.PROTECT, related_name="entries", verbose_name=_("九大工程")
    )
    title = models.CharField(_("项目名称"), max_length=200)
    description = models.TextField(_("项目简介"))
    target_villages = models.TextField(
        _("帮扶村"), blank=True, help_text=_("帮扶的贫困村名称，多个用顿号或换行分隔。")
    )
    target_households = models.PositiveIntegerField(_("帮扶贫困户数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("填报人"),
    )
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # The weighted total of the standings (the mean of its counted sheets' totals, None
    # unscored), kept with its EntryScore row by `services.entry_scores_refresh`: derived, so
    # not in the history; indexed with the year so that a page of the standings is read in
    # order instead of sorting every entry of the year.
    standing_total = models.FloatField(_("排名总分"), null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["standing_total"])

    class Meta:
        ordering = ["year", "nine_project__number", "unit__name", "pk"]
        verbose_name = _("参赛项目")
        verbose_name_plural = _("参赛项目")
        indexes = [
            models.Index(F("year"), *STANDING_TOTAL_ORDER, F("id"), name="entry_standing_order"),
            # The entries a reviewer has left to score, counted from the index alone (his
            # sheets and conflicts are anti-joins on id and unit): 5 → 2.5 ms at scale 10.
            models.Index(fields=["year", "unit", "id"], name="entry_year_unit"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "title"], name="entry_unique_title_per_unit_year"
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        # The project is a row of the entry's own year (the Django admin's form too).
        if self.year_id and self.nine_project_id and self.nine_project.year_id != self.year_id:
            raise ValidationError({"nine_project": _("请选择本年度的九大工程。")})


class ScoreSheet(models.Model):
    """One reviewer's scores of one entry: one `Score` per criterion of the entry's year.

    The maximum of each score is its Criterion's `max_points`, which the admin may change,
    so the upper bound is checked by the service; the database refuses negatives and a
    second sheet by the same reviewer.
    """

    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="sheets", verbose_name=_("参赛项目")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="score_sheets",
        verbose_name=_("评委"),
    )
    comment = models.TextField(_("评语"), blank=True)
    created_at = models.DateTimeField(_("评分时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["entry", "reviewer"]
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")
        constraints = [
            models.UniqueConstraint(fields=["entry", "reviewer"], name="sheet_one_per_reviewer"),
        ]

    def __str__(self):
        return f"{self.entry} · {self.reviewer}"


class Score(models.Model):
    """A sheet's points on one criterion of its year."""

    sheet = models.ForeignKey(
        ScoreSheet, on_delete=models.CASCADE, related_name="scores", verbose_name=_("评分表")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("评比标准")
    )
    points = models.DecimalField(
        _("得分"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["sheet", "criterion__number"]
        verbose_name = _("单项得分")
        verbose_name_plural = _("单项得分")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="score_one_per_criterion"),
            models.CheckConstraint(condition=Q(points__gte=0), name="score_points_nonneg"),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.points}"


class EntryScore(models.Model):
    """What the standings need of an entry's score sheets, kept by `entry_scores_refresh`.

    The number of sheets, the sum of the sheets' weighted totals (0–100, under the year's
    criteria), the sum of their squares, and each criterion's mean points (`means`, by
    criterion code): the standings read one row per entry instead of grouping every score
    of the year. The sheets stay the record; the scoring service recomputes this row from
    them whenever a sheet, a conflict or the year's criteria change.
    """

    entry = models.OneToOneField(
        Entry,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="score",
        verbose_name=_("参赛项目"),
    )
    sheet_count = models.PositiveIntegerField(_("评分表数"), default=0)
    total_sum = models.FloatField(_("总分之和"), default=0)
    total_square_sum = models.FloatField(_("总分平方和"), default=0)
    means = models.JSONField(_("各项平均分"), default=dict)

    class Meta:
        verbose_name = _("评分汇总")
        verbose_name_plural = _("评分汇总")

    def __str__(self):
        return str(self.entry_id)


class ConflictDeclaration(models.Model):
    """A reviewer's declared conflict of interest with a unit: he may not score its entries."""

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="conflicts",
        verbose_name=_("评委"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("回避单位")
    )
    reason = models.TextField(_("回避理由"))
    created_at = models.DateTimeField(_("申报时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("利益冲突申报")
        verbose_name_plural = _("利益冲突申报")
        constraints = [
            models.UniqueConstraint(fields=["reviewer", "unit"], name="conflict_unique"),
        ]

    def __str__(self):
        return f"{self.reviewer} ↔ {self.unit}"


class ReviewerAssignment(models.Model):
    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("参赛项目")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_assignments",
        verbose_name=_("评委"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("分配人"),
    )
    created_at = models.DateTimeField(_("分配时间"), auto_now_add=True)

    class Meta:
        ordering = ["entry", "reviewer"]
        verbose_name = _("评委分配")
        verbose_name_plural = _("评委分配")
        constraints = [
            models.UniqueConstraint(fields=["entry", "reviewer"], name="assignment_unique"),
        ]

    def __str__(self):
        return f"{self.entry} → {self.reviewer}"


class SpotCheckDraw(models.Model):
    """A random draw of units to spot-check, reproducible from its stored seed and pool.

    `pool` is the list of [unit id, weight] the draw was made from, in unit-id order;
    `result` the drawn unit ids in draw order.
    """

    year = models.ForeignKey(
        CompetitionYear, on_delete=models.CASCADE, related_name="draws", verbose_name=_("竞赛年度")
    )
    seed = models.BigIntegerField(_("随机种子"))
    count = models.PositiveSmallIntegerField(_("抽取数量"), validators=[MinValueValidator(1)])
    pool = models.JSONField(_("候选单位及权重"), default=list)
    result = models.JSONField(_("抽中单位"), default=list)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("抽取人"),
    )
    created_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("抽查抽签")
        verbose_name_plural = _("抽查抽签")

    def __str__(self):
        return _("抽签 #%(pk)s（种子 %(seed)s）") % {"pk": self.pk, "seed": self.seed}


class SpotCheck(models.Model):
    """The office's on-site spot check (抽查) of a unit, or of one of its entries."""

    year = models.ForeignKey(
        CompetitionYear,
        on_delete=models.PROTECT,
        related_name="spot_checks",
        verbose_name=_("竞赛年度"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="spot_checks", verbose_name=_("被抽查单位")
    )
    entry = models.ForeignKey(
        Entry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="spot_checks",
        verbose_name=_("参赛项目"),
    )
    draw = models.ForeignKey(
        SpotCheckDraw,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="spot_checks",
        verbose_name=_("抽签"),
    )
    date = models.DateField(_("抽查日期"))
    inspectors = models.CharField(_("检查人员"), max_length=200)
    findings = models.TextField(_("检查情况"))
    rating = models.CharField(_("评价"), max_length=20, choices=SpotCheckRating.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("记录人"),
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("抽查记录")
        verbose_name_plural = _("抽查记录")

    def __str__(self):
        return f"{self.unit} · {self.date}"


def spot_check_photo_path(instance, filename):
    return upload_path("spotchecks", filename)


def spot_check_thumbnail_path(instance, filename):
    return upload_path("spotchecks/thumbs", filename)


class SpotCheckPhoto(models.Model):
    spot_check = models.ForeignKey(
        SpotCheck, on_delete=models.CASCADE, related_name="photos", verbose_name=_("抽查记录")
    )
    file = models.FileField(_("照片"), upload_to=spot_check_photo_path)
    thumbnail = models.FileField(
        _("缩略图"), upload_to=spot_check_thumbnail_path, max_length=200, blank=True
    )
    original_name = models.CharField(_("原文件名"), max_length=255)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("抽查照片")
        verbose_name_plural = _("抽查照片")

    def __str__(self):
        return self.original_name


class Notice(models.Model):
    """A notice (通报) on the competition, visible to every logged-in user once published."""

    year = models.ForeignKey(
        CompetitionYear,
        on_delete=models.PROTECT,
        related_name="notices",
        verbose_name=_("竞赛年度"),
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    include_standings = models.BooleanField(
        _("附当前各工程得分排名"),
        default=False,
        help_text=_("发布时按九大工程生成当时的排名表，附于通报之后（此后不再变化）。"),
    )
    standings = models.JSONField(_("排名表"), default=list, blank=True)
    published = models.BooleanField(_("已发布"), default=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("撰写人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        constraints = [
            models.CheckConstraint(
                condition=Q(published=False) | Q(published_at__isnull=False),
                name="notice_published_has_time",
            ),
        ]

    def __str__(self):
        return self.title
