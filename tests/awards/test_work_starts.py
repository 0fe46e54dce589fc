"""Eligibility from records (issue 15.4): the start of the nominee's poverty-alleviation work is
a record on the person (the nomination, or the model worker of the registry) with who entered
it and its evidence. The newest record counts over the date the nominating unit typed, at
ranking, at shortlisting and at every decision; a correction after shortlisting blocks the
decision until it is resolved."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from awards import selectors, services
from awards.models import WorkStartRecord
from tests.awards import factories as af
from tests.awards.test_rankings import _run, _scored
from tests.factories import user_with_role
from volunteers.models import ModelWorker

pytestmark = pytest.mark.django_db

D = datetime.date
SHORT = "从事扶贫工作不满2年"


@pytest.fixture
def nominee(year, unit_a, reviewers):
    entry = _scored(unit_a, year, (20, 20, 20, 20), reviewers, title="甲")
    # The unit typed 2016: two full years well before the evaluation date.
    return af.nomination(
        unit_a, year, entry=entry, category="individual", work_started_on=D(2016, 3, 1)
    )


def record(actor, nominee, started_on, **changes):
    return services.work_start_record(
        actor=actor,
        nomination=nominee,
        started_on=started_on,
        evidence=changes.pop("evidence", "淮组〔2019〕12号 派驻文件"),
        **changes,
    )


def test_the_recorded_start_counts_over_the_units_own_date_at_ranking(
    year, admin_user, office_user, nominee
):
    assert _run(year, admin_user).nomination_rankings.get(nomination=nominee).eligible
    entered = record(office_user, nominee, year.evaluation_date - datetime.timedelta(days=400))
    assert (entered.recorded_by, entered.nomination) == (office_user, nominee)
    row = _run(year, admin_user).nomination_rankings.get(nomination=nominee)
    assert not row.eligible and SHORT in row.eligibility_note
    # A newer record (a correction, on new evidence) counts again; the older one is kept.
    record(office_user, nominee, D(2015, 9, 1), evidence="帮扶台账（更正）")
    assert _run(year, admin_user).nomination_rankings.get(nomination=nominee).eligible
    assert WorkStartRecord.objects.filter(nomination=nominee).count() == 2


def test_a_correction_after_shortlisting_blocks_the_decision(
    year, admin_user, office_user, nominee
):
    run = _run(year, admin_user)
    services.shortlist_build(actor=admin_user, run=run, category="individual", top_n=1)
    item = run.shortlist.get()
    record(office_user, nominee, year.evaluation_date - datetime.timedelta(days=30))
    with pytest.raises(ValidationError) as caught:
        services.shortlist_decide(actor=admin_user, item=item, award="medal")
    assert "入围后资格已发生变化" in " ".join(caught.value.messages)
    record(office_user, nominee, D(2016, 3, 1), evidence="核实后恢复")
    assert services.shortlist_decide(actor=admin_user, item=item, award="medal").award == "medal"


def test_the_model_workers_record_counts_for_every_nomination_and_before_the_nominations(
    year, unit_a, admin_user, office_user, nominee
):
    worker = ModelWorker.objects.create(unit=unit_a, name="李一", gender="m", honour_level="city")
    nominee.model_worker = worker
    nominee.save()
    other = af.nomination(
        unit_a, year, category="individual", person_name="李一", work_started_on=D(2016, 1, 1)
    )
    other.model_worker = worker
    other.save()
    record(office_user, nominee, D(2010, 1, 1))  # on this nomination only, older
    on_worker = record(
        office_user,
        nominee,
        year.evaluation_date - datetime.timedelta(days=90),
        on_model_worker=True,
    )
    assert on_worker.model_worker == worker and on_worker.nomination is None
    verdicts = services.live_verdicts(_run(year, admin_user), [nominee.pk, other.pk])
    assert not verdicts[nominee.pk].eligible and not verdicts[other.pk].eligible
    assert selectors.work_starts_of(nominee).first() == on_worker


def test_who_may_record(staff_a, staff_b, unit_a, office_user, nominee):
    assert record(staff_a, nominee, D(2016, 3, 1)).recorded_by == staff_a
    with pytest.raises(PermissionDenied):
        record(staff_b, nominee, D(2016, 3, 1))
    own_office = user_with_role("office", unit=unit_a, username="office_of_a")
    with pytest.raises(PermissionDenied):  # never the office member of the nominee's unit
        record(own_office, nominee, D(2016, 3, 1))
    assert record(office_user, nominee, D(2016, 3, 1)).recorded_by == office_user


def test_bad_records_are_refused(office_user, nominee):
    with pytest.raises(ValidationError) as caught:
        record(office_user, nominee, D.today() + datetime.timedelta(days=1))
    assert "不能晚于今天" in " ".join(caught.value.messages)
    with pytest.raises(ValidationError):
        record(office_user, nominee, D(2016, 3, 1), on_model_worker=True)  # not in the registry
    with pytest.raises(ValidationError):
        record(office_user, nominee, D(2016, 3, 1), evidence="  ")
    assert not WorkStartRecord.objects.exists()


def test_the_page_shows_the_record_in_force_with_who_and_why(client_for, office_user, nominee):
    office = client_for(office_user)
    page = office.get(reverse("awards:nomination_detail", args=[nominee.pk])).content.decode()
    assert "（申报单位填报，尚无核实记录）" in page
    response = office.post(
        reverse("awards:work_start_create", args=[nominee.pk]),
        {"started_on": "2019-12-01", "evidence": "淮组〔2019〕12号"},
        follow=True,
    )
    page = response.content.decode()
    assert "扶贫工作起始日期已记录" in page and "淮组〔2019〕12号" in page
    assert "2019-12-01" in page and "申报单位填报：2016-03-01" in page and SHORT in page
