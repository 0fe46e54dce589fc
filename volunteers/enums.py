from django.db import models
from django.utils.translation import gettext_lazy as _

from competition import defaults

# The default “5+1” (five themed activities plus the volunteer team's service) by code, for
# code that names a default type: the demo and the tests. The activity types themselves are
# rows of each year (competition.models.ActivityType, made from competition/defaults.py);
# pages, forms, imports and counts read the year's rows, never this.
ActivityType = models.TextChoices(
    "ActivityType", [(code.upper(), (code, name)) for code, name in defaults.ACTIVITY_TYPES]
)


class Gender(models.TextChoices):
    MALE = "m", _("男")
    FEMALE = "f", _("女")


class HonourLevel(models.TextChoices):
    NATIONAL = "national", _("全国劳模")
    PROVINCIAL = "provincial", _("省部级劳模")
    CITY = "city", _("市级劳模")
    MAY_DAY_MEDAL = "may_day_medal", _("五一劳动奖章获得者")


class Expertise(models.TextChoices):
    PLANTING = "planting", _("种植")
    FORESTRY = "forestry", _("林业")
    LIVESTOCK = "livestock", _("畜牧")
    AQUACULTURE = "aquaculture", _("水产")
    MEDICAL = "medical", _("医疗卫生")
    EDUCATION = "education", _("教育")
    BUSINESS = "business", _("企业经营")
    OTHER = "other", _("其他")
