"""History in the portal (issue 14, point 4): who changed what and when, old and new values,
to those who may see the record; one page for every record type (common.history)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.history import events_of
from competition import services
from competition.enums import Role
from competition.models import Entry
from tests import factories
from tests.competition import factories as scoring

pytestmark = pytest.mark.django_db

POINTS = {"work": 20, "effect": 20, "income": 20, "satisfaction": 20}


def history_url(obj):
    return reverse("history:object_history", kwargs={"key": obj._meta.label_lower, "pk": obj.pk})


@pytest.fixture
def scored_entry(unit_a, year, staff_a):
    entry = services.entry_create(
        actor=staff_a, unit=unit_a, year=year, title="旧标题",
        nine_project=factories.nine_project(1, year), description="简介",
        target_villages="桃园村", target_households=10,
    )  # fmt: skip
    services.entry_update(actor=staff_a, entry=entry, title="新标题")
    judge = scoring.reviewer("judge", unit=None)
    judge.first_name = "李审核"
    judge.save()
    services.score_sheet_save(actor=judge, entry=entry, points=POINTS)
    services.score_sheet_save(actor=judge, entry=entry, points={**POINTS, "work": 25})
    return entry


def test_the_entry_history_shows_who_changed_what_old_and_new(client_for, scored_entry, staff_a):
    response = client_for(staff_a).get(history_url(scored_entry))
    assert response.status_code == 200
    events = list(response.context["page"])
    change = next(e for e in events if e.action == "修改" and not e.label)
    assert [(c.field, c.old, c.new) for c in change.changes] == [("项目名称", "旧标题", "新标题")]
    assert change.who == staff_a
    created = events[-1]
    assert created.created and ("项目名称", "新标题") not in [
        (c.field, c.new) for c in created.changes
    ]
    # Unit staff never see who scored what.
    assert not [e for e in events if e.label]
    assert "李审核" not in response.content.decode()


def test_office_sees_the_sheets_scores_by_criterion(client_for, scored_entry, office_user):
    response = client_for(office_user).get(history_url(scored_entry))
    events = list(response.context["page"])
    rescored = [e for e in events if e.label == "评分表 · 李审核 · 比工作落实" and not e.created]
    assert [(c.old, c.new) for e in rescored for c in e.changes] == [("20", "25")]
    assert "评分表 · 李审核" in response.content.decode()


def test_a_reviewer_in_conflict_sees_no_named_sheets(client_for, scored_entry, unit_a):
    own = factories.user_with_role(Role.OFFICE, unit=unit_a, username="office_own")
    events = list(client_for(own).get(history_url(scored_entry)).context["page"])
    assert events and not [e for e in events if e.label]


def test_another_units_record_is_not_found_and_unknown_kinds_neither(
    client_for, scored_entry, staff_b
):
    assert client_for(staff_b).get(history_url(scored_entry)).status_code == 404
    url = reverse("history:object_history", kwargs={"key": "auth.user", "pk": staff_b.pk})
    assert client_for(staff_b).get(url).status_code == 404


def test_the_years_rules_history_is_the_offices(client_for, year, admin_user, staff_a):
    work = year.criteria.get(code="work")
    services.criterion_save(actor=admin_user, year=year, criterion=work, weight=Decimal(3))
    assert client_for(staff_a).get(history_url(year)).status_code == 403
    response = client_for(admin_user).get(history_url(year))
    changed = [e for e in response.context["page"] if e.label == "评比标准" and not e.created]
    assert [(c.field, c.new) for e in changed for c in e.changes] == [("权重", "3")]
    assert changed[0].who == admin_user


def test_the_history_page_costs_the_same_for_more_sheets(
    client_for, scored_entry, office_user, django_assert_num_queries
):
    client = client_for(office_user)
    client.get(history_url(scored_entry))
    with CaptureQueriesContext(connection) as one_sheet:
        assert client.get(history_url(scored_entry)).status_code == 200
    for name in ("judge2", "judge3"):
        services.score_sheet_save(actor=scoring.reviewer(name), entry=scored_entry, points=POINTS)
    with django_assert_num_queries(len(one_sheet)):
        assert client.get(history_url(scored_entry)).status_code == 200


def test_events_compare_each_record_with_the_one_before(scored_entry):
    events = events_of(Entry.history.filter(id=scored_entry.pk))
    assert [e.action for e in events] == ["创建", "修改"]
    assert [c.new for c in events[1].changes] == ["新标题"]


def test_the_entry_page_links_its_history(client_for, scored_entry, staff_a):
    page = client_for(staff_a).get(reverse("competition:entry_detail", args=[scored_entry.pk]))
    assert history_url(scored_entry) in page.content.decode()


def test_only_an_admin_gives_roles(staff_a, office_user, admin_user):
    target = factories.UserFactory()
    for actor in (staff_a, office_user):
        with pytest.raises(PermissionDenied):
            services.membership_set(actor=actor, user=target, role=Role.ADMIN)
    services.membership_set(actor=admin_user, user=target, role=Role.OFFICE)
    assert target.membership.role == Role.OFFICE


def test_a_model_worker_changed_in_the_portal_shows_who_and_what(
    client_for, staff_a, staff_b, unit_a
):
    from tests.test_bad_input import worker_data
    from volunteers.models import ModelWorker

    client = client_for(staff_a)
    response = client.post(reverse("volunteers:model_worker_create"), worker_data(None))
    assert response.status_code == 302
    worker = ModelWorker.objects.get(name="李劳模")
    edit = reverse("volunteers:model_worker_edit", args=[worker.pk])
    assert client.post(edit, worker_data(None, position="村支书")).status_code == 302
    events = list(client.get(history_url(worker)).context["page"])
    change = next(e for e in events if not e.created)
    assert ("职务", "主任", "村支书") in [(c.field, c.old, c.new) for c in change.changes]
    assert change.who == staff_a
    assert client_for(staff_b).get(history_url(worker)).status_code == 404


def test_the_years_history_shows_its_evaluation_settings(client_for, year, admin_user):
    from awards import services as awards_services

    settings_ = awards_services.evaluation_settings_for(year)
    settings_.weight_spot_checks = Decimal(1)
    settings_._history_user = admin_user
    settings_.save()
    events = list(client_for(admin_user).get(history_url(year)).context["page"])
    assert [e for e in events if e.label == "评选规则"]


def test_the_years_history_names_its_units_in_one_query_whatever_their_number(
    client_for, year, admin_user, django_assert_num_queries
):
    """Related records' names are read per model, not per change (issue 14: no query per row)."""
    client = client_for(admin_user)
    services.unit_quota_set(actor=admin_user, year=year, unit=factories.UnitFactory(), quota=4)
    client.get(history_url(year))
    with CaptureQueriesContext(connection) as few:
        assert client.get(history_url(year)).status_code == 200
    for _n in range(5):
        services.unit_quota_set(actor=admin_user, year=year, unit=factories.UnitFactory(), quota=5)
    with django_assert_num_queries(len(few)):
        response = client.get(history_url(year))
    assert len([e for e in response.context["page"] if e.label == "单位活动数要求"]) == 6
