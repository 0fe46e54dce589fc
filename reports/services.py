"""Writes for the reports app. Each takes the acting user, checks that user's permission by
the one permission module (`reports.permissions`; `common.permissions.SYSTEM` for a command),
and runs in one transaction; the report's history (django-simple-history) names the user.

The workflow lives in `_transition` alone: 草稿 → 已提交 → 已退回 → 已提交 → 已通过, and an
admin's reopening 已通过 → 已退回, which is no review move (`_REOPEN`). Each move checks the
status of the row it has locked, so of two reviewers acting at once the second is refused with
the status the first left. Every move is logged (ReportTransition) and, when the unit
must be told (returned, accepted, reopened), its staff get an in-portal notification with
one mail each (`common.services.notification_create(mail=True)`; the older per-transition
mail task, `report_status_mail_send`, is kept only for messages queued before).
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count, Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.services import (
    acting_user,
    deletion_record,
    notification_create,
    save_recorded,
)
from common.uploads import check_record_room, display_name, thumbnail_of, validate_upload
from competition import quality
from competition.enums import Role
from competition.models import NineProject
from competition.permissions import require
from competition.selectors import unit_staff_by_unit
from competition.services import year_require_unsealed

from . import validation
from .enums import EDITABLE_STATUSES, ReportStatus
from .models import Report, ReportAttachment, ReportTransition, ShowcaseItem

logger = logging.getLogger(__name__)

TEXT_SECTIONS = ("progress", "results", "practices", "experience")
NUMBER_FIELDS = (
    "households_helped",
    "people_helped",
    "funds_invested",
    "people_trained",
    "jobs_arranged",
)

_ALLOWED = {
    ReportStatus.DRAFT: {ReportStatus.SUBMITTED},
    ReportStatus.SUBMITTED: {ReportStatus.RETURNED, ReportStatus.ACCEPTED},
    ReportStatus.RETURNED: {ReportStatus.SUBMITTED},
}
# An admin's reopening, the only way out of 已通过 (report_reopen).
_REOPEN = {ReportStatus.ACCEPTED: {ReportStatus.RETURNED}}
_NOTIFY = {ReportStatus.RETURNED, ReportStatus.ACCEPTED}


def _locked(report: Report) -> Report:
    """Re-read the row under a lock so two reviewers cannot both move the same report."""
    return (
        Report.objects.select_for_update().select_related("period__year", "unit").get(pk=report.pk)
    )


def _check_move(report: Report, to: str, moves=_ALLOWED) -> None:
    if to not in moves.get(report.status, set()):
        raise ValidationError(
            _("报告当前状态为“%(current)s”，不能改为“%(to)s”。")
            % {"current": ReportStatus(report.status).label, "to": ReportStatus(to).label},
            code="bad_transition",
        )


def _transition(
    report: Report, *, actor, to: str, comment: str = "", at=None, notify=True, moves=_ALLOWED
) -> Report:
    """Move a report locked by `_locked` (its status is the committed one) to `to`."""
    current = report.status
    _check_move(report, to, moves)
    at = at or timezone.now()
    fields = ["status", "updated_at"]
    report.status = to
    if to == ReportStatus.SUBMITTED:
        report.submitted_at = at
        fields.append("submitted_at")
        if report.first_submitted_at is None:
            # Timeliness is judged on the first submission; a correction after a return
            # does not make an on-time report late, and the late mark is never removed.
            report.first_submitted_at = at
            report.is_late = timezone.localdate(at) > report.period.deadline
            fields += ["first_submitted_at", "is_late"]
    if to in (ReportStatus.RETURNED, ReportStatus.ACCEPTED):
        report.review_comment = comment
        report.reviewed_at = at
        fields += ["review_comment", "reviewed_at"]
    report.full_clean()
    save_recorded(report, actor, update_fields=fields)
    if current == ReportStatus.DRAFT:
        # Submitted, its figures are now the peers' and the next period's to compare with.
        validation.flags_refresh(report)
    entry = ReportTransition.objects.create(
        report=report,
        actor=acting_user(actor),
        at=at,
        from_status=current,
        to_status=to,
        comment=comment,
    )
    if notify and to in _NOTIFY:
        _notify_unit(report, entry, reopened=moves is _REOPEN)
    return report


def _notify_unit(report: Report, entry: ReportTransition, *, reopened: bool) -> None:
    """Tell the unit's staff in the portal and by mail (the notification's one mail task)."""
    if reopened:
        title = _("%(period)s报告已由管理员重新开放，请修改后重新提交")
    elif entry.to_status == ReportStatus.ACCEPTED:
        title = _("%(period)s报告已通过审核")
    else:
        title = _("%(period)s报告已退回，请按审核意见修改")
    staff = unit_staff_by_unit([report.unit_id]).get(report.unit_id, [])
    notification_create(
        recipients=staff,
        title=title % {"period": report.period},
        body=entry.comment,
        link=reverse("reports:report_detail", args=[report.pk]),
        mail=True,
    )


def _locked_for_review(report: Report, *, actor) -> Report:
    """Lock the report, then check it still awaits review: another reviewer may have
    returned or accepted it since this one opened it."""
    report = _locked(report)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(
            _("该报告已不在待审核状态（当前为“%(current)s”），可能已由其他审核人处理。")
            % {"current": ReportStatus(report.status).label},
            code="not_submitted",
        )
    require(actor, "reports.review_report", report)
    return report


@transaction.atomic
def report_create(*, actor, unit, period, at=None) -> Report:
    """Start the unit's report for a period (a draft), or return the one that exists."""
    existing = Report.objects.filter(unit=unit, period=period).first()
    if existing is not None:
        require(actor, "reports.view_report", existing)
        return existing
    year_require_unsealed(period.year)
    require(actor, "reports.create_report", unit)
    report = Report(unit=unit, period=period)
    report.full_clean()
    save_recorded(report, actor)
    ReportTransition.objects.create(
        report=report,
        actor=acting_user(actor),
        at=at or timezone.now(),
        from_status="",
        to_status=ReportStatus.DRAFT,
    )
    return report


def check_complete(report: Report) -> None:
    """What submission requires: all four text sections and at least one of the nine projects."""
    errors = {}
    for name in TEXT_SECTIONS:
        if not getattr(report, name).strip():
            errors[name] = _("提交前必须填写“%(field)s”。") % {
                "field": Report._meta.get_field(name).verbose_name
            }
    if not report.projects.exists():
        errors["projects"] = _("提交前请至少选择一项涉及的九大工程。")
    if errors:
        raise ValidationError(errors)


class EditConflict(ValidationError):
    """The report was saved by someone else since the form was read: `current` is theirs."""

    def __init__(self, current: Report):
        editor = current.edited_by
        who = (editor.get_full_name() or editor.username) if editor else _("他人")
        message = _("这份报告在您编辑期间已由%(who)s保存，您的修改尚未保存。")
        super().__init__(message % {"who": who}, code="edit_conflict")
        self.current = current


EXPLANATION_REQUIRED = "explanation_required"


def check_quality(report: Report, flags: list[dict], *, submit: bool) -> None:
    """The year's data-quality rules: a refusal is never saved; a warning may be submitted
    only with an explanation (异常说明)."""
    errors = {}
    for flag in quality.refusals(flags):
        errors.setdefault(flag["field"], []).append(quality.describe(flag))
    if errors:
        raise ValidationError(errors, code="quality_refused")
    if submit and quality.warnings(flags) and not report.quality_explanation.strip():
        raise ValidationError(
            {
                "quality_explanation": ValidationError(
                    _("数据有异常提示，提交前请在“异常说明”中说明原因。"), code=EXPLANATION_REQUIRED
                )
            }
        )


@transaction.atomic
def report_save(
    *,
    actor,
    report: Report,
    data: dict,
    projects=None,
    submit: bool = False,
    at=None,
    version: int | None = None,
    upload=None,
) -> Report:
    """Save the staff's edits (draft or returned report only); with `submit`, submit it too.

    `version` is the report's version the form was read at: if another save came in between,
    EditConflict is raised and nothing is written. With `upload`, the file is attached in the
    same transaction, so the typed text and the file are kept (or refused) together.
    """
    report = _locked(report)
    year_require_unsealed(report.period.year)
    if report.status not in EDITABLE_STATUSES:
        raise ValidationError(_("报告已提交或已通过，不能修改。"), code="read_only")
    require(actor, "reports.edit_report", report)
    if version is not None and version != report.version:
        raise EditConflict(report)
    for name in (*TEXT_SECTIONS, *NUMBER_FIELDS, "quality_explanation"):
        if name in data:
            setattr(report, name, data[name])
    if projects is not None:
        keys = [getattr(project, "pk", project) for project in projects]  # rows or ids
        projects = list(NineProject.objects.filter(pk__in=keys))
        foreign = [p.name for p in projects if p.year_id != report.period.year_id]
        if foreign:
            raise ValidationError(
                {
                    "projects": _("不是%(year)s年度的工程：%(names)s")
                    % {"year": report.period.year.year, "names": "、".join(foreign)}
                }
            )
    report.version += 1
    report.edited_by = acting_user(actor)
    report.full_clean()
    save_recorded(report, actor)
    if projects is not None:
        report.projects.set(projects)
    # A draft's figures count for no one else yet (its submission refreshes the others).
    flags = validation.flags_refresh(report, dependents=report.status != ReportStatus.DRAFT)
    check_quality(report, flags, submit=False)
    if upload is not None:
        attachment_add(actor=actor, report=report, upload=upload)
    if submit:
        check_complete(report)
        check_quality(report, flags, submit=True)
        _transition(report, actor=actor, to=ReportStatus.SUBMITTED, at=at)
    return report


@transaction.atomic
def report_submit(*, actor, report: Report, at=None) -> Report:
    report = _locked(report)
    year_require_unsealed(report.period.year)
    _check_move(report, ReportStatus.SUBMITTED)
    require(actor, "reports.edit_report", report)
    check_complete(report)
    check_quality(report, validation.compute(report), submit=True)
    return _transition(report, actor=actor, to=ReportStatus.SUBMITTED, at=at)


@transaction.atomic
def report_return(*, actor, report: Report, comment: str, at=None, notify=True) -> Report:
    """The office sends a submitted report back to the unit; a comment is required."""
    year_require_unsealed(report.period.year)
    if not comment.strip():
        raise ValidationError({"comment": _("退回时必须填写审核意见。")}, code="comment_required")
    report = _locked_for_review(report, actor=actor)
    return _transition(
        report, actor=actor, to=ReportStatus.RETURNED, comment=comment.strip(), at=at, notify=notify
    )


@transaction.atomic
def report_accept(*, actor, report: Report, comment: str = "", at=None, notify=True) -> Report:
    report = _locked_for_review(report, actor=actor)
    year_require_unsealed(report.period.year)
    return _transition(
        report, actor=actor, to=ReportStatus.ACCEPTED, comment=comment.strip(), at=at, notify=notify
    )


@transaction.atomic
def report_reopen(*, actor, report: Report, reason: str) -> Report:
    """An admin reopens an accepted report (back to 已退回, so the unit can correct it)."""
    year_require_unsealed(report.period.year)
    if not reason.strip():
        raise ValidationError({"reason": _("重新开放时必须填写原因。")}, code="reason_required")
    report = _locked(report)
    if report.status != ReportStatus.ACCEPTED:
        raise ValidationError(_("只有已通过的报告可以重新开放。"), code="not_accepted")
    require(actor, "reports.reopen_report", report)
    return _transition(
        report,
        actor=actor,
        to=ReportStatus.RETURNED,
        comment=_("管理员重新开放：%(reason)s") % {"reason": reason.strip()},
        moves=_REOPEN,
    )


_NAME_LENGTH = ReportAttachment._meta.get_field("original_name").max_length


@transaction.atomic
def attachment_add(*, actor, report: Report, upload) -> ReportAttachment:
    """Check the file (size, name, content) before anything is stored; refusal saves nothing."""
    report = _locked(report)
    year_require_unsealed(report.period.year)
    if report.status not in EDITABLE_STATUSES:
        raise ValidationError(_("报告已提交或已通过，不能再添加附件。"), code="read_only")
    require(actor, "reports.edit_report", report)
    stored = validate_upload(upload)
    held = report.attachments.aggregate(count=Count("pk"), total=Sum("size"))
    check_record_room(count=held["count"], total=held["total"] or 0, adding=[stored])
    attachment = ReportAttachment(
        report=report,
        original_name=display_name(stored.name, _NAME_LENGTH),
        size=stored.size,
        uploaded_by=acting_user(actor),
    )
    attachment.file.save(stored.name, stored, save=False)
    thumbnail = thumbnail_of(stored)
    if thumbnail is not None:
        attachment.thumbnail.save(thumbnail.name, thumbnail, save=False)
    attachment.full_clean()
    attachment.save()
    return attachment


@transaction.atomic
def attachment_delete(*, actor, attachment: ReportAttachment) -> None:
    report = _locked(attachment.report)  # a colleague may be submitting it
    year_require_unsealed(report.period.year)
    if report.status not in EDITABLE_STATUSES:
        raise ValidationError(_("报告已提交或已通过，不能删除附件。"), code="read_only")
    require(actor, "reports.delete_attachment", attachment)
    stored, thumbnail = attachment.file, attachment.thumbnail
    deletion_record(actor=actor, obj=attachment)
    attachment.delete()
    transaction.on_commit(lambda: stored.delete(save=False))
    if thumbnail:
        transaction.on_commit(lambda: thumbnail.delete(save=False))


@transaction.atomic
def showcase_mark(*, actor, report: Report, title: str, project, at=None) -> ShowcaseItem:
    """The office promotes an accepted report's typical practice (推广经验)."""
    report = _locked(report)
    year_require_unsealed(report.period.year)
    if report.status != ReportStatus.ACCEPTED:
        raise ValidationError(_("只有已通过的报告可以列为推广经验。"), code="not_accepted")
    require(actor, "reports.manage_showcase", report)
    if not report.projects.filter(pk=project.pk).exists():
        raise ValidationError({"project": _("请选择该报告涉及的九大工程。")})
    item = ShowcaseItem.objects.filter(report=report).first() or ShowcaseItem(report=report)
    item.title = title.strip()
    item.project = project
    item.marked_by = acting_user(actor)
    item.marked_at = at or timezone.now()
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def showcase_unmark(*, actor, report: Report) -> None:
    year_require_unsealed(report.period.year)
    require(actor, "reports.manage_showcase", report)
    ShowcaseItem.objects.filter(report=report).delete()


def _recipients(report: Report) -> list[str]:
    users = get_user_model().objects.filter(
        is_active=True,
        membership__unit_id=report.unit_id,
        membership__role=Role.UNIT_STAFF,
    )
    return sorted({email for email in users.values_list("email", flat=True) if email})


def quality_flags_refresh(*, year_id: int) -> int:
    """The year's data-quality rules changed: recompute every report's stored flags."""
    return validation.year_refresh(year_id)


def report_status_mail_send(*, transition_id: int) -> int:
    """Tell the unit's staff that their report was returned or accepted. Returns mails sent.

    Idempotent: the transition is claimed with a conditional UPDATE first, so a task that runs
    twice sends once; if sending fails the claim is released for the retry.
    """
    entry = (
        ReportTransition.objects.select_related("report__unit", "report__period__year", "actor")
        .filter(pk=transition_id)
        .first()
    )
    if entry is None:
        return 0
    claimed = ReportTransition.objects.filter(pk=entry.pk, mailed_at__isnull=True).update(
        mailed_at=timezone.now()
    )
    if not claimed:
        return 0
    recipients = _recipients(entry.report)
    if not recipients:
        return 0
    base = settings.PORTAL_BASE_URL.rstrip("/")
    context = {
        "entry": entry,
        "report": entry.report,
        "url": base + reverse("reports:report_detail", args=[entry.report_id]),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("emails/report_status-subject.txt", context).split())
        text = render_to_string("emails/report_status-body.txt", context)
        html = render_to_string("emails/report_status-body.html", context)
    messages = []
    for address in recipients:
        message = EmailMultiAlternatives(subject, text, to=[address])
        message.attach_alternative(html, "text/html")
        messages.append(message)
    try:
        with get_connection() as connection:
            return connection.send_messages(messages) or 0
    except Exception:
        ReportTransition.objects.filter(pk=entry.pk).update(mailed_at=None)
        raise
