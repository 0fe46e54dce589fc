import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..enums import Role, UnitKindCode, YearStatus


class UnitKind(models.Model):
    """县区总工会 / 系统工会 / 直属工会 / 扶贫办 (their yearly activity quotas: `KindQuota`)."""

    code = models.CharField(_("代码"), max_length=20, choices=UnitKindCode.choices, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("单位类别")
        verbose_name_plural = _("单位类别")

    def __str__(self):
        return self.name


class Unit(models.Model):
    """A participating unit (参赛单位)."""

    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    kind = models.ForeignKey(UnitKind, on_delete=models.PROTECT, verbose_name=_("单位类别"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级单位"),
    )
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind__order", "name"]
        verbose_name = _("参赛单位")
        verbose_name_plural = _("参赛单位")

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        """Taking part today (one query; lists annotate `taking_part` instead)."""
        return self.is_active_between(timezone.localdate(), timezone.localdate())

    def is_active_between(self, start: datetime.date, end: datetime.date) -> bool:
        """Whether the unit took part during any part of [start, end] (one query)."""
        return self.participations.filter(overlapping(start, end)).exists()


SUBTREE_MAX_DEPTH = 5  # a county federation, its towns, their enterprises: fewer in practice


def subtree_ids(unit_id: int) -> list[int]:
    """The unit and its sub-units at any depth (one query per level), the unit first."""
    ids, frontier = [unit_id], [unit_id]
    for _level in range(SUBTREE_MAX_DEPTH):
        frontier = [
            pk
            for pk in Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            if pk not in ids
        ]
        if not frontier:
            break
        ids.extend(frontier)
    return ids


def overlapping(start: datetime.date, end: datetime.date, prefix: str = "") -> Q:
    """Participations (at `prefix`, e.g. "participations__") that overlap [start, end]."""
    return Q(**{f"{prefix}start__lte": end}) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": start})
    )


class Participation(models.Model):
    """A stretch of time a unit took part in the competition (参赛记录). A unit may join and
    leave several times; every figure of a period counts the units with a participation
    overlapping it, so ending one leaves the periods before its end as they were."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="participations", verbose_name=_("参赛单位")
    )
    start = models.DateField(_("参赛起始日"))
    end = models.DateField(
        _("参赛截止日"), null=True, blank=True, help_text=_("留空表示仍在参赛。")
    )
    end_reason = models.CharField(_("退出原因"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["unit", "start"]
        verbose_name = _("参赛记录")
        verbose_name_plural = _("参赛记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="participation_ordered",
            ),
        ]
        indexes = [models.Index(fields=["unit", "start"], name="participation_unit_start")]

    def __str__(self):
        end = self.end.isoformat() if self.end else _("至今")
        return f"{self.unit} · {self.start.isoformat()} – {end}"


def default_evaluation_date(year: int) -> datetime.date:
    """Rankings must be ready before May Day of the following year."""
    return datetime.date(year + 1, 4, 15)


def latest_evaluation_date(year: int) -> datetime.date:
    """The notice: the evaluation is held “每年‘五一’劳动节前”, before 1 May of the year
    after the competition year; 30 April is the last day it may fall on."""
    return datetime.date(year + 1, 4, 30)


class CompetitionYear(models.Model):
    year = models.PositiveSmallIntegerField(
        _("年度"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("名称"), max_length=200)
    theme = models.CharField(
        _("主题"), max_length=200, default="坚决打赢脱贫攻坚战，争当九大工程先锋"
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    evaluation_date = models.DateField(
        _("评比日期"), help_text=_("默认次年4月15日，保证“五一”前完成评比。")
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=YearStatus.choices, default=YearStatus.OPEN
    )
    results_published = models.BooleanField(
        _("评分结果已公布"),
        default=False,
        help_text=_("公布前，单位填报员只能看到本单位的评分。"),
    )
    results_published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    disagreement_threshold = models.DecimalField(
        _("评分分歧阈值"),
        max_digits=5,
        decimal_places=2,
        default=10,
        validators=[MinValueValidator(0)],
        help_text=_("同一项目各评委总分（百分制）的标准差超过此值时，标记为“评分分歧”。"),
    )
    self_assessment_deadline = models.DateField(
        _("单位自查截止日"),
        null=True,
        blank=True,
        help_text=_("各单位在此日前按本年度评比标准自评打分；默认评比日期前15天。"),
    )
    self_gap_threshold = models.DecimalField(
        _("自评差距提示阈值"),
        max_digits=5,
        decimal_places=2,
        default=15,
        validators=[MinValueValidator(0)],
        help_text=_("单位自评总分与评委加权总分（百分制）相差超过此值时，排名中标记“差距大”。"),
    )
    unassigned_may_score = models.BooleanField(
        _("未分配的评委也可评分"),
        default=True,
        help_text=_("取消勾选后，评委只能为分配给自己的参赛项目评分。"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("竞赛年度")
        verbose_name_plural = _("竞赛年度")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="year_dates_ordered"
            ),
        ]

    def __str__(self):
        return self.title or f"{self.year}"

    def clean(self):
        super().clean()
        if self.year and self.evaluation_date:
            last = latest_evaluation_date(self.year)
            if self.evaluation_date > last:
                raise ValidationError(
                    {
                        "evaluation_date": _(
                            "评比须在次年“五一”劳动节前完成：%(year)s年度的评比日期最晚为%(last)s。"
                        )
                        % {"year": self.year, "last": last.isoformat()}
                    },
                    code="after_may_day",
                )

    @property
    def is_open(self) -> bool:
        """Entries and score sheets may change only while the year is open."""
        return self.status == YearStatus.OPEN


class NineProject(models.Model):
    """One of a year's projects (the nine projects, 九大工程, by default) that its entries,
    reports, activities and nominations belong to. Each year has rows of its own: opening a
    year copies them, and editing one year's never changes another's."""

    year = models.ForeignKey(
        CompetitionYear,
        on_delete=models.CASCADE,
        related_name="projects",
        verbose_name=_("竞赛年度"),
    )
    number = models.PositiveSmallIntegerField(_("序号"), validators=[MinValueValidator(1)])
    name = models.CharField(_("名称"), max_length=50)
    short_name = models.CharField(_("简称"), max_length=20)
    description = models.TextField(_("说明"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "number"]
        verbose_name = _("九大工程")
        verbose_name_plural = _("九大工程")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "number"],
                name="project_unique_number",
                violation_error_message=_("本年度已有相同序号的工程。"),
            ),
            models.UniqueConstraint(
                fields=["year", "name"],
                name="project_unique_name",
                violation_error_message=_("本年度已有相同名称的工程。"),
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="project_number_positive"),
        ]

    def __str__(self):
        return self.name


activity_code_validator = RegexValidator(
    r"^[a-z][a-z0-9_]*$", _("代码须以小写字母开头，只含小写字母、数字和下划线。")
)


class ActivityType(models.Model):
    """A kind of model-worker activity of one year (the “5+1” by default: five themed
    activities plus the volunteer team's service). Activities count per type on the quota
    page; each year has rows of its own, copied when the next year is opened."""

    year = models.ForeignKey(
        CompetitionYear,
        on_delete=models.CASCADE,
        related_name="activity_types",
        verbose_name=_("竞赛年度"),
    )
    code = models.CharField(
        _("代码"),
        max_length=20,
        validators=[activity_code_validator],
        help_text=_("如 skills；同一类型在各年度用同一代码。"),
    )
    number = models.PositiveSmallIntegerField(_("序号"), validators=[MinValueValidator(1)])
    name = models.CharField(_("名称"), max_length=50)
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "number"]
        verbose_name = _("活动类型")
        verbose_name_plural = _("活动类型")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "code"],
                name="activity_type_unique_code",
                violation_error_message=_("本年度已有相同代码的活动类型。"),
            ),
            models.UniqueConstraint(
                fields=["year", "number"],
                name="activity_type_unique_number",
                violation_error_message=_("本年度已有相同序号的活动类型。"),
            ),
            models.UniqueConstraint(
                fields=["year", "name"],
                name="activity_type_unique_name",
                violation_error_message=_("本年度已有相同名称的活动类型。"),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="activity_type_number_positive"
            ),
        ]

    def __str__(self):
        return self.name


class KindQuota(models.Model):
    """A year's rule: the activities (劳模扶贫活动) each unit of a kind organises at least."""

    year = models.ForeignKey(
        CompetitionYear,
        on_delete=models.CASCADE,
        related_name="kind_quotas",
        verbose_name=_("竞赛年度"),
    )
    kind = models.ForeignKey(
        UnitKind, on_delete=models.PROTECT, related_name="quotas", verbose_name=_("单位类别")
    )
    quota = models.PositiveSmallIntegerField(
        _("每年劳模扶贫活动最低数"), help_text=_("该类单位本年度至少组织的劳模扶贫活动数。")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year__year", "kind__order"]
        verbose_name = _("单位类别活动数要求")
        verbose_name_plural = _("单位类别活动数要求")
        constraints = [
            models.UniqueConstraint(fields=["year", "kind"], name="kind_quota_unique"),
        ]

    def __str__(self):
        return f"{self.year.year} · {self.kind} · {self.quota}"


class UnitQuota(models.Model):
    """A unit's own quota for one year, in place of its kind's (单独设定)."""

    year = models.ForeignKey(
        CompetitionYear,
        on_delete=models.CASCADE,
        related_name="unit_quotas",
        verbose_name=_("竞赛年度"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="quotas", verbose_name=_("参赛单位")
    )
    quota = models.PositiveSmallIntegerField(_("活动数要求（单独设定）"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year__year", "unit"]
        verbose_name = _("单位活动数要求（单独设定）")
        verbose_name_plural = _("单位活动数要求（单独设定）")
        constraints = [
            models.UniqueConstraint(fields=["year", "unit"], name="unit_quota_unique"),
        ]

    def __str__(self):
        return f"{self.year.year} · {self.unit} · {self.quota}"


class Criterion(models.Model):
    """A scoring criterion of one competition year (四比 by default): name, rubric, maximum,
    weight and order. A year may have any number of them; a score sheet holds one score per
    criterion of its year."""

    year = models.ForeignKey(
        CompetitionYear,
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("竞赛年度"),
    )
    code = models.SlugField(_("代码"), max_length=20)
    number = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("名称"), max_length=50)
    rubric = models.TextField(_("评分标准"))
    max_points = models.DecimalField(
        _("满分"),
        max_digits=5,
        decimal_places=1,
        default=25,
        validators=[MinValueValidator(1)],
    )
    weight = models.DecimalField(
        _("权重"),
        max_digits=5,
        decimal_places=3,
        default=1,
        validators=[MinValueValidator(0)],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "number"]
        verbose_name = _("评比标准")
        verbose_name_plural = _("评比标准")
        constraints = [
            models.UniqueConstraint(fields=["year", "code"], name="criterion_unique_code"),
            models.UniqueConstraint(fields=["year", "number"], name="criterion_unique_number"),
            models.UniqueConstraint(fields=["year", "name"], name="criterion_unique_name"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="criterion_max_positive"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="criterion_weight_nonneg"),
        ]

    def __str__(self):
        return self.name


class ReportingPeriod(models.Model):
    """One reporting period of a year (a quarter, a month, a half year: the office decides)."""

    year = models.ForeignKey(
        CompetitionYear,
        on_delete=models.CASCADE,
        related_name="periods",
        verbose_name=_("竞赛年度"),
    )
    number = models.PositiveSmallIntegerField(
        _("序号"), validators=[MinValueValidator(1)], help_text=_("在本年度内的先后顺序，从1起。")
    )
    name = models.CharField(
        _("名称"), max_length=40, help_text=_("如“第1季度”“1月”“上半年”，显示为“2019年第1季度”。")
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    deadline = models.DateField(_("报送截止日"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["year__year", "number"]
        verbose_name = _("报送期")
        verbose_name_plural = _("报送期")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "number"],
                name="period_unique_number",
                violation_error_message=_("本年度已有相同序号的报送期。"),
            ),
            models.UniqueConstraint(
                fields=["year", "name"],
                name="period_unique_name",
                violation_error_message=_("本年度已有相同名称的报送期。"),
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="period_number_positive"),
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="period_ordered",
                violation_error_message=_("结束日期不能早于开始日期。"),
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("end")),
                name="period_deadline_after_end",
                violation_error_message=_("报送截止日不能早于结束日期。"),
            ),
        ]

    def __str__(self):
        return period_label(self.year.year, self.name)


def period_label(year: int, name: str) -> str:
    """A reporting period's label ("2019年第3季度"), also for rows read without the model."""
    return _("%(year)s年%(name)s") % {"year": year, "name": name}


class Membership(models.Model):
    """A user's role in the portal, and for unit staff the one unit they report for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membership",
        verbose_name=_("用户"),
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("所属单位"),
        help_text=_("单位填报员必填；竞赛办公室成员如来自某单位也应填写（不得为本单位评分）。"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("用户角色")
        verbose_name_plural = _("用户角色")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.UNIT_STAFF) | Q(unit__isnull=False),
                name="membership_staff_has_unit",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"
