from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    UNIT_STAFF = "unit_staff", _("单位填报员")
    OFFICE = "office", _("竞赛办公室")
    ADMIN = "admin", _("管理员")


class YearStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    EVALUATING = "evaluating", _("评比中")
    CLOSED = "closed", _("已结束")


class UnitKindCode(models.TextChoices):
    COUNTY = "county", _("县区总工会")
    SYSTEM = "system", _("系统工会")
    DIRECT = "direct", _("直属工会")
    POVERTY_OFFICE = "poverty_office", _("扶贫办")


class SpotCheckRating(models.TextChoices):
    GOOD = "good", _("好")
    FAIRLY_GOOD = "fairly_good", _("较好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("差")


# A spot check's rating as points (0–100) for the unit ranking's spot-check term (its weight
# is a year's evaluation rule): a unit's score is the mean over its spot checks of the year.
SPOT_CHECK_POINTS = {
    SpotCheckRating.GOOD: 100,
    SpotCheckRating.FAIRLY_GOOD: 80,
    SpotCheckRating.FAIR: 60,
    SpotCheckRating.POOR: 0,
}


class PeriodScheme(models.TextChoices):
    """Ready-made ways of dividing a year into reporting periods (`services.default_periods`)."""

    QUARTERLY = "quarterly", _("按季度")
    MONTHLY = "monthly", _("按月")
    HALF_YEARLY = "half-yearly", _("按半年")


class QualityTarget(models.TextChoices):
    """What a data-quality rule checks (`competition.quality`)."""

    REPORT = "report", _("季度报告")
    ACTIVITY = "activity", _("劳模扶贫活动")
    SERVICE_RECORD = "service_record", _("志愿服务记录")


class QualityRuleKind(models.TextChoices):
    BOUND = "bound", _("数值范围")
    AT_LEAST = "at_least", _("不少于另一项")
    RATIO = "ratio", _("比值范围")
    JUMP = "jump", _("与上期相比变化过大")
    OUTLIER = "outlier", _("与同类单位相比异常")


class QualitySeverity(models.TextChoices):
    WARN = "warn", _("提示（可说明后提交）")
    REFUSE = "refuse", _("拒绝（必须改正）")


# The numbers each target reports, by code (the field's name on its model) and label.
QUALITY_FIELDS = {
    QualityTarget.REPORT: (
        ("households_helped", _("帮扶贫困户数（户）")),
        ("people_helped", _("帮扶贫困人口（人）")),
        ("funds_invested", _("投入资金（元）")),
        ("people_trained", _("培训人数（人）")),
        ("jobs_arranged", _("安排就业（人）")),
    ),
    QualityTarget.ACTIVITY: (
        ("households", _("受益贫困户（户）")),
        ("people", _("受益人数（人）")),
    ),
    QualityTarget.SERVICE_RECORD: (("hours", _("服务时长（小时）")),),
}
# Kinds that compare a figure with other periods or other units: reports only, since only a
# report is one figure per unit and period.
PERIOD_KINDS = (QualityRuleKind.JUMP, QualityRuleKind.OUTLIER)
