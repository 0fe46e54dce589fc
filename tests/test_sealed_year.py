"""A closed competition year is sealed: no write of any of its records, in services, pages or
the Django admin; reopening (with a reason, recorded) lets writes through again."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import reverse

from awards import services as awards
from awards.models import EvaluationRun, EvaluationSettings, Nomination, ShortlistItem
from competition import services as competition
from competition.enums import YearStatus
from competition.models import (
    CompetitionYear,
    Entry,
    KindQuota,
    Notice,
    ReviewerAssignment,
    ScoreSheet,
    SpotCheck,
    SpotCheckDraw,
    UnitQuota,
)
from reports import services as reports
from reports.enums import ReportStatus
from reports.models import Report, ReportAttachment, ShowcaseItem
from tests import factories
from tests.awards import factories as af
from tests.competition import conftest as _c
from tests.competition import factories as scoring
from tests.reports import conftest as _r
from tests.reports import factories as rf
from tests.reports.matrix import PNG
from tests.volunteers import conftest as _v
from tests.volunteers.factories import ActivityFactory
from volunteers import services as volunteers
from volunteers.models import Activity, ActivityPhoto, ServiceRecord
from volunteers.models import VolunteerMembership as Member

pytestmark = pytest.mark.django_db

# The apps' shared fixtures (their conftest.py files do not reach this directory).
entry_a, entry_b = _c.entry_a, _c.entry_b
period_1, draft_a = _r.period_1, _r.draft_a
submitted_a, accepted_a = _r.submitted_a, _r.accepted_a
worker_a, activity_a, member_a = _v.worker_a, _v.activity_a, _v.member_a

SEALED = "该竞赛年度已结束并封存，记录不能再修改。"


def seal(year):
    CompetitionYear.objects.filter(pk=year.pk).update(status=YearStatus.CLOSED)


def refused(call, **kwargs):
    with pytest.raises(ValidationError) as info:
        call(**kwargs)
    assert info.value.messages == [SEALED]
    assert info.value.code == "year_sealed"


def row(obj):
    """Everything stored of one record, to compare before and after a refused write."""
    return model_to_dict(type(obj).objects.get(pk=obj.pk))


def png(name="现场.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


# --- reports ---------------------------------------------------------------------------------


def test_report_create_refused_in_closed_year(year, unit_a, staff_a):
    seal(year)
    refused(reports.report_create, actor=staff_a, unit=unit_a, period=rf.period(year, 2))
    assert not Report.objects.exists()


def test_report_save_and_submit_refused(year, staff_a, draft_a):
    seal(year)
    before = row(draft_a)
    project = factories.nine_project(1)
    refused(
        reports.report_save,
        actor=staff_a,
        report=draft_a,
        data=rf.COMPLETE,
        projects=[project],
        submit=True,
    )
    refused(reports.report_submit, actor=staff_a, report=draft_a)
    assert row(draft_a) == before
    assert draft_a.transitions.count() == 1


def test_report_review_refused(year, office_user, submitted_a):
    seal(year)
    before = row(submitted_a)
    refused(reports.report_return, actor=office_user, report=submitted_a, comment="补充")
    refused(reports.report_accept, actor=office_user, report=submitted_a)
    assert row(submitted_a) == before
    assert row(submitted_a)["status"] == ReportStatus.SUBMITTED


def test_report_reopen_and_showcase_refused(year, admin_user, office_user, accepted_a):
    project = factories.nine_project(1)
    item = reports.showcase_mark(
        actor=office_user, report=accepted_a, title="经验", project=project
    )
    seal(year)
    before, item_before = row(accepted_a), row(item)
    refused(reports.report_reopen, actor=admin_user, report=accepted_a, reason="更正")
    refused(
        reports.showcase_mark, actor=office_user, report=accepted_a, title="新", project=project
    )
    refused(reports.showcase_unmark, actor=office_user, report=accepted_a)
    assert (row(accepted_a), row(item)) == (before, item_before)


def test_report_attachment_add_and_delete_refused(year, staff_a, draft_a):
    attachment = reports.attachment_add(actor=staff_a, report=draft_a, upload=png())
    seal(year)
    refused(reports.attachment_add, actor=staff_a, report=draft_a, upload=png("又一张.png"))
    refused(reports.attachment_delete, actor=staff_a, attachment=attachment)
    assert list(ReportAttachment.objects.values_list("pk", flat=True)) == [attachment.pk]
    assert attachment.file.storage.exists(attachment.file.name)


# --- volunteers ------------------------------------------------------------------------------


def test_activity_create_and_update_refused(year, unit_a, staff_a, worker_a, activity_a):
    seal(year)
    new = ActivityFactory.build(unit=unit_a, title="新活动", date=datetime.date(2019, 8, 1))
    refused(volunteers.activity_save, actor=staff_a, activity=new, model_workers=[worker_a])
    before = row(activity_a)
    activity_a.title = "改名"
    refused(volunteers.activity_save, actor=staff_a, activity=activity_a, model_workers=[])
    # Moving it out of the sealed year is a change of a sealed record too.
    activity_a.date = datetime.date(2020, 3, 1)
    refused(volunteers.activity_save, actor=staff_a, activity=activity_a, model_workers=[])
    assert row(activity_a) == before
    assert Activity.objects.count() == 1


def test_activity_in_a_year_not_closed_is_saved(year, unit_a, staff_a):
    seal(year)
    activity = ActivityFactory.build(unit=unit_a, date=datetime.date(2020, 5, 1))
    volunteers.activity_save(actor=staff_a, activity=activity, model_workers=[])
    assert Activity.objects.filter(date__year=2020).count() == 1


def test_activity_photo_refused(year, staff_a, activity_a):
    seal(year)
    refused(volunteers.activity_photo_add, actor=staff_a, activity=activity_a, upload=png())
    assert not ActivityPhoto.objects.exists()


def test_service_record_refused(year, staff_a, member_a):
    seal(year)
    refused(
        volunteers.service_record_add,
        actor=staff_a,
        membership=member_a,
        date=datetime.date(2019, 9, 1),
        hours=Decimal(3),
        place="钟楼村",
        content="技术指导",
    )
    assert not ServiceRecord.objects.exists()
    # The membership is not per year: leaving the team is still recorded.
    volunteers.team_leave(actor=staff_a, membership=member_a, left_on=datetime.date(2020, 1, 5))
    assert Member.objects.get(pk=member_a.pk).left_on == datetime.date(2020, 1, 5)


# --- competition -----------------------------------------------------------------------------


def test_entry_create_and_update_refused(year, unit_a, staff_a, entry_a):
    seal(year)
    fields = {"title": "新项目", "nine_project": factories.nine_project(2)}
    refused(
        competition.entry_create,
        actor=staff_a,
        unit=unit_a,
        year=year,
        description="简介",
        target_villages="",
        target_households=1,
        **fields,
    )
    before = row(entry_a)
    refused(competition.entry_update, actor=staff_a, entry=entry_a, title="改名")
    assert row(entry_a) == before
    assert Entry.objects.count() == 1


def test_score_sheet_refused(year, entry_b):
    judge = scoring.reviewer("judge_sealed")
    sheet = scoring.sheet(entry_b, judge, 20, 20, 20, 20)
    seal(year)
    before = row(sheet)
    points = {"work": 25, "effect": 25, "income": 25, "satisfaction": 25}
    refused(competition.score_sheet_save, actor=judge, entry=entry_b, points=points)
    assert row(sheet) == before
    assert ScoreSheet.objects.count() == 1


def test_assignments_and_results_refused(year, admin_user, entry_a):
    judge = scoring.reviewer("judge_assign")
    assignment = ReviewerAssignment.objects.create(entry=entry_a, reviewer=judge)
    seal(year)
    refused(competition.assignment_add, actor=admin_user, entry=entry_a, reviewer=judge)
    refused(competition.assignment_remove, actor=admin_user, assignment=assignment)
    refused(competition.assignments_spread, actor=admin_user, year=year, per_entry=2, seed=1)
    refused(competition.results_publish, actor=admin_user, year=year)
    assert list(ReviewerAssignment.objects.values_list("pk", flat=True)) == [assignment.pk]
    assert not CompetitionYear.objects.get(pk=year.pk).results_published


def test_spot_check_and_draw_refused(year, unit_a, office_user):
    check = SpotCheck.objects.create(
        year=year, unit=unit_a, date=datetime.date(2019, 6, 1), inspectors="甲", findings="好",
        rating="good",
    )  # fmt: skip
    seal(year)
    refused(
        competition.spot_check_record,
        actor=office_user,
        year=year,
        unit=unit_a,
        date=datetime.date(2019, 7, 1),
        inspectors="乙",
        findings="一般",
        rating="fair",
        photos=[png()],
    )
    refused(competition.spot_check_draw_run, actor=office_user, year=year, count=1, seed=3)
    assert list(SpotCheck.objects.values_list("pk", flat=True)) == [check.pk]
    assert not check.photos.exists()
    assert not SpotCheckDraw.objects.exists()


def test_notice_create_and_publish_refused(year, office_user):
    notice = competition.notice_create(actor=office_user, year=year, title="通报", body="正文")
    seal(year)
    refused(competition.notice_create, actor=office_user, year=year, title="又一", body="正文")
    refused(competition.notice_publish, actor=office_user, notice=notice)
    assert list(Notice.objects.values_list("pk", "published")) == [(notice.pk, False)]


# --- awards ----------------------------------------------------------------------------------


@pytest.fixture
def finished_run(year, unit_a, admin_user, entry_a):
    for judge in (scoring.reviewer("j1"), scoring.reviewer("j2")):
        scoring.sheet(entry_a, judge, 25, 25, 25, 25)
    af.nomination(unit_a, year, entry=entry_a)
    run = awards.evaluation_run_build(run=awards.evaluation_run_create(actor=admin_user, year=year))
    return run


def test_nomination_writes_refused(year, unit_a, staff_a, office_user, entry_a):
    nomination = af.nomination(unit_a, year, entry=entry_a)
    seal(year)
    refused(
        awards.nomination_create,
        actor=staff_a,
        unit=unit_a,
        year=year,
        data={"entry": entry_a, "category": "collective", "collective_kind": "unit"},
    )
    before = row(nomination)
    refused(
        awards.nomination_update, actor=staff_a, nomination=nomination, data={"statement": "新"}
    )
    refused(
        awards.nomination_override,
        actor=office_user,
        nomination=nomination,
        override=True,
        reason="特批",
    )
    refused(awards.nomination_attachment_add, actor=staff_a, nomination=nomination, upload=png())
    assert row(nomination) == before
    assert Nomination.objects.count() == 1
    assert not nomination.attachments.exists()


def test_evaluation_settings_and_runs_refused(year, admin_user):
    seal(year)
    refused(awards.evaluation_settings_save, actor=admin_user, year=year, data={"weight_quota": 1})
    refused(awards.evaluation_run_start, actor=admin_user, year=year)
    CompetitionYear.objects.filter(pk=year.pk).update(evaluation_date=datetime.date(2020, 4, 15))
    assert awards.evaluation_runs_due(today=datetime.date(2020, 4, 15)) == []
    assert not EvaluationSettings.objects.exists()
    assert not EvaluationRun.objects.exists()


def test_shortlist_and_decisions_refused(year, admin_user, finished_run):
    item = awards.shortlist_build(
        actor=admin_user, run=finished_run, category="collective", top_n=1
    )[0]
    seal(year)
    before = row(item)
    refused(awards.shortlist_build, actor=admin_user, run=finished_run, category="unit", top_n=3)
    ranking = finished_run.nomination_rankings.get()
    refused(awards.shortlist_add, actor=admin_user, run=finished_run, nomination_ranking=ranking)
    refused(awards.shortlist_decide, actor=admin_user, item=item, award="certificate")
    refused(awards.shortlist_remove, actor=admin_user, item=item)
    assert list(ShortlistItem.objects.values_list("pk", flat=True)) == [item.pk]
    assert row(item) == before


# --- the year's rules ------------------------------------------------------------------------


def test_quotas_refused(year, unit_a, admin_user):
    competition.kind_quotas_ensure(actor=admin_user, year=year)
    quota = KindQuota.objects.get(year=year, kind=unit_a.kind)
    seal(year)
    before = row(quota)
    refused(competition.kind_quota_set, actor=admin_user, year=year, kind=unit_a.kind, quota=9)
    refused(competition.unit_quota_set, actor=admin_user, year=year, unit=unit_a, quota=9)
    assert row(quota) == before
    assert not UnitQuota.objects.exists()


def test_participation_changes_dated_in_a_closed_year_refused(year, unit_a, admin_user):
    inside = year.start_date + datetime.timedelta(days=40)
    seal(year)
    before = list(unit_a.participations.values())
    refused(competition.participation_end, actor=admin_user, unit=unit_a, date=inside)
    refused(competition.participation_start, actor=admin_user, unit=unit_a, date=inside)
    assert list(unit_a.participations.values()) == before


def test_periods_and_criteria_refused(year, admin_user, period_1):
    seal(year)
    before = row(period_1)
    fields = {f: getattr(period_1, f) for f in ("number", "start", "end", "deadline")}
    refused(
        competition.period_save, actor=admin_user, year=year, period=period_1, name="改名", **fields
    )
    refused(competition.period_delete, actor=admin_user, period=period_1)
    assert row(period_1) == before
    criterion = year.criteria.first()
    before = row(criterion)
    refused(competition.criterion_save, actor=admin_user, year=year, criterion=criterion, weight=2)
    refused(competition.criterion_delete, actor=admin_user, criterion=criterion)
    assert row(criterion) == before


# --- pages -----------------------------------------------------------------------------------


def test_report_submit_page_refuses_with_message(client_for, year, staff_a, draft_a):
    seal(year)
    data = {**rf.COMPLETE, "projects": [factories.nine_project(1).pk], "submit": "1"}
    response = client_for(staff_a).post(reverse("reports:report_edit", args=[draft_a.pk]), data)
    assert response.status_code == 200
    assert SEALED in response.content.decode()
    assert Report.objects.get(pk=draft_a.pk).status == ReportStatus.DRAFT


def test_activity_create_page_refuses_with_message(client_for, year, staff_a, worker_a):
    seal(year)
    data = {
        "title": "封存年度的活动",
        "activity_type": "skills",
        "nine_project": 1,
        "date": "2019-10-01",
        "town": "渠沟镇",
        "village": "钟楼村",
        "households": 5,
        "people": 12,
        "description": "",
        "model_workers": [worker_a.pk],
    }
    response = client_for(staff_a).post(reverse("volunteers:activity_create"), data)
    assert response.status_code == 200
    assert SEALED in response.content.decode()
    assert not Activity.objects.exists()


def test_uncaught_refusal_redirects_with_message(client_for, year, office_user, accepted_a):
    """The showcase unmark view does not catch ValidationError; the middleware answers."""
    reports.showcase_mark(
        actor=office_user, report=accepted_a, title="经验", project=factories.nine_project(1)
    )
    seal(year)
    client = client_for(office_user)
    detail = reverse("reports:report_detail", args=[accepted_a.pk])
    url = reverse("reports:showcase_unmark", args=[accepted_a.pk])
    response = client.post(url, HTTP_REFERER="http://testserver" + detail)
    assert (response.status_code, response["Location"]) == (302, "http://testserver" + detail)
    assert [str(m) for m in response.wsgi_request._messages] == [SEALED]
    assert ShowcaseItem.objects.filter(report=accepted_a).exists()


def test_attachment_delete_refused_with_message(client_for, year, staff_a, draft_a):
    """The delete view answers a refusal itself (the year sealed, or the report submitted by
    a colleague meanwhile): back to the report, which it can still show."""
    attachment = reports.attachment_add(actor=staff_a, report=draft_a, upload=png())
    seal(year)
    url = reverse("reports:attachment_delete", args=[attachment.pk])
    response = client_for(staff_a).post(url, {"confirm": ""})
    assert response["Location"] == reverse("reports:report_detail", args=[draft_a.pk])
    assert [str(m) for m in response.wsgi_request._messages] == [SEALED]
    assert ReportAttachment.objects.filter(pk=attachment.pk).exists()


# --- the Django admin ------------------------------------------------------------------------


@pytest.fixture
def admin_client_(client, admin_user):
    client.force_login(admin_user)
    return client


def test_admin_change_view_of_closed_year_record_is_read_only(admin_client_, year, draft_a):
    seal(year)
    url = reverse("admin:reports_report_change", args=[draft_a.pk])
    response = admin_client_.get(url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert admin_client_.post(url, {"progress": "改"}).status_code == 403
    delete = reverse("admin:reports_report_delete", args=[draft_a.pk])
    assert admin_client_.post(delete, {"post": "yes"}).status_code == 403
    assert row(draft_a)["progress"] == ""


def test_admin_open_year_record_stays_editable(admin_client_, year):
    # The quotas are written here (through their service); workflow records are read-only
    # in the admin whatever the year (tests/test_admin_doors.py).
    quota = KindQuota.objects.get(year=year, kind__code="county")
    url = reverse("admin:competition_kindquota_change", args=[quota.pk])
    assert 'name="_save"' in admin_client_.get(url).content.decode()
    seal(year)
    assert 'name="_save"' not in admin_client_.get(url).content.decode()
    # Adding is unaffected (the service refuses a closed year's quota when saved).
    assert admin_client_.get(reverse("admin:competition_unitquota_add")).status_code == 200


def test_admin_bulk_delete_of_closed_year_records_refused(admin_client_, year, entry_a):
    seal(year)
    response = admin_client_.post(
        reverse("admin:competition_entry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry_a.pk], "post": "yes"},
    )
    assert response.status_code in (200, 403)
    assert Entry.objects.filter(pk=entry_a.pk).exists()


def test_admin_year_status_is_read_only(admin_client_, year):
    response = admin_client_.get(
        reverse("admin:competition_competitionyear_change", args=[year.pk])
    )
    assert 'name="status"' not in response.content.decode()


# --- closing and reopening -------------------------------------------------------------------


def test_close_is_for_admins_only(year, office_user):
    with pytest.raises(PermissionDenied):
        competition.competition_year_close(actor=office_user, year=year)
    assert CompetitionYear.objects.get(pk=year.pk).status == YearStatus.OPEN


def test_reopen_needs_a_reason_and_is_recorded(year, admin_user, staff_a, draft_a):
    competition.competition_year_close(actor=admin_user, year=year)
    for reason in ("", "   "):
        with pytest.raises(ValidationError):
            competition.competition_year_reopen(actor=admin_user, year=year, reason=reason)
    assert CompetitionYear.objects.get(pk=year.pk).status == YearStatus.CLOSED
    refused(reports.report_save, actor=staff_a, report=draft_a, data={"progress": "改"})

    competition.competition_year_reopen(actor=admin_user, year=year, reason="补录遗漏的报告")
    assert CompetitionYear.objects.get(pk=year.pk).status == YearStatus.OPEN  # as before
    changes = [
        (h.status, h.history_user, h.history_change_reason)
        for h in year.history.filter(history_change_reason__isnull=False).order_by("history_date")
    ]
    assert changes == [
        (YearStatus.CLOSED, admin_user, "结束并封存"),
        (YearStatus.OPEN, admin_user, "重新开放：补录遗漏的报告"),
    ]
    # Writes work again.
    reports.report_save(actor=staff_a, report=draft_a, data={"progress": "改"})
    assert row(draft_a)["progress"] == "改"


def test_years_page_closes_and_reopens(client_for, year, admin_user, office_user):
    client = client_for(admin_user)
    assert client.post(reverse("competition:year_close", args=[year.pk])).status_code == 302
    assert CompetitionYear.objects.get(pk=year.pk).status == YearStatus.CLOSED
    reopen = reverse("competition:year_reopen", args=[year.pk])
    client.post(reopen, {"reason": ""})
    assert CompetitionYear.objects.get(pk=year.pk).status == YearStatus.CLOSED
    client.post(reopen, {"reason": "更正评分"})
    assert CompetitionYear.objects.get(pk=year.pk).status == YearStatus.OPEN
    page = client.get(reverse("competition:year_list")).content.decode()
    assert "重新开放：更正评分" in page and "结束并封存" in page
    assert client_for(office_user).get(reverse("competition:year_list")).status_code == 403
