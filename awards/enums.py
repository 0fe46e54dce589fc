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
    """The rules that separate equal totals besides the year's criteria: a tie-break chain
    holds criterion codes (the higher mean wins) and these."""

    SUBMITTED = "submitted", _("提交时间早")
    # The notice: model workers “在同等条件下优先推荐参评上级荣誉称号”. Among individuals of
    # equal score, a registered model worker goes first; other rows are all equal on it.
    MODEL_WORKER = "model_worker", _("劳模优先（先锋个人）")


def rule_label(rule: str, names: dict[str, str]) -> str:
    """A tie-break rule's name: the criterion's (from `names`, code → name) or the fixed
    rule's."""
    if rule in TieBreak.values:
        return str(TieBreak(rule).label)
    return names.get(rule, rule)


# The notice's default chain: model workers first among equal individuals, the 四比
# (criterion codes), then the earlier submission.
DEFAULT_TIE_BREAK = [TieBreak.MODEL_WORKER, "effect", "satisfaction", "income", TieBreak.SUBMITTED]


class ApplicationStatus(models.TextChoices):
    """A unit's application for the 五一劳动奖状 (按程序申报), as the office reviews it."""

    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("已退回修改")
    ACCEPTED = "accepted", _("已通过")
    REFUSED = "refused", _("未通过")


class AwardKind(models.TextChoices):
    """The notice's award kinds: the codes `ShortlistItem.award` holds by default."""

    CERTIFICATE = "certificate", _("淮北市五一劳动奖状")
    MEDAL = "medal", _("淮北市五一劳动奖章")


# A year's award per shortlist category is data (`YearAward`); these are the notice's, a
# year's defaults: (code, name). Names are stored in Chinese as the office writes them.
DEFAULT_AWARDS = {
    ShortlistCategory.COLLECTIVE: (AwardKind.CERTIFICATE.value, "淮北市五一劳动奖状"),
    ShortlistCategory.UNIT: (AwardKind.CERTIFICATE.value, "淮北市五一劳动奖状"),
    ShortlistCategory.INDIVIDUAL: (AwardKind.MEDAL.value, "淮北市五一劳动奖章"),
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

# The notice's rules, a year's defaults (`EvaluationSettings` holds each year's): an
# individual needs this many full years of poverty-alleviation work at the evaluation date,
# and a late report counts this much of an on-time one in the unit ranking.
DEFAULT_SERVICE_YEARS = 2
DEFAULT_LATE_FACTOR = "0.5"


class DecisionStage(models.TextChoices):
    """Where a run's award decisions (表彰决定) stand: the office proposes them (拟定), submits
    them to the leading group (待审批), which approves or returns them; the approved list is
    published for the 公示 (公示中); once it is over and every objection answered (公示结束)
    the leading group publishes the decision (已发布), and only then are there certificates."""

    DRAFT = "draft", _("拟定")
    SUBMITTED = "submitted", _("待审批")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已批准")
    PUBLICITY = "publicity", _("公示中")
    FINAL = "final", _("公示结束")
    PUBLISHED = "published", _("已发布")


# The office changes the decisions only while they are its proposal (not yet submitted, or
# returned); the list is public from the 公示 on.
EDITABLE_STAGES = (DecisionStage.DRAFT, DecisionStage.RETURNED)
PUBLIC_STAGES = (DecisionStage.PUBLICITY, DecisionStage.FINAL, DecisionStage.PUBLISHED)


class DecisionAction(models.TextChoices):
    """The steps of the procedure, as the decision's log records them."""

    SUBMIT = "submit", _("报送领导小组审批")
    RETURN = "return", _("退回修改")
    APPROVE = "approve", _("批准")
    PUBLICITY_START = "publicity_start", _("开始公示")
    PUBLICITY_CLOSE = "publicity_close", _("结束公示")
    PUBLISH = "publish", _("发布表彰决定")


# The notice's practice, a year's default (`EvaluationSettings.publicity_days`): the approved
# list is publicly shown for five working days.
DEFAULT_PUBLICITY_DAYS = 5
