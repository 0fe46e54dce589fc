import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from kombu.exceptions import OperationalError

from common import tasks as common_tasks
from competition.models import NineProject
from reports import services, tasks
from reports.enums import ReportStatus
from reports.models import Report, ReportAttachment, ReportTransition, ShowcaseItem
from tests.reports import factories as rf
from tests.reports.matrix import PNG

pytestmark = pytest.mark.django_db


def _steps(report):
    return list(
        ReportTransition.objects.filter(report=report).values_list(
            "from_status", "to_status", "comment"
        )
    )


def test_create_is_draft_and_logged(unit_a, period_1, staff_a):
    report = services.report_create(actor=staff_a, unit=unit_a, period=period_1)
    assert report.status == ReportStatus.DRAFT
    assert report.submitted_at is None
    assert _steps(report) == [("", "draft", "")]
    again = services.report_create(actor=staff_a, unit=unit_a, period=period_1)
    assert again.pk == report.pk


def test_submit_on_time_records_time_and_not_late(draft_a, staff_a, period_1):
    at = rf.on_time(period_1)
    services.report_save(
        actor=staff_a,
        report=draft_a,
        data=rf.COMPLETE,
        projects=[NineProject.objects.get(year=period_1.year_id, number=1)],
        submit=True,
        at=at,
    )
    draft_a.refresh_from_db()
    assert draft_a.status == ReportStatus.SUBMITTED
    assert draft_a.submitted_at == at == draft_a.first_submitted_at
    assert draft_a.is_late is False
    assert _steps(draft_a)[-1] == ("draft", "submitted", "")


def test_submit_after_deadline_is_marked_late(draft_a, staff_a, period_1):
    services.report_save(
        actor=staff_a,
        report=draft_a,
        data=rf.COMPLETE,
        projects=[NineProject.objects.get(year=period_1.year_id, number=1)],
        submit=True,
        at=rf.late(period_1),
    )
    draft_a.refresh_from_db()
    assert draft_a.is_late is True


def test_late_mark_is_kept_after_return_and_acceptance(unit_a, period_1, staff_a, office_user):
    report = rf.make_report(
        unit_a,
        period_1,
        status=ReportStatus.RETURNED,
        actor=staff_a,
        reviewer=office_user,
        is_late=True,
    )
    services.report_submit(actor=staff_a, report=report, at=rf.on_time(period_1))
    services.report_accept(actor=office_user, report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    assert report.is_late is True


def test_resubmission_after_deadline_keeps_on_time_first_submission(
    unit_a, period_1, staff_a, office_user
):
    report = rf.make_report(
        unit_a, period_1, status=ReportStatus.RETURNED, actor=staff_a, reviewer=office_user
    )
    services.report_submit(actor=staff_a, report=report, at=rf.late(period_1))
    report.refresh_from_db()
    assert report.is_late is False
    assert report.submitted_at == rf.late(period_1)
    assert report.first_submitted_at == rf.on_time(period_1)


def test_submit_requires_four_sections_and_a_project(draft_a, staff_a):
    with pytest.raises(ValidationError) as exc:
        services.report_save(actor=staff_a, report=draft_a, data={"progress": "有"}, submit=True)
    assert set(exc.value.message_dict) == {"results", "practices", "experience", "projects"}
    draft_a.refresh_from_db()
    assert draft_a.status == ReportStatus.DRAFT


def test_negative_number_is_refused(draft_a, staff_a):
    with pytest.raises(ValidationError):
        services.report_save(actor=staff_a, report=draft_a, data={"funds_invested": -1})
    draft_a.refresh_from_db()
    assert draft_a.funds_invested == 0


def test_return_requires_comment(submitted_a, office_user):
    with pytest.raises(ValidationError):
        services.report_return(actor=office_user, report=submitted_a, comment="  ")
    submitted_a.refresh_from_db()
    assert submitted_a.status == ReportStatus.SUBMITTED


def test_return_then_resubmit_then_accept(submitted_a, staff_a, office_user):
    services.report_return(actor=office_user, report=submitted_a, comment="请补充照片")
    submitted_a.refresh_from_db()
    assert submitted_a.status == ReportStatus.RETURNED
    assert submitted_a.review_comment == "请补充照片"
    services.report_save(actor=staff_a, report=submitted_a, data={"results": "补充"}, submit=True)
    services.report_accept(actor=office_user, report=submitted_a, comment="好")
    submitted_a.refresh_from_db()
    assert submitted_a.status == ReportStatus.ACCEPTED
    assert [s[:2] for s in _steps(submitted_a)] == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "accepted"),
    ]
    assert ReportTransition.objects.filter(
        report=submitted_a, to_status="returned"
    ).get().actor == (office_user)


@pytest.mark.parametrize(
    ("status", "move"),
    [
        (ReportStatus.DRAFT, "accept"),
        (ReportStatus.DRAFT, "return"),
        (ReportStatus.ACCEPTED, "accept"),
        # Reopening an accepted report is the admin's (report_reopen), no review move.
        (ReportStatus.ACCEPTED, "return"),
        (ReportStatus.ACCEPTED, "submit"),
        (ReportStatus.RETURNED, "accept"),
    ],
)
def test_disallowed_transitions_are_refused(status, move, unit_a, period_1, staff_a, office_user):
    report = rf.make_report(unit_a, period_1, status=status, actor=staff_a, reviewer=office_user)
    call = {
        "accept": lambda: services.report_accept(actor=office_user, report=report),
        "return": lambda: services.report_return(actor=office_user, report=report, comment="x"),
        "submit": lambda: services.report_submit(actor=staff_a, report=report),
    }[move]
    with pytest.raises(ValidationError):
        call()
    report.refresh_from_db()
    assert report.status == status


def test_accepted_report_is_read_only(accepted_a, staff_a):
    with pytest.raises(ValidationError):
        services.report_save(actor=staff_a, report=accepted_a, data={"progress": "改"})
    upload = SimpleUploadedFile("a.png", PNG)
    with pytest.raises(ValidationError):
        services.attachment_add(actor=staff_a, report=accepted_a, upload=upload)
    accepted_a.refresh_from_db()
    assert accepted_a.progress == rf.COMPLETE["progress"]
    assert not ReportAttachment.objects.exists()


def test_admin_reopen_needs_reason_and_returns_the_report(accepted_a, admin_user):
    with pytest.raises(ValidationError):
        services.report_reopen(actor=admin_user, report=accepted_a, reason="")
    services.report_reopen(actor=admin_user, report=accepted_a, reason="数据有误")
    accepted_a.refresh_from_db()
    assert accepted_a.status == ReportStatus.RETURNED
    assert "数据有误" in _steps(accepted_a)[-1][2]


def test_return_mails_the_unit_staff_after_commit(
    submitted_a, staff_a, office_user, staff_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.report_return(actor=office_user, report=submitted_a, comment="请补充照片")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [staff_a.email]
    assert "退回" in message.subject
    assert "请补充照片" in message.body
    assert "请补充照片" in message.alternatives[0][0]


def test_mail_task_is_idempotent_and_quiet_when_gone(submitted_a, office_user):
    services.report_accept(actor=office_user, report=submitted_a, notify=False)
    entry = ReportTransition.objects.get(report=submitted_a, to_status="accepted")
    assert tasks.send_report_status_mail(transition_id=entry.pk) == 1
    assert tasks.send_report_status_mail(transition_id=entry.pk) == 0
    assert tasks.send_report_status_mail(transition_id=987654) == 0
    assert len(mail.outbox) == 1
    assert "通过" in mail.outbox[0].subject


def test_transition_succeeds_and_logs_when_broker_is_down(
    submitted_a, office_user, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise OperationalError("broker down")

    monkeypatch.setattr(common_tasks.send_notification_mail, "apply_async", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_return(actor=office_user, report=submitted_a, comment="请补充")
    submitted_a.refresh_from_db()
    assert submitted_a.status == ReportStatus.RETURNED
    assert "Could not enqueue common.send_notification_mail" in caplog.text
    assert mail.outbox == []


def test_attachment_renamed_exe_is_refused_and_nothing_saved(draft_a, staff_a, settings):
    exe = SimpleUploadedFile("照片.png", b"MZ\x90\x00" + b"\x00" * 200)
    with pytest.raises(ValidationError) as exc:
        services.attachment_add(actor=staff_a, report=draft_a, upload=exe)
    assert "内容与扩展名不符" in exc.value.messages[0]
    assert not ReportAttachment.objects.exists()
    assert not list((__import__("pathlib").Path(settings.MEDIA_ROOT)).rglob("*.*"))


def test_attachment_oversized_is_refused(draft_a, staff_a, settings):
    settings.UPLOAD_MAX_BYTES = 50
    with pytest.raises(ValidationError) as exc:
        services.attachment_add(
            actor=staff_a, report=draft_a, upload=SimpleUploadedFile("a.png", PNG)
        )
    assert "超过上限" in exc.value.messages[0]
    assert not ReportAttachment.objects.exists()


def test_showcase_only_for_accepted(accepted_a, office_user, unit_b, staff_b, year):
    project = NineProject.objects.get(number=1)
    submitted = rf.make_report(
        unit_b, rf.period(year, 1), status=ReportStatus.SUBMITTED, actor=staff_b
    )
    with pytest.raises(ValidationError):
        services.showcase_mark(actor=office_user, report=submitted, title="x", project=project)
    with pytest.raises(ValidationError):
        services.showcase_mark(
            actor=office_user,
            report=accepted_a,
            title="x",
            project=NineProject.objects.get(number=9),
        )
    item = services.showcase_mark(actor=office_user, report=accepted_a, title="好", project=project)
    assert ShowcaseItem.objects.get() == item


def test_unique_report_per_unit_and_period(draft_a):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Report.objects.create(unit=draft_a.unit, period=draft_a.period)
