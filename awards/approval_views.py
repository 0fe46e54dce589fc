"""The procedure of a run's award decisions: the decision page (stage, the steps the user
may take, the log), the 公示 every logged-in user sees with its objection form, and the
office's page that answers objections."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.paging import page_of
from common.web import show_errors
from competition.permissions import may, require

from . import approval, selectors
from .enums import DecisionStage
from .forms import AnswerForm, ObjectionForm, PublicityStartForm, PublishForm, ReturnForm, StepForm


def _forms(user, run, decision) -> dict:
    """The steps the user may take now, each with its form."""
    stage = decision.stage if decision else DecisionStage.DRAFT
    offered = {
        "submit": stage in (DecisionStage.DRAFT, DecisionStage.RETURNED)
        and may(user, "awards.propose_decisions", run),
        "approve": stage == DecisionStage.SUBMITTED and may(user, "awards.approve_decisions", run),
        "return": stage
        in (
            DecisionStage.SUBMITTED,
            DecisionStage.APPROVED,
            DecisionStage.PUBLICITY,
            DecisionStage.FINAL,
        )
        and may(user, "awards.approve_decisions", run),
        "publicity_start": stage == DecisionStage.APPROVED
        and may(user, "awards.run_publicity", run),
        "publicity_close": stage == DecisionStage.PUBLICITY
        and may(user, "awards.run_publicity", run),
        "publish": stage == DecisionStage.FINAL and may(user, "awards.approve_decisions", run),
    }
    forms = {
        "submit": lambda: StepForm(label=_("报送领导小组审批")),
        "approve": lambda: StepForm(label=_("批准")),
        "return": ReturnForm,
        "publicity_start": PublicityStartForm,
        "publicity_close": lambda: StepForm(label=_("结束公示")),
        "publish": PublishForm,
    }
    return {name: forms[name]() for name, ok in offered.items() if ok}


@login_required
def decision(request, pk):
    run = selectors.run_for_user(request.user, pk)
    require(request.user, "awards.view_decision", run)
    decision = selectors.decision_of(run)
    context = {
        "run": run,
        "decision": decision,
        "stage": decision.get_stage_display() if decision else DecisionStage.DRAFT.label,
        "items": selectors.awarded(run),
        "steps": selectors.decision_steps(decision),
        "forms": _forms(request.user, run, decision),
        "waiting": decision.objections.filter(answered_at__isnull=True).count() if decision else 0,
    }
    return render(request, "awards/decision.html", context)


def _step(request, pk, permission, form_class, call, done):
    """A step's POST: the run in scope, the permission, the form, the service, a message."""
    run = selectors.run_for_user(request.user, pk)
    require(request.user, permission, run)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(run, form.cleaned_data)
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(request, done)
    else:
        show_errors(request, form)
    return redirect("awards:decision", pk=pk)


@login_required
@require_POST
def decision_submit(request, pk):
    def call(run, data):
        approval.decision_submit(actor=request.user, run=run, comment=data["comment"])

    done = _("已报送领导小组审批；审批期间表彰决定不能修改。")
    return _step(request, pk, "awards.propose_decisions", StepForm, call, done)


@login_required
@require_POST
def decision_approve(request, pk):
    def call(run, data):
        approval.decision_approve(actor=request.user, run=run, comment=data["comment"])

    done = _("已批准表彰决定，竞赛办公室可开始公示。")
    return _step(request, pk, "awards.approve_decisions", StepForm, call, done)


@login_required
@require_POST
def decision_return(request, pk):
    def call(run, data):
        approval.decision_return(actor=request.user, run=run, comment=data["comment"])

    done = _("已退回竞赛办公室修改。")
    return _step(request, pk, "awards.approve_decisions", ReturnForm, call, done)


@login_required
@require_POST
def publicity_start(request, pk):
    def call(run, data):
        approval.publicity_start(actor=request.user, run=run, start=data["start"])

    done = _("表彰名单已公示，各单位均可查看并提出异议。")
    return _step(request, pk, "awards.run_publicity", PublicityStartForm, call, done)


@login_required
@require_POST
def publicity_close(request, pk):
    def call(run, data):
        approval.publicity_close(actor=request.user, run=run)

    done = _("公示已结束，名单已确定。")
    return _step(request, pk, "awards.run_publicity", StepForm, call, done)


@login_required
@require_POST
def decision_publish(request, pk):
    def call(run, data):
        approval.decision_publish(actor=request.user, run=run, **data)

    done = _("表彰决定已发布，可颁发证书。")
    return _step(request, pk, "awards.approve_decisions", PublishForm, call, done)


# --- the 公示 and its objections -------------------------------------------------------------


@login_required
def publicity_list(request):
    require(request.user, "awards.view_publicity")
    page = page_of(request, selectors.publicities())
    return render(request, "awards/publicity_list.html", {"page": page})


def _objection_form(decision, data=None):
    items = selectors.awarded(decision.run).select_related("unit")
    return ObjectionForm(data, items=items)


@login_required
def publicity(request, pk):
    decision = selectors.publicity_for_user(request.user, pk)
    require(request.user, "awards.view_publicity", decision)
    running = decision.stage == DecisionStage.PUBLICITY
    context = {
        "decision": decision,
        "items": selectors.awarded(decision.run),
        "objections": selectors.objections_for_user(request.user, decision),
        "form": _objection_form(decision) if running else None,
    }
    return render(request, "awards/publicity.html", context)


@login_required
@require_POST
def objection_create(request, pk):
    decision = selectors.publicity_for_user(request.user, pk)
    require(request.user, "awards.lodge_objection", decision)
    form = _objection_form(decision, request.POST)
    if form.is_valid():
        try:
            approval.objection_lodge(actor=request.user, decision=decision, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(request, _("异议已提交，竞赛办公室将答复。"))
    else:
        show_errors(request, form)
    return redirect("awards:publicity", pk=pk)


@login_required
def objection_list(request, pk):
    decision = selectors.publicity_for_user(request.user, pk)
    require(request.user, "awards.view_objections", decision)
    objections = selectors.objections_for_user(request.user, decision)
    rows = [(o, None if o.is_answered else AnswerForm(prefix=f"o{o.pk}")) for o in objections]
    return render(request, "awards/objection_list.html", {"decision": decision, "rows": rows})


@login_required
@require_POST
def objection_answer(request, pk):
    objection = selectors.objection_for_user(request.user, pk)
    require(request.user, "awards.answer_objection", objection)
    form = AnswerForm(request.POST, prefix=f"o{objection.pk}")
    if form.is_valid():
        try:
            approval.objection_answer(
                actor=request.user, objection=objection, answer=form.cleaned_data["answer"]
            )
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(request, _("答复已保存，已通知提出人。"))
    else:
        show_errors(request, form)
    return redirect("awards:objection_list", pk=objection.decision_id)
