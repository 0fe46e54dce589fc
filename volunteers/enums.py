from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityType(models.TextChoices):
    """The five themed activities of the “5+1” project, plus the volunteer team's service."""

    SKILLS = "skills", _("技能扶贫")
    HEALTH = "health", _("健康扶贫")
    EDUCATION = "education", _("教育扶贫")
    INDUSTRY = "industry", _("产业扶贫")
    PAIRING = "pairing", _("结对帮扶")
    VOLUNTEER = "volunteer", _("志愿服务")


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
