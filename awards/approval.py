"""The procedure of a run's award decisions (issue 15.6), one service per step.

拟定 (the office's proposal: the shortlist's decisions) → 待审批 (submitted to the leading
group, the admin role) → 已批准, or 已退回 to the office with a comment → 公示中 (the approved
list is public for the year's number of working days; anyone logged in may object) → 公示结束
(the period over and every objection answered) → 已发布 (the 表彰决定, its number, date and
text). From submission on, the shortlist's decisions are frozen (`services.shortlist_*` refuse
changes) until the leading group returns them. Each step checks its permission, locks the run
and its decision, is recorded as a `DecisionStep` (and in the decision's history), and
notifies those concerned in the portal and by mail.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from common.services import notification_create, save_recorded
from competition.permissions import require
from competition.selectors import unit_staff_by_unit
from competition.services import year_require_unsealed

from . import selectors, services, workdays
from .enums import EDITABLE_STAGES, DecisionAction, DecisionStage
from .models import AwardDecision, DecisionStep, EvaluationRun, Objection, ShortlistItem


def _locked(run: EvaluationRun) -> AwardDecision:
    """The run's decision under a lock, made (as a draft) if it has none. The run is locked
    first, in the order of every shortlist write, so a decision and a change of the list
    never cross."""
    run = services.locked_run(run)
    decision, _created = AwardDecision.objects.select_for_update().get_or_create(run=run)
    decision.run = run
    return decision


def _move(decision, *, actor, action, to, allowed, comment="", fields=()) -> AwardDecision:
    if decision.stage not in allowed:
        raise ValidationError(
            _("表彰决定当前为“%(stage)s”，不能%(action)s。")
            % {"stage": decision.get_stage_display(), "action": DecisionAction(action).label},
            code="wrong_stage",
        )
    decision.stage = to
    decision.full_clean()
    save_recorded(decision, actor, update_fields=["stage", *fields])
    step = DecisionStep(decision=decision, action=action, actor=actor, comment=comment.strip())
    step.full_clean()
    step.save()
    return decision


def _year(decision) -> int:
    return decision.run.year.year


def _page(decision) -> str:
    return reverse("awards:decision", args=[decision.run_id])


def _check_proposal(decision) -> None:
    """What is submitted and approved: some award, every nominee still eligible by their
    records, and no other run of the year's decisions under way."""
    run = decision.run
    items = list(selectors.awarded(run).select_related("run__year", "nomination_ranking"))
    if not items:
        raise ValidationError(_("本次评选尚未作出任何表彰决定，不能报送。"), code="empty")
    for item in items:
        services.require_still_eligible(item)
    other = (
        AwardDecision.objects.filter(run__year=run.year)
        .exclude(run=run)
        .exclude(stage__in=EDITABLE_STAGES)
        .first()
    )
    if other is not None:
        raise ValidationError(
            _("本年度另一次评选的表彰决定已%(stage)s，同一年度只能有一份表彰决定。")
            % {"stage": other.get_stage_display()},
            code="other_run",
        )


@transaction.atomic
def decision_submit(*, actor, run: EvaluationRun, comment: str = "") -> AwardDecision:
    """The office submits its proposal (the shortlist's decisions) to the leading group."""
    year_require_unsealed(run.year)
    require(actor, "awards.propose_decisions", run)
    decision = _locked(run)
    _check_proposal(decision)
    decision = _move(
        decision,
        actor=actor,
        action=DecisionAction.SUBMIT,
        to=DecisionStage.SUBMITTED,
        allowed=EDITABLE_STAGES,
        comment=comment,
    )
    notification_create(
        recipients=selectors.leading_group(),
        title=_("%(year)s年度表彰决定（拟定）待领导小组审批") % {"year": _year(decision)},
        body=comment.strip(),
        link=_page(decision),
        mail=True,
    )
    return decision


@transaction.atomic
def decision_approve(*, actor, run: EvaluationRun, comment: str = "") -> AwardDecision:
    """The leading group approves the submitted proposal (eligibility checked again)."""
    year_require_unsealed(run.year)
    require(actor, "awards.approve_decisions", run)
    decision = _locked(run)
    if decision.stage == DecisionStage.SUBMITTED:
        _check_proposal(decision)
    decision = _move(
        decision,
        actor=actor,
        action=DecisionAction.APPROVE,
        to=DecisionStage.APPROVED,
        allowed=(DecisionStage.SUBMITTED,),
        comment=comment,
    )
    notification_create(
        recipients=selectors.office_members(),
        title=_("领导小组已批准%(year)s年度表彰决定，请组织公示") % {"year": _year(decision)},
        body=comment.strip(),
        link=_page(decision),
        mail=True,
    )
    return decision


@transaction.atomic
def decision_return(*, actor, run: EvaluationRun, comment: str) -> AwardDecision:
    """The leading group returns the decisions to the office (with a comment), before or
    after approving them, until the decision is published: the office may change them again
    and the 公示 starts afresh after a new approval."""
    year_require_unsealed(run.year)
    require(actor, "awards.approve_decisions", run)
    if not comment.strip():
        raise ValidationError({"comment": _("退回须填写意见。")}, code="comment_required")
    decision = _locked(run)
    decision.publicity_start = decision.publicity_end = decision.publicity_days = None
    decision = _move(
        decision,
        actor=actor,
        action=DecisionAction.RETURN,
        to=DecisionStage.RETURNED,
        allowed=(
            DecisionStage.SUBMITTED,
            DecisionStage.APPROVED,
            DecisionStage.PUBLICITY,
            DecisionStage.FINAL,
        ),
        comment=comment,
        fields=("publicity_start", "publicity_end", "publicity_days"),
    )
    notification_create(
        recipients=selectors.office_members(),
        title=_("领导小组退回了%(year)s年度表彰决定") % {"year": _year(decision)},
        body=comment.strip(),
        link=_page(decision),
        mail=True,
    )
    return decision


@transaction.atomic
def publicity_start(
    *,
    actor,
    run: EvaluationRun,
    start: datetime.date | None = None,
    today: datetime.date | None = None,
) -> AwardDecision:
    """Publish the approved list for the 公示: from `start` (today by default, never earlier)
    for the year's number of working days (`EvaluationSettings.publicity_days`); every unit's
    staff and the office are told."""
    year_require_unsealed(run.year)
    require(actor, "awards.run_publicity", run)
    today = today or timezone.localdate()
    start = start or today
    if start < today:
        raise ValidationError({"start": _("公示开始日期不能早于今天。")}, code="start_past")
    decision = _locked(run)
    days = services.evaluation_settings_for(run.year).publicity_days
    decision.publicity_days = days
    decision.publicity_start = workdays.first_working_day(start)
    decision.publicity_end = workdays.last_of(start, days)
    decision = _move(
        decision,
        actor=actor,
        action=DecisionAction.PUBLICITY_START,
        to=DecisionStage.PUBLICITY,
        allowed=(DecisionStage.APPROVED,),
        comment=_("公示期：%(start)s至%(end)s（%(days)s个工作日）") % _period(decision),
        fields=("publicity_days", "publicity_start", "publicity_end"),
    )
    notification_create(
        recipients=[*selectors.every_unit_staff(), *selectors.office_members()],
        title=_("%(year)s年度表彰名单公示") % {"year": _year(decision)},
        body=_("公示期：%(start)s至%(end)s（%(days)s个工作日）。如有异议，请在公示期内提出。")
        % _period(decision),
        link=reverse("awards:publicity", args=[decision.pk]),
        mail=True,
    )
    return decision


def _period(decision) -> dict:
    return {
        "start": date_format(decision.publicity_start, "DATE_FORMAT"),
        "end": date_format(decision.publicity_end, "DATE_FORMAT"),
        "days": decision.publicity_days,
    }


@transaction.atomic
def objection_lodge(
    *,
    actor,
    decision: AwardDecision,
    text: str,
    item: ShortlistItem | None = None,
    today: datetime.date | None = None,
) -> Objection:
    """Anyone logged in objects to the list under 公示 (to one of its awards, or to the list
    as a whole), within the period; the office is told and must answer."""
    require(actor, "awards.lodge_objection", decision)
    decision = _locked(decision.run)
    year_require_unsealed(decision.run.year)
    today = today or timezone.localdate()
    if decision.stage != DecisionStage.PUBLICITY or not (
        decision.publicity_start <= today <= decision.publicity_end
    ):
        raise ValidationError(_("现在不在公示期内，不能提出异议。"), code="not_in_publicity")
    if item is not None and not selectors.awarded(decision.run).filter(pk=item.pk).exists():
        raise ValidationError({"item": _("只能对公示名单中的对象提出异议。")}, code="not_listed")
    objection = Objection(decision=decision, item=item, text=text.strip(), lodged_by=actor)
    objection.full_clean()
    save_recorded(objection, actor)
    notification_create(
        recipients=selectors.office_members(),
        title=_("收到对%(year)s年度表彰名单的异议，请答复") % {"year": _year(decision)},
        body=objection.text,
        link=reverse("awards:objection_list", args=[decision.pk]),
        mail=True,
    )
    return objection


@transaction.atomic
def objection_answer(*, actor, objection: Objection, answer: str) -> Objection:
    """The office answers an objection (once; never one about a unit it has a conflict
    with); the person who lodged it is told."""
    require(actor, "awards.answer_objection", objection)
    year_require_unsealed(objection.decision.run.year)
    objection = (
        Objection.objects.select_for_update()
        .select_related("decision__run__year")
        .get(pk=objection.pk)
    )
    if objection.is_answered:
        raise ValidationError(_("该异议已答复。"), code="already_answered")
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("请填写答复。")}, code="answer_required")
    objection.answer = answer
    objection.answered_by = actor
    objection.answered_at = timezone.now()
    objection.full_clean()
    save_recorded(objection, actor, update_fields=["answer", "answered_by", "answered_at"])
    if objection.lodged_by_id:
        notification_create(
            recipients=[objection.lodged_by],
            title=_("您对%(year)s年度表彰名单提出的异议已答复")
            % {"year": _year(objection.decision)},
            body=answer,
            link=reverse("awards:publicity", args=[objection.decision_id]),
            mail=True,
        )
    return objection


def _check_publicity_over(decision, today: datetime.date) -> None:
    if today <= decision.publicity_end:
        raise ValidationError(
            _("公示期至%(end)s结束，期满前不能结束公示或发布表彰决定。") % _period(decision),
            code="publicity_running",
        )
    waiting = decision.objections.filter(answered_at__isnull=True).count()
    if waiting:
        raise ValidationError(
            _("尚有%(n)s条异议未答复，答复后才能结束公示、发布表彰决定。") % {"n": waiting},
            code="objections_waiting",
        )


@transaction.atomic
def publicity_close(
    *, actor, run: EvaluationRun, today: datetime.date | None = None
) -> AwardDecision:
    """The 公示 ends once its last working day has passed and every objection is answered;
    the leading group is told the list is final."""
    year_require_unsealed(run.year)
    require(actor, "awards.run_publicity", run)
    decision = _locked(run)
    if decision.stage == DecisionStage.PUBLICITY:
        _check_publicity_over(decision, today or timezone.localdate())
    answered = decision.objections.count()
    decision = _move(
        decision,
        actor=actor,
        action=DecisionAction.PUBLICITY_CLOSE,
        to=DecisionStage.FINAL,
        allowed=(DecisionStage.PUBLICITY,),
        comment=_("公示期满，收到异议%(n)s条，均已答复。") % {"n": answered},
    )
    notification_create(
        recipients=selectors.leading_group(),
        title=_("%(year)s年度表彰名单公示结束，请发布表彰决定") % {"year": _year(decision)},
        body=decision.steps.last().comment,
        link=_page(decision),
        mail=True,
    )
    return decision


@transaction.atomic
def decision_publish(
    *,
    actor,
    run: EvaluationRun,
    number: str,
    text: str = "",
    published_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> AwardDecision:
    """The leading group publishes the 表彰决定 (its number, date and text) once the 公示 is
    over: from now on the awards have certificates, dated by it. Every unit is told; the
    awarded units of their own awards."""
    year_require_unsealed(run.year)
    require(actor, "awards.approve_decisions", run)
    today = today or timezone.localdate()
    decision = _locked(run)
    if decision.stage == DecisionStage.PUBLICITY:
        _check_publicity_over(decision, today)
    if not number.strip():
        raise ValidationError({"number": _("请填写决定文号。")}, code="number_required")
    published_on = published_on or today
    if decision.publicity_end and published_on <= decision.publicity_end:
        raise ValidationError(
            {"published_on": _("决定日期须在公示期满之后。")}, code="date_in_publicity"
        )
    decision.number, decision.text, decision.published_on = (
        number.strip(),
        text.strip(),
        published_on,
    )
    decision = _move(
        decision,
        actor=actor,
        action=DecisionAction.PUBLISH,
        to=DecisionStage.PUBLISHED,
        allowed=(DecisionStage.FINAL,),
        comment=decision.number,
        fields=("number", "text", "published_on"),
    )
    _notify_published(decision)
    return decision


def _notify_published(decision) -> None:
    """The units given an award hear of their own; every other unit and the office of the
    decision."""
    items = list(selectors.awarded(decision.run).exclude(award=""))
    staff = unit_staff_by_unit({item.unit_id for item in items})
    year = _year(decision)
    for unit_id, users in staff.items():
        own = [item for item in items if item.unit_id == unit_id]
        notification_create(
            recipients=users,
            title=_("%(year)s年度表彰决定已发布：本单位获表彰") % {"year": year},
            body="；".join(f"{item.recipient} · {item.award_name}" for item in own),
            link=reverse("awards:publicity", args=[decision.pk]),
            mail=True,
        )
    notification_create(
        recipients=[
            *selectors.every_unit_staff().exclude(membership__unit_id__in=set(staff)),
            *selectors.office_members(),
        ],
        title=_("%(year)s年度表彰决定已发布（%(number)s）")
        % {"year": year, "number": decision.number},
        body=decision.text[:500],
        link=reverse("awards:publicity", args=[decision.pk]),
        mail=True,
    )
