from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """What an API token may read: each endpoint of /api/v1/ needs one of these."""

    UNITS = "units", _("参赛单位")
    YEARS = "years", _("竞赛年度、规则与报送期")
    REPORTS = "reports", _("季度报告状态与报送完整率")
    ACTIVITIES = "activities", _("劳模扶贫活动与活动数完成情况")
    RESULTS = "results", _("已公布的评选排名")
    AWARDS = "awards", _("已公布的表彰决定")
    RECOMMENDATIONS = "recommendations", _("推荐参加省级评选名单")
