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
