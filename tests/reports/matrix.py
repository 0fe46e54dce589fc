"""Permission matrix of the reports app: every URL × role (see tests/matrix.py)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from competition.models import NineProject
from reports import services
from reports.enums import ReportStatus
from tests.factories import competition_year
from tests.matrix import Case, conflicted, everyone, office_only, own_unit_and_office
from tests.reports import factories as rf

PNG = (  # a 1×1 PNG that decodes (uploads are decoded in full: common/uploads.py)
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\xdacd`\xf8_\x0f\x00\x02\x87\x01\x80\xebG\xba\x92"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _report(world, status=ReportStatus.DRAFT):
    # Each case gets a report in a fresh year, so a POST by one role cannot change the outcome
    # of another request (one report per unit and period).
    world.extra["n"] = world.extra.get("n", 0) + 1
    period = rf.period(competition_year(2030 + world.extra["n"]), 1)
    return rf.make_report(
        world.unit_a, period, status=status, actor=world.staff_a, reviewer=world.office
    )


def _pk(status=ReportStatus.DRAFT):
    return lambda w: {"pk": _report(w, status).pk}


def _attachment(world):
    report = _report(world)
    upload = SimpleUploadedFile("照片.png", PNG, content_type="image/png")
    return {"pk": services.attachment_add(actor=world.staff_a, report=report, upload=upload).pk}


STAFF_A_ONLY = {"staff_a": 302, "staff_b": 404, "office": 403, "admin": 403}


def cases(world):
    submitted, accepted = ReportStatus.SUBMITTED, ReportStatus.ACCEPTED
    return [
        Case("reports:report_list", everyone(200)),
        Case(
            "reports:report_start",
            # An office member of unit A finds its unit, but starts no report.
            {"staff_a": 302, "staff_b": 302, "office": 404, "admin": 404, "office_own": 403},
            kwargs=lambda w: {"period_pk": rf.period(w.year, 2).pk},
            method="post",
            label="staff start their own unit's report",
        ),
        Case("reports:report_detail", own_unit_and_office(200, 404), kwargs=_pk()),
        Case(
            "history:object_history",
            {**own_unit_and_office(200, 404), "staff_parent": 200},  # a parent reads it too
            kwargs=lambda w: {"key": "reports.report", **_pk()(w)},
            label="report",
        ),
        Case("reports:report_edit", {**STAFF_A_ONLY, "staff_a": 200}, kwargs=_pk()),
        Case(
            "reports:report_edit",
            {"staff_a": 403, "staff_b": 404, "office": 403, "admin": 403},
            kwargs=_pk(accepted),
            label="accepted is read-only",
        ),
        Case(
            "reports:report_review",
            conflicted({"staff_a": 403, "staff_b": 404, "office": 302, "admin": 302}),
            kwargs=_pk(submitted),
            method="post",
            data=lambda w, kw: {"decision": "accept"},
        ),
        Case(
            "reports:report_reopen",
            {"staff_a": 403, "staff_b": 404, "office": 403, "admin": 302},
            kwargs=_pk(accepted),
            method="post",
            data=lambda w, kw: {"reason": "数据有误"},
        ),
        Case(
            "reports:attachment_upload",
            STAFF_A_ONLY,
            kwargs=_pk(),
            method="post",
            data=lambda w, kw: {"file": SimpleUploadedFile("a.png", PNG)},
        ),
        Case("reports:attachment_download", own_unit_and_office(200, 404), kwargs=_attachment),
        Case(
            "reports:attachment_delete",
            STAFF_A_ONLY,
            kwargs=_attachment,
            method="post",
            data=lambda w, kw: {"confirm": ""},
        ),
        Case(
            "reports:attachment_delete",
            {**STAFF_A_ONLY, "staff_a": 200},
            kwargs=_attachment,
            label="asks first",
        ),
        Case("reports:attachment_thumbnail", own_unit_and_office(200, 404), kwargs=_attachment),
        Case(
            "reports:showcase_mark",
            conflicted({"staff_a": 403, "staff_b": 404, "office": 302, "admin": 302}),
            kwargs=_pk(accepted),
            method="post",
            data=lambda w, kw: {
                "title": "好做法",
                "project": NineProject.objects.get(year=w.year, number=1).pk,
            },
        ),
        Case(
            "reports:showcase_unmark",
            conflicted({"staff_a": 403, "staff_b": 404, "office": 302, "admin": 302}),
            kwargs=_pk(accepted),
            method="post",
        ),
        Case("reports:review_queue", office_only(200)),
        Case("reports:dashboard", office_only(200)),
        Case("reports:dashboard_xlsx", office_only(200)),
        Case("reports:overdue", office_only(200)),
        Case("reports:quality", office_only(200)),
        Case("reports:showcase", everyone(200)),
        Case(
            "reports:report_start",
            everyone(404),
            kwargs=lambda w: {"period_pk": 999999},
            method="post",
            label="unknown period",
        ),
    ]
