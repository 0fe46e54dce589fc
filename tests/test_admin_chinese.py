"""The Django admin in Chinese where the words are ours (issue 16.5): the report's moves, the
model workers' phone column, permissions in the user and group selectors, django-axes'
section name. (Strings of third-party packages go to the project's catalogue.)"""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from reports.enums import ReportStatus
from tests.reports.factories import make_report, period
from tests.volunteers.factories import ModelWorkerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, admin_user):
    client.force_login(admin_user)
    return client


def test_a_reports_moves_are_named_by_their_states(admin_client_, staff_a, unit_a, year):
    report = make_report(unit_a, period(year, 1), status=ReportStatus.SUBMITTED, actor=staff_a)
    body = admin_client_.get(reverse("admin:reports_report_change", args=[report.pk]))
    body = body.content.decode()
    assert "草稿 → 已提交" in body
    assert "draft → submitted" not in body and f"{report.pk}: " not in body


def test_the_model_worker_list_names_its_phone_column(admin_client_, unit_a):
    ModelWorkerFactory(unit=unit_a, phone="13812341234")
    body = admin_client_.get(reverse("admin:volunteers_modelworker_changelist")).content.decode()
    assert "联系电话（隐去中间四位）" in body and "138****1234" in body
    assert "Masked phone" not in body


@pytest.mark.parametrize("page", ["user", "group"])
def test_permissions_are_listed_in_chinese(admin_client_, admin_user, page):
    if page == "user":
        url = reverse("admin:auth_user_change", args=[admin_user.pk])
    else:
        url = reverse("admin:auth_group_change", args=[Group.objects.create(name="审核组").pk])
    body = admin_client_.get(url).content.decode()
    options = re.findall(r'<option value="\d+"[^>]*>([^<]*)</option>', body)
    assert "劳模扶贫 | 劳模扶贫活动 | 可添加" in options
    assert "劳动竞赛 | 参赛单位（历史记录） | 可查看" in options
    assert not [o for o in options if o.split(" | ")[-1].startswith("Can ")]


def test_the_axes_section_has_a_chinese_name(admin_client_):
    body = admin_client_.get(reverse("admin:index")).content.decode()
    assert "登录记录与锁定" in body and ">Axes<" not in body
    assert "通用" in body  # the common app keeps its own


def test_a_notices_standings_are_a_table_not_json(admin_client_, admin_user, year):
    from competition import services

    notice = services.notice_create(
        actor=admin_user, year=year, title="通报", body="正文", include_standings=True
    )
    notice.standings = [{"nine_project": "产业脱贫工程", "unit": "相山区总工会",
                         "title": "食用菌基地", "sheets": 2, "total": 88.5}]  # fmt: skip
    notice.save(update_fields=["standings"])
    body = admin_client_.get(reverse("admin:competition_notice_change", args=[notice.pk]))
    body = body.content.decode()
    assert "<td>食用菌基地</td><td>2</td><td>88.5</td>" in body
    assert "&quot;nine_project&quot;" not in body and '"nine_project"' not in body


def test_django_axes_speaks_chinese_from_the_projects_catalogue(admin_client_):
    """django-axes has no Chinese of its own: locale/zh_Hans carries its strings."""
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username="guess", ip_address="10.0.0.1", user_agent="x", path_info="/accounts/login/",
        http_accept="*/*", get_data="", post_data="", failures_since_start=1,
    )  # fmt: skip
    body = admin_client_.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "登录尝试" in body and "IP 地址" in body
    assert "access attempts" not in body.lower() and "IP Address" not in body


def test_an_evaluation_runs_settings_are_named_not_json(admin_client_, admin_user, year):
    from awards import services

    services.evaluation_settings_save(
        actor=admin_user, year=year, data={"max_awards_per_unit": 3, "min_service_years": 3}
    )
    run = services.evaluation_run_create(actor=admin_user, year=year)
    url = reverse("admin:awards_evaluationrun_change", args=[run.pk])
    body = admin_client_.get(url).content.decode()
    rows = dict(re.findall(r'<th scope="row">([^<]*)</th><td>([^<]*)</td>', body))
    assert rows["参赛项目得分权重"] == "0.60" and rows["抽查评价权重"] == "0.00"
    assert rows["逾期报告折算"] == "0.50"
    assert rows["先锋个人从事扶贫工作年限"] == "3" and rows["每单位表彰名额上限"] == "3"
    assert rows["评比日"] == year.evaluation_date.isoformat()
    assert rows["并列时的区分顺序"].startswith("劳模优先（先锋个人） → 比项目成效 → ")
    assert "<td>比工作落实</td>" in body
    for key in ("weights", "late_factor", "tie_break", "min_service_years", "criteria"):
        assert key not in body, key  # neither as JSON nor a table of its keys
    # Still read-only: no form to save.
    assert 'name="_save"' not in body
