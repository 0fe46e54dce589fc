"""The procedure of a run's award decisions (issue 15.6): the office proposes, the leading
group (the admin role) approves or returns, the approved list is under 公示 for the year's
working days, objections are answered, the 表彰决定 is published; each rule broken once,
with its Chinese refusal."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from awards import approval, selectors, services, workdays
from awards.models import AwardDecision, DecisionStep, Objection, ShortlistItem
from common.models import Notification
from tests import factories
from tests.awards import factories as af
from tests.competition import factories as scoring

pytestmark = pytest.mark.django_db

MAY_DAY_2020 = datetime.date(2020, 4, 30)  # a Thursday; 1–5 May off, Saturday 9 May worked


@pytest.fixture
def run(admin_user, office_user, unit_a, unit_b, year, reviewers):
    """A finished run of 2019: unit_a's collective shortlisted and given the 奖状 by the
    office (its proposal), unit_b's individual shortlisted without an award."""
    collective = af.nomination(unit_a, year, entry=scoring.entry(unit_a, year, number=1))
    individual = af.nomination(
        unit_b,
        year,
        entry=scoring.entry(unit_b, year, number=6),
        category="individual",
        person_name="李先锋",
    )
    for nomination in (collective, individual):
        scoring.sheet(nomination.entry, reviewers[0], 20, 20, 20, 20)
    run = services.evaluation_run_build(
        run=services.evaluation_run_create(actor=admin_user, year=year)
    )
    for category in ("collective", "individual"):
        services.shortlist_build(actor=office_user, run=run, category=category, top_n=1)
    services.shortlist_decide(actor=office_user, item=item(run, "collective"), award="certificate")
    return run


def item(run, category):
    """Fetched afresh (with its run): the stage of the run's decision as it is now."""
    return ShortlistItem.objects.get(run=run.pk, category=category)


def stage(run):
    return AwardDecision.objects.get(run=run).stage


def notified(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def to_publicity(run, office_user, admin_user, start=MAY_DAY_2020):
    approval.decision_submit(actor=office_user, run=run)
    approval.decision_approve(actor=admin_user, run=run)
    return approval.publicity_start(actor=office_user, run=run, start=start, today=start)


# --- the whole procedure ---------------------------------------------------------------------


def test_procedure_steps_are_recorded_and_notified(
    run, office_user, admin_user, staff_a, staff_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approval.decision_submit(actor=office_user, run=run, comment="请审批")
    assert stage(run) == "submitted"
    assert notified(admin_user) == ["2019年度表彰决定（拟定）待领导小组审批"]
    assert "boss@example.org" in {address for m in mail.outbox for address in m.to}

    approval.decision_approve(actor=admin_user, run=run, comment="同意")
    assert "领导小组已批准2019年度表彰决定，请组织公示" in notified(office_user)

    decision = approval.publicity_start(
        actor=office_user, run=run, start=MAY_DAY_2020, today=MAY_DAY_2020
    )
    # Five working days from Thursday 30 April 2020: 30 April, 6, 7, 8 May and Saturday
    # 9 May (调休), not the holiday 1–5 May.
    assert (decision.publicity_start, decision.publicity_end) == (
        MAY_DAY_2020,
        datetime.date(2020, 5, 9),
    )
    for unit_staff in (staff_a, staff_b):
        assert "2019年度表彰名单公示" in notified(unit_staff)

    objection = approval.objection_lodge(
        actor=staff_b, decision=decision, text="事迹不实。", today=datetime.date(2020, 5, 6)
    )
    assert "收到对2019年度表彰名单的异议，请答复" in notified(office_user)
    approval.objection_answer(actor=office_user, objection=objection, answer="经核实属实。")
    assert "您对2019年度表彰名单提出的异议已答复" in notified(staff_b)

    approval.publicity_close(actor=office_user, run=run, today=datetime.date(2020, 5, 11))
    with django_capture_on_commit_callbacks(execute=True):
        decision = approval.decision_publish(
            actor=admin_user,
            run=run,
            number="淮工字〔2020〕12号",
            text="决定表彰……",
            published_on=datetime.date(2020, 5, 12),
            today=datetime.date(2020, 5, 12),
        )
    assert decision.stage == "published" and decision.number == "淮工字〔2020〕12号"
    assert "2019年度表彰决定已发布：本单位获表彰" in notified(staff_a)
    assert "2019年度表彰决定已发布（淮工字〔2020〕12号）" in notified(staff_b)
    assert "staff_a@example.org" in {address for m in mail.outbox for address in m.to}
    assert list(DecisionStep.objects.filter(decision=decision).values_list("action", "actor")) == [
        ("submit", office_user.pk),
        ("approve", admin_user.pk),
        ("publicity_start", office_user.pk),
        ("publicity_close", office_user.pk),
        ("publish", admin_user.pk),
    ]
    assert decision.history.count() == 6  # made, then one change per step
    certificate_item = selectors.shortlist_items_for_user(staff_a).get()
    assert selectors.certificate_date(certificate_item) == datetime.date(2020, 5, 12)


# --- who does what ---------------------------------------------------------------------------


def test_the_office_cannot_approve(run, office_user, client_for):
    approval.decision_submit(actor=office_user, run=run)
    with pytest.raises(PermissionDenied):
        approval.decision_approve(actor=office_user, run=run)
    response = client_for(office_user).post(reverse("awards:decision_approve", args=[run.pk]))
    assert response.status_code == 403
    assert "没有权限" in response.content.decode()
    assert stage(run) == "submitted"


def test_the_leading_group_approves_but_does_not_propose(run, admin_user, office_user):
    with pytest.raises(PermissionDenied):
        approval.decision_submit(actor=admin_user, run=run)
    with pytest.raises(PermissionDenied):
        approval.decision_publish(actor=office_user, run=run, number="1")


def test_approval_only_of_a_submitted_proposal(run, admin_user):
    with pytest.raises(ValidationError, match="表彰决定当前为“拟定”，不能批准。"):
        approval.decision_approve(actor=admin_user, run=run)


def test_nothing_to_submit_is_refused(run, office_user):
    services.shortlist_decide(actor=office_user, item=item(run, "collective"), award="")
    with pytest.raises(ValidationError, match="本次评选尚未作出任何表彰决定，不能报送。"):
        approval.decision_submit(actor=office_user, run=run)


def test_one_decision_a_year(run, office_user, admin_user, year):
    approval.decision_submit(actor=office_user, run=run)
    other = services.evaluation_run_build(
        run=services.evaluation_run_create(actor=admin_user, year=year)
    )
    services.shortlist_build(actor=office_user, run=other, category="collective", top_n=1)
    services.shortlist_decide(
        actor=office_user, item=item(other, "collective"), award="certificate"
    )
    with pytest.raises(ValidationError, match="同一年度只能有一份表彰决定"):
        approval.decision_submit(actor=office_user, run=other)


def test_approval_checks_eligibility_again(run, office_user, admin_user):
    individual = item(run, "individual")
    services.shortlist_decide(actor=office_user, item=individual, recommend_province=True)
    approval.decision_submit(actor=office_user, run=run)
    services.finding_record(
        actor=office_user,
        nomination=individual.nomination_ranking.nomination,
        found_on=datetime.date(2020, 3, 1),
        description="违规发放补贴",
        evidence="纪委通报",
    )
    with pytest.raises(ValidationError, match="入围后资格已发生变化，不能作出决定"):
        approval.decision_approve(actor=admin_user, run=run)


# --- frozen decisions ------------------------------------------------------------------------

FROZEN = "入围名单和表彰决定已冻结，不能修改；须由领导小组退回后才能修改。"


def test_decisions_are_frozen_once_submitted_until_returned(run, office_user, admin_user):
    approval.decision_submit(actor=office_user, run=run)
    approval.decision_approve(actor=admin_user, run=run)
    collective = item(run, "collective")
    for change in (
        lambda: services.shortlist_decide(actor=office_user, item=collective, award=""),
        lambda: services.shortlist_remove(actor=office_user, item=collective),
        lambda: services.shortlist_build(actor=office_user, run=run, category="unit", top_n=3),
    ):
        with pytest.raises(ValidationError) as info:
            change()
        assert info.value.messages == [f"本次评选的表彰决定当前为“已批准”，{FROZEN}"]
    assert item(run, "collective").award == "certificate"

    with pytest.raises(ValidationError, match="退回须填写意见。"):
        approval.decision_return(actor=admin_user, run=run, comment=" ")
    approval.decision_return(actor=admin_user, run=run, comment="请复核名额")
    assert "领导小组退回了2019年度表彰决定" in notified(office_user)
    services.shortlist_decide(actor=office_user, item=collective, award="")
    assert item(run, "collective").award == ""


def test_the_shortlist_page_hides_its_forms_when_frozen(run, office_user, client_for):
    url = reverse("awards:shortlist", args=[run.pk])
    assert "awards/shortlist/" in client_for(office_user).get(url).content.decode()
    approval.decision_submit(actor=office_user, run=run)
    page = client_for(office_user).get(url).content.decode()
    assert "已报送领导小组，入围名单和表彰决定已冻结。" in page
    assert reverse("awards:shortlist_decide", args=[item(run, "collective").pk]) not in page


def test_a_return_during_publicity_starts_it_afresh(run, office_user, admin_user):
    to_publicity(run, office_user, admin_user)
    decision = approval.decision_return(actor=admin_user, run=run, comment="异议成立，重新研究")
    assert (decision.stage, decision.publicity_start, decision.publicity_end) == (
        "returned",
        None,
        None,
    )
    with pytest.raises(ValidationError, match="表彰决定当前为“已退回”，不能开始公示。"):
        approval.publicity_start(actor=office_user, run=run)


# --- the 公示 ---------------------------------------------------------------------------------


def test_publicity_length_is_the_years_rule(run, office_user, admin_user, year):
    services.evaluation_settings_save(actor=admin_user, year=year, data={"publicity_days": 3})
    decision = to_publicity(run, office_user, admin_user, start=datetime.date(2020, 5, 1))
    # 1 May is a holiday: from Wednesday 6 May, three working days.
    assert (decision.publicity_days, decision.publicity_start, decision.publicity_end) == (
        3,
        datetime.date(2020, 5, 6),
        datetime.date(2020, 5, 8),
    )


def test_working_days_past_the_calendars_data_are_weekdays():
    friday = datetime.date(2031, 3, 7)
    assert workdays.last_of(friday, 3) == datetime.date(2031, 3, 11)
    assert workdays.first_working_day(datetime.date(2031, 3, 8)) == datetime.date(2031, 3, 10)


def test_publicity_cannot_start_in_the_past(run, office_user, admin_user):
    approval.decision_submit(actor=office_user, run=run)
    approval.decision_approve(actor=admin_user, run=run)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="公示开始日期不能早于今天。"):
        approval.publicity_start(actor=office_user, run=run, start=yesterday)


def test_objections_only_during_publicity(run, office_user, admin_user, staff_b):
    approval.decision_submit(actor=office_user, run=run)
    decision = AwardDecision.objects.get(run=run)
    with pytest.raises(ValidationError, match="现在不在公示期内，不能提出异议。"):
        approval.objection_lodge(actor=staff_b, decision=decision, text="异议")
    decision = to_publicity_after_submit(run, office_user, admin_user)
    with pytest.raises(ValidationError, match="现在不在公示期内"):
        approval.objection_lodge(
            actor=staff_b, decision=decision, text="异议", today=datetime.date(2020, 5, 11)
        )
    with pytest.raises(ValidationError, match="只能对公示名单中的对象提出异议。"):
        approval.objection_lodge(
            actor=staff_b,
            decision=decision,
            text="异议",
            item=item(run, "individual"),
            today=MAY_DAY_2020,
        )
    assert not Objection.objects.exists()


def to_publicity_after_submit(run, office_user, admin_user):
    approval.decision_approve(actor=admin_user, run=run)
    return approval.publicity_start(
        actor=office_user, run=run, start=MAY_DAY_2020, today=MAY_DAY_2020
    )


def test_no_end_and_no_publication_before_the_end_or_with_an_unanswered_objection(
    run, office_user, admin_user, staff_b
):
    decision = to_publicity(run, office_user, admin_user)
    last_day, after = datetime.date(2020, 5, 9), datetime.date(2020, 5, 11)
    for call in (
        lambda today: approval.publicity_close(actor=office_user, run=run, today=today),
        lambda today: approval.decision_publish(
            actor=admin_user, run=run, number="1号", today=today
        ),
    ):
        with pytest.raises(ValidationError) as info:
            call(last_day)
        assert info.value.messages == [
            "公示期至2020年5月9日结束，期满前不能结束公示或发布表彰决定。"
        ]
    objection = approval.objection_lodge(
        actor=staff_b, decision=decision, text="事迹不实。", today=last_day
    )
    for call in (
        lambda: approval.publicity_close(actor=office_user, run=run, today=after),
        lambda: approval.decision_publish(actor=admin_user, run=run, number="1号", today=after),
    ):
        with pytest.raises(ValidationError) as info:
            call()
        assert info.value.messages == ["尚有1条异议未答复，答复后才能结束公示、发布表彰决定。"]
    assert stage(run) == "publicity"
    assert not selectors.certificate_available(item(run, "collective"))
    approval.objection_answer(actor=office_user, objection=objection, answer="经核实属实。")
    with pytest.raises(ValidationError, match="该异议已答复。"):
        approval.objection_answer(actor=office_user, objection=objection, answer="再答")
    approval.publicity_close(actor=office_user, run=run, today=after)
    with pytest.raises(ValidationError, match="请填写决定文号。"):
        approval.decision_publish(actor=admin_user, run=run, number=" ", today=after)
    with pytest.raises(ValidationError, match="决定日期须在公示期满之后。"):
        approval.decision_publish(
            actor=admin_user, run=run, number="1号", published_on=last_day, today=after
        )
    approval.decision_publish(actor=admin_user, run=run, number="1号", today=after)
    assert selectors.certificate_available(item(run, "collective"))


def test_a_conflicted_office_member_does_not_answer(run, office_user, admin_user, unit_a):
    decision = to_publicity(run, office_user, admin_user)
    objection = approval.objection_lodge(
        actor=office_user,
        decision=decision,
        text="异议",
        item=item(run, "collective"),
        today=MAY_DAY_2020,
    )
    own = factories.user_with_role("office", unit=unit_a, username="office_of_a")
    with pytest.raises(PermissionDenied):
        approval.objection_answer(actor=own, objection=objection, answer="答复")


# --- pages -----------------------------------------------------------------------------------


def test_a_unit_sees_the_publicity_and_objects(
    run, office_user, admin_user, staff_b, client_for, settings
):
    decision = af.staged(run, "publicity")
    client = client_for(staff_b)
    assert "表彰公示" in client.get(reverse("home")).content.decode()
    page = client.get(reverse("awards:publicity", args=[decision.pk])).content.decode()
    assert "相山区总工会" in page and "淮北市五一劳动奖状" in page
    response = client.post(
        reverse("awards:objection_create", args=[decision.pk]),
        {"item": item(run, "collective").pk, "text": "该单位活动数不实。"},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["异议已提交，竞赛办公室将答复。"]
    objection = Objection.objects.get()
    assert (objection.lodged_by, objection.item) == (staff_b, item(run, "collective"))
    office = client_for(office_user)
    listing = office.get(reverse("awards:objection_list", args=[decision.pk])).content.decode()
    assert "该单位活动数不实。" in listing
    office.post(
        reverse("awards:objection_answer", args=[objection.pk]),
        {f"o{objection.pk}-answer": "经核实，活动数属实。"},
    )
    page = client.get(reverse("awards:publicity", args=[decision.pk])).content.decode()
    assert "经核实，活动数属实。" in page


def test_publicity_page_queries_do_not_grow(
    run, office_user, staff_b, client_for, django_assert_max_num_queries
):
    decision = af.staged(run, "publicity")
    client = client_for(office_user)
    url = reverse("awards:publicity", args=[decision.pk])

    def lodge(n):
        for _ in range(n):
            Objection.objects.create(decision=decision, text="异议", lodged_by=staff_b)

    lodge(1)
    client.get(url)
    with django_assert_max_num_queries(20) as one:
        client.get(url)
    lodge(10)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url)


def test_decision_page_offers_each_role_its_steps(run, office_user, admin_user, client_for):
    url = reverse("awards:decision", args=[run.pk])
    assert "报送领导小组审批" in client_for(office_user).get(url).content.decode()
    approval.decision_submit(actor=office_user, run=run)
    office_page = client_for(office_user).get(url).content.decode()
    admin_page = client_for(admin_user).get(url).content.decode()
    assert reverse("awards:decision_approve", args=[run.pk]) not in office_page
    assert reverse("awards:decision_approve", args=[run.pk]) in admin_page
    assert "待审批" in admin_page and "报送领导小组审批" in admin_page  # the log's step


def test_a_closed_years_decisions_stay_as_they_are(run, office_user, admin_user, year):
    from tests.awards.test_evaluation_rules import seal

    af.staged(run, "final")
    seal(year)
    with pytest.raises(ValidationError) as info:
        approval.decision_publish(actor=admin_user, run=run, number="1号")
    assert info.value.messages == ["该竞赛年度已结束并封存，记录不能再修改。"]
    assert stage(run) == "final"


def test_every_user_finds_the_publicity(run, staff_b, client_for):
    decision = af.staged(run, "publicity")
    page = client_for(staff_b).get(reverse("awards:publicity_list")).content.decode()
    assert reverse("awards:publicity", args=[decision.pk]) in page and "公示中" in page


def _todo(client, user):
    response = client(user).get(reverse("home"))
    return {item.label: item.url for item in response.context["panels"][0].context["items"]}


def test_the_next_step_of_the_procedure_is_on_its_takers_todo(
    run, office_user, admin_user, staff_b, client_for
):
    decide = reverse("awards:decision", args=[run.pk])
    year = run.year.year
    af.staged(run, "submitted", admin=admin_user, office=office_user)
    assert _todo(client_for, admin_user)[f"审批{year}年度表彰决定"] == decide
    assert f"审批{year}年度表彰决定" not in _todo(client_for, office_user)
    approval.decision_approve(actor=admin_user, run=run)
    assert _todo(client_for, office_user)[f"组织{year}年度表彰名单公示"] == decide
    decision = approval.publicity_start(actor=office_user, run=run)
    approval.objection_lodge(actor=staff_b, decision=decision, text="异议")
    objections = reverse("awards:objection_list", args=[decision.pk])
    assert _todo(client_for, office_user)[f"{year}年度表彰名单有1条异议待答复"] == objections
    assert f"{year}年度表彰名单有1条异议待答复" not in _todo(client_for, staff_b)
    approval.objection_answer(
        actor=office_user, objection=decision.objections.get(), answer="已核实"
    )
    assert f"{year}年度表彰名单有1条异议待答复" not in _todo(client_for, office_user)
