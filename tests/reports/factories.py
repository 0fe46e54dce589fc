"""Report factories: build reports in any workflow state through the services."""

import datetime

from django.utils import timezone

from common.permissions import SYSTEM
from competition.models import NineProject, ReportingPeriod
from reports import services
from reports.enums import ReportStatus
from reports.models import Report

COMPLETE = {
    "progress": "本季度走访贫困户。",
    "results": "帮扶 12 户增收。",
    "practices": "劳模+合作社+贫困户。",
    "experience": "扶贫与扶志结合。",
    "households_helped": 12,
    "people_helped": 30,
    "funds_invested": 50000,
    "people_trained": 20,
    "jobs_arranged": 4,
}


def period(year, number: int = 1) -> ReportingPeriod:
    return ReportingPeriod.objects.get(year=year, number=number)


def on_time(p: ReportingPeriod) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(p.deadline, datetime.time(9)))


def late(p: ReportingPeriod) -> datetime.datetime:
    day = p.deadline + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def make_report(
    unit, p, *, status=ReportStatus.DRAFT, actor=SYSTEM, reviewer=None, is_late=False, comment="改"
) -> Report:
    report = services.report_create(actor=actor, unit=unit, period=p)
    if status == ReportStatus.DRAFT:
        return report
    services.report_save(
        actor=actor,
        report=report,
        data=COMPLETE,
        projects=[NineProject.objects.get(year=p.year_id, number=1)],
        submit=True,
        at=late(p) if is_late else on_time(p),
    )
    if status == ReportStatus.RETURNED:
        services.report_return(actor=reviewer, report=report, comment=comment)
    elif status == ReportStatus.ACCEPTED:
        services.report_accept(actor=reviewer, report=report)
    report.refresh_from_db()
    return report
