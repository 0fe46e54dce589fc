from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from competition.models import NineProject
from reports import services
from reports.enums import ReportStatus
from reports.models import Report, ReportAttachment, ReportTransition, ShowcaseItem
from tests import factories
from tests.factories import UnitFactory
from tests.reports import factories as rf
from tests.reports.matrix import PNG

pytestmark = pytest.mark.django_db


def test_staff_saves_draft_without_sections(client_for, staff_a, draft_a):
    url = reverse("reports:report_edit", args=[draft_a.pk])
    response = client_for(staff_a).post(url, {"progress": "进行中", "save": "1", **_zeros()})
    assert response.status_code == 302
    draft_a.refresh_from_db()
    assert draft_a.progress == "进行中"
    assert draft_a.status == ReportStatus.DRAFT


def _zeros():
    return {n: 0 for n in services.NUMBER_FIELDS}


def test_staff_submit_incomplete_shows_errors(client_for, staff_a, draft_a):
    url = reverse("reports:report_edit", args=[draft_a.pk])
    response = client_for(staff_a).post(url, {"progress": "有", "submit": "1", **_zeros()})
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"results", "practices", "experience"}
    draft_a.refresh_from_db()
    assert draft_a.status == ReportStatus.DRAFT


def test_staff_submit_negative_number_refused(client_for, staff_a, draft_a):
    data = {**rf.COMPLETE, "projects": [1], "submit": "1", "people_helped": -3}
    response = client_for(staff_a).post(reverse("reports:report_edit", args=[draft_a.pk]), data)
    assert response.status_code == 200
    assert "people_helped" in response.context["form"].errors
    draft_a.refresh_from_db()
    assert draft_a.status == ReportStatus.DRAFT


def test_staff_submit_complete(client_for, staff_a, draft_a):
    project = NineProject.objects.get(number=2)
    data = {**rf.COMPLETE, "projects": [project.pk], "submit": "1"}
    response = client_for(staff_a).post(reverse("reports:report_edit", args=[draft_a.pk]), data)
    assert response.status_code == 302
    draft_a.refresh_from_db()
    assert draft_a.status == ReportStatus.SUBMITTED
    assert draft_a.submitted_at is not None
    assert list(draft_a.projects.all()) == [project]


def test_edit_page_shows_deadline_and_office_comment(
    client_for, staff_a, unit_a, period_1, office_user
):
    report = rf.make_report(
        unit_a,
        period_1,
        status=ReportStatus.RETURNED,
        actor=staff_a,
        reviewer=office_user,
        comment="请补充活动照片",
    )
    body = (
        client_for(staff_a).get(reverse("reports:report_edit", args=[report.pk])).content.decode()
    )
    assert "请补充活动照片" in body
    assert period_1.deadline.strftime("%Y-%m-%d") in body


def test_detail_shows_timeline(client_for, office_user, accepted_a):
    body = client_for(office_user).get(reverse("reports:report_detail", args=[accepted_a.pk]))
    text = body.content.decode()
    assert "流转记录" in text
    assert text.count('<li>\n    <div class="small text-muted">') == 3


def test_report_panels_are_collected(client_for, office_user, accepted_a, monkeypatch):
    from common import panels
    from common.panels import Panel

    calls = []

    def fake_collect(hook, *args):
        calls.append(hook)
        return (
            [Panel("reports/_panel_evidence.html", {"reports": []})]
            if hook == "report_panels"
            else []
        )

    monkeypatch.setattr(panels, "collect", fake_collect)
    body = client_for(office_user).get(reverse("reports:report_detail", args=[accepted_a.pk]))
    assert "report_panels" in calls
    assert "该年度尚无季度报告。" in body.content.decode()


def test_office_returns_with_comment(client_for, office_user, submitted_a):
    url = reverse("reports:report_review", args=[submitted_a.pk])
    response = client_for(office_user).post(url, {"decision": "return", "comment": "补充照片"})
    assert response.status_code == 302
    submitted_a.refresh_from_db()
    assert submitted_a.status == ReportStatus.RETURNED
    assert submitted_a.review_comment == "补充照片"


def test_office_return_without_comment_is_refused(client_for, office_user, submitted_a):
    url = reverse("reports:report_review", args=[submitted_a.pk])
    client_for(office_user).post(url, {"decision": "return", "comment": ""})
    submitted_a.refresh_from_db()
    assert submitted_a.status == ReportStatus.SUBMITTED


def test_office_member_cannot_review_own_unit(client_for, unit_a, submitted_a):
    from tests.factories import user_with_role

    reviewer = user_with_role("office", unit=unit_a, username="office_of_a")
    url = reverse("reports:report_review", args=[submitted_a.pk])
    assert client_for(reviewer).post(url, {"decision": "accept"}).status_code == 403
    submitted_a.refresh_from_db()
    assert submitted_a.status == ReportStatus.SUBMITTED


def test_accepted_report_edit_is_forbidden(client_for, staff_a, accepted_a):
    url = reverse("reports:report_edit", args=[accepted_a.pk])
    assert client_for(staff_a).get(url).status_code == 403
    response = client_for(staff_a).post(url, {**rf.COMPLETE, "progress": "改", "save": "1"})
    assert response.status_code == 403
    accepted_a.refresh_from_db()
    assert accepted_a.progress == rf.COMPLETE["progress"]


def test_admin_reopens_with_reason(client_for, admin_user, accepted_a):
    url = reverse("reports:report_reopen", args=[accepted_a.pk])
    assert client_for(admin_user).post(url, {"reason": "数据录错"}).status_code == 302
    accepted_a.refresh_from_db()
    assert accepted_a.status == ReportStatus.RETURNED
    assert "数据录错" in ReportTransition.objects.filter(report=accepted_a).last().comment


def test_upload_renamed_exe_refused_with_chinese_error(client_for, staff_a, draft_a):
    url = reverse("reports:attachment_upload", args=[draft_a.pk])
    exe = SimpleUploadedFile("总结.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    response = client_for(staff_a).post(url, {"file": exe}, follow=True)
    assert "内容与扩展名不符" in response.content.decode()
    assert not ReportAttachment.objects.exists()


def test_upload_oversized_refused(client_for, staff_a, draft_a, settings):
    settings.UPLOAD_MAX_BYTES = 10
    url = reverse("reports:attachment_upload", args=[draft_a.pk])
    response = client_for(staff_a).post(
        url, {"file": SimpleUploadedFile("a.png", PNG)}, follow=True
    )
    assert "超过上限" in response.content.decode()
    assert not ReportAttachment.objects.exists()


def _submitted_meanwhile(monkeypatch, colleague, name):
    """Between the view's check and the service, a colleague submits the report."""
    real = getattr(services, name)

    def late(*, actor, **kwargs):
        report = kwargs.get("report") or kwargs["attachment"].report
        project = NineProject.objects.get(year=report.period.year, number=1)
        services.report_save(
            actor=colleague,
            report=Report.objects.get(pk=report.pk),
            data=rf.COMPLETE,
            projects=[project],
            submit=True,
        )
        return real(actor=actor, **kwargs)

    monkeypatch.setattr(services, name, late)


def test_upload_after_a_colleague_submitted_answers_a_message(
    client_for, staff_a, unit_a, draft_a, monkeypatch
):
    colleague = factories.user_with_role("unit_staff", unit=unit_a, username="staff_a2")
    _submitted_meanwhile(monkeypatch, colleague, "attachment_add")
    url = reverse("reports:attachment_upload", args=[draft_a.pk])
    client = client_for(staff_a)
    response = client.post(url, {"file": SimpleUploadedFile("a.png", PNG)})
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report_detail", args=[draft_a.pk])
    page = client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == ["报告已提交或已通过，不能再添加附件。"]
    assert not ReportAttachment.objects.exists()


def test_attachment_delete_after_a_colleague_submitted_answers_a_message(
    client_for, staff_a, unit_a, draft_a, monkeypatch
):
    colleague = factories.user_with_role("unit_staff", unit=unit_a, username="staff_a2")
    upload = SimpleUploadedFile("a.png", PNG)
    attachment = services.attachment_add(actor=staff_a, report=draft_a, upload=upload)
    _submitted_meanwhile(monkeypatch, colleague, "attachment_delete")
    url = reverse("reports:attachment_delete", args=[attachment.pk])
    client = client_for(staff_a)
    response = client.post(url, {"confirm": ""})
    assert response["Location"] == reverse("reports:report_detail", args=[draft_a.pk])
    page = client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == ["报告已提交或已通过，不能删除附件。"]
    assert ReportAttachment.objects.get() == attachment


def test_upload_and_download(client_for, staff_a, staff_b, office_user, draft_a):
    url = reverse("reports:attachment_upload", args=[draft_a.pk])
    pdf = b"%PDF-1.4\n%%EOF\n"  # a document is stored as sent (an image is re-encoded)
    client_for(staff_a).post(url, {"file": SimpleUploadedFile("活动台账.pdf", pdf)})
    attachment = ReportAttachment.objects.get()
    assert attachment.original_name == "活动台账.pdf"
    assert "活动台账" not in attachment.file.name
    download = reverse("reports:attachment_download", args=[attachment.pk])
    response = client_for(office_user).get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf
    assert "attachment" in response["Content-Disposition"]
    assert client_for(staff_b).get(download).status_code == 404


def test_foreign_staff_gets_404_on_every_report_url(client_for, staff_b, draft_a):
    client = client_for(staff_b)
    for name in ("report_detail", "report_edit"):
        assert client.get(reverse(f"reports:{name}", args=[draft_a.pk])).status_code == 404
    for name in ("report_review", "report_reopen", "attachment_upload", "showcase_mark"):
        assert client.post(reverse(f"reports:{name}", args=[draft_a.pk])).status_code == 404


def test_queue_filters_by_late_and_unit_kind(client_for, office_user, unit_a, year, staff_a):
    system = UnitFactory(name="市教育工会", kind_code="system")
    rf.make_report(unit_a, rf.period(year, 1), status=ReportStatus.SUBMITTED, is_late=True)
    rf.make_report(system, rf.period(year, 1), status=ReportStatus.SUBMITTED)
    client = client_for(office_user)
    late = client.get(reverse("reports:review_queue"), {"late": "1"}).context["page"]
    assert [r["unit__name"] for r in late] == [unit_a.name]
    kind = client.get(reverse("reports:review_queue"), {"kind": system.kind_id}).context["page"]
    assert [r["unit__name"] for r in kind] == [system.name]
    body = client.get(reverse("reports:review_queue")).content.decode()
    body = body.split("d-none d-md-block")[1]  # the table (phones read the same as cards)
    submitted = '<span class="badge text-bg-primary">已提交</span>'
    assert body.count(submitted) == 2
    assert body.count(submitted + ' <span class="badge text-bg-danger">逾期</span>') == 1


def test_showcase_lists_only_accepted(client_for, staff_b, office_user, accepted_a, admin_user):
    project = NineProject.objects.get(number=1)
    services.showcase_mark(
        actor=office_user, report=accepted_a, title="合作社带富", project=project
    )
    body = client_for(staff_b).get(reverse("reports:showcase")).content.decode()
    assert "合作社带富" in body
    services.report_reopen(actor=admin_user, report=accepted_a, reason="更正")
    body = client_for(staff_b).get(reverse("reports:showcase")).content.decode()
    assert "合作社带富" not in body
    assert ShowcaseItem.objects.count() == 1


def test_dashboard_xlsx_has_units_and_rates(client_for, office_user, unit_a, unit_b, year, staff_a):
    period = rf.period(year, 1)
    rf.make_report(unit_a, period, status=ReportStatus.SUBMITTED)
    response = client_for(office_user).get(reverse("reports:dashboard_xlsx"), {"period": period.pk})
    workbook = load_workbook(BytesIO(response.content))
    units = list(workbook.worksheets[0].values)
    assert units[0][:5] == ("单位", "类别", "联系人", "联系电话", "报送情况")
    assert {(row[0], row[4]) for row in units[1:]} == {
        ("相山区总工会", "按时报送"),
        ("濉溪县总工会", "未报"),
    }
    rates = list(workbook.worksheets[1].values)
    assert rates[1][0] == "全市" and rates[1][-2] == 50.0


def test_dashboard_chart_data(client_for, office_user, unit_a, year):
    response = client_for(office_user).get(
        reverse("reports:dashboard"), {"period": rf.period(year, 1).pk}
    )
    body = response.content.decode()
    assert 'id="completeness-data"' in body
    assert "vendor/chartjs/chart.umd.min.js" in body
    assert response.context["chart"]["labels"] == ["县区总工会"]


def test_dashboard_rows_show_each_units_state_and_report(
    client_for, office_user, unit_a, unit_b, year
):
    period = rf.period(year, 1)
    report = rf.make_report(unit_a, period, status=ReportStatus.SUBMITTED)
    body = client_for(office_user).get(reverse("reports:dashboard"), {"period": period.pk})
    rows = {
        name: row
        for row in body.content.decode().split("<tr>")
        for name in (unit_a.name, unit_b.name)
        if row.strip().startswith(f"<td>{name}</td>")
    }
    css, label = (
        ("text-bg-warning", "逾期报送") if report.is_late else ("text-bg-success", "按时报送")
    )
    assert f'<span class="badge {css}">{label}</span>' in rows[unit_a.name]
    assert reverse("reports:report_detail", args=[report.pk]) in rows[unit_a.name]
    assert '<span class="badge text-bg-danger">未报</span>' in rows[unit_b.name]
    assert "reports/" not in rows[unit_b.name]


def test_dashboard_pages_units_in_order_each_with_its_state(client_for, office_user, year):
    """The page of keys is cut before the units are joined with their reports: page 2 holds
    the 51st unit on, in kind and name order, each with its own state."""
    period = rf.period(year, 1)
    units = [UnitFactory(name=f"第{n:02d}分会", kind_code="county") for n in range(55)]
    rf.make_report(units[52], period, status=ReportStatus.SUBMITTED)
    body = (
        client_for(office_user)
        .get(reverse("reports:dashboard"), {"period": period.pk, "page": 2})
        .content.decode()
    )
    names = [u.name for u in units]
    shown = [name for name in names if f"<td>{name}</td>" in body]
    assert shown == names[50:]
    row = next(r for r in body.split("<tr>") if r.strip().startswith(f"<td>{names[52]}</td>"))
    assert "未报" not in row and ("按时报送" in row or "逾期报送" in row)
    other = next(r for r in body.split("<tr>") if r.strip().startswith(f"<td>{names[51]}</td>"))
    assert "未报" in other


def test_overdue_lists_contact_of_missing_unit(client_for, office_user, unit_a, unit_b, year):
    rf.make_report(unit_a, rf.period(year, 1), status=ReportStatus.SUBMITTED)
    body = client_for(office_user).get(reverse("reports:overdue"), {"year": 2019}).content.decode()
    assert "濉溪县总工会" in body and "0561-0000000" in body


def test_home_panels(client_for, staff_a, office_user, submitted_a):
    assert "本期季度报告" in client_for(staff_a).get(reverse("home")).content.decode()
    body = client_for(office_user).get(reverse("home")).content.decode()
    assert "份报告等待审核" in body


@pytest.mark.parametrize("size", [10, 200])
def test_queue_and_dashboard_query_count_is_bounded(
    size, client_for, office_user, year, django_assert_max_num_queries
):
    period = rf.period(year, 1)
    units = UnitFactory.create_batch(size)
    now = rf.on_time(period)
    reports = Report.objects.bulk_create(
        Report(
            unit=u,
            period=period,
            status=ReportStatus.SUBMITTED,
            submitted_at=now,
            first_submitted_at=now,
            is_late=i % 3 == 0,
        )
        for i, u in enumerate(units)
        if i % 4
    )
    assert reports
    client = client_for(office_user)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("reports:review_queue")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("reports:dashboard"), {"period": period.pk}).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("reports:overdue"), {"year": 2019}).status_code == 200
