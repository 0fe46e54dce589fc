"""Applications for the 五一劳动奖状 (issue 15): a unit applies with a statement and evidence;
the year's conditions (quota met, no report missing, no spot check rated 差) are checked and
shown; the office reviews (accept, return, refuse with a comment, never its own unit's); only
accepted applicants are candidates of the unit shortlist and may be given the 奖状."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from awards import services
from awards.enums import ApplicationStatus
from awards.models import EvaluationSettings
from common.models import Notification
from competition.models import ConflictDeclaration, SpotCheck
from reports.enums import ReportStatus
from tests import factories
from tests.awards.test_rankings import _run, _scored
from tests.reports import factories as rf
from tests.volunteers.factories import ActivityFactory

pytestmark = pytest.mark.django_db

TEXT = {"statement": "组织劳模送技能下乡12次。", "evidence": "活动记录、季度报告。"}


def qualify(unit, year, staff):
    """Give `unit` what the default conditions ask: its quota (3) and every report of 2019."""
    for day in (1, 2, 3):
        ActivityFactory(unit=unit, date=datetime.date(2019, 5, day))
    for number in (1, 2, 3, 4):
        rf.make_report(unit, rf.period(year, number), status=ReportStatus.SUBMITTED, actor=staff)


def apply(staff, unit, year):
    return services.application_submit(actor=staff, unit=unit, year=year, **TEXT)


def test_a_unit_with_its_quota_missed_is_refused(year, unit_a, staff_a):
    with pytest.raises(ValidationError) as caught:
        apply(staff_a, unit_a, year)
    message = " ".join(caught.value.messages)
    assert "不符合申报条件" in message
    assert "完成本年度活动数要求（已组织 0 次，要求 3 次）" in message
    assert "已到期的报告均已报送（未报送：" in message


def test_a_spot_check_rated_poor_refuses(year, unit_a, staff_a):
    qualify(unit_a, year, staff_a)
    SpotCheck.objects.create(
        year=year, unit=unit_a, date=datetime.date(2019, 6, 1), inspectors="许", findings="-",
        rating="poor",
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        apply(staff_a, unit_a, year)
    assert "没有评价为“差”的抽查（评价为“差”的抽查 1 次）" in " ".join(caught.value.messages)


def test_the_conditions_are_the_years_rules(year, unit_a, staff_a):
    EvaluationSettings.objects.create(year=year, apply_needs_quota=False, apply_needs_reports=False)
    assert apply(staff_a, unit_a, year).status == ApplicationStatus.SUBMITTED


def test_only_the_units_own_staff_apply(year, unit_a, staff_b, office_user):
    for actor in (staff_b, office_user):
        with pytest.raises(PermissionDenied):
            apply(actor, unit_a, year)


def test_the_office_reviews_and_the_unit_is_notified(year, unit_a, staff_a, office_user):
    qualify(unit_a, year, staff_a)
    application = apply(staff_a, unit_a, year)
    with pytest.raises(ValidationError):  # returning needs a comment
        services.application_review(actor=office_user, application=application, decision="return")
    services.application_review(
        actor=office_user, application=application, decision="return", comment="请补充成效数据"
    )
    note = Notification.objects.get(recipient=staff_a)
    assert "已退回修改" in note.title and note.body == "请补充成效数据"
    with pytest.raises(ValidationError):  # not waiting for review
        services.application_review(actor=office_user, application=application, decision="accept")
    resubmitted = apply(staff_a, unit_a, year)
    assert resubmitted.pk == application.pk and resubmitted.status == ApplicationStatus.SUBMITTED
    with pytest.raises(ValidationError):  # waiting: not submitted twice
        apply(staff_a, unit_a, year)
    services.application_review(actor=office_user, application=resubmitted, decision="accept")
    resubmitted.refresh_from_db()
    assert resubmitted.status == ApplicationStatus.ACCEPTED
    assert resubmitted.history.count() >= 4


def test_the_office_never_reviews_its_own_or_a_conflicted_unit(
    year, unit_a, unit_b, staff_a, office_user
):
    qualify(unit_a, year, staff_a)
    application = apply(staff_a, unit_a, year)
    own = factories.user_with_role("office", unit=unit_a, username="office_a")
    with pytest.raises(PermissionDenied):
        services.application_review(actor=own, application=application, decision="accept")
    ConflictDeclaration.objects.create(reviewer=office_user, unit=unit_a, reason="亲属")
    with pytest.raises(PermissionDenied):
        services.application_review(actor=office_user, application=application, decision="accept")


def test_only_accepted_applicants_are_unit_candidates(
    year, unit_a, unit_b, staff_a, office_user, admin_user, reviewers
):
    _scored(unit_a, year, (20, 20, 20, 20), reviewers, title="甲")
    _scored(unit_b, year, (25, 25, 25, 25), reviewers, title="乙", number=2)
    qualify(unit_a, year, staff_a)
    services.application_review(
        actor=office_user, application=apply(staff_a, unit_a, year), decision="accept"
    )
    run = _run(year, admin_user)
    items = services.shortlist_build(actor=admin_user, run=run, category="unit", top_n=5)
    assert [item.unit_id for item in items] == [unit_a.pk]  # unit_b ranks higher, never applied


def test_a_unit_without_an_accepted_application_gets_no_award(
    year, unit_a, staff_a, office_user, admin_user, reviewers
):
    _scored(unit_a, year, (20, 20, 20, 20), reviewers, title="甲")
    qualify(unit_a, year, staff_a)
    application = apply(staff_a, unit_a, year)
    services.application_review(actor=office_user, application=application, decision="accept")
    run = _run(year, admin_user)
    (item,) = services.shortlist_build(actor=admin_user, run=run, category="unit", top_n=1)
    type(application).objects.filter(pk=application.pk).update(status=ApplicationStatus.REFUSED)
    with pytest.raises(ValidationError) as caught:
        services.shortlist_decide(actor=admin_user, item=item, award="certificate")
    assert "没有通过审核的奖状申报" in " ".join(caught.value.messages)


def test_pages_walk_an_application(client_for, year, unit_a, staff_a, office_user):
    qualify(unit_a, year, staff_a)
    staff = client_for(staff_a)
    listing = staff.get(reverse("awards:application_list") + "?year=2019").content.decode()
    assert "本单位的申报条件" in listing and "申报奖状" in listing
    response = staff.post(reverse("awards:application_apply") + "?year=2019", TEXT, follow=True)
    page = response.content.decode()
    assert "奖状申报已提交" in page and "组织劳模送技能下乡12次。" in page
    application = unit_a.award_applications.get()
    office = client_for(office_user)
    detail = reverse("awards:application_detail", args=[application.pk])
    assert 'name="decision"' in office.get(detail).content.decode()
    response = office.post(
        reverse("awards:application_review", args=[application.pk]),
        {"decision": "accept"},
        follow=True,
    )
    assert "审核结果已保存" in response.content.decode()
    assert "已通过" in staff.get(detail).content.decode()
