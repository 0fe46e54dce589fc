"""The one write contract for reports and volunteers (issue 14.1): every service checks the
actor's permission itself, whoever calls it (a view, the API, a command), writes nothing when
it refuses, and records the actor in the record's history outside any request."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from common.models import DeletionRecord
from common.permissions import SYSTEM
from reports import services as report_services
from reports.enums import ReportStatus
from reports.models import Report, ReportAttachment, ReportTransition
from tests.factories import nine_project
from tests.reports import factories as rf
from tests.reports.factories import COMPLETE
from tests.volunteers.factories import ActivityFactory, MembershipFactory, ModelWorkerFactory
from tests.volunteers.matrix import png_bytes
from volunteers import services as volunteer_services
from volunteers.models import (
    Activity,
    ActivityPhoto,
    ModelWorker,
    ServiceRecord,
    VolunteerMembership,
)

pytestmark = pytest.mark.django_db


def _png(name="现场.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def _xlsx():
    book = openpyxl.Workbook()
    book.active.append(["姓名"])
    stream = io.BytesIO()
    book.save(stream)
    return SimpleUploadedFile("劳模.xlsx", stream.getvalue())


@pytest.fixture
def world(year, unit_a, staff_a):
    period = rf.period(year, 1)
    draft = rf.make_report(unit_a, period, actor=staff_a)
    accepted_period = rf.period(year, 2)
    worker = ModelWorkerFactory(unit=unit_a, name="张建国")
    member = MembershipFactory(model_worker=worker, joined_on=datetime.date(2019, 1, 1))
    activity = ActivityFactory(unit=unit_a, title="大棚种植培训")
    return {
        "period": rf.period(year, 3),
        "draft": draft,
        "accepted_period": accepted_period,
        "attachment": report_services.attachment_add(
            actor=staff_a, report=draft, upload=_png("附件.png")
        ),
        "worker": worker,
        "newcomer": ModelWorkerFactory(unit=unit_a, name="赵六"),
        "projects": [nine_project(1, year)],
        "member": member,
        "activity": activity,
        "photo": volunteer_services.activity_photo_add(
            actor=staff_a, activity=activity, upload=_png()
        ),
    }


def _accepted(world, staff_a, office_user):
    return rf.make_report(
        staff_a.membership.unit,
        world["accepted_period"],
        status=ReportStatus.ACCEPTED,
        actor=staff_a,
        reviewer=office_user,
    )


# Each write of the two apps, as (name, call) with the world of the test.
WRITES = {
    "report_create": lambda w, actor: report_services.report_create(
        actor=actor, unit=w["draft"].unit, period=w["period"]
    ),
    "report_save": lambda w, actor: report_services.report_save(
        actor=actor, report=w["draft"], data={"progress": "改写"}
    ),
    "report_submit": lambda w, actor: report_services.report_save(
        actor=actor, report=w["draft"], data=COMPLETE, projects=w["projects"], submit=True
    ),
    "attachment_add": lambda w, actor: report_services.attachment_add(
        actor=actor, report=w["draft"], upload=_png()
    ),
    "attachment_delete": lambda w, actor: report_services.attachment_delete(
        actor=actor, attachment=w["attachment"]
    ),
    "model_worker_save": lambda w, actor: volunteer_services.model_worker_save(
        actor=actor, model_worker=ModelWorkerFactory.build(unit=w["worker"].unit, name="李四")
    ),
    "model_worker_edit": lambda w, actor: volunteer_services.model_worker_save(
        actor=actor, model_worker=_renamed(w["worker"])
    ),
    "team_join": lambda w, actor: volunteer_services.team_join(
        actor=actor, model_worker=w["newcomer"], joined_on=datetime.date(2019, 3, 1)
    ),
    "team_leave": lambda w, actor: volunteer_services.team_leave(
        actor=actor, membership=w["member"], left_on=datetime.date(2019, 6, 1)
    ),
    "service_record_add": lambda w, actor: volunteer_services.service_record_add(
        actor=actor,
        membership=w["member"],
        date=datetime.date(2019, 5, 2),
        hours=Decimal("2"),
        place="钟楼村",
        content="技术指导",
    ),
    "activity_save": lambda w, actor: volunteer_services.activity_save(
        actor=actor, activity=_renamed(w["activity"], "title"), model_workers=[]
    ),
    "activity_photos_add": lambda w, actor: volunteer_services.activity_photos_add(
        actor=actor, activity=w["activity"], uploads=[_png()]
    ),
    "activity_delete": lambda w, actor: volunteer_services.activity_delete(
        actor=actor, activity=w["activity"]
    ),
    "activity_photo_delete": lambda w, actor: volunteer_services.activity_photo_delete(
        actor=actor, photo=w["photo"]
    ),
    "model_workers_import": lambda w, actor: volunteer_services.model_workers_import(
        actor=actor, upload=_xlsx()
    ),
}


def _renamed(record, field="name"):
    setattr(record, field, "改过的名字")
    return record


def _state():
    """Everything the writes above could change."""
    return {
        model.__name__: sorted(model.objects.values_list("pk", flat=True))
        for model in (
            Report,
            ReportAttachment,
            ReportTransition,
            ModelWorker,
            VolunteerMembership,
            ServiceRecord,
            Activity,
            ActivityPhoto,
            DeletionRecord,
        )
    } | {
        "names": sorted(ModelWorker.objects.values_list("name", flat=True)),
        "titles": sorted(Activity.objects.values_list("title", flat=True)),
        "texts": sorted(Report.objects.values_list("progress", flat=True)),
        "left": sorted(
            str(d) for d in VolunteerMembership.objects.values_list("left_on", flat=True)
        ),
    }


REFUSED = [
    (write, who)
    for write in sorted(WRITES)
    for who in ("staff_b", "office_user", "anonymous")
    # Another unit's staff import into their own unit: refused only to those without one.
    if (write, who) != ("model_workers_import", "staff_b")
]


@pytest.mark.parametrize(("write", "who"), REFUSED)
def test_every_write_refuses_an_actor_not_allowed_and_writes_nothing(request, world, write, who):
    from django.contrib.auth.models import AnonymousUser

    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    before = _state()
    with pytest.raises(PermissionDenied):
        WRITES[write](world, actor)
    assert _state() == before


@pytest.mark.parametrize("write", sorted(WRITES))
def test_the_same_write_passes_for_the_units_staff(world, staff_a, write):
    """The refusals above are the permission's, not a broken call."""
    before = _state()
    WRITES[write](world, staff_a)
    assert _state() != before or write == "model_workers_import"  # an empty sheet adds nothing


def test_a_report_write_outside_a_request_names_its_actor_in_the_history(world, staff_a):
    report = report_services.report_save(
        actor=staff_a, report=world["draft"], data={"progress": "新"}
    )
    latest = report.history.order_by("-history_date", "-history_id").first()
    assert (latest.progress, latest.history_user) == ("新", staff_a)
    assert report.transitions.get(to_status=ReportStatus.DRAFT).actor == staff_a


def test_the_system_acts_for_a_command_and_is_recorded_as_no_one(world, unit_a):
    report = report_services.report_create(actor=SYSTEM, unit=unit_a, period=world["period"])
    report = report_services.report_save(actor=SYSTEM, report=report, data={"progress": "演示"})
    assert report.history.order_by("-history_date").first().history_user is None
    assert report.transitions.get().actor is None
    worker = volunteer_services.model_worker_save(
        actor=SYSTEM, model_worker=ModelWorkerFactory.build(unit=unit_a, name="王五")
    )
    assert worker.history.get().history_user is None


def test_a_page_can_never_act_as_the_system(client, world):
    """No request's user is SYSTEM: an anonymous visitor is refused (to the login page)."""
    from django.urls import reverse

    response = client.post(reverse("reports:report_edit", args=[world["draft"].pk]), COMPLETE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_activity_cannot_be_moved_to_or_from_a_unit_the_actor_may_not_change(
    world, staff_a, unit_b
):
    activity = world["activity"]
    activity.unit = unit_b
    with pytest.raises(PermissionDenied):
        volunteer_services.activity_save(actor=staff_a, activity=activity, model_workers=[])
    foreign = ActivityFactory(unit=unit_b)
    foreign.unit = staff_a.membership.unit
    with pytest.raises(PermissionDenied):
        volunteer_services.activity_save(actor=staff_a, activity=foreign, model_workers=[])


def test_accepted_reports_are_reopened_by_admins_only(world, staff_a, office_user, admin_user):
    accepted = _accepted(world, staff_a, office_user)
    for actor in (staff_a, office_user):
        with pytest.raises(PermissionDenied):
            report_services.report_reopen(actor=actor, report=accepted, reason="数据有误")
    report_services.report_reopen(actor=admin_user, report=accepted, reason="数据有误")
    accepted.refresh_from_db()
    assert accepted.status == ReportStatus.RETURNED


def test_an_award_write_outside_a_request_names_its_actor_in_the_history(year, unit_a, staff_a):
    from awards import services as award_services
    from tests.awards import factories as af

    nomination = af.nomination(unit_a, year)
    award_services.nomination_update(
        actor=staff_a, nomination=nomination, data={"statement": "补充事迹。"}
    )
    latest = nomination.history.order_by("-history_date", "-history_id").first()
    assert (latest.statement, latest.history_user) == ("补充事迹。", staff_a)


def test_team_and_service_changes_are_in_the_model_workers_history(
    world, staff_a, office_user, client
):
    from django.urls import reverse

    worker = world["newcomer"]
    membership = volunteer_services.team_join(
        actor=staff_a, model_worker=worker, joined_on=datetime.date(2019, 3, 1)
    )
    volunteer_services.team_leave(
        actor=staff_a, membership=membership, left_on=datetime.date(2019, 9, 30)
    )
    rows = membership.history.order_by("history_date", "history_id")
    assert [(r.history_type, r.left_on, r.history_user) for r in rows] == [
        ("+", None, staff_a),
        ("~", datetime.date(2019, 9, 30), staff_a),
    ]
    client.force_login(office_user, backend="common.auth.PortalModelBackend")
    url = reverse("history:object_history", args=["volunteers.modelworker", worker.pk])
    page = client.get(url).content.decode()
    assert "志愿服务队" in page and "2019-09-30" in page
