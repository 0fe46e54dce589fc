"""Nominations (申报), evaluation runs with their ranking snapshots, and the shortlist."""

from decimal import Decimal

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.models import UploadedFile
from common.uploads import upload_path
from competition.models import CompetitionYear, Entry, NineProject, Unit
from volunteers.enums import Gender, HonourLevel
from volunteers.models import ModelWorker

from .enums import (
    CRITERIA,
    DEFAULT_LATE_FACTOR,
    DEFAULT_PUBLICITY_DAYS,
    DEFAULT_SERVICE_YEARS,
    DEFAULT_TIE_BREAK,
    PUBLIC_STAGES,
    ApplicationStatus,
    Category,
    CollectiveKind,
    DecisionAction,
    DecisionStage,
    RunStatus,
    ShortlistCategory,
    rule_label,
)


def _evidence(label):
    return models.TextField(_("事实材料：%(name)s") % {"name": label}, blank=True)


class Nomination(models.Model):
    """A unit's nomination of a 先锋集体 or 先锋个人 for the nine-project of one of its entries."""

    year = models.ForeignKey(
        CompetitionYear,
        on_delete=models.PROTECT,
        related_name="nominations",
        verbose_name=_("竞赛年度"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("申报单位")
    )
    entry = models.ForeignKey(
        Entry,
        on_delete=models.PROTECT,
        related_name="nominations",
        verbose_name=_("依托的参赛项目"),
        help_text=_("推荐对象按该参赛项目的得分排名；九大工程即该项目所属工程。"),
    )
    category = models.CharField(_("申报类别"), max_length=20, choices=Category.choices)
    collective_kind = models.CharField(
        _("集体类型"), max_length=10, choices=CollectiveKind.choices, blank=True
    )
    team_name = models.CharField(_("团队名称"), max_length=100, blank=True)
    person_name = models.CharField(_("姓名"), max_length=50, blank=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    position = models.CharField(_("职务"), max_length=100, blank=True)
    model_worker = models.ForeignKey(
        ModelWorker,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nominations",
        verbose_name=_("劳动模范"),
    )
    work_started_on = models.DateField(_("从事扶贫工作起始日期"), null=True, blank=True)
    has_disciplinary_record = models.BooleanField(_("有违纪违法记录"), default=False)
    statement = models.TextField(_("主要事迹"))
    evidence_participation = _evidence(_("积极参与"))
    evidence_promotion = _evidence(_("大力推动"))
    evidence_practice = _evidence(_("模范践行"))
    evidence_integrity = _evidence(_("思想过硬"))
    evidence_results = _evidence(_("业绩显著"))
    evidence_style = _evidence(_("作风优良"))
    evidence_innovation = _evidence(_("方法创新"))
    evidence_discipline = _evidence(_("廉洁自律"))
    override = models.BooleanField(_("竞赛办公室特批"), default=False)
    override_reason = models.TextField(_("特批理由"), blank=True)
    override_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("特批人"),
    )
    override_at = models.DateTimeField(_("特批时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("填报人"),
    )
    created_at = models.DateTimeField(_("申报时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "category", "unit__name", "pk"]
        verbose_name = _("先锋申报")
        verbose_name_plural = _("先锋申报")
        constraints = [
            models.CheckConstraint(
                condition=Q(override=False) | ~Q(override_reason=""),
                name="nomination_override_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(category=Category.INDIVIDUAL) | ~Q(person_name=""),
                name="nomination_individual_has_name",
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()} · {self.recipient}"

    @property
    def recipient(self) -> str:
        """Who would receive the award: the person, the team, or the unit itself."""
        if self.category == Category.INDIVIDUAL:
            return self.person_name
        if self.collective_kind == CollectiveKind.TEAM and self.team_name:
            return self.team_name
        return self.unit.name

    @property
    def evidence(self) -> dict[str, str]:
        """The evidence text of each criterion of the nomination's category."""
        return {code: getattr(self, f"evidence_{code}") for code, _n in CRITERIA[self.category]}

    @property
    def evidence_items(self) -> list[tuple[str, str]]:
        return [
            (str(name), getattr(self, f"evidence_{code}")) for code, name in CRITERIA[self.category]
        ]

    def clean(self):
        errors = {}
        if self.entry_id and (
            self.entry.unit_id != self.unit_id or self.entry.year_id != self.year_id
        ):
            errors["entry"] = _("只能依托本单位本年度的参赛项目申报。")
        if self.category == Category.INDIVIDUAL:
            if not self.person_name.strip():
                errors["person_name"] = _("先锋个人须填写姓名。")
            if self.model_worker_id and self.model_worker.unit_id != self.unit_id:
                errors["model_worker"] = _("只能选择本单位登记的劳动模范。")
        elif self.collective_kind == CollectiveKind.TEAM and not self.team_name.strip():
            errors["team_name"] = _("以团队申报时须填写团队名称。")
        if errors:
            raise ValidationError(errors)


def recipient_expression():
    """`Nomination.recipient` as an SQL expression over nominations (the tests hold the two
    equal), for the rankings built by INSERT … SELECT."""
    return Case(
        When(category=Category.INDIVIDUAL, then=F("person_name")),
        When(Q(collective_kind=CollectiveKind.TEAM) & ~Q(team_name=""), then=F("team_name")),
        default=F("unit__name"),
        output_field=models.CharField(),
    )


def nomination_attachment_path(instance, filename):
    return upload_path("nominations", filename)


class NominationAttachment(UploadedFile):
    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("申报")
    )
    file = models.FileField(_("文件"), upload_to=nomination_attachment_path, max_length=200)

    class Meta(UploadedFile.Meta):
        verbose_name = _("申报附件")
        verbose_name_plural = _("申报附件")

    @property
    def unit_id(self):
        return self.nomination.unit_id


class UnitApplication(models.Model):
    """A unit's application for the 五一劳动奖状 for its 跟着劳模去扶贫 organisation
    (“组织工作成绩特别突出并且符合条件的先进集体，可按程序申报”): its statement and
    evidence, checked against the year's conditions when submitted, reviewed by the office
    (accepted, returned for changes, or refused, with a comment). Only units whose application
    was accepted are candidates of the unit shortlist."""

    year = models.ForeignKey(
        CompetitionYear,
        on_delete=models.PROTECT,
        related_name="unit_applications",
        verbose_name=_("竞赛年度"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="award_applications",
        verbose_name=_("申报单位"),
    )
    statement = models.TextField(_("组织工作情况"))
    evidence = models.TextField(
        _("事实材料"), help_text=_("列出可核实的事实：活动、报告、附件、成效数据等。")
    )
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    comment = models.TextField(_("竞赛办公室意见"), blank=True)
    submitted_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("申报人"),
    )
    submitted_at = models.DateTimeField(_("申报时间"))
    reviewed_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "unit__kind__order", "unit__name"]
        verbose_name = _("奖状申报")
        verbose_name_plural = _("奖状申报")
        constraints = [
            models.UniqueConstraint(fields=["year", "unit"], name="unit_application_once_a_year"),
        ]

    def __str__(self):
        return f"{self.year} · {self.unit}"


class DisciplinaryFinding(models.Model):
    """A disciplinary or legal finding (违纪违法记录) on a person's record: on a nomination, or
    on a model worker of the registry (then it counts for every nomination of theirs). The
    office or the nominating unit records it, with its evidence; a finding entered in error is
    withdrawn with a reason, never deleted. Eligibility reads the findings not withdrawn."""

    nomination = models.ForeignKey(
        Nomination,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("申报"),
    )
    model_worker = models.ForeignKey(
        ModelWorker,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("劳动模范"),
    )
    found_on = models.DateField(_("认定日期"))
    description = models.TextField(_("情况"))
    evidence = models.CharField(
        _("依据"), max_length=200, help_text=_("处分决定文号、通报或其他依据。")
    )
    recorded_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("记录人"),
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    withdrawn_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("撤销人"),
    )
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    withdraw_reason = models.CharField(_("撤销理由"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-found_on", "-pk"]
        verbose_name = _("违纪违法记录")
        verbose_name_plural = _("违纪违法记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(nomination__isnull=False) | Q(model_worker__isnull=False),
                name="finding_has_a_person",
            ),
        ]

    def __str__(self):
        return f"{self.found_on} · {self.evidence}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class WorkStartRecord(models.Model):
    """When a person began poverty-alleviation work (从事扶贫工作起始日期), as verified, with its
    evidence: on a nomination, or on a model worker of the registry (then it counts for every
    nomination of theirs). The office or the nominating unit records it; a correction is a
    newer record, never an edit, so who changed the date, when and on what evidence stays.

    Eligibility's service rule reads the newest record on the person (the model worker's
    first), and the date the nominating unit typed on its form only where there is none
    (`selectors.recorded_start`)."""

    nomination = models.ForeignKey(
        Nomination,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="work_starts",
        verbose_name=_("申报"),
    )
    model_worker = models.ForeignKey(
        ModelWorker,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_starts",
        verbose_name=_("劳动模范"),
    )
    started_on = models.DateField(_("从事扶贫工作起始日期"))
    evidence = models.CharField(
        _("依据"), max_length=200, help_text=_("派驻或任职文件文号、帮扶台账等。")
    )
    recorded_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("记录人"),
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("扶贫工作起始记录")
        verbose_name_plural = _("扶贫工作起始记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(nomination__isnull=False) | Q(model_worker__isnull=False),
                name="work_start_has_a_person",
            ),
        ]

    def __str__(self):
        return f"{self.started_on} · {self.evidence}"


def default_tie_break():
    return [str(rule) for rule in DEFAULT_TIE_BREAK]


def _weight(label, default):
    return models.DecimalField(
        label,
        max_digits=4,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(0)],
    )


class EvaluationSettings(models.Model):
    """The admin's settings of a year's evaluation; each run keeps a copy of them."""

    year = models.OneToOneField(
        CompetitionYear,
        on_delete=models.CASCADE,
        related_name="evaluation_settings",
        verbose_name=_("竞赛年度"),
    )
    weight_entries = _weight(_("参赛项目得分权重"), "0.6")
    weight_timeliness = _weight(_("季度报告及时率权重"), "0.2")
    weight_quota = _weight(_("劳模扶贫活动完成率权重"), "0.2")
    weight_spot_checks = models.DecimalField(
        _("抽查评价权重"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
        help_text=_(
            "抽查评价按 好 100、较好 80、一般 60、差 0 分取本年度各次抽查的平均分；"
            "未被抽查的单位不计此项，其余各项按权重折算。0 表示不计抽查。"
        ),
    )
    tie_break = models.JSONField(
        _("并列时的区分顺序"),
        default=default_tie_break,
        help_text=_("依次比较：比项目成效、比群众满意、比经济收入、提交时间早。"),
    )
    max_awards_per_unit = models.PositiveSmallIntegerField(
        _("每单位表彰名额上限"), null=True, blank=True, help_text=_("留空表示不限。")
    )
    late_report_factor = models.DecimalField(
        _("逾期报告折算"),
        max_digits=3,
        decimal_places=2,
        default=Decimal(DEFAULT_LATE_FACTOR),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("报告及时率 =（按时报告数 + 逾期报告数 × 此值）÷ 应报数；0 至 1。"),
    )
    # The conditions a unit must meet to apply for the 奖状 (按程序申报, “符合条件的先进集体”).
    apply_needs_quota = models.BooleanField(_("申报奖状须完成活动数要求"), default=True)
    apply_needs_reports = models.BooleanField(_("申报奖状须无漏报的季度报告"), default=True)
    apply_needs_spot_checks = models.BooleanField(_("申报奖状须无评价为“差”的抽查"), default=True)
    min_service_years = models.PositiveSmallIntegerField(
        _("先锋个人从事扶贫工作年限"),
        default=DEFAULT_SERVICE_YEARS,
        validators=[MaxValueValidator(30)],
        help_text=_("截至评比日须满的整年数。"),
    )
    publicity_days = models.PositiveSmallIntegerField(
        _("公示期（工作日）"),
        default=DEFAULT_PUBLICITY_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("经领导小组批准的表彰名单公示的工作日数（不含法定节假日，含调休上班日）。"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评选设置")
        verbose_name_plural = _("评选设置")

    def __str__(self):
        return str(self.year)


class YearAward(models.Model):
    """The award a shortlist category may receive in a year (the notice's: 奖状 for
    collectives and units, 奖章 for individuals). `ShortlistItem.award` holds its code; the
    name is the office's and shows on the shortlist, the certificate and the export."""

    year = models.ForeignKey(
        CompetitionYear,
        on_delete=models.CASCADE,
        related_name="year_awards",
        verbose_name=_("竞赛年度"),
    )
    category = models.CharField(_("类别"), max_length=20, choices=ShortlistCategory.choices)
    code = models.SlugField(_("代码"), max_length=20)
    name = models.CharField(_("表彰名称"), max_length=50)

    class Meta:
        ordering = ["year", "category"]
        verbose_name = _("表彰奖项")
        verbose_name_plural = _("表彰奖项")
        constraints = [
            models.UniqueConstraint(fields=["year", "category"], name="year_award_unique"),
        ]

    def __str__(self):
        return f"{self.year.year} · {self.get_category_display()} · {self.name}"


class UnitAwardLimit(models.Model):
    """A unit's own cap on awards in a year, instead of the year's `max_awards_per_unit`."""

    year = models.ForeignKey(
        CompetitionYear, on_delete=models.CASCADE, related_name="+", verbose_name=_("竞赛年度")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="award_limits", verbose_name=_("参赛单位")
    )
    max_awards = models.PositiveSmallIntegerField(_("表彰名额上限"))

    class Meta:
        verbose_name = _("单位表彰名额")
        verbose_name_plural = _("单位表彰名额")
        constraints = [
            models.UniqueConstraint(fields=["year", "unit"], name="award_limit_unique"),
        ]

    def __str__(self):
        return f"{self.unit} · {self.max_awards}"


class EvaluationRun(models.Model):
    """A snapshot of a year's rankings with the settings it was built with; never changed once
    finished (a new run makes a new snapshot)."""

    year = models.ForeignKey(
        CompetitionYear,
        on_delete=models.PROTECT,
        related_name="evaluation_runs",
        verbose_name=_("竞赛年度"),
    )
    settings = models.JSONField(_("评选参数"), default=dict)
    status = models.CharField(
        _("状态"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    error = models.TextField(_("错误信息"), blank=True)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发起人"),
    )
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("评选排名")
        verbose_name_plural = _("评选排名")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="evaluation_run_progress_range"
            ),
        ]

    def __str__(self):
        return _("%(year)s年度评选排名 #%(pk)s") % {"year": self.year.year, "pk": self.pk}

    @property
    def criteria(self) -> list[dict]:
        """The year's criteria as the run used them: [{code, name, weight, max_points}]."""
        return list(self.settings.get("criteria") or [])

    @property
    def tie_break_labels(self) -> list[str]:
        names = {c["code"]: c["name"] for c in self.criteria}
        return [rule_label(rule, names) for rule in self.settings.get("tie_break", [])]

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)


def snapshot_reference(to, *, on_delete, related_name="+", index=False, **options):
    """A ranking row's reference to what it ranks (entry, unit, nine-project, nomination).

    A snapshot copies the names it shows, so it needs no database constraint on them: like
    django-simple-history's records, the reference has no FOREIGN KEY (Django's `on_delete`
    still applies on deletes through the ORM). Without it a build writes its ~2,000 rows
    without one deferred key check per row and reference at COMMIT (about a third of the
    build at scale 1, bench/README.md). Indexed only where a query looks rows up by it.
    """
    return models.ForeignKey(
        to,
        on_delete=on_delete,
        related_name=related_name,
        db_constraint=False,
        db_index=index,
        **options,
    )


class RankingRow(models.Model):
    """What every ranking row has: the mean of each criterion of the year (`means`, by
    criterion code, as the run's `criteria` name them), a total, its place and tie note."""

    means = models.JSONField(_("各项平均分"), null=True, blank=True)
    total = models.FloatField(_("总分"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("名次"))
    tie_note = models.CharField(_("并列说明"), max_length=100, blank=True)

    class Meta:
        abstract = True
        ordering = ["run", "rank"]


class EntryRanking(RankingRow):
    # No index of its own: (run, unit) below starts with it, and with a lone run index the
    # planner (no statistics yet for a run being built) scanned the whole run per unit.
    run = models.ForeignKey(
        EvaluationRun,
        on_delete=models.CASCADE,
        db_index=False,
        related_name="entry_rankings",
        verbose_name=_("评选排名"),
    )
    entry = snapshot_reference(
        Entry,
        on_delete=models.SET_NULL,
        null=True,
        related_name="rankings",
        index=True,
        verbose_name=_("参赛项目"),
    )
    unit = snapshot_reference(
        Unit, on_delete=models.SET_NULL, null=True, verbose_name=_("参赛单位")
    )
    nine_project = snapshot_reference(
        NineProject, on_delete=models.PROTECT, verbose_name=_("九大工程")
    )
    title = models.CharField(_("项目名称"), max_length=200)
    unit_name = models.CharField(_("单位名称"), max_length=100)
    sheet_count = models.PositiveIntegerField(_("评分表数"), default=0)
    submitted_at = models.DateTimeField(_("报名时间"))
    project_rank = models.PositiveIntegerField(_("工程内名次"))
    project_tie_note = models.CharField(_("工程内并列说明"), max_length=100, blank=True)

    class Meta(RankingRow.Meta):
        verbose_name = _("参赛项目排名")
        verbose_name_plural = _("参赛项目排名")
        constraints = [
            models.UniqueConstraint(fields=["run", "entry"], name="entry_ranking_unique"),
        ]
        # The unit ranking reads each unit's entries of a run (8 correlated aggregates).
        indexes = [models.Index(fields=["run", "unit"], name="entry_ranking_run_unit")]

    def __str__(self):
        return f"{self.rank}. {self.title}"


class UnitRanking(RankingRow):
    """A unit's composite of its entries' scores, report timeliness and quota fulfilment."""

    # Indexed by the unique (run, unit) below.
    run = models.ForeignKey(
        EvaluationRun,
        on_delete=models.CASCADE,
        db_index=False,
        related_name="unit_rankings",
        verbose_name=_("评选排名"),
    )
    unit = snapshot_reference(
        Unit, on_delete=models.SET_NULL, null=True, verbose_name=_("参赛单位")
    )
    unit_name = models.CharField(_("单位名称"), max_length=100)
    kind_name = models.CharField(_("单位类别"), max_length=50)
    entry_count = models.PositiveIntegerField(_("参赛项目数"), default=0)
    entry_score = models.FloatField(_("项目平均得分"), default=0)
    timeliness = models.FloatField(_("报告及时率（%）"), default=0)
    quota_rate = models.FloatField(_("活动完成率（%）"), default=0)
    activity_count = models.PositiveIntegerField(_("活动数"), default=0)
    quota = models.PositiveIntegerField(_("活动数要求"), default=0)
    spot_check_count = models.PositiveIntegerField(_("抽查次数"), default=0)
    spot_check_score = models.FloatField(_("抽查评价得分"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("最早报名时间"), null=True, blank=True)

    class Meta(RankingRow.Meta):
        verbose_name = _("单位排名")
        verbose_name_plural = _("单位排名")
        constraints = [
            models.UniqueConstraint(fields=["run", "unit"], name="unit_ranking_unique"),
        ]

    def __str__(self):
        return f"{self.rank}. {self.unit_name}"


class NominationRanking(RankingRow):
    """A nomination ranked within its category by its entry's score."""

    # Indexed by the unique (run, nomination) below.
    run = models.ForeignKey(
        EvaluationRun,
        on_delete=models.CASCADE,
        db_index=False,
        related_name="nomination_rankings",
        verbose_name=_("评选排名"),
    )
    nomination = snapshot_reference(
        Nomination,
        on_delete=models.SET_NULL,
        null=True,
        related_name="rankings",
        index=True,
        verbose_name=_("申报"),
    )
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    recipient = models.CharField(_("推荐对象"), max_length=100)
    unit = snapshot_reference(
        Unit, on_delete=models.SET_NULL, null=True, verbose_name=_("申报单位")
    )
    unit_name = models.CharField(_("单位名称"), max_length=100)
    nine_project = snapshot_reference(
        NineProject, on_delete=models.PROTECT, verbose_name=_("九大工程")
    )
    entry_title = models.CharField(_("依托项目"), max_length=200)
    eligible = models.BooleanField(_("可入围"), default=False)
    eligibility_note = models.CharField(_("资格审查"), max_length=500, blank=True)
    # The nominee's honour in the model-worker registry when the run was built ("" for none).
    model_worker_level = models.CharField(
        _("劳模荣誉"), max_length=20, choices=HonourLevel.choices, blank=True
    )

    class Meta:
        ordering = ["run", "category", "rank"]
        verbose_name = _("推荐对象排名")
        verbose_name_plural = _("推荐对象排名")
        constraints = [
            models.UniqueConstraint(fields=["run", "nomination"], name="nomination_ranking_unique"),
        ]

    def __str__(self):
        return f"{self.rank}. {self.recipient}"


class ShortlistItem(models.Model):
    """A candidate on a run's shortlist, with the admin's decisions on it."""

    run = models.ForeignKey(
        EvaluationRun,
        on_delete=models.PROTECT,
        related_name="shortlist",
        verbose_name=_("评选排名"),
    )
    category = models.CharField(_("类别"), max_length=20, choices=ShortlistCategory.choices)
    nomination_ranking = models.ForeignKey(
        NominationRanking,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("推荐对象排名"),
    )
    unit_ranking = models.ForeignKey(
        UnitRanking,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("单位排名"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="shortlistings", verbose_name=_("单位")
    )
    recipient = models.CharField(_("推荐对象"), max_length=100)
    rank = models.PositiveIntegerField(_("名次"))
    score = models.FloatField(_("得分"), null=True, blank=True)
    # The code of the run's year's award for the category (YearAward), or "" for none.
    award = models.CharField(_("表彰"), max_length=20, blank=True)
    recommend_province = models.BooleanField(_("推荐参加省级评选"), default=False)
    recuperation_priority = models.BooleanField(_("优先安排劳模休养、交流"), default=False)
    decided_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("决定人"),
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("入围时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["run", "category", "rank", "pk"]
        verbose_name = _("入围名单")
        verbose_name_plural = _("入围名单")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "nomination_ranking"],
                condition=Q(nomination_ranking__isnull=False),
                name="shortlist_unique_nomination",
            ),
            models.UniqueConstraint(
                fields=["run", "unit_ranking"],
                condition=Q(unit_ranking__isnull=False),
                name="shortlist_unique_unit",
            ),
            models.CheckConstraint(
                condition=Q(nomination_ranking__isnull=True) ^ Q(unit_ranking__isnull=True),
                name="shortlist_one_source",
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()} · {self.recipient}"

    @property
    def year(self):
        return self.run.year


def certificate_path(instance, filename):
    return upload_path("certificates", filename)


class Certificate(models.Model):
    """The numbered certificate of an award: its number is the year's (〔2019〕第N号), given
    once when the certificate is first issued and kept, so a regenerated PDF bears the same.

    The issued PDF is stored: what the unit printed is what it downloads again, even if a
    name changes later. A number is never reused, even if the award were withdrawn.
    """

    item = models.OneToOneField(
        ShortlistItem,
        on_delete=models.PROTECT,
        related_name="certificate",
        verbose_name=_("表彰决定"),
    )
    year = models.ForeignKey(
        CompetitionYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("竞赛年度")
    )
    number = models.PositiveIntegerField(_("证书编号"), validators=[MinValueValidator(1)])
    file = models.FileField(_("证书文件"), upload_to=certificate_path, max_length=200, blank=True)
    issued_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("颁发人"),
    )
    issued_at = models.DateTimeField(_("颁发时间"), auto_now_add=True)

    class Meta:
        ordering = ["year", "number"]
        verbose_name = _("荣誉证书")
        verbose_name_plural = _("荣誉证书")
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="certificate_unique_number"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return _("〔%(year)s〕第%(number)s号") % {"year": self.year.year, "number": self.number}


class CertificateBatch(models.Model):
    """One PDF of every certificate of a run, one page each, for printing; built by the
    worker (`awards.build_certificate_batch`)."""

    run = models.ForeignKey(
        EvaluationRun,
        on_delete=models.PROTECT,
        related_name="certificate_batches",
        verbose_name=_("评选排名"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    count = models.PositiveIntegerField(_("证书数"), default=0)
    file = models.FileField(_("文件"), upload_to=certificate_path, max_length=200, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发起人"),
    )
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("证书批量打印")
        verbose_name_plural = _("证书批量打印")

    def __str__(self):
        return f"{self.run} · {self.get_status_display()}"


class AwardDecision(models.Model):
    """The award decisions of a run as one document (表彰决定) going through the procedure:
    the office's proposal (the shortlist's decisions), the leading group's approval, the
    公示 of the approved list for the year's number of working days, the objections answered,
    then the published decision with its number, date and text. Each step is a row of
    `DecisionStep`; certificates exist only once the decision is published."""

    run = models.OneToOneField(
        EvaluationRun,
        on_delete=models.PROTECT,
        related_name="award_decision",
        verbose_name=_("评选排名"),
    )
    stage = models.CharField(
        _("阶段"), max_length=20, choices=DecisionStage.choices, default=DecisionStage.DRAFT
    )
    publicity_days = models.PositiveSmallIntegerField(_("公示期（工作日）"), null=True, blank=True)
    publicity_start = models.DateField(_("公示开始日期"), null=True, blank=True)
    publicity_end = models.DateField(_("公示截止日期"), null=True, blank=True)
    number = models.CharField(_("决定文号"), max_length=50, blank=True)
    published_on = models.DateField(_("决定日期"), null=True, blank=True)
    text = models.TextField(_("决定正文"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-run__year__year", "-pk"]
        verbose_name = _("表彰决定")
        verbose_name_plural = _("表彰决定")
        constraints = [
            models.CheckConstraint(
                condition=~Q(stage__in=PUBLIC_STAGES)
                | Q(publicity_start__isnull=False, publicity_end__isnull=False),
                name="award_decision_publicity_has_dates",
            ),
            models.CheckConstraint(
                condition=~Q(stage=DecisionStage.PUBLISHED)
                | (Q(published_on__isnull=False) & ~Q(number="")),
                name="award_decision_published_has_number",
            ),
        ]

    def __str__(self):
        return _("%(year)s年度表彰决定（%(stage)s）") % {
            "year": self.run.year.year,
            "stage": self.get_stage_display(),
        }

    @property
    def is_public(self) -> bool:
        return self.stage in PUBLIC_STAGES


class DecisionStep(models.Model):
    """One step of a decision's procedure: who did what, when, with what comment."""

    decision = models.ForeignKey(
        AwardDecision, on_delete=models.CASCADE, related_name="steps", verbose_name=_("表彰决定")
    )
    action = models.CharField(_("步骤"), max_length=20, choices=DecisionAction.choices)
    actor = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("办理人"),
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    comment = models.TextField(_("意见"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("表彰决定办理记录")
        verbose_name_plural = _("表彰决定办理记录")

    def __str__(self):
        return f"{self.get_action_display()} · {self.at:%Y-%m-%d}"


class Objection(models.Model):
    """An objection (异议) to the list under 公示, lodged by anyone logged in, on one award
    or on the list as a whole; the office answers every one before the list is final."""

    decision = models.ForeignKey(
        AwardDecision,
        on_delete=models.PROTECT,
        related_name="objections",
        verbose_name=_("表彰决定"),
    )
    item = models.ForeignKey(
        ShortlistItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objections",
        verbose_name=_("针对的表彰对象"),
    )
    text = models.TextField(_("异议内容"))
    lodged_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("提出人"),
    )
    lodged_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("答复人"),
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["lodged_at", "pk"]
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(answer=""),
                name="objection_answer_has_text",
            ),
        ]

    def __str__(self):
        return f"{self.decision} · {self.lodged_at:%Y-%m-%d}"

    @property
    def unit_id(self):
        """The unit the objection is about (the conflict rule of who answers it)."""
        return self.item.unit_id if self.item_id else None

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None
