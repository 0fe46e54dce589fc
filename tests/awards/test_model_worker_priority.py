"""Priority for model workers (issue 15): registered model workers go first among equal
individuals (a tie-break rule, on by default), are marked on the shortlist, alone may be given
劳模休养、交流 priority, and the office exports the priority list."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from awards import services
from awards.enums import DEFAULT_TIE_BREAK, ShortlistCategory, TieBreak
from awards.models import EvaluationSettings
from tests.awards import factories as af
from tests.awards.test_rankings import _run, _scored
from volunteers.models import ModelWorker

pytestmark = pytest.mark.django_db


def worker(unit, name="王劳模"):
    return ModelWorker.objects.create(
        unit=unit, name=name, gender="m", honour_level="provincial", honour_year=2015
    )


@pytest.fixture
def pair(year, unit_a, unit_b, reviewers):
    """Two individuals of equal score; the later-nominated one is a registered model worker."""
    entry_a = _scored(unit_a, year, (20, 20, 20, 20), reviewers, title="甲")
    entry_b = _scored(unit_b, year, (20, 20, 20, 20), reviewers, title="乙", number=2)
    plain = af.nomination(unit_a, year, entry=entry_a, category="individual", person_name="李一")
    star = af.nomination(unit_b, year, entry=entry_b, category="individual", person_name="王劳模")
    star.model_worker = worker(unit_b)
    star.save()
    return plain, star


def _individuals(run):
    rows = run.nomination_rankings.filter(category="individual").order_by("rank")
    return [(r.recipient, r.rank, r.tie_note, r.model_worker_level) for r in rows]


def test_the_rule_is_first_in_the_default_chain():
    assert DEFAULT_TIE_BREAK[0] == TieBreak.MODEL_WORKER


def test_a_model_worker_goes_first_among_equals(year, admin_user, pair):
    run = _run(year, admin_user)
    assert _individuals(run) == [
        ("王劳模", 1, "并列，按劳模优先（先锋个人）区分", "provincial"),
        ("李一", 2, "并列，按劳模优先（先锋个人）区分", ""),
    ]


def test_without_the_rule_the_earlier_nomination_goes_first(year, admin_user, pair):
    run = _run(year, admin_user, chain=["effect", TieBreak.SUBMITTED])
    assert [row[0] for row in _individuals(run)] == ["李一", "王劳模"]


def test_the_rule_never_separates_entries_or_collectives(year, admin_user, unit_a, pair):
    run = _run(year, admin_user)
    notes = set(run.entry_rankings.values_list("tie_note", flat=True))
    assert "并列，按劳模优先（先锋个人）区分" not in notes


def _shortlisted(year, admin_user):
    run = _run(year, admin_user)
    services.shortlist_build(
        actor=admin_user, run=run, category=ShortlistCategory.INDIVIDUAL, top_n=2
    )
    items = {item.recipient: item for item in run.shortlist.all()}
    return run, items


def test_recuperation_priority_only_for_registered_model_workers(year, admin_user, pair):
    _, items = _shortlisted(year, admin_user)
    with pytest.raises(ValidationError) as caught:
        services.shortlist_decide(
            actor=admin_user, item=items["李一"], award="medal", recuperation_priority=True
        )
    assert "只能给予劳模名册中登记的劳模" in " ".join(caught.value.messages)
    decided = services.shortlist_decide(
        actor=admin_user, item=items["王劳模"], award="medal", recuperation_priority=True
    )
    assert decided.recuperation_priority


def test_shortlist_marks_model_workers_and_office_exports_the_priority_list(
    client_for, admin_user, office_user, staff_a, year, pair
):
    run, items = _shortlisted(year, admin_user)
    services.shortlist_decide(
        actor=admin_user, item=items["王劳模"], award="medal", recuperation_priority=True
    )
    page = client_for(admin_user).get(reverse("awards:shortlist", args=[run.pk])).content.decode()
    assert "省部级劳模</span>" in page
    url = reverse("awards:priority_export", args=[run.pk])
    assert client_for(staff_a).get(url).status_code == 404  # runs are not for unit staff
    response = client_for(office_user).get(url)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "单位", "劳模荣誉", "获评年份", "表彰", "年度")
    assert rows[1:] == [
        ("王劳模", pair[1].unit.name, "省部级劳模", 2015, "淮北市五一劳动奖章", 2019)
    ]


def test_saved_chains_keep_their_rules(year):
    """A year whose chain was saved before the rule existed keeps it: its runs as before."""
    EvaluationSettings.objects.create(year=year, tie_break=["effect", "submitted"])
    run = services.evaluation_run_create(actor=None, year=year)
    assert run.settings["tie_break"] == ["effect", "submitted"]
