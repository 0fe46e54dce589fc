"""The projects and activity types are each year's (issue 13): made with the year from the
defaults, edited by the admin for one year without touching another, copied by year_open."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from awards import services as awards_services
from competition import defaults, services
from competition.models import ActivityType, NineProject
from reports import services as report_services
from tests import factories
from tests.competition import factories as scoring
from tests.reports import factories as report_factories
from tests.volunteers.factories import ActivityFactory
from volunteers import services as volunteer_services
from volunteers.models import Activity

pytestmark = pytest.mark.django_db


def _names(year):
    return list(year.projects.order_by("number").values_list("number", "name", "short_name"))


def _types(year):
    return list(year.activity_types.order_by("number").values_list("code", "name"))


def test_a_new_year_gets_the_nine_projects_and_the_5_plus_1(admin_user):
    year = services.competition_year_create(actor=admin_user, year=2019)
    assert _names(year) == list(defaults.NINE_PROJECTS)
    assert _types(year) == list(defaults.ACTIVITY_TYPES)
    assert [t.number for t in year.activity_types.order_by("number")] == [1, 2, 3, 4, 5, 6]


def test_a_year_may_be_created_with_its_own_projects_and_types(admin_user):
    year = services.competition_year_create(
        actor=admin_user,
        year=2021,
        projects=[{"name": "产业振兴工程", "short_name": "产业"}],
        activity_types=[{"code": "culture", "name": "文化振兴"}],
    )
    assert _names(year) == [(1, "产业振兴工程", "产业")]
    assert _types(year) == [("culture", "文化振兴")]


def test_year_open_copies_projects_and_types_and_2020_edits_leave_2019_alone(admin_user):
    y2019 = factories.competition_year(2019)
    services.project_save(
        actor=admin_user, year=y2019, project=factories.nine_project(9), name="社会帮扶工程"
    )
    services.activity_type_save(actor=admin_user, year=y2019, code="culture", name="文化扶贫")
    plan = services.year_open_plan(source=y2019, number=2020)
    assert [p["name"] for p in plan["projects"]][-1] == "社会帮扶工程"
    assert plan["activity_types"][-1] == {"code": "culture", "number": 7, "name": "文化扶贫"}

    y2020 = awards_services.year_open(actor=admin_user, source=y2019, number=2020)
    assert _names(y2020) == _names(y2019)
    assert _types(y2020) == _types(y2019)
    assert not set(y2020.projects.values_list("pk", flat=True)) & set(
        y2019.projects.values_list("pk", flat=True)
    )

    before = (_names(y2019), _types(y2019))
    services.project_save(
        actor=admin_user, year=y2020, project=factories.nine_project(1, y2020), name="产业振兴工程"
    )
    services.project_save(actor=admin_user, year=y2020, name="乡村建设工程", short_name="乡建")
    skills = factories.activity_type("skills", y2020)
    services.activity_type_save(actor=admin_user, year=y2020, activity_type=skills, name="技能培训")
    services.activity_type_delete(
        actor=admin_user, activity_type=y2020.activity_types.get(code="culture")
    )
    assert (_names(y2019), _types(y2019)) == before
    assert _names(y2020)[0][1] == "产业振兴工程" and _names(y2020)[-1] == (
        10,
        "乡村建设工程",
        "乡建",
    )
    assert "culture" not in dict(_types(y2020))


def test_project_and_type_writes_are_the_admins(office_user):
    year = factories.competition_year(2019)
    with pytest.raises(PermissionDenied):
        services.project_save(actor=office_user, year=year, name="新工程", short_name="新")
    with pytest.raises(PermissionDenied):
        services.project_delete(actor=office_user, project=factories.nine_project(1))
    with pytest.raises(PermissionDenied):
        services.activity_type_save(actor=office_user, year=year, code="x", name="新类型")
    with pytest.raises(PermissionDenied):
        services.activity_type_delete(actor=office_user, activity_type=factories.activity_type())


def test_a_closed_year_refuses_every_project_and_type_write(admin_user):
    year = factories.competition_year(2019)
    project, activity_type = factories.nine_project(1), factories.activity_type()
    services.competition_year_close(actor=admin_user, year=year)
    writes = [
        lambda: services.project_save(actor=admin_user, year=year, project=project, name="改"),
        lambda: services.project_save(actor=admin_user, year=year, name="新", short_name="新"),
        lambda: services.project_delete(actor=admin_user, project=project),
        lambda: services.activity_type_save(
            actor=admin_user, year=year, activity_type=activity_type, name="改"
        ),
        lambda: services.activity_type_delete(actor=admin_user, activity_type=activity_type),
    ]
    for write in writes:
        with pytest.raises(ValidationError) as caught:
            write()
        assert caught.value.code == services.SEALED_CODE
    assert _names(year) == list(defaults.NINE_PROJECTS)
    assert _types(year) == list(defaults.ACTIVITY_TYPES)


def test_duplicates_within_a_year_are_refused_but_not_across_years(admin_user):
    y2019 = factories.competition_year(2019)
    y2020 = factories.competition_year(2020)
    with pytest.raises(ValidationError):
        services.project_save(actor=admin_user, year=y2019, name="产业脱贫工程", short_name="x")
    with pytest.raises(ValidationError):
        services.activity_type_save(actor=admin_user, year=y2019, code="skills", name="新技能")
    with pytest.raises(ValidationError):
        services.activity_type_save(actor=admin_user, year=y2019, code="Bad-Code", name="坏")
    project = factories.nine_project(1, y2020)
    with pytest.raises(ValidationError):
        services.project_save(actor=admin_user, year=y2019, project=project, name="改")
    assert NineProject.objects.filter(name="产业脱贫工程").count() == 2


def test_a_project_in_use_cannot_be_deleted(admin_user, unit_a, staff_a):
    year = factories.competition_year(2019)
    scoring.entry(unit_a, year, number=1)
    report_factories.make_report(unit_a, report_factories.period(year), actor=staff_a)
    report = unit_a.reports.get()
    report.projects.set([factories.nine_project(2)])
    ActivityFactory(unit=unit_a, nine_project=3)
    for number in (1, 2, 3):
        with pytest.raises(ValidationError) as caught:
            services.project_delete(actor=admin_user, project=factories.nine_project(number))
        assert "不能删除" in caught.value.messages[0]
    services.project_delete(actor=admin_user, project=factories.nine_project(4))
    assert list(year.projects.values_list("number", flat=True)) == [1, 2, 3, 5, 6, 7, 8, 9]


def test_an_activity_type_in_use_cannot_be_deleted(admin_user, unit_a):
    ActivityFactory(unit=unit_a, activity_type="health")
    with pytest.raises(ValidationError) as caught:
        services.activity_type_delete(
            actor=admin_user, activity_type=factories.activity_type("health")
        )
    assert caught.value.messages == ["已有活动属于“健康扶贫”，不能删除；可修改其名称。"]
    services.activity_type_delete(
        actor=admin_user, activity_type=factories.activity_type("pairing")
    )
    assert "pairing" not in dict(_types(factories.competition_year(2019)))


def test_entries_and_activities_take_only_their_years_rows(admin_user, unit_a, staff_a):
    y2019 = factories.competition_year(2019)
    y2020 = factories.competition_year(2020)
    with pytest.raises(ValidationError) as caught:
        services.entry_create(
            actor=staff_a, unit=unit_a, year=y2019, title="跨年", description="-",
            nine_project=factories.nine_project(1, y2020),
        )  # fmt: skip
    assert list(caught.value.error_dict) == ["nine_project"]
    activity = Activity(
        unit=unit_a,
        title="跨年活动",
        date=datetime.date(2019, 6, 1),
        town="渠沟镇",
        activity_type=factories.activity_type("skills", y2020),
        nine_project=factories.nine_project(1, y2019),
    )
    with pytest.raises(ValidationError) as caught:
        volunteer_services.activity_save(actor=staff_a, activity=activity, model_workers=[])
    assert list(caught.value.error_dict) == ["activity_type"]
    with pytest.raises(ValidationError):
        report_services.report_save(
            actor=staff_a,
            report=report_factories.make_report(
                unit_a, report_factories.period(y2019), actor=staff_a
            ),
            data={},
            projects=[factories.nine_project(1, y2020)],
        )


# --- pages ------------------------------------------------------------------------------------


def test_admin_edits_a_years_projects_on_the_portal(client_for, admin_user):
    y2019 = factories.competition_year(2019)
    y2020 = factories.competition_year(2020)
    client = client_for(admin_user)
    page = client.get(reverse("competition:year_list"))
    assert reverse("competition:project_list", args=[y2020.pk]) in page.content.decode()
    assert reverse("competition:activity_type_list", args=[y2020.pk]) in page.content.decode()

    project = factories.nine_project(1, y2020)
    url = reverse("competition:project_edit", args=[y2020.pk, project.pk])
    response = client.post(url, {"number": 1, "name": "产业振兴工程", "short_name": "产业"})
    assert response.status_code == 302
    listing = client.get(reverse("competition:project_list", args=[y2020.pk])).content.decode()
    assert "产业振兴工程" in listing
    old = client.get(reverse("competition:project_list", args=[y2019.pk])).content.decode()
    assert "产业振兴工程" not in old and "产业脱贫工程" in old

    response = client.post(
        reverse("competition:project_create", args=[y2020.pk]),
        {"name": "产业振兴工程", "short_name": "x"},
    )
    assert response.status_code == 200
    assert "本年度已有相同名称的工程。" in response.content.decode()
    # Another year's project is not found through this year's pages.
    other = factories.nine_project(1, y2019)
    assert (
        client.get(reverse("competition:project_edit", args=[y2020.pk, other.pk])).status_code
        == 404
    )


def test_admin_edits_a_years_activity_types_and_sees_why_one_stays(client_for, admin_user, unit_a):
    year = factories.competition_year(2019)
    ActivityFactory(unit=unit_a, activity_type="skills")
    client = client_for(admin_user)
    response = client.post(
        reverse("competition:activity_type_create", args=[year.pk]),
        {"code": "culture", "name": "文化扶贫"},
    )
    assert response.status_code == 302
    assert _types(year)[-1] == ("culture", "文化扶贫")
    skills = factories.activity_type("skills")
    response = client.post(
        reverse("competition:activity_type_delete", args=[year.pk, skills.pk]),
        {"confirm": ""},
        follow=True,
    )
    assert "已有活动属于“技能扶贫”，不能删除；可修改其名称。" in response.content.decode()
    assert ActivityType.objects.filter(pk=skills.pk).exists()


def test_a_closed_years_pages_offer_no_edits(client_for, admin_user):
    year = factories.competition_year(2019)
    services.competition_year_close(actor=admin_user, year=year)
    client = client_for(admin_user)
    listing = client.get(reverse("competition:project_list", args=[year.pk])).content.decode()
    assert "产业脱贫工程" in listing and "已结束并封存" in listing
    assert reverse("competition:project_create", args=[year.pk]) not in listing
    project = factories.nine_project(1)
    url = reverse("competition:project_edit", args=[year.pk, project.pk])
    response = client.post(url, {"number": 1, "name": "改名", "short_name": "改"})
    assert response.status_code == 200
    assert "该竞赛年度已结束并封存，记录不能再修改。" in response.content.decode()
    assert factories.nine_project(1).name == "产业脱贫工程"


def test_forms_offer_the_years_own_projects_and_types(client_for, staff_a, admin_user, unit_a):
    y2019 = factories.competition_year(2019)
    y2020 = awards_services.year_open(actor=admin_user, source=y2019, number=2020)
    services.project_save(
        actor=admin_user, year=y2020, project=factories.nine_project(1, y2020), name="产业振兴工程"
    )
    services.activity_type_save(
        actor=admin_user,
        year=y2020,
        activity_type=factories.activity_type("skills", y2020),
        name="技能培训",
    )
    client = client_for(staff_a)
    form_2019 = client.get(reverse("competition:entry_create") + "?year=2019").context["form"]
    assert list(form_2019.fields["nine_project"].queryset) == list(
        y2019.projects.order_by("number")
    )
    form_2020 = client.get(reverse("competition:entry_create") + "?year=2020").context["form"]
    assert "产业振兴工程" in [p.name for p in form_2020.fields["nine_project"].queryset]
    # An activity dated in 2019, chosen from 2020's lists, gets 2019's rows of the same code
    # and number.
    data = {
        "title": "种植培训", "activity_type": "skills", "nine_project": 1, "date": "2019-05-20",
        "town": "渠沟镇", "households": 5, "people": 12,
    }  # fmt: skip
    response = client.post(reverse("volunteers:activity_create"), data)
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert (activity.activity_type.year, activity.activity_type.name) == (y2019, "技能扶贫")
    assert (activity.nine_project.year, activity.nine_project.name) == (y2019, "产业脱贫工程")


@pytest.mark.parametrize("kind", ["project", "activity_type"])
def test_rule_list_pages_query_count_does_not_grow(
    client_for, admin_user, kind, django_assert_max_num_queries
):
    year = factories.competition_year(2019)
    client = client_for(admin_user)
    url = reverse(f"competition:{kind}_list", args=[year.pk])
    with django_assert_max_num_queries(8) as small:
        client.get(url)
    for number in range(20):
        if kind == "project":
            services.project_save(actor=admin_user, year=year, name=f"工程{number}", short_name="x")
        else:
            services.activity_type_save(
                actor=admin_user, year=year, code=f"t{number}", name=f"类{number}"
            )
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(response.context["rows"]) in (29, 26)
