"""Writes of the awards app: nominations, evaluation runs, the shortlist and its decisions.

Every function takes the acting user (except the build, which a task runs) and runs in one
transaction. A finished run (done or failed) is never changed: `evaluation_run_build` refuses
it, and the shortlist refers to a run's rows without altering them.
"""

import datetime
import logging
from itertools import islice

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.db import insert_from_select, insert_sql, update_from_select, update_from_values
from common.queue import enqueue_on_commit
from common.services import (
    acting_user,
    delete_recorded,
    deletion_record,
    notification_create,
    reminder_claim,
    save_recorded,
)
from common.uploads import check_record_room, display_name, stored_size, validate_upload
from competition import services as competition_services
from competition.enums import YearStatus
from competition.models import CompetitionYear
from competition.permissions import require
from competition.selectors import criteria_of, unit_staff_by_unit
from competition.services import year_require_unsealed

from . import certificates, eligibility, rankings, selectors
from .enums import (
    DEFAULT_SERVICE_YEARS,
    DEFAULT_TIE_BREAK,
    EDITABLE_STAGES,
    EVIDENCE_CODES,
    ApplicationStatus,
    Category,
    RunStatus,
    ShortlistCategory,
    TieBreak,
)
from .models import (
    AwardDecision,
    Certificate,
    CertificateBatch,
    DisciplinaryFinding,
    EntryRanking,
    EvaluationRun,
    EvaluationSettings,
    Nomination,
    NominationAttachment,
    NominationRanking,
    ShortlistItem,
    UnitApplication,
    UnitAwardLimit,
    UnitRanking,
    WorkStartRecord,
    YearAward,
)

logger = logging.getLogger(__name__)

NOMINATION_FIELDS = (
    "entry",
    "category",
    "collective_kind",
    "team_name",
    "person_name",
    "gender",
    "position",
    "model_worker",
    "work_started_on",
    "has_disciplinary_record",
    "statement",
    *(f"evidence_{code}" for code in EVIDENCE_CODES),
)


def _check_open(year: CompetitionYear) -> None:
    if not year.is_open:
        raise ValidationError(_("本年度竞赛已结束申报，不能再修改申报。"), code="year_closed")


# --- nominations -----------------------------------------------------------------------------


@transaction.atomic
def nomination_create(*, actor, unit, year: CompetitionYear, data: dict) -> Nomination:
    """A unit's nomination; `data` holds the form's fields (see NOMINATION_FIELDS)."""
    year_require_unsealed(year)
    require(actor, "awards.create_nomination", unit)
    _check_open(year)
    nomination = Nomination(unit=unit, year=year, created_by=actor)
    for name in NOMINATION_FIELDS:
        if name in data:
            setattr(nomination, name, data[name])
    nomination.full_clean()
    save_recorded(nomination, actor)
    return nomination


@transaction.atomic
def nomination_update(*, actor, nomination: Nomination, data: dict) -> Nomination:
    year_require_unsealed(nomination.year)
    require(actor, "awards.edit_nomination", nomination)
    _check_open(nomination.year)
    changed = [name for name in NOMINATION_FIELDS if name in data]
    for name in changed:
        setattr(nomination, name, data[name])
    nomination.full_clean()
    save_recorded(nomination, actor, update_fields=[*changed, "updated_at"])
    return nomination


@transaction.atomic
def nomination_override(*, actor, nomination: Nomination, override: bool, reason: str = ""):
    """The office lets an ineligible or incomplete nomination be shortlisted (or takes it back);
    who, when and why are recorded."""
    year_require_unsealed(nomination.year)
    require(actor, "awards.override_eligibility", nomination)
    reason = reason.strip()
    if override and not reason:
        raise ValidationError({"reason": _("特批必须填写理由。")}, code="reason_required")
    nomination.override = override
    nomination.override_reason = reason if override else ""
    nomination.override_by = actor
    nomination.override_at = timezone.now()
    nomination.full_clean()
    save_recorded(
        nomination,
        actor,
        update_fields=["override", "override_reason", "override_by", "override_at", "updated_at"],
    )
    title = (
        _("先锋申报“%(name)s”已获竞赛办公室特批")
        if override
        else _("先锋申报“%(name)s”的特批已撤销")
    )
    notification_create(
        recipients=unit_staff_by_unit([nomination.unit_id]).get(nomination.unit_id, []),
        title=title % {"name": nomination.recipient},
        body=reason,
        link=reverse("awards:nomination_detail", args=[nomination.pk]),
        mail=True,
    )
    return nomination


@transaction.atomic
def nomination_delete(*, actor, nomination: Nomination) -> None:
    """The unit withdraws its nomination (deleted, recorded) while the year takes nominations;
    refused once an evaluation has ranked it or a disciplinary finding is on its record."""
    year_require_unsealed(nomination.year)
    require(actor, "awards.delete_nomination", nomination)
    _check_open(nomination.year)
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if NominationRanking.objects.filter(nomination=nomination).exists():
        raise ValidationError(_("该申报已进入评选排名，不能删除。"), code="ranked")
    if DisciplinaryFinding.objects.filter(nomination=nomination).exists():
        raise ValidationError(_("该申报有违纪违法记录，不能删除。"), code="has_finding")
    files = [attachment.file for attachment in nomination.attachments.all()]
    for attachment in nomination.attachments.all():
        deletion_record(actor=actor, obj=attachment)
    deletion_record(actor=actor, obj=nomination)
    delete_recorded(nomination, actor)
    transaction.on_commit(lambda: [stored.delete(save=False) for stored in files])


@transaction.atomic
def nomination_attachment_delete(*, actor, attachment: NominationAttachment) -> None:
    nomination = attachment.nomination
    year_require_unsealed(nomination.year)
    require(actor, "awards.edit_nomination", nomination)
    _check_open(nomination.year)
    Nomination.objects.select_for_update().filter(pk=nomination.pk).first()
    stored = attachment.file
    deletion_record(actor=actor, obj=attachment)
    attachment.delete()
    transaction.on_commit(lambda: stored.delete(save=False))


# --- applications for the 奖状 (按程序申报) --------------------------------------------------


@transaction.atomic
def application_submit(
    *, actor, unit, year: CompetitionYear, statement: str, evidence: str
) -> UnitApplication:
    """A unit applies for the 奖状 (or resubmits an application the office returned). The
    year's conditions (`selectors.application_conditions`) must all hold now; an application
    waiting for review, accepted or refused is not submitted again."""
    year_require_unsealed(year)
    require(actor, "awards.apply_for_unit", unit)
    if not year.is_open:
        raise ValidationError(_("该年度已不接受申报。"), code="year_not_open")
    existing = UnitApplication.objects.select_for_update().filter(year=year, unit=unit).first()
    if existing is not None and existing.status != ApplicationStatus.RETURNED:
        raise ValidationError(
            _("本单位本年度已申报（%(status)s），不能重复申报。")
            % {"status": existing.get_status_display()},
            code="already_applied",
        )
    unmet = [
        f"{condition.label}（{condition.detail}）"
        for condition in selectors.application_conditions(unit, year, evaluation_settings_for(year))
        if not condition.met
    ]
    if unmet:
        raise ValidationError(
            _("不符合申报条件：%(conditions)s。") % {"conditions": "；".join(unmet)},
            code="conditions_unmet",
        )
    application = existing or UnitApplication(year=year, unit=unit)
    application.statement = statement.strip()
    application.evidence = evidence.strip()
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_by = actor
    application.submitted_at = timezone.now()
    application.full_clean()
    save_recorded(application, actor)
    return application


REVIEW_DECISIONS = {
    "accept": ApplicationStatus.ACCEPTED,
    "return": ApplicationStatus.RETURNED,
    "refuse": ApplicationStatus.REFUSED,
}


@transaction.atomic
def application_review(
    *, actor, application: UnitApplication, decision: str, comment: str = ""
) -> UnitApplication:
    """The office accepts an application, returns it for changes or refuses it (a comment
    is required for the last two); the unit's staff are notified in the portal and by mail.
    Only a waiting application is reviewed, checked under the row lock."""
    year_require_unsealed(application.year)
    require(actor, "awards.review_application", application)
    application = UnitApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(
            _("该申报当前为“%(status)s”，不能再审核。")
            % {"status": application.get_status_display()},
            code="not_waiting",
        )
    status = REVIEW_DECISIONS.get(decision)
    if status is None:
        raise ValidationError(_("请选择审核结果。"), code="no_decision")
    comment = comment.strip()
    if status != ApplicationStatus.ACCEPTED and not comment:
        raise ValidationError({"comment": _("退回或不通过须填写意见。")}, code="comment_required")
    application.status = status
    application.comment = comment
    application.reviewed_by = actor
    application.reviewed_at = timezone.now()
    application.full_clean()
    save_recorded(
        application, actor, update_fields=["status", "comment", "reviewed_by", "reviewed_at"]
    )
    notification_create(
        recipients=unit_staff_by_unit([application.unit_id]).get(application.unit_id, []),
        title=_("奖状申报%(status)s") % {"status": application.get_status_display()},
        body=comment,
        link=reverse("awards:application_detail", args=[application.pk]),
        mail=True,
    )
    return application


def accepted_applicants(year: CompetitionYear):
    """The units whose application for the 奖状 the office accepted (the unit candidates)."""
    return UnitApplication.objects.filter(year=year, status=ApplicationStatus.ACCEPTED).values(
        "unit_id"
    )


@transaction.atomic
def finding_record(
    *,
    actor,
    nomination: Nomination,
    found_on: datetime.date,
    description: str,
    evidence: str,
    on_model_worker: bool = False,
) -> DisciplinaryFinding:
    """Record a disciplinary finding on the nominee's record: on the nomination, or (with
    `on_model_worker`, for a nominee linked to the registry) on the model worker, where it
    counts for every nomination of theirs. The office or the nominating unit's staff; the
    nominee is then ineligible until the finding is withdrawn or the office overrides."""
    year_require_unsealed(nomination.year)
    require(actor, "awards.record_finding", nomination)
    if on_model_worker and nomination.model_worker_id is None:
        raise ValidationError(
            {"on_model_worker": _("该申报未关联劳模名册，只能记录在本申报上。")},
            code="no_model_worker",
        )
    finding = DisciplinaryFinding(
        nomination=None if on_model_worker else nomination,
        model_worker_id=nomination.model_worker_id if on_model_worker else None,
        found_on=found_on,
        description=description.strip(),
        evidence=evidence.strip(),
        recorded_by=actor,
    )
    finding.full_clean()
    save_recorded(finding, actor)
    return finding


@transaction.atomic
def work_start_record(
    *,
    actor,
    nomination: Nomination,
    started_on: datetime.date,
    evidence: str,
    on_model_worker: bool = False,
) -> WorkStartRecord:
    """Record when the nominee began poverty-alleviation work, with its evidence: on the
    nomination, or (with `on_model_worker`, for a nominee linked to the registry) on the model
    worker, for every nomination of theirs. The office or the nominating unit's staff; the
    newest record counts from now on, at the next ranking, shortlisting and decision."""
    year_require_unsealed(nomination.year)
    require(actor, "awards.record_work_start", nomination)
    if on_model_worker and nomination.model_worker_id is None:
        raise ValidationError(
            {"on_model_worker": _("该申报未关联劳模名册，只能记录在本申报上。")},
            code="no_model_worker",
        )
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": _("起始日期不能晚于今天。")}, code="future_start")
    record = WorkStartRecord(
        nomination=None if on_model_worker else nomination,
        model_worker_id=nomination.model_worker_id if on_model_worker else None,
        started_on=started_on,
        evidence=evidence.strip(),
        recorded_by=acting_user(actor),
    )
    record.full_clean()
    save_recorded(record, actor)
    return record


@transaction.atomic
def finding_withdraw(
    *, actor, finding: DisciplinaryFinding, nomination: Nomination, reason: str
) -> DisciplinaryFinding:
    """Withdraw a finding entered in error (the office, with a reason; never deleted)."""
    year_require_unsealed(nomination.year)
    require(actor, "awards.withdraw_finding", nomination)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("撤销记录必须填写理由。")}, code="reason_required")
    finding = DisciplinaryFinding.objects.select_for_update().get(pk=finding.pk)
    if finding.withdrawn_at is not None:
        raise ValidationError(_("该记录已撤销。"), code="already_withdrawn")
    finding.withdrawn_by = actor
    finding.withdrawn_at = timezone.now()
    finding.withdraw_reason = reason
    finding.full_clean()
    save_recorded(finding, actor, update_fields=["withdrawn_by", "withdrawn_at", "withdraw_reason"])
    return finding


_ATTACHMENT_NAME_LENGTH = NominationAttachment._meta.get_field("original_name").max_length


@transaction.atomic
def nomination_attachment_add(*, actor, nomination: Nomination, upload) -> NominationAttachment:
    year_require_unsealed(nomination.year)
    require(actor, "awards.edit_nomination", nomination)
    stored = validate_upload(upload)
    # The nomination's row is locked so that two uploads at once cannot both pass the caps.
    Nomination.objects.select_for_update().filter(pk=nomination.pk).first()
    held = [stored_size(attachment.file) for attachment in nomination.attachments.all()]
    check_record_room(count=len(held), total=sum(held), adding=[stored])
    attachment = NominationAttachment(
        nomination=nomination,
        original_name=display_name(upload.name, _ATTACHMENT_NAME_LENGTH),
        uploaded_by=actor,
    )
    attachment.file.save(upload.name, stored, save=False)
    attachment.full_clean()
    attachment.save()
    return attachment


# --- evaluation settings and runs ------------------------------------------------------------


def evaluation_settings_for(year: CompetitionYear) -> EvaluationSettings:
    """The year's settings (the defaults until the admin saves them)."""
    existing = EvaluationSettings.objects.filter(year=year).first()
    return existing or EvaluationSettings(year=year, tie_break=default_chain(year))


def tie_break_rules(year: CompetitionYear) -> list[tuple[str, str]]:
    """The rules a year's tie-break chain may use, (value, name): the year's criteria (the
    higher mean wins), then the earlier submission."""
    return [(c.code, c.name) for c in criteria_of(year)] + list(TieBreak.choices)


def default_chain(year: CompetitionYear) -> list[str]:
    """The notice's chain where the year has its criteria (四比), else model workers first
    (among individuals), every criterion in order, then the earlier submission."""
    allowed = {value for value, _name in tie_break_rules(year)}
    if set(DEFAULT_TIE_BREAK) <= allowed:
        return [str(rule) for rule in DEFAULT_TIE_BREAK]
    codes = [c.code for c in criteria_of(year)]
    return [str(TieBreak.MODEL_WORKER), *codes, str(TieBreak.SUBMITTED)]


def evaluation_rules(year: CompetitionYear) -> dict:
    """The year's evaluation rules as pages show them: `settings` (EvaluationSettings),
    `rules` (the tie-break rules it may use), `tie_break` (its chain by name) and `awards`
    (the award of each shortlist category)."""
    settings = evaluation_settings_for(year)
    rules = tie_break_rules(year)
    names = dict(rules)
    return {
        "settings": settings,
        "rules": rules,
        "tie_break": [str(names.get(rule, rule)) for rule in settings.tie_break],
        "awards": selectors.year_awards(year),
    }


def _check_chain(chain, year: CompetitionYear) -> list[str]:
    chain = [str(rule) for rule in chain]
    allowed = {value for value, _name in tie_break_rules(year)}
    if len(set(chain)) != len(chain) or not set(chain) <= allowed:
        raise ValidationError(
            {
                "tie_break": _(
                    "并列区分规则只能从本年度的评比标准和“提交时间早”中选择，且不能重复。"
                )
            },
            code="bad_chain",
        )
    return chain


SETTINGS_FIELDS = (
    "weight_entries",
    "weight_timeliness",
    "weight_quota",
    "weight_spot_checks",
    "late_report_factor",
    "min_service_years",
    "max_awards_per_unit",
    "apply_needs_quota",
    "apply_needs_reports",
    "apply_needs_spot_checks",
    "publicity_days",
)


@transaction.atomic
def evaluation_settings_save(*, actor, year: CompetitionYear, data: dict) -> EvaluationSettings:
    """Save the year's evaluation rules: `data` holds any of SETTINGS_FIELDS, `tie_break`
    (a chain of rule values) and `award_names` (shortlist category → the award's name)."""
    year_require_unsealed(year)
    require(actor, "awards.run_evaluation", year)
    settings = evaluation_settings_for(year)
    for name in SETTINGS_FIELDS:
        if name in data:
            setattr(settings, name, data[name])
    if "tie_break" in data:
        settings.tie_break = _check_chain(data["tie_break"], year)
    settings.full_clean()
    save_recorded(settings, actor)
    awards = selectors.year_awards(year)
    for category, name in (data.get("award_names") or {}).items():
        award = awards[ShortlistCategory(category)]
        award.name = (name or "").strip()
        award.full_clean()
        award.save()
    return settings


@transaction.atomic
def unit_award_limit_set(
    *, actor, year: CompetitionYear, unit, max_awards: int | None
) -> UnitAwardLimit | None:
    """Give a unit its own cap on awards for the year, or with `max_awards=None` let it
    follow the year's `max_awards_per_unit` again. Other years keep theirs."""
    year_require_unsealed(year)
    require(actor, "awards.run_evaluation", year)
    limit = UnitAwardLimit.objects.filter(year=year, unit=unit).first()
    if max_awards is None:
        if limit is not None:
            limit.delete()
        return None
    limit = limit or UnitAwardLimit(year=year, unit=unit)
    limit.max_awards = max_awards
    limit.full_clean()
    limit.save()
    return limit


def _criteria_snapshot(year: CompetitionYear) -> list[dict]:
    return [
        {"code": c.code, "name": c.name, "weight": str(c.weight), "max_points": str(c.max_points)}
        for c in criteria_of(year)
    ]


def settings_snapshot(year: CompetitionYear) -> dict:
    settings = evaluation_settings_for(year)
    return {
        "weights": {
            "entries": str(settings.weight_entries),
            "timeliness": str(settings.weight_timeliness),
            "quota": str(settings.weight_quota),
            # Runs made before spot checks counted have no such key: their composite has
            # three terms, as they were built.
            "spot_checks": str(settings.weight_spot_checks),
        },
        # Runs made before these rules were the year's have no such keys: the readers fall
        # back to the notice's values, which those runs were built with.
        "late_factor": str(settings.late_report_factor),
        "min_service_years": settings.min_service_years,
        "tie_break": _check_chain(settings.tie_break, year),
        "max_awards_per_unit": settings.max_awards_per_unit,
        "evaluation_date": year.evaluation_date.isoformat(),
        "criteria": _criteria_snapshot(year),
    }


def evaluation_run_create(*, actor, year) -> EvaluationRun:
    """A queued run with the year's settings; no permission check: for commands and the beat
    (views call `evaluation_run_start`)."""
    year_require_unsealed(year)
    run = EvaluationRun(year=year, created_by=actor, settings=settings_snapshot(year))
    run.full_clean()
    run.save()
    return run


@transaction.atomic
def evaluation_run_start(*, actor, year: CompetitionYear) -> EvaluationRun:
    """Queue a new run of the year's rankings; the worker builds it after commit."""
    year_require_unsealed(year)
    require(actor, "awards.run_evaluation", year)
    run = evaluation_run_create(actor=actor, year=year)
    enqueue_on_commit("awards.build_evaluation_run", run_id=run.pk)
    return run


def _progress(run: EvaluationRun, percent: int) -> None:
    EvaluationRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(progress=percent)
    run.progress = percent


def evaluation_run_build(*, run: EvaluationRun) -> EvaluationRun:
    """Build the run's rankings: entries (overall and per nine-project), units, nominations.

    Not one transaction on purpose: each stage commits, so the page can show the progress.
    A run is claimed by a conditional UPDATE (queued/running → running); a run found
    "running" is an interrupted attempt (worker lost, message redelivered) and is rebuilt
    from scratch. A finished run is refused: a snapshot never changes.
    """
    was = EvaluationRun.objects.filter(pk=run.pk).values_list("status", flat=True).first()
    claimed = EvaluationRun.objects.filter(
        pk=run.pk, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    ).update(status=RunStatus.RUNNING, started_at=timezone.now(), progress=5)
    if not claimed:
        raise ValidationError(
            _("该评选排名已完成，不能再修改；如需重新计算，请发起新的排名。"), code="run_finished"
        )
    run = EvaluationRun.objects.select_related("year").get(pk=run.pk)
    try:
        with transaction.atomic():
            if was == RunStatus.RUNNING:
                for model in (NominationRanking, UnitRanking, EntryRanking):
                    model.objects.filter(run=run).delete()
            # The criteria as the standings read them now, not as they were when queued.
            run.settings = {**run.settings, "criteria": _criteria_snapshot(run.year)}
            EvaluationRun.objects.filter(pk=run.pk).update(settings=run.settings)
            chain = run.settings["tie_break"]
            names = {c["code"]: c["name"] for c in run.criteria}
            _build_entries(run, chain, names)
        _progress(run, 40)
        with transaction.atomic():
            _build_units(run, chain, names)
        _progress(run, 70)
        with transaction.atomic():
            _build_nominations(run, chain, names)
    except Exception as exc:
        logger.exception("Evaluation run %s failed", run.pk)
        EvaluationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    finished = timezone.now()
    EvaluationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE, progress=100, finished_at=finished
    )
    run.status, run.progress, run.finished_at = RunStatus.DONE, 100, finished
    return run


def _build_entries(run, chain, names) -> None:
    """The entry rows in ONE INSERT … SELECT: places and tie notes come from the database."""
    rows = rankings.entry_rows(run.year, chain, names).annotate(run_ref=Value(run.pk))
    insert_from_select(EntryRanking, rows, rankings.ENTRY_FIELDS)


def _build_units(run, chain, names) -> None:
    """The unit rows (with their criterion means) in one INSERT … SELECT, then their places
    by one UPDATE over the stored rows."""
    with_, select, params = rankings.unit_rows_sql(run)
    insert_sql(UnitRanking, rankings.UNIT_FIELDS, select, params, with_=with_)
    places = rankings.unit_places(run, chain, names)
    update_from_select(UnitRanking, places, {"rank": "new_rank", "tie_note": "new_tie_note"})


# The annotations of `selectors.with_person_records` that eligibility reads.
PERSON_RECORDS = ("has_finding", "recorded_start")
NOMINATION_BATCH = 500


def _build_nominations(run, chain, names) -> None:
    """The nomination rows in one INSERT … SELECT; then eligibility, decided in Python by
    `eligibility` (the one statement of the rules), written by one UPDATE per batch."""
    rows = rankings.nomination_rows(run, chain, names).annotate(run_ref=Value(run.pk))
    insert_from_select(NominationRanking, rows, rankings.NOMINATION_FIELDS)
    evaluation_date = run.year.evaluation_date
    service_years = run.settings.get("min_service_years", DEFAULT_SERVICE_YEARS)
    nominations = selectors.with_person_records(Nomination.objects.filter(year=run.year))
    fields = nominations.values("pk", *PERSON_RECORDS, *eligibility.NOMINATION_FIELDS)
    # In batches: the memory of a build does not grow with the city's nominations.
    rows = fields.order_by("pk").iterator(chunk_size=NOMINATION_BATCH)
    while batch := list(islice(rows, NOMINATION_BATCH)):
        verdicts = []
        for row in batch:
            verdict = eligibility.assess_fields(row, evaluation_date, service_years=service_years)
            verdicts.append((row["pk"], verdict.shortlistable, verdict.note[:500]))
        update_from_values(
            NominationRanking,
            key="nomination",
            fields=["eligible", "eligibility_note"],
            rows=verdicts,
            where={"run": run.pk},
        )


def evaluation_runs_due(*, today=None) -> list[EvaluationRun]:
    """Build a run for every year whose evaluation date is today, once per year and day
    (the ledger makes a duplicated beat or a retried task a no-op)."""
    today = today or timezone.localdate()
    built = []
    # A sealed year gets no new run, even on its evaluation date.
    years = CompetitionYear.objects.filter(evaluation_date=today).exclude(status=YearStatus.CLOSED)
    for year in years:
        with transaction.atomic():
            if not reminder_claim("evaluation", f"year={year.year}:date={today.isoformat()}"):
                continue
            run = evaluation_run_create(actor=None, year=year)
        built.append(evaluation_run_build(run=run))
    return built


# --- shortlist and awards --------------------------------------------------------------------


def locked_run(run: EvaluationRun) -> EvaluationRun:
    """Re-read the run under a lock: its shortlist is changed by one admin at a time, so two
    builds at once cannot both add the same rows (the second finds them taken)."""
    return EvaluationRun.objects.select_for_update().select_related("year").get(pk=run.pk)


def _require_editable(run: EvaluationRun) -> None:
    """The shortlist and its decisions are the office's proposal only until it is submitted:
    from then on (pending approval, approved, under 公示, published) they are frozen unless
    the leading group returns them (`approval.decision_return`)."""
    decision = AwardDecision.objects.filter(run_id=run.pk).first()
    if decision is not None and decision.stage not in EDITABLE_STAGES:
        raise ValidationError(
            _(
                "本次评选的表彰决定当前为“%(stage)s”，入围名单和表彰决定已冻结，不能修改；"
                "须由领导小组退回后才能修改。"
            )
            % {"stage": decision.get_stage_display()},
            code="decisions_frozen",
        )


def _check_done(run: EvaluationRun) -> None:
    if run.status != RunStatus.DONE:
        raise ValidationError(_("只能从已完成的评选排名中确定入围名单。"), code="run_not_done")


@transaction.atomic
def shortlist_build(
    *, actor, run: EvaluationRun, category: str, top_n: int | None = None, threshold=None
) -> list[ShortlistItem]:
    """Shortlist a category's best: the first `top_n` places, or every total ≥ `threshold`.

    Nominations that are ineligible or incomplete are passed over unless the office overrode
    them; rows without a score and rows already on the list are skipped. Returns the new items.
    """
    year_require_unsealed(run.year)
    require(actor, "awards.manage_shortlist", run)
    run = locked_run(run)
    _check_done(run)
    _require_editable(run)
    if (top_n is None) == (threshold is None):
        raise ValidationError(_("请填写入围人数或分数线（二者选一）。"), code="top_or_threshold")
    if category == ShortlistCategory.UNIT:
        # Only units that applied and were accepted (按程序申报) are candidates for the 奖状.
        rows = run.unit_rankings.filter(
            total__isnull=False, unit__in=accepted_applicants(run.year)
        ).select_related("unit")
        taken = run.shortlist.filter(unit_ranking__isnull=False).values("unit_ranking_id")
    else:
        rows = run.nomination_rankings.filter(category=category, total__isnull=False)
        rows = rows.filter(Q(eligible=True) | Q(nomination__override=True))
        taken = run.shortlist.filter(nomination_ranking__isnull=False).values(
            "nomination_ranking_id"
        )
    rows = rows.order_by("rank")
    rows = rows.filter(rank__lte=top_n) if top_n is not None else rows.filter(total__gte=threshold)
    rows = list(rows.exclude(pk__in=taken))
    if category != ShortlistCategory.UNIT:
        # Checked again now: a finding recorded since the run was built keeps the nominee off.
        verdicts = live_verdicts(run, [row.nomination_id for row in rows if row.nomination_id])
        rows = [
            row
            for row in rows
            if row.nomination_id in verdicts and verdicts[row.nomination_id].shortlistable
        ]
    items = [
        ShortlistItem(
            run=run,
            category=category,
            unit_ranking=row if category == ShortlistCategory.UNIT else None,
            nomination_ranking=None if category == ShortlistCategory.UNIT else row,
            unit_id=row.unit_id,
            recipient=row.unit_name if category == ShortlistCategory.UNIT else row.recipient,
            rank=row.rank,
            score=row.total,
        )
        for row in rows
        if row.unit_id is not None
    ]
    return ShortlistItem.objects.bulk_create(items)


@transaction.atomic
def shortlist_add(*, actor, run: EvaluationRun, nomination_ranking: NominationRanking):
    """Put one nomination on the list by hand (it must be shortlistable)."""
    year_require_unsealed(run.year)
    require(actor, "awards.manage_shortlist", run)
    run = locked_run(run)
    _check_done(run)
    _require_editable(run)
    nomination = nomination_ranking.nomination
    if not (nomination_ranking.eligible or (nomination is not None and nomination.override)):
        raise ValidationError(
            _("“%(name)s”不符合条件或材料不全（%(note)s），不能入围。")
            % {"name": nomination_ranking.recipient, "note": nomination_ranking.eligibility_note},
            code="not_eligible",
        )
    verdict = live_verdicts(run, [nomination.pk]).get(nomination.pk) if nomination else None
    if verdict is not None and not verdict.shortlistable:
        raise ValidationError(
            _("“%(name)s”现已不符合条件（%(note)s），不能入围。")
            % {"name": nomination_ranking.recipient, "note": verdict.note},
            code="not_eligible",
        )
    item = ShortlistItem(
        run=run,
        category=nomination_ranking.category,
        nomination_ranking=nomination_ranking,
        unit_id=nomination_ranking.unit_id,
        recipient=nomination_ranking.recipient,
        rank=nomination_ranking.rank,
        score=nomination_ranking.total,
    )
    item.full_clean()
    save_recorded(item, actor)
    return item


def _check_no_certificate(item: ShortlistItem) -> None:
    certificate = selectors.certificate_of(item)
    if certificate is not None:
        raise ValidationError(
            _("“%(name)s”已颁发证书（%(number)s），表彰决定不能再撤销。")
            % {"name": item.recipient, "number": certificate.label},
            code="certificate_issued",
        )


@transaction.atomic
def shortlist_remove(*, actor, item: ShortlistItem) -> None:
    year_require_unsealed(item.run.year)
    require(actor, "awards.manage_shortlist", item)
    locked_run(item.run)
    _require_editable(item.run)
    _check_no_certificate(item)
    delete_recorded(item, actor)


def award_limit(run: EvaluationRun, unit_id: int) -> int | None:
    own = UnitAwardLimit.objects.filter(year_id=run.year_id, unit_id=unit_id).first()
    return own.max_awards if own else run.settings.get("max_awards_per_unit")


def live_verdicts(run: EvaluationRun, nomination_ids) -> dict[int, eligibility.Eligibility]:
    """The eligibility of nominations now, from their records (findings included), under the
    run's service rule and its year's evaluation date: shortlisting and every decision check
    it again, and the shortlist warns where it changed since the run was built."""
    service_years = run.settings.get("min_service_years", DEFAULT_SERVICE_YEARS)
    rows = selectors.with_person_records(
        Nomination.objects.filter(pk__in=list(nomination_ids))
    ).values("pk", *PERSON_RECORDS, *eligibility.NOMINATION_FIELDS)
    evaluation_date = run.year.evaluation_date
    return {
        row["pk"]: eligibility.assess_fields(row, evaluation_date, service_years=service_years)
        for row in rows
    }


def require_still_eligible(item: ShortlistItem) -> None:
    """A decision on a nominee is made only while the records still make them eligible."""
    if item.nomination_ranking_id is None:
        return
    nomination_id = item.nomination_ranking.nomination_id
    verdict = live_verdicts(item.run, [nomination_id]).get(nomination_id)
    if verdict is not None and not verdict.shortlistable:
        raise ValidationError(
            _(
                "入围后资格已发生变化，不能作出决定：%(note)s。请先核实处理"
                "（撤销有误的记录，或由竞赛办公室特批）。"
            )
            % {"note": verdict.note},
            code="no_longer_eligible",
        )


def _has_accepted_application(item: ShortlistItem) -> bool:
    return accepted_applicants(item.run.year).filter(unit_id=item.unit_id).exists()


def _is_registered_model_worker(item: ShortlistItem) -> bool:
    """The nominee is linked to the model-worker registry now (not only when ranked)."""
    return Nomination.objects.filter(
        rankings__pk=item.nomination_ranking_id, model_worker__isnull=False
    ).exists()


@transaction.atomic
def shortlist_decide(
    *,
    actor,
    item: ShortlistItem,
    award: str = "",
    recommend_province: bool = False,
    recuperation_priority: bool = False,
) -> ShortlistItem:
    """Record the decisions on a shortlisted candidate, within the unit's award limit."""
    year_require_unsealed(item.run.year)
    require(actor, "awards.manage_shortlist", item)
    # The run first (as every shortlist write): two decisions at once on one unit's items
    # cannot both fit into its last award.
    locked_run(item.run)
    _require_editable(item.run)
    item = (
        ShortlistItem.objects.select_for_update(of=("self",))
        .select_related("run__year", "nomination_ranking")
        .get(pk=item.pk)
    )
    if award or recommend_province or recuperation_priority:
        require_still_eligible(item)
        if item.category == ShortlistCategory.UNIT and not _has_accepted_application(item):
            raise ValidationError(
                _("该单位本年度没有通过审核的奖状申报，不能作出表彰决定。"),
                code="no_application",
            )
    if award and award != selectors.year_awards(item.run.year)[item.category].code:
        raise ValidationError(
            {
                "award": _("%(category)s不能授予该奖项。")
                % {"category": item.get_category_display()}
            },
            code="wrong_award",
        )
    if recuperation_priority and item.category != Category.INDIVIDUAL:
        raise ValidationError(
            {"recuperation_priority": _("劳模休养、交流优先只适用于先锋个人。")},
            code="recuperation_individual_only",
        )
    if recuperation_priority and not _is_registered_model_worker(item):
        raise ValidationError(
            {
                "recuperation_priority": _(
                    "劳模休养、交流优先只能给予劳模名册中登记的劳模：请先由申报单位在申报中关联其劳模登记。"
                )
            },
            code="recuperation_model_workers_only",
        )
    if item.award and award != item.award:
        _check_no_certificate(item)
    if award and not item.award:
        limit = award_limit(item.run, item.unit_id)
        given = (
            ShortlistItem.objects.filter(run=item.run, unit_id=item.unit_id)
            .exclude(award="")
            .exclude(pk=item.pk)
            .count()
        )
        if limit is not None and given >= limit:
            raise ValidationError(
                _("该单位本年度表彰名额上限为%(limit)s个，已全部使用。") % {"limit": limit},
                code="unit_limit",
            )
    item.award = award
    item.recommend_province = recommend_province
    item.recuperation_priority = recuperation_priority
    item.decided_by = actor
    item.decided_at = timezone.now()
    item.full_clean()
    save_recorded(
        item,
        actor,
        update_fields=[
            "award",
            "recommend_province",
            "recuperation_priority",
            "decided_by",
            "decided_at",
        ],
    )
    return item


# --- certificates ----------------------------------------------------------------------------

CERTIFICATE_UNAVAILABLE = "certificate_unavailable"


def _check_certificate_available(item: ShortlistItem) -> None:
    if not selectors.certificate_available(item):
        raise ValidationError(
            _("“%(name)s”的表彰决定尚未发布（须经领导小组批准、公示期满后发布），还不能颁发证书。")
            % {"name": item.recipient},
            code=CERTIFICATE_UNAVAILABLE,
        )


def _issue(item: ShortlistItem, actor) -> Certificate:
    """The item's certificate with its number, given now if it has none: the next of the
    year's, under a lock on the year's row, so two issues never take the same one."""
    year = CompetitionYear.objects.select_for_update().get(pk=item.run.year_id)
    certificate = Certificate.objects.filter(item=item).select_related("year").first()
    if certificate is None:
        last = Certificate.objects.filter(year=year).aggregate(last=Max("number"))["last"]
        certificate = Certificate(item=item, year=year, number=(last or 0) + 1, issued_by=actor)
        certificate.full_clean()
        certificate.save()
    return certificate


def _store(certificate: Certificate, item: ShortlistItem) -> None:
    content = certificates.render([(item, certificate)])
    certificate.file.save(f"{certificate.number}.pdf", ContentFile(content), save=False)
    certificate.save(update_fields=["file"])


@transaction.atomic
def certificate_issue(*, actor, item: ShortlistItem) -> Certificate:
    """The PDF certificate of an award, issued on first request: numbered once per year
    (〔2019〕第N号) and stored, so later downloads get the same document; one whose file is
    gone is drawn again with its number.

    Allowed in a closed (sealed) year: a certificate records the year's decision, it does not
    change it. Refused, with the reason, while the award may have no certificate
    (`selectors.certificate_available`). Raises `common.pdf.FontMissing` when the set-up
    did not install the font.
    """
    require(actor, "awards.view_certificate", item)
    _check_certificate_available(item)
    certificate = _issue(item, actor)
    if not certificate.file or not certificate.file.storage.exists(certificate.file.name):
        _store(certificate, item)
    return certificate


@transaction.atomic
def certificate_batch_start(*, actor, run: EvaluationRun) -> CertificateBatch:
    """Queue the PDF of all certificates of a run (the worker builds it after commit)."""
    require(actor, "awards.print_certificates", run)
    if not selectors.certificate_items(run):
        raise ValidationError(_("本次评选尚无可颁发证书的表彰决定。"), code=CERTIFICATE_UNAVAILABLE)
    batch = CertificateBatch(run=run, created_by=actor)
    batch.full_clean()
    batch.save()
    enqueue_on_commit("awards.build_certificate_batch", batch_id=batch.pk)
    return batch


def certificate_batch_build(*, batch: CertificateBatch) -> CertificateBatch:
    """Issue every certificate of the batch's run that has none yet, then write the one PDF
    of them all (one page per award, in the shortlist's order). Claimed by a conditional
    UPDATE: a batch already built (or being built) is left alone; a failure is recorded."""
    claimed = CertificateBatch.objects.filter(pk=batch.pk, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING
    )
    if not claimed:
        return CertificateBatch.objects.get(pk=batch.pk)
    batch = CertificateBatch.objects.select_related("run__year", "created_by").get(pk=batch.pk)
    try:
        with transaction.atomic():
            pages = []
            for item in selectors.certificate_items(batch.run):
                certificate = _issue(item, batch.created_by)
                if not certificate.file:
                    _store(certificate, item)
                pages.append((item, certificate))
            batch.file.save("batch.pdf", ContentFile(certificates.render(pages)), save=False)
            batch.count = len(pages)
            batch.status = RunStatus.DONE
            batch.finished_at = timezone.now()
            batch.save(update_fields=["file", "count", "status", "finished_at"])
    except Exception as exc:
        logger.exception("Certificate batch %s failed", batch.pk)
        CertificateBatch.objects.filter(pk=batch.pk).update(
            status=RunStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    return batch


# --- opening a year from the last one ----------------------------------------------------------


@transaction.atomic
def year_open(*, actor, source: CompetitionYear, number: int, plan: dict | None = None):
    """`competition.services.year_open`, plus the evaluation rules of `source` (weights,
    late-report factor, service years, tie-break chain, award per category, per-unit award
    limits) copied as rows of the new year."""
    year = competition_services.year_open(actor=actor, source=source, number=number, plan=plan)
    settings = EvaluationSettings.objects.filter(year=source).first()
    if settings is not None:
        settings.pk = None
        settings.year = year
        settings.tie_break = _check_chain(settings.tie_break, year)
        settings.full_clean()
        settings.save()
    for award in selectors.year_awards(source).values():
        copy = YearAward(year=year, category=award.category, code=award.code, name=award.name)
        copy.full_clean()
        copy.save()
    UnitAwardLimit.objects.bulk_create(
        UnitAwardLimit(year=year, unit_id=limit.unit_id, max_awards=limit.max_awards)
        for limit in UnitAwardLimit.objects.filter(year=source)
    )
    return year


def year_open_preview(*, source: CompetitionYear, number: int) -> dict:
    """What `year_open` will copy, to show before confirming (no writes)."""
    plan = competition_services.year_open_plan(source=source, number=number)
    plan["evaluation_settings"] = EvaluationSettings.objects.filter(year=source).first()
    rules = evaluation_rules(source)
    plan["settings"], plan["tie_break"] = rules["settings"], rules["tie_break"]
    plan["awards"] = list(rules["awards"].values())
    plan["award_limits"] = UnitAwardLimit.objects.filter(year=source).count()
    plan["kinds"] = dict(source.kind_quotas.values_list("kind__code", "kind__name"))
    return plan
