"""The awards app's panels: the evaluation on the office's home page, a unit's awards."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.panels import Panel, TodoItem
from common.web import once_per_request
from competition import permissions
from competition import selectors as competition_selectors

from . import selectors
from .enums import ApplicationStatus, DecisionStage


def home_panels(request):
    if not permissions.may(request.user, "awards.view_evaluation"):
        return []
    year = competition_selectors.current_year_for(request)
    if year is None:
        return []
    context = {
        "year": year,
        "run": year_run_for(request),
        "nominations": selectors.nomination_count_for_user(request.user, year),
    }
    return [Panel("awards/_panel_evaluation.html", context, order=40)]


def unit_panels(request, unit):
    if not permissions.may(request.user, "competition.view_unit", unit):
        return []
    awards = list(selectors.awards_of_unit(unit)[:10])
    if not awards:
        return []
    return [Panel("awards/_panel_unit_awards.html", {"awards": awards}, order=40)]


def todo_items(request) -> list[TodoItem]:
    """Staff: their unit's 奖状 applications returned for changes. Office: applications
    waiting for review, and the objections slot. Admin: the year's evaluation to start, and
    the decisions slot."""
    user = request.user
    items = []
    applications = selectors.applications_for_user(user)
    if permissions.is_unit_staff(user):
        for application in applications.filter(status=ApplicationStatus.RETURNED)[:10]:
            items.append(
                TodoItem(
                    _("修改已退回的%(year)s年度奖状申报") % {"year": application.year.year},
                    reverse("awards:application_detail", args=[application.pk]),
                    detail=_("审核意见：%(comment)s") % {"comment": application.comment},
                    urgent=True,
                    order=15,
                )
            )
    if permissions.may(user, "awards.review_application"):
        waiting = applications.filter(status=ApplicationStatus.SUBMITTED).count()
        if waiting:
            label = _("%(count)s份奖状申报等待审核") % {"count": waiting}
            items.append(TodoItem(label, reverse("awards:application_list"), order=25))
    if permissions.may(user, "awards.run_evaluation"):
        items += _runs_to_start(request)
    return items + decision_todo_items(request)


def year_run_for(request):
    """The current year's evaluation run the user may see (None: none yet), once a request:
    the home page's panel and its 待办 both ask."""

    def run():
        year = competition_selectors.current_year_for(request)
        return selectors.latest_run_for_user(request.user, year) if year else None

    return once_per_request(request, "year_run", run)


def _runs_to_start(request) -> list[TodoItem]:
    year = competition_selectors.current_year_for(request)
    if year is None or year_run_for(request) is not None:
        return []
    label = _("%(year)s年度评选尚未开始") % {"year": year.year}
    return [TodoItem(label, reverse("awards:evaluation"), order=60)]


# The step of the procedure each stage waits for, and who takes it.
DECISION_STEPS = {
    DecisionStage.SUBMITTED: ("awards.approve_decisions", gettext_lazy("审批%(year)s年度表彰决定")),
    DecisionStage.FINAL: ("awards.approve_decisions", gettext_lazy("发布%(year)s年度表彰决定")),
    DecisionStage.APPROVED: (
        "awards.propose_decisions",
        gettext_lazy("组织%(year)s年度表彰名单公示"),
    ),
    DecisionStage.RETURNED: (
        "awards.propose_decisions",
        gettext_lazy("修改领导小组退回的%(year)s年度表彰决定"),
    ),
}


def decision_todo_items(request) -> list[TodoItem]:
    """The leading group: decisions to approve and to publish; the office: approved ones to
    publish for 公示, returned ones to revise, and objections (异议) to a 公示 not answered
    yet, per decision. One query."""
    user = request.user
    stages = [s for s, (rule, _label) in DECISION_STEPS.items() if permissions.may(user, rule)]
    objections = permissions.may(user, "awards.answer_objection")
    if not stages and not objections:
        return []
    items = []
    for decision in selectors.decisions_to_act_on(stages, objections):
        year = decision.run.year.year
        if objections and decision.unanswered:
            items.append(
                TodoItem(
                    _("%(year)s年度表彰名单有%(count)s条异议待答复")
                    % {"year": year, "count": decision.unanswered},
                    reverse("awards:objection_list", args=[decision.pk]),
                    urgent=True,
                    order=22,
                )
            )
        if decision.stage in stages:
            items.append(
                TodoItem(
                    DECISION_STEPS[decision.stage][1] % {"year": year},
                    reverse("awards:decision", args=[decision.run_id]),
                    order=55,
                )
            )
    return items
