from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """What a nomination (双争) or a shortlist is for."""

    COLLECTIVE = "collective", _("先锋集体")
    INDIVIDUAL = "individual", _("先锋个人")


class ShortlistCategory(models.TextChoices):
    COLLECTIVE = "collective", _("先锋集体")
    INDIVIDUAL = "individual", _("先锋个人")
    UNIT = "unit", _("参赛单位")


class CollectiveKind(models.TextChoices):
    UNIT = "unit", _("单位")
    TEAM = "team", _("团队")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("计算中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


FINISHED_STATUSES = (RunStatus.DONE, RunStatus.FAILED)


class TieBreak(models.TextChoices):
    """The rules that separate equal totals, in the admin's order (default: this order)."""

    EFFECT = "effect", _("比项目成效")
    SATISFACTION = "satisfaction", _("比群众满意")
    INCOME = "income", _("比经济收入")
    SUBMITTED = "submitted", _("提交时间早")


DEFAULT_TIE_BREAK = [TieBreak.EFFECT, TieBreak.SATISFACTION, TieBreak.INCOME, TieBreak.SUBMITTED]


class AwardKind(models.TextChoices):
    CERTIFICATE = "certificate", _("淮北市五一劳动奖状")
    MEDAL = "medal", _("淮北市五一劳动奖章")


# The award each shortlist category may receive.
AWARD_FOR_CATEGORY = {
    ShortlistCategory.COLLECTIVE: AwardKind.CERTIFICATE,
    ShortlistCategory.UNIT: AwardKind.CERTIFICATE,
    ShortlistCategory.INDIVIDUAL: AwardKind.MEDAL,
}

# Selection criteria (选树标准): (code, name). Each gets its own evidence field `evidence_<code>`.
COLLECTIVE_CRITERIA = (
    ("participation", _("积极参与")),
    ("promotion", _("大力推动")),
    ("practice", _("模范践行")),
)
INDIVIDUAL_CRITERIA = (
    ("integrity", _("思想过硬")),
    ("results", _("业绩显著")),
    ("style", _("作风优良")),
    ("innovation", _("方法创新")),
    ("discipline", _("廉洁自律")),
)
CRITERIA = {Category.COLLECTIVE: COLLECTIVE_CRITERIA, Category.INDIVIDUAL: INDIVIDUAL_CRITERIA}
EVIDENCE_CODES = tuple(code for code, _name in COLLECTIVE_CRITERIA + INDIVIDUAL_CRITERIA)

# An individual needs this many full years of poverty-alleviation work at the evaluation date.
MIN_SERVICE_YEARS = 2
