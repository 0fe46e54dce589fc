import datetime
import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from common.panels import collect
from tests.factories import UnitFactory
from tests.volunteers.factories import ActivityFactory, MembershipFactory, ModelWorkerFactory
from tests.volunteers.matrix import png_bytes
from volunteers.enums import ActivityType
from volunteers.models import Activity, ActivityPhoto, ModelWorker, ServiceRecord

pytestmark = pytest.mark.django_db


# Model workers ---------------------------------------------------------------------------


def test_staff_list_shows_own_workers_with_masked_phone(client_for, staff_a, worker_a, worker_b):
    response = client_for(staff_a).get(reverse("volunteers:model_worker_list"))
    assert list(response.context["page"]) == [worker_a]
    body = response.content.decode()
    assert "138****1234" in body and "13812341234" not in body
    assert "周海峰" not in body


def test_office_list_masks_phone_too(client_for, office_user, worker_a, worker_b):
    body = client_for(office_user).get(reverse("volunteers:model_worker_list")).content.decode()
    assert "张建国" in body and "周海峰" in body
    assert "138****1234" in body and "13812341234" not in body


def test_detail_whole_phone_for_office_masked_for_staff(
    client_for, staff_a, office_user, admin_user, worker_a
):
    url = reverse("volunteers:model_worker_detail", args=[worker_a.pk])
    assert "13812341234" in client_for(office_user).get(url).content.decode()
    assert "13812341234" in client_for(admin_user).get(url).content.decode()
    body = client_for(staff_a).get(url).content.decode()
    assert "138****1234" in body and "13812341234" not in body


def test_staff_cannot_see_or_edit_other_units_worker(client_for, staff_b, worker_a):
    client = client_for(staff_b)
    assert (
        client.get(reverse("volunteers:model_worker_detail", args=[worker_a.pk])).status_code == 404
    )
    edit = reverse("volunteers:model_worker_edit", args=[worker_a.pk])
    assert (
        client.post(edit, {"name": "改名", "gender": "m", "honour_level": "city"}).status_code
        == 404
    )
    worker_a.refresh_from_db()
    assert worker_a.name == "张建国"


def test_office_cannot_edit_worker(client_for, office_user, worker_a):
    url = reverse("volunteers:model_worker_edit", args=[worker_a.pk])
    assert client_for(office_user).post(url, {"name": "改名"}).status_code == 403


def test_anonymous_goes_to_login(client, worker_a):
    response = client.get(reverse("volunteers:model_worker_detail", args=[worker_a.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_staff_registers_worker_in_own_unit(client_for, staff_a, unit_a, unit_b):
    data = {
        "name": "王五",
        "gender": "f",
        "honour_level": "provincial",
        "expertise": "medical",
        "phone": "13900002222",
        "unit": unit_b.pk,  # ignored: unit staff have no unit field
    }
    response = client_for(staff_a).post(reverse("volunteers:model_worker_create"), data)
    worker = ModelWorker.objects.get(name="王五")
    assert response["Location"] == reverse("volunteers:model_worker_detail", args=[worker.pk])
    assert (worker.unit, worker.honour_level) == (unit_a, "provincial")


def test_admin_registers_worker_in_chosen_unit(client_for, admin_user, unit_b):
    data = {
        "unit": unit_b.pk,
        "name": "王五",
        "gender": "m",
        "honour_level": "city",
        "expertise": "other",
    }
    client_for(admin_user).post(reverse("volunteers:model_worker_create"), data)
    assert ModelWorker.objects.get(name="王五").unit == unit_b


def test_model_worker_list_query_count_bounded(
    client_for, office_user, unit_a, django_assert_max_num_queries
):
    client = client_for(office_user)
    url = reverse("volunteers:model_worker_list")
    ModelWorkerFactory.create_batch(3, unit=unit_a)
    with django_assert_max_num_queries(8):
        client.get(url)
    ModelWorkerFactory.create_batch(40, unit=UnitFactory())
    with django_assert_max_num_queries(8):
        client.get(url)


# Volunteer team --------------------------------------------------------------------------


def test_join_record_and_leave(client_for, staff_a, worker_a):
    client = client_for(staff_a)
    client.post(reverse("volunteers:team_join", args=[worker_a.pk]), {"joined_on": "2019-02-01"})
    membership = worker_a.team_memberships.get()
    assert membership.joined_on == datetime.date(2019, 2, 1) and membership.is_current
    url = reverse("volunteers:service_record_create", args=[membership.pk])
    data = {"date": "2019-03-01", "hours": "3.5", "place": "钟楼村", "content": "技术指导"}
    assert client.post(url, data).status_code == 302
    record = ServiceRecord.objects.get()
    assert (record.hours, record.recorded_by) == (3.5, staff_a)
    client.post(
        reverse("volunteers:team_leave", args=[membership.pk]),
        {"left_on": "2019-12-01", "confirm": ""},
    )
    membership.refresh_from_db()
    assert membership.left_on == datetime.date(2019, 12, 1)


def test_join_twice_is_refused(client_for, staff_a, member_a):
    client = client_for(staff_a)
    url = reverse("volunteers:team_join", args=[member_a.model_worker_id])
    response = client.post(url, {"joined_on": "2019-05-01"}, follow=True)
    assert "已在志愿服务队中" in response.content.decode()
    assert member_a.model_worker.team_memberships.count() == 1


def test_service_outside_membership_refused(client_for, staff_a, member_a):
    url = reverse("volunteers:service_record_create", args=[member_a.pk])
    data = {"date": "2018-03-01", "hours": "3", "place": "村", "content": "x"}
    response = client_for(staff_a).post(url, data)
    assert response.status_code == 200 and "在队期间" in response.content.decode()
    assert not ServiceRecord.objects.exists()


def test_team_list_query_count_bounded(
    client_for, office_user, year, django_assert_max_num_queries
):
    client = client_for(office_user)
    MembershipFactory.create_batch(2)
    with django_assert_max_num_queries(8):
        client.get(reverse("volunteers:team_list"))
    MembershipFactory.create_batch(30)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("volunteers:team_list"))
    assert len(response.context["page"]) == 32


# Activities ------------------------------------------------------------------------------


def _activity_data(**overrides):
    data = {
        "title": "种植培训",
        "activity_type": "skills",
        "nine_project": 1,
        "date": "2019-05-20",
        "town": "渠沟镇",
        "village": "钟楼村",
        "households": 5,
        "people": 12,
        "description": "",
    }
    data.update(overrides)
    return data


def test_staff_records_activity(client_for, staff_a, unit_a, worker_a, year):
    data = _activity_data(nine_project=1, model_workers=[worker_a.pk])
    response = client_for(staff_a).post(reverse("volunteers:activity_create"), data)
    activity = Activity.objects.get()
    assert response["Location"] == reverse("volunteers:activity_detail", args=[activity.pk])
    assert (activity.unit, activity.created_by, list(activity.model_workers.all())) == (
        unit_a,
        staff_a,
        [worker_a],
    )


def test_staff_cannot_add_other_units_worker(client_for, staff_a, worker_b, year):
    data = _activity_data(nine_project=1, model_workers=[worker_b.pk])
    response = client_for(staff_a).post(reverse("volunteers:activity_create"), data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["model_workers"]
    assert not Activity.objects.exists()


def test_staff_cannot_see_or_edit_other_units_activity(client_for, staff_b, activity_a):
    client = client_for(staff_b)
    assert (
        client.get(reverse("volunteers:activity_detail", args=[activity_a.pk])).status_code == 404
    )
    assert (
        client.post(reverse("volunteers:activity_edit", args=[activity_a.pk]), {}).status_code
        == 404
    )
    assert list(client.get(reverse("volunteers:activity_list")).context["page"]) == []


def test_photo_upload_and_download(client_for, staff_a, office_user, staff_b, activity_a):
    upload = SimpleUploadedFile("现场.png", png_bytes(), "image/png")
    url = reverse("volunteers:photo_upload", args=[activity_a.pk])
    client_for(staff_a).post(url, {"file": upload, "caption": "培训现场"})
    photo = ActivityPhoto.objects.get()
    assert (photo.original_name, photo.caption, photo.uploaded_by) == (
        "现场.png",
        "培训现场",
        staff_a,
    )
    download = reverse("volunteers:photo_download", args=[photo.pk])
    response = client_for(office_user).get(download)
    # What is stored is the photo re-encoded (common/uploads.py): the same pixels.
    downloaded = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert list(downloaded.getdata()) == list(Image.open(io.BytesIO(png_bytes())).getdata())
    assert response["Content-Disposition"].startswith("attachment")
    assert client_for(staff_b).get(download).status_code == 404


def test_photo_with_wrong_content_refused(client_for, staff_a, activity_a):
    upload = SimpleUploadedFile("fake.png", b"<html>not an image</html>", "image/png")
    url = reverse("volunteers:photo_upload", args=[activity_a.pk])
    response = client_for(staff_a).post(url, {"file": upload}, follow=True)
    assert "内容与扩展名不符" in response.content.decode()
    assert not ActivityPhoto.objects.exists()


def test_activity_list_query_count_bounded(client_for, office_user, django_assert_max_num_queries):
    # The filter bar's selects (types, projects, units) are a query each, whatever the page.
    client = client_for(office_user)
    ActivityFactory.create_batch(2)
    with django_assert_max_num_queries(10):
        client.get(reverse("volunteers:activity_list") + "?project=1&date_from=2019-01-01")
    for activity in ActivityFactory.create_batch(40):
        activity.model_workers.set([ModelWorkerFactory(unit=activity.unit)])
    with django_assert_max_num_queries(10):
        client.get(reverse("volunteers:activity_list") + "?project=1&date_from=2019-01-01")


# Quota page ------------------------------------------------------------------------------


def test_quota_page_flags_units_behind(client_for, office_user, unit_a, unit_b, year):
    for day in (1, 2, 3):
        ActivityFactory(unit=unit_a, date=datetime.date(2019, 3, day))
    response = client_for(office_user).get(reverse("volunteers:quota") + "?year=2019")
    rows = {row["name"]: row for row in response.context["rows"]}
    assert (rows["相山区总工会"]["behind"], rows["濉溪县总工会"]["behind"]) == (False, True)
    counts = rows["相山区总工会"]["type_counts"]
    assert len(counts) == len(ActivityType.values) and sum(counts) == 3
    assert rows["相山区总工会"]["kind__name"] == "县区总工会"
    assert response.context["behind_count"] == 1
    assert response.context["chart"]["counts"] == [0, 3] or response.context["chart"]["counts"] == [
        3,
        0,
    ]
    body = response.content.decode()
    assert "chart.umd.min.js" in body and "quota-chart-data" in body


def test_quota_page_query_count_does_not_grow(
    client_for, office_user, year, django_assert_max_num_queries
):
    client = client_for(office_user)
    url = reverse("volunteers:quota") + "?year=2019"
    ActivityFactory.create_batch(2)
    # 8: the year's activity types, the page's keys, then the counts of those 50 units only
    # (cheaper than one query aggregating every unit of the city).
    with django_assert_max_num_queries(8):
        client.get(url)
    for _ in range(20):
        unit = UnitFactory()
        ActivityFactory.create_batch(3, unit=unit)
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert len(response.context["rows"]) == 22


def test_quota_page_paginates_at_50_and_counts_every_unit_behind(client_for, office_user, year):
    UnitFactory.create_batch(55)
    client = client_for(office_user)
    first = client.get(reverse("volunteers:quota") + "?year=2019")
    second = client.get(reverse("volunteers:quota") + "?year=2019&page=2")
    total = first.context["page"].paginator.count
    assert total >= 55
    assert len(first.context["rows"]) == 50
    assert len(first.context["chart"]["labels"]) == 50
    assert len(second.context["rows"]) == total - 50
    # No unit has activities, so every unit with a quota is behind, on every page.
    assert first.context["behind_count"] == second.context["behind_count"] >= 55
    assert "第 1 / 2 页" in first.content.decode()


def test_quota_export(client_for, admin_user, unit_a, year):
    ActivityFactory(unit=unit_a, date=datetime.date(2019, 3, 1), activity_type="health")
    response = client_for(admin_user).get(reverse("volunteers:quota_export") + "?year=2019")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("单位", "类别", "要求数", "已组织活动")
    assert rows[1] == ("相山区总工会", "县区总工会", 3, 1, 0, 1, 0, 0, 0, 0, "未完成")


# Panels ----------------------------------------------------------------------------------


def test_home_panel_staff_sees_own_progress(client_for, staff_a, unit_a, year):
    ActivityFactory(unit=unit_a, date=datetime.date(2019, 3, 1))
    body = client_for(staff_a).get(reverse("home")).content.decode()
    assert "已组织 1 项，要求至少 3 项" in body


def test_home_panel_office_sees_units_behind(client_for, office_user, unit_a, unit_b, year):
    body = client_for(office_user).get(reverse("home")).content.decode()
    assert "2 个单位未达到活动数要求" in body
    assert reverse("volunteers:quota") in body


def test_unit_page_panel(client_for, staff_a, unit_a, activity_a, year):
    body = (
        client_for(staff_a)
        .get(reverse("competition:unit_detail", args=[unit_a.pk]))
        .content.decode()
    )
    assert "大棚种植培训" in body and "登记劳模 1 人" in body


def test_report_panels_show_unit_activities_of_the_quarter(rf, staff_a, unit_a, unit_b, year):
    q2 = year.periods.get(number=2)
    ActivityFactory(unit=unit_a, title="二季度活动", date=datetime.date(2019, 5, 1))
    ActivityFactory(unit=unit_a, title="三季度活动", date=datetime.date(2019, 8, 1))
    ActivityFactory(unit=unit_b, title="别人的活动", date=datetime.date(2019, 5, 1))
    request = rf.get("/")
    request.user = staff_a
    report = SimpleNamespace(unit=unit_a, period=q2)
    panels = [
        p for p in collect("report_panels", request, report) if p.template.startswith("volunteers/")
    ]
    html = render_to_string(panels[0].template, {"panel": panels[0].context, "request": request})
    assert "二季度活动" in html and "三季度活动" not in html and "别人的活动" not in html
    assert "2019-04-01 至 2019-06-30，共 1 项" in html


def test_evidence_panels_show_year_activities(rf, office_user, unit_a, year):
    ActivityFactory(unit=unit_a, title="今年", date=datetime.date(2019, 5, 1))
    ActivityFactory(unit=unit_a, title="明年", date=datetime.date(2020, 5, 1))
    request = rf.get("/")
    request.user = office_user
    panels = [
        p
        for p in collect("evidence_panels", request, unit_a, year)
        if p.template.startswith("volunteers/")
    ]
    assert [a.title for a in panels[0].context["activities"]] == ["今年"]


# A year's own activity types -------------------------------------------------------------


def _year_2020_with_own_types(year, admin_user):
    from awards import services as awards_services
    from competition import services as competition_services

    y2020 = awards_services.year_open(actor=admin_user, source=year, number=2020)
    skills = y2020.activity_types.get(code="skills")
    competition_services.activity_type_save(
        actor=admin_user, year=y2020, activity_type=skills, name="技能培训"
    )
    competition_services.activity_type_save(
        actor=admin_user, year=y2020, code="culture", name="文化扶贫"
    )
    return y2020


def test_quota_page_and_export_count_each_years_own_types(client_for, admin_user, unit_a, year):
    _year_2020_with_own_types(year, admin_user)
    ActivityFactory(unit=unit_a, date=datetime.date(2019, 3, 1), activity_type="skills")
    ActivityFactory(unit=unit_a, date=datetime.date(2020, 3, 1), activity_type="culture")
    client = client_for(admin_user)
    page_2019 = client.get(reverse("volunteers:quota") + "?year=2019")
    assert page_2019.context["types"] == [label for _code, label in ActivityType.choices]
    page_2020 = client.get(reverse("volunteers:quota") + "?year=2020")
    assert page_2020.context["types"] == [
        "技能培训", "健康扶贫", "教育扶贫", "产业扶贫", "结对帮扶", "志愿服务", "文化扶贫",
    ]  # fmt: skip
    response = client.get(reverse("volunteers:quota_export") + "?year=2020")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][4] == "技能培训" and rows[0][10] == "文化扶贫"
    assert rows[1] == ("相山区总工会", "县区总工会", 3, 1, 0, 0, 0, 0, 0, 0, 1, "未完成")


def test_activity_list_filters_by_the_current_years_types(
    client_for, admin_user, office_user, unit_a, year
):
    _year_2020_with_own_types(year, admin_user)  # 2020 is the current (latest open) year
    ActivityFactory(unit=unit_a, title="一九年培训", activity_type="skills")
    ActivityFactory(unit=unit_a, title="二〇年培训", date=datetime.date(2020, 3, 1))
    ActivityFactory(unit=unit_a, title="义诊", activity_type="health")
    response = client_for(office_user).get(reverse("volunteers:activity_list") + "?type=skills")
    assert ("skills", "技能培训") in response.context["form"].fields["type"].choices
    assert sorted(a.title for a in response.context["page"]) == ["一九年培训", "二〇年培训"]
    body = response.content.decode()
    assert "<td>技能培训</td>" in body and "<td>技能扶贫</td>" in body  # each row its year's
