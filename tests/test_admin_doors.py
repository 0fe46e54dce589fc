"""The Django admin (系统管理) is no door around the rules (issue 14).

Every model registered in the admin has a decision here: read-only (`READ_ONLY`), written
through the portal's services (`THROUGH_SERVICES`, each with the services it calls), or not a
competition record at all (`NOT_WORKFLOW`). A model registered without a decision fails
`test_every_registered_model_has_one_decision`.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from awards import services as awards
from awards.models import AwardDecision, Objection, ShortlistItem, UnitAwardLimit
from common.admin import ReadOnlyAdminMixin, ServiceAdminMixin
from competition import services as competition
from competition.enums import Role, SpotCheckRating, YearStatus
from competition.models import (
    CompetitionYear,
    ConflictDeclaration,
    KindQuota,
    NineProject,
    Notice,
    ReviewerAssignment,
    SpotCheck,
    SpotCheckDraw,
    Unit,
    UnitKind,
    UnitQuota,
)
from reports import services as reports
from reports.enums import ReportStatus
from tests import factories
from tests.awards import factories as af
from tests.competition import factories as scoring
from tests.reports import factories as rf
from tests.volunteers.factories import ActivityFactory, MembershipFactory, ModelWorkerFactory

pytestmark = pytest.mark.django_db

SEALED = "该竞赛年度已结束并封存，记录不能再修改。"

READ_ONLY = {
    "awards.AwardDecision",
    "awards.Objection",
    "awards.DisciplinaryFinding",
    "awards.WorkStartRecord",
    "awards.YearAward",
    "competition.UnitKind",
    "competition.NineProject",
    "competition.ActivityType",
    "competition.Criterion",
    "competition.Entry",
    "competition.ScoreSheet",
    "competition.ConflictDeclaration",
    "competition.ReviewerAssignment",
    "competition.SpotCheck",
    "competition.SpotCheckDraw",
    "competition.Notice",
    "reports.Report",
    "reports.ShowcaseItem",
    "volunteers.ModelWorker",
    "volunteers.VolunteerMembership",
    "volunteers.Activity",
    "awards.Nomination",
    "awards.EvaluationSettings",
    "awards.EvaluationRun",
    "common.OutboxTask",
    "common.DeletionRecord",
}

# What the admin may write, and the services it writes with (inlines: their own services).
THROUGH_SERVICES = {
    "competition.KindQuota": "competition.services.kind_quota_set",
    "competition.UnitQuota": "competition.services.unit_quota_set",
    "competition.Unit": "competition.services.unit_save, participation_start/_end (actions)",
    "competition.CompetitionYear": (
        "competition.services.competition_year_create, competition_year_update; "
        "periods: period_save, period_delete"
    ),
    "auth.User": (
        "Django's account forms (name, e-mail, password, active; no deleting); "
        "role and unit: competition.services.membership_set"
    ),
    "awards.UnitAwardLimit": "awards.services.unit_award_limit_set",
    "awards.ShortlistItem": "awards.services.shortlist_decide",
}
# Inlines of those admins that write, with the service their admin's save_formset calls.
WRITING_INLINES = {
    ("competition.CompetitionYear", "competition.ReportingPeriod"): "period_save, period_delete",
    ("auth.User", "competition.Membership"): "membership_set",
}

NOT_WORKFLOW = {
    "auth.Group": "Django's permission groups (the portal's roles are memberships)",
    "django_celery_beat.PeriodicTask": "the beat's schedule",
    "django_celery_beat.ClockedSchedule": "the beat's schedule",
    "django_celery_beat.CrontabSchedule": "the beat's schedule",
    "django_celery_beat.SolarSchedule": "the beat's schedule",
    "django_celery_beat.IntervalSchedule": "the beat's schedule",
    "axes.AccessAttempt": "django-axes' record of logins (unlocking is deleting a row)",
    "axes.AccessLog": "django-axes' record of logins",
    "axes.AccessFailureLog": "django-axes' record of logins",
    "common.Notification": "messages to users, no rule of the competition",
    "common.ReminderLog": "deleting a row lets a reminder go out again (its job)",
}


def registered() -> dict:
    return {model._meta.label: model_admin for model, model_admin in admin.site._registry.items()}


def test_every_registered_model_has_one_decision():
    lists = [READ_ONLY, set(THROUGH_SERVICES), set(NOT_WORKFLOW)]
    assert sum(len(names) for names in lists) == len(set().union(*lists)), "listed twice"
    assert set(registered()) == set().union(*lists)


def test_the_decisions_are_the_admins_classes():
    admins = registered()
    for label in READ_ONLY:
        assert isinstance(admins[label], ReadOnlyAdminMixin), label
    for label in THROUGH_SERVICES:
        if label != "auth.User":  # Django's UserAdmin, with its membership inline saved by service
            assert isinstance(admins[label], ServiceAdminMixin), label


# --- a world with one record of each kind ----------------------------------------------------


@pytest.fixture
def world(year, unit_a, unit_b, staff_a, office_user, admin_user):
    judge = scoring.reviewer("judge")
    entry = scoring.entry(unit_a, year, title="甲项目")
    scoring.entry(unit_b, year, title="乙项目", number=2)
    scoring.sheet(entry, judge, 20, 20, 20, 20)
    ConflictDeclaration.objects.create(
        reviewer=scoring.reviewer("judge2"), unit=unit_b, reason="亲属在该单位"
    )
    ReviewerAssignment.objects.create(entry=entry, reviewer=judge, assigned_by=admin_user)
    draw = SpotCheckDraw.objects.create(
        year=year, seed=7, count=1, pool=[[unit_a.pk, 3]], result=[unit_a.pk], drawn_by=admin_user
    )
    SpotCheck.objects.create(
        year=year,
        unit=unit_a,
        draw=draw,
        date=datetime.date(2019, 6, 1),
        inspectors="检查组",
        findings="台账齐全。",
        rating=SpotCheckRating.GOOD,
        recorded_by=admin_user,
    )
    Notice.objects.create(year=year, title="第一期通报", body="正文", author=admin_user)
    draft = Notice.objects.create(year=year, title="草稿通报", body="正文", author=admin_user)
    competition.notice_delete(actor=office_user, notice=draft)  # a DeletionRecord
    worker = ModelWorkerFactory(unit=unit_a)
    MembershipFactory(model_worker=worker)
    ActivityFactory(unit=unit_a).model_workers.set([worker])
    report = rf.make_report(
        unit_a,
        rf.period(year, 1),
        status=ReportStatus.ACCEPTED,
        actor=staff_a,
        reviewer=office_user,
    )
    reports.showcase_mark(
        actor=office_user,
        report=report,
        title="合作社带动",
        project=NineProject.objects.get(year=year, number=1),
    )
    nomination = af.nomination(unit_a, year, entry=entry)
    awards.finding_record(
        actor=office_user,
        nomination=nomination,
        found_on=datetime.date(2020, 3, 1),
        description="违纪",
        evidence="文号",
    )
    awards.work_start_record(
        actor=office_user,
        nomination=nomination,
        started_on=datetime.date(2016, 3, 1),
        evidence="文号",
    )
    awards.evaluation_settings_save(
        actor=admin_user, year=year, data={"award_names": {"unit": "淮北市五一劳动奖状"}}
    )
    run = awards.evaluation_run_build(run=awards.evaluation_run_create(actor=admin_user, year=year))
    awards.shortlist_build(actor=admin_user, run=run, category="collective", top_n=5)
    af.accepted_application(unit_a, year)
    af.accepted_application(unit_b, year)
    awards.shortlist_build(actor=admin_user, run=run, category="unit", top_n=5)
    factories.unit_quota(unit_a, year, 5)
    UnitAwardLimit.objects.create(year=year, unit=unit_b, max_awards=2)
    # A draft decision (the shortlist stays editable) with an objection, to be shown only.
    decision = AwardDecision.objects.create(run=run)
    Objection.objects.create(decision=decision, text="异议")
    return SimpleNamespace(year=year, run=run, entry=entry)


@pytest.fixture
def site(client, admin_user):
    client.force_login(admin_user)
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    return SimpleNamespace(client=client, request=request)


def url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def rows(model) -> list[dict]:
    return list(model._default_manager.order_by("pk").values())


def changed_data(obj) -> dict:
    """The record's fields as a form would post them, every text changed."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key:
            continue
        value = getattr(obj, field.attname)
        if isinstance(value, str):
            value = value + "改"
        data[field.name] = "" if value is None else str(value)
    return data


@pytest.mark.parametrize("label", sorted(READ_ONLY))
def test_read_only_admin_refuses_every_write(label, world, site):
    model = apps.get_model(label)
    model_admin = admin.site._registry[model]
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the world has no {label}"
    request, client = site.request, site.client
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, obj)
    assert not model_admin.has_delete_permission(request, obj)
    assert not getattr(model_admin, "has_import_permission", lambda request: False)(request)
    assert model_admin.has_view_permission(request, obj)
    before = rows(model)

    page = client.get(url(model, "change", obj.pk))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    data = changed_data(obj)
    assert client.post(url(model, "add"), data).status_code == 403
    assert client.post(url(model, "change", obj.pk), data).status_code == 403
    assert client.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    client.post(
        url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )
    version = obj.history.first() if isinstance(model_admin, SimpleHistoryAdmin) else None
    if version is not None:  # reference data from the migrations has no history row
        opts = model._meta
        revert = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_simple_history",
            args=[obj.pk, version.history_id],
        )
        assert client.post(revert, data).status_code == 403
    assert rows(model) == before


@pytest.mark.parametrize("label", sorted(THROUGH_SERVICES))
def test_service_admins_inlines_write_only_through_services(label, world, site):
    model = apps.get_model(label)
    model_admin = admin.site._registry[model]
    obj = model._default_manager.order_by("pk").first()
    for inline in model_admin.get_inline_instances(site.request, obj):
        inline_label = inline.model._meta.label
        if (label, inline_label) in WRITING_INLINES:
            assert type(model_admin).save_formset is not admin.ModelAdmin.save_formset
            continue
        assert not inline.has_add_permission(site.request, obj), inline_label
        assert not inline.has_change_permission(site.request, obj), inline_label
        assert not inline.has_delete_permission(site.request, obj), inline_label


@pytest.mark.parametrize("model", [KindQuota, UnitQuota, Unit, CompetitionYear])
def test_reverting_to_an_old_version_is_refused(model, world, site):
    assert isinstance(admin.site._registry[model], SimpleHistoryAdmin)
    obj = model._default_manager.order_by("pk").first()
    before = rows(model)
    opts = model._meta
    revert = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[obj.pk, obj.history.first().history_id],
    )
    assert site.client.post(revert, changed_data(obj)).status_code == 403
    assert rows(model) == before


# --- the shortlist: the service's checks, in the admin ---------------------------------------


def form_data(client, address, **changes) -> dict:
    """The admin form at `address` as the page shows it (inlines included), with `changes`."""
    response = client.get(address)
    assert response.status_code == 200
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        forms += list(inline.formset.forms)
        for field in inline.formset.management_form:
            data[field.html_name] = field.value()
    for form in forms:
        for field in form:
            value = field.value()
            if hasattr(field.field.widget, "decompress"):
                for index, part in enumerate(field.field.widget.decompress(value)):
                    data[f"{field.html_name}_{index}"] = "" if part is None else str(part)
            elif value is True:
                data[field.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[field.html_name] = [str(v) for v in value]
            elif value not in (None, False):
                data[field.html_name] = str(value)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def decide(client, item, **changes):
    address = url(ShortlistItem, "change", item.pk)
    return client.post(address, form_data(client, address, **changes))


def refusal(service, **kwargs) -> list[str]:
    """What the service answers (in Chinese) to the same request, in a rolled-back savepoint."""
    with pytest.raises(ValidationError) as exc:
        service(**kwargs)
    return exc.value.messages


def test_shortlist_award_of_another_category_refused_in_the_admin(world, site, admin_user):
    item = world.run.shortlist.get(category="collective")
    expected = refusal(awards.shortlist_decide, actor=admin_user, item=item, award="medal")
    before = rows(ShortlistItem)
    response = decide(site.client, item, award="medal", category="individual", recipient="某人")
    assert response.status_code == 200
    for message in expected:
        assert message in response.content.decode()
    assert rows(ShortlistItem) == before


def test_shortlist_decision_saved_through_the_service(world, site, admin_user):
    item = world.run.shortlist.get(category="collective")
    response = decide(site.client, item, award="certificate", recommend_province="on")
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.award, item.recommend_province, item.decided_by) == (
        "certificate",
        True,
        admin_user,
    )
    assert item.category == "collective" and item.recipient == "相山区总工会"


def test_shortlist_per_unit_limit_refused_in_the_admin(world, site, admin_user, unit_a):
    UnitAwardLimit.objects.create(year=world.year, unit=unit_a, max_awards=1)
    collective = world.run.shortlist.get(category="collective")
    unit_item = world.run.shortlist.get(category="unit", unit=unit_a)
    assert decide(site.client, collective, award="certificate").status_code == 302
    expected = refusal(
        awards.shortlist_decide, actor=admin_user, item=unit_item, award="certificate"
    )
    response = decide(site.client, unit_item, award="certificate")
    assert response.status_code == 200
    for message in expected:
        assert message in response.content.decode()
    unit_item.refresh_from_db()
    assert unit_item.award == "" and unit_item.decided_by is None


def test_shortlist_of_a_closed_year_refused_in_the_admin(world, site, admin_user):
    item = world.run.shortlist.get(category="collective")
    address = url(ShortlistItem, "change", item.pk)
    data = form_data(site.client, address, award="certificate")
    competition.competition_year_close(actor=admin_user, year=world.year)
    assert 'name="_save"' not in site.client.get(address).content.decode()
    assert site.client.post(address, data).status_code == 403
    assert (
        site.client.post(url(ShortlistItem, "delete", item.pk), {"post": "yes"}).status_code == 403
    )
    item.refresh_from_db()
    assert item.award == ""


def test_shortlist_items_are_not_added_or_deleted_in_the_admin(world, site):
    item = world.run.shortlist.get(category="collective")
    before = rows(ShortlistItem)
    assert site.client.post(url(ShortlistItem, "add"), changed_data(item)).status_code == 403
    assert (
        site.client.post(url(ShortlistItem, "delete", item.pk), {"post": "yes"}).status_code == 403
    )
    assert rows(ShortlistItem) == before


# --- award limits and quotas -----------------------------------------------------------------


def test_award_limit_added_changed_and_deleted_through_the_service(world, site, unit_a):
    client = site.client
    data = {"year": world.year.pk, "unit": unit_a.pk, "max_awards": 3}
    assert client.post(url(UnitAwardLimit, "add"), data).status_code == 302
    limit = UnitAwardLimit.objects.get(year=world.year, unit=unit_a)
    assert limit.max_awards == 3
    assert (
        client.post(url(UnitAwardLimit, "change", limit.pk), {"max_awards": 1}).status_code == 302
    )
    limit.refresh_from_db()
    assert limit.max_awards == 1
    assert client.post(url(UnitAwardLimit, "delete", limit.pk), {"post": "yes"}).status_code == 302
    assert not UnitAwardLimit.objects.filter(pk=limit.pk).exists()


def test_award_limit_of_a_closed_year_refused(world, site, unit_a, admin_user):
    competition.competition_year_close(actor=admin_user, year=world.year)
    data = {"year": world.year.pk, "unit": unit_a.pk, "max_awards": 3}
    response = site.client.post(url(UnitAwardLimit, "add"), data)
    assert response.status_code == 200 and SEALED in response.content.decode()
    assert not UnitAwardLimit.objects.filter(unit=unit_a).exists()
    limit = UnitAwardLimit.objects.get()
    assert (
        site.client.post(url(UnitAwardLimit, "delete", limit.pk), {"post": "yes"}).status_code
        == 403
    )
    assert UnitAwardLimit.objects.filter(pk=limit.pk).exists()


def test_quotas_of_a_closed_year_refused(year, site, unit_a, admin_user):
    competition.competition_year_close(actor=admin_user, year=year)
    response = site.client.post(
        url(UnitQuota, "add"), {"year": year.pk, "unit": unit_a.pk, "quota": 9}
    )
    assert response.status_code == 200 and SEALED in response.content.decode()
    assert not UnitQuota.objects.exists()
    quota = KindQuota.objects.get(year=year, kind__code="county")
    assert site.client.post(url(KindQuota, "change", quota.pk), {"quota": 9}).status_code == 403
    assert site.client.post(url(KindQuota, "delete", quota.pk), {"post": "yes"}).status_code == 403
    assert KindQuota.objects.get(pk=quota.pk).quota == quota.quota


def test_unit_quota_deleted_through_the_service(year, site, unit_a, admin_user):
    quota = competition.unit_quota_set(actor=admin_user, year=year, unit=unit_a, quota=7)
    assert site.client.post(url(UnitQuota, "delete", quota.pk), {"post": "yes"}).status_code == 302
    assert not UnitQuota.objects.exists()
    assert UnitQuota.history.filter(history_type="-").get().history_user == admin_user


# --- years, units, users ---------------------------------------------------------------------


def test_year_added_through_the_service(site, admin_user):
    data = {
        "year": 2021,
        "title": "2021年度劳动竞赛",
        "theme": "主题",
        "evaluation_date": "2022-04-15",
        "disagreement_threshold": "8",
        "periods-TOTAL_FORMS": "0",
        "periods-INITIAL_FORMS": "0",
    }
    response = site.client.post(url(CompetitionYear, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    year = CompetitionYear.objects.get(year=2021)
    assert (year.start_date, year.end_date) == (
        datetime.date(2021, 1, 1),
        datetime.date(2021, 12, 31),
    )
    assert year.status == YearStatus.OPEN and year.disagreement_threshold == 8
    assert year.periods.count() == 4 and year.criteria.count() == 4
    assert year.kind_quotas.count() == UnitKind.objects.count()
    assert year.history.first().history_user == admin_user


def test_year_added_with_a_refused_period_is_not_added(site):
    data = {
        "year": 2021,
        "title": "2021年度劳动竞赛",
        "theme": "主题",
        "evaluation_date": "2022-04-15",
        "disagreement_threshold": "8",
        "periods-TOTAL_FORMS": "1",
        "periods-INITIAL_FORMS": "0",
        "periods-0-number": "1",
        "periods-0-name": "上半年",
        "periods-0-start": "2021-01-01",
        "periods-0-end": "2022-06-30",
        "periods-0-deadline": "2022-07-10",
    }
    response = site.client.post(url(CompetitionYear, "add"), data)
    assert response.status_code == 200
    assert "报送期须在竞赛年度（2021-01-01至2021-12-31）之内。" in response.content.decode()
    # The year the service created while the form was checked is rolled back with the page.
    assert not CompetitionYear.objects.filter(year=2021).exists()


def test_period_with_reports_not_deleted(year, site, unit_a, staff_a):
    rf.make_report(unit_a, rf.period(year, 1), actor=staff_a)
    address = url(CompetitionYear, "change", year.pk)
    data = form_data(site.client, address, **{"periods-0-DELETE": "on"})
    response = site.client.post(address, data)
    assert response.status_code == 200
    assert "将需要删除以下受保护的相关对象" in response.content.decode()
    assert year.periods.filter(number=1).exists()


def test_refusal_after_validation_is_a_message_not_a_500(year, site, monkeypatch):
    """A service refusing once the page was validated (an inline's save) rolls the whole
    request back and says why on the page the user comes back to."""

    def refuse(**kwargs):
        raise ValidationError("报送期暂不能修改。")

    monkeypatch.setattr(competition, "period_save", refuse)
    address = url(CompetitionYear, "change", year.pk)
    data = form_data(site.client, address, title="改名", **{"periods-0-name": "一季度"})
    response = site.client.post(address, data, follow=True)
    assert response.redirect_chain == [(address, 302)]
    assert "报送期暂不能修改。" in [str(m) for m in response.context["messages"]]
    year.refresh_from_db()
    assert year.title != "改名" and year.periods.get(number=1).name == "第1季度"


def test_year_dates_must_hold_its_periods(year, site):
    address = url(CompetitionYear, "change", year.pk)
    response = site.client.post(address, form_data(site.client, address, end_date="2019-11-30"))
    assert response.status_code == 200
    assert "本年度的报送期须在竞赛年度之内：第4季度。" in response.content.decode()
    year.refresh_from_db()
    assert year.end_date == datetime.date(2019, 12, 31)


def test_year_settings_changed_through_the_service(year, site, admin_user):
    address = url(CompetitionYear, "change", year.pk)
    data = form_data(site.client, address, disagreement_threshold="6", status="closed")
    assert site.client.post(address, data).status_code == 302
    year.refresh_from_db()
    assert year.disagreement_threshold == 6 and year.status == YearStatus.OPEN
    assert year.history.first().history_user == admin_user


def test_closed_year_is_read_only_and_no_year_is_deleted(year, site, admin_user):
    address = url(CompetitionYear, "change", year.pk)
    data = form_data(site.client, address, title="改名")
    assert (
        site.client.post(url(CompetitionYear, "delete", year.pk), {"post": "yes"}).status_code
        == 403
    )
    competition.competition_year_close(actor=admin_user, year=year)
    assert site.client.post(address, data).status_code == 403
    year.refresh_from_db()
    assert year.title != "改名"


def test_unit_added_through_the_service_and_never_deleted(year, site, unit_a, admin_user):
    kind = UnitKind.objects.get(code="county")
    data = {"name": "杜集区总工会", "kind": kind.pk, "contact_person": "王", "phone": "1"}
    data |= {"participations-TOTAL_FORMS": "0", "participations-INITIAL_FORMS": "0"}
    assert site.client.post(url(Unit, "add"), data).status_code == 302
    unit = Unit.objects.get(name="杜集区总工会")
    assert unit.participations.get().start == timezone.localdate()
    assert unit.history.first().history_user == admin_user
    address = url(Unit, "change", unit_a.pk)
    response = site.client.post(address, form_data(site.client, address, parent=str(unit_a.pk)))
    assert response.status_code == 200 and "上级单位不能是本单位。" in response.content.decode()
    assert Unit.objects.get(pk=unit_a.pk).parent is None
    assert site.client.post(url(Unit, "delete", unit_a.pk), {"post": "yes"}).status_code == 403
    assert Unit.objects.filter(pk=unit_a.pk).exists()


def test_user_role_set_through_the_service_and_users_never_deleted(site, staff_a, admin_user):
    User = type(staff_a)
    address = url(User, "change", staff_a.pk)
    data = form_data(site.client, address, **{"membership-0-role": Role.OFFICE})
    response = site.client.post(address, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    membership = staff_a.membership.__class__.objects.get(user=staff_a)
    assert membership.role == Role.OFFICE
    assert membership.history.first().history_user == admin_user
    assert site.client.post(url(User, "delete", staff_a.pk), {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=staff_a.pk).exists()


# --- the services the admin calls refuse whoever may not -------------------------------------


def test_admin_services_refuse_others(year, unit_a, office_user, staff_a):
    for actor in (office_user, staff_a):
        with pytest.raises(PermissionDenied):
            competition.competition_year_update(actor=actor, year=year, title="改")
        with pytest.raises(PermissionDenied):
            competition.competition_year_create(actor=actor, year=2030)
        with pytest.raises(PermissionDenied):
            competition.unit_save(actor=actor, unit=unit_a, phone="110")
        with pytest.raises(PermissionDenied):
            awards.unit_award_limit_set(actor=actor, year=year, unit=unit_a, max_awards=9)
    assert not CompetitionYear.objects.filter(year=2030).exists()
    year.refresh_from_db()
    unit_a.refresh_from_db()
    assert year.title != "改" and unit_a.phone != "110"
    assert not UnitAwardLimit.objects.exists()


def test_award_limit_service_refuses_a_closed_year(year, unit_a, admin_user):
    competition.competition_year_close(actor=admin_user, year=year)
    with pytest.raises(ValidationError) as exc:
        awards.unit_award_limit_set(actor=admin_user, year=year, unit=unit_a, max_awards=1)
    assert exc.value.messages == [SEALED]
