"""Eligibility from records (issue 15): a disciplinary finding on the nominee's record, entered
by the office or the nominating unit with its evidence, makes the nominee ineligible at
ranking, at shortlisting and at every decision; a change after shortlisting is shown on the
shortlist and blocks the decision until the finding is withdrawn (with a reason) or the office
overrides."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from awards import services
from awards.models import DisciplinaryFinding
from tests.awards import factories as af
from tests.awards.test_rankings import _run, _scored
from volunteers.models import ModelWorker

pytestmark = pytest.mark.django_db

D = datetime.date
RULE = "有违纪违法记录，不符合“廉洁自律”标准"


@pytest.fixture
def nominee(year, unit_a, reviewers):
    entry = _scored(unit_a, year, (20, 20, 20, 20), reviewers, title="甲")
    return af.nomination(unit_a, year, entry=entry, category="individual", person_name="李一")


def record(actor, nominee, **changes):
    data = {"found_on": D(2020, 3, 1), "description": "违反廉洁纪律", "evidence": "纪发〔2020〕3号"}
    return services.finding_record(actor=actor, nomination=nominee, **{**data, **changes})


def shortlisted(year, admin_user):
    run = _run(year, admin_user)
    services.shortlist_build(actor=admin_user, run=run, category="individual", top_n=1)
    return run, run.shortlist.get()


def test_a_finding_makes_the_nominee_ineligible_at_ranking(year, admin_user, office_user, nominee):
    record(office_user, nominee)
    row = _run(year, admin_user).nomination_rankings.get(nomination=nominee)
    assert not row.eligible and RULE in row.eligibility_note


def test_the_nominating_unit_may_record_one_other_units_may_not(staff_a, staff_b, nominee):
    assert record(staff_a, nominee).recorded_by == staff_a
    with pytest.raises(PermissionDenied):
        record(staff_b, nominee)


def test_a_decision_after_a_finding_is_refused_until_resolved(
    year, admin_user, office_user, nominee
):
    _, item = shortlisted(year, admin_user)
    finding = record(office_user, nominee)
    with pytest.raises(ValidationError) as caught:
        services.shortlist_decide(actor=admin_user, item=item, award="medal")
    assert "入围后资格已发生变化" in " ".join(caught.value.messages)
    item.refresh_from_db()
    assert item.award == ""
    # Withdrawn with a reason (never deleted), the decision goes through.
    with pytest.raises(ValidationError):
        services.finding_withdraw(
            actor=office_user, finding=finding, nomination=nominee, reason=" "
        )
    services.finding_withdraw(
        actor=office_user, finding=finding, nomination=nominee, reason="录入有误"
    )
    assert services.shortlist_decide(actor=admin_user, item=item, award="medal").award == "medal"
    assert DisciplinaryFinding.objects.filter(pk=finding.pk, withdraw_reason="录入有误").exists()


def test_only_the_office_withdraws(staff_a, office_user, nominee):
    finding = record(office_user, nominee)
    with pytest.raises(PermissionDenied):
        services.finding_withdraw(actor=staff_a, finding=finding, nomination=nominee, reason="x")


def test_shortlisting_checks_again(year, admin_user, office_user, nominee):
    run = _run(year, admin_user)  # eligible when the run was built
    record(office_user, nominee)
    assert services.shortlist_build(actor=admin_user, run=run, category="individual", top_n=1) == []
    row = run.nomination_rankings.get(nomination=nominee)
    with pytest.raises(ValidationError):
        services.shortlist_add(actor=admin_user, run=run, nomination_ranking=row)


def test_a_finding_on_the_model_worker_counts_for_every_nomination(
    year, unit_a, admin_user, office_user, nominee
):
    nominee.model_worker = ModelWorker.objects.create(
        unit=unit_a, name="李一", gender="m", honour_level="city"
    )
    nominee.save()
    other = af.nomination(unit_a, year, category="individual", person_name="李一")
    other.model_worker = nominee.model_worker
    other.save()
    finding = record(office_user, nominee, on_model_worker=True)
    assert finding.model_worker_id == nominee.model_worker_id and finding.nomination is None
    verdicts = services.live_verdicts(_run(year, admin_user), [nominee.pk, other.pk])
    assert not verdicts[nominee.pk].eligible and not verdicts[other.pk].eligible


def test_pages_show_the_finding_and_the_changed_eligibility(
    client_for, year, admin_user, office_user, nominee
):
    run, item = shortlisted(year, admin_user)
    office = client_for(office_user)
    response = office.post(
        reverse("awards:finding_create", args=[nominee.pk]),
        {"found_on": "2020-03-01", "evidence": "纪发〔2020〕3号", "description": "违反廉洁纪律"},
        follow=True,
    )
    page = response.content.decode()
    assert "违纪违法记录已保存" in page and "纪发〔2020〕3号" in page and RULE in page
    shortlist = client_for(admin_user).get(reverse("awards:shortlist", args=[run.pk]))
    assert "入围后资格已变化" in shortlist.content.decode()
    response = client_for(admin_user).post(
        reverse("awards:shortlist_decide", args=[item.pk]), {"award": "medal"}, follow=True
    )
    assert "入围后资格已发生变化" in response.content.decode()
    item.refresh_from_db()
    assert item.award == ""
