"""Each endpoint of /api/v1/: the data it answers, restricted to the token's years, nothing
unpublished, and a query count that does not grow with the list."""

import datetime

import pytest

from competition import services as competition_services
from reports.enums import ReportStatus
from tests import factories
from tests.api.conftest import publish
from tests.awards import factories as af
from tests.reports import factories as rf
from tests.volunteers.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


# --- units -----------------------------------------------------------------------------------


def test_units_kind_parent_participation(api_get, secret, unit_a):
    child = factories.UnitFactory(name="相山区教育工会", kind_code="system", active_until=None)
    child.parent = unit_a
    child.save()
    gone = factories.UnitFactory(
        name="已退出单位",
        kind_code="direct",
        active_from=datetime.date(2018, 1, 1),
        active_until=datetime.date(2018, 12, 31),
    )
    rows = {row["name"]: row for row in results(api_get("api:unit_list", secret))}
    assert rows[child.name]["parent_id"] == unit_a.pk
    assert rows[child.name]["parent_name"] == unit_a.name
    assert rows[child.name]["kind"] == "system"
    assert rows[unit_a.name]["kind_name"] == "县区总工会"
    assert rows[unit_a.name]["taking_part"] is True
    assert rows[gone.name]["taking_part"] is False
    assert rows[gone.name]["participations"] == [{"start": "2018-01-01", "end": "2018-12-31"}]
    only_system = results(api_get("api:unit_list", secret, kind="system"))
    assert [row["name"] for row in only_system] == [child.name]
    detail = api_get("api:unit_detail", secret, kwargs={"pk": unit_a.pk}).json()
    assert detail["name"] == unit_a.name
    assert "phone" not in detail and "contact_person" not in detail


def test_units_query_count_constant(api_get, secret, django_assert_num_queries):
    factories.UnitFactory(name="一号")
    api_get("api:unit_list", secret)  # the token's first use of the day inserts its row
    with django_assert_num_queries(9):
        assert len(results(api_get("api:unit_list", secret))) == 1
    for n in range(20):
        factories.UnitFactory(name=f"单位{n}")
    with django_assert_num_queries(9):
        assert len(results(api_get("api:unit_list", secret))) == 21


# --- years, rules, periods -------------------------------------------------------------------


def test_year_detail_rules(api_get, secret, year, unit_a):
    factories.unit_quota(unit_a, year, 5)
    data = api_get("api:year_detail", secret, kwargs={"year": 2019}).json()
    assert data["year"] == 2019
    assert [c["name"] for c in data["criteria"]] == [
        "比工作落实",
        "比项目成效",
        "比经济收入",
        "比群众满意",
    ]
    assert len(data["projects"]) == 9 and data["projects"][0]["name"] == "产业脱贫工程"
    assert [t["code"] for t in data["activity_types"]][:1] == ["skills"]
    assert {q["kind"]: q["quota"] for q in data["kind_quotas"]}["county"] == 3
    assert data["unit_quotas"] == [{"unit_id": unit_a.pk, "unit_name": unit_a.name, "quota": 5}]
    assert [p["number"] for p in data["periods"]] == [1, 2, 3, 4]
    assert data["evaluation_settings"]["weight_entries"] == "0.60"
    assert {a["category"]: a["name"] for a in data["awards"]}["individual"] == "淮北市五一劳动奖章"


def test_periods_filtered_by_year(api_get, make_token, year):
    factories.competition_year(2020)
    _t, secret = make_token(all_years=True)
    rows = results(api_get("api:period_list", secret, year=2020))
    assert {row["year"] for row in rows} == {2020}
    assert rows[0]["label"] == "2020年第1季度"
    one = results(api_get("api:period_list", secret, year=2019, number=2))
    assert [(row["year"], row["number"]) for row in one] == [(2019, 2)]


def test_bad_year_parameter_is_400_in_chinese(api_get, secret):
    response = api_get("api:period_list", secret, year="abc")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "请求参数有误。" and "year" in body["errors"]


# --- reports ---------------------------------------------------------------------------------


def test_report_status_and_completeness(api_get, secret, year, unit_a, unit_b, office_user):
    period = rf.period(year, 1)
    rf.make_report(unit_a, period, status=ReportStatus.ACCEPTED, reviewer=office_user)
    rf.make_report(unit_b, period, status=ReportStatus.DRAFT)
    rows = results(api_get("api:report_status", secret, year=2019, period=1))
    states = {row["unit_name"]: (row["state"], row["state_label"]) for row in rows}
    assert states == {unit_a.name: ("on_time", "按时报送"), unit_b.name: ("draft", "草稿未提交")}
    data = api_get("api:completeness", secret, year=2019, period=1).json()
    assert data["label"] == "2019年第1季度"
    assert data["city"]["expected"] == 2
    assert data["city"]["reported"] == 1
    assert data["city"]["reporting_rate"] == 50.0
    assert data["kinds"][0]["kind"] == "县区总工会"


def test_report_status_needs_year_and_period(api_get, secret):
    response = api_get("api:report_status", secret, year=2019)
    assert response.status_code == 400
    assert "period" in response.json()["errors"]
    assert api_get("api:completeness", secret, year=2019, period=9).status_code == 404


def test_report_status_out_of_token_years(api_get, make_token, year):
    factories.competition_year(2020)
    _t, secret = make_token(years=[year])
    response = api_get("api:report_status", secret, year=2020, period=1)
    assert response.status_code == 403
    assert response.json()["code"] == "year_scope"


def test_report_status_query_count_constant(api_get, secret, year, django_assert_num_queries):
    api_get("api:report_status", secret, year=2019, period=1)
    factories.UnitFactory(name="一号")
    with django_assert_num_queries(10):
        assert len(results(api_get("api:report_status", secret, year=2019, period=1))) == 1
    for n in range(15):
        factories.UnitFactory(name=f"单位{n}")
    with django_assert_num_queries(10):
        assert len(results(api_get("api:report_status", secret, year=2019, period=1))) == 16


# --- activities and quotas -------------------------------------------------------------------


def test_quotas_per_unit(api_get, secret, year, unit_a, unit_b):
    ActivityFactory(unit=unit_a, date=datetime.date(2019, 5, 1), activity_type="skills")
    ActivityFactory(unit=unit_a, date=datetime.date(2019, 6, 1), activity_type="health")
    ActivityFactory(unit=unit_a, date=datetime.date(2019, 7, 1), activity_type="health")
    rows = {row["unit_name"]: row for row in results(api_get("api:quota_list", secret, year=2019))}
    a = rows[unit_a.name]
    assert (a["activity_count"], a["quota"], a["behind"]) == (3, 3, False)
    assert a["by_type"]["health"] == 2 and a["by_type"]["skills"] == 1
    assert (rows[unit_b.name]["activity_count"], rows[unit_b.name]["behind"]) == (0, True)
    one = results(api_get("api:quota_list", secret, year=2019, unit=unit_b.pk))
    assert [row["unit_id"] for row in one] == [unit_b.pk]
    assert api_get("api:quota_list", secret).status_code == 400


def test_quotas_query_count_constant(api_get, secret, year, django_assert_num_queries):
    api_get("api:quota_list", secret, year=2019)
    factories.UnitFactory(name="一号")
    with django_assert_num_queries(11):
        assert len(results(api_get("api:quota_list", secret, year=2019))) == 1
    for n in range(15):
        unit = factories.UnitFactory(name=f"单位{n}")
        ActivityFactory(unit=unit, date=datetime.date(2019, 5, 1))
    with django_assert_num_queries(11):
        assert len(results(api_get("api:quota_list", secret, year=2019))) == 16


# --- published results -----------------------------------------------------------------------

RANKINGS = ("api:unit_rankings", "api:entry_rankings", "api:nomination_rankings")


@pytest.mark.parametrize("name", RANKINGS)
def test_rankings_absent_until_published(api_get, secret, decided_run, admin_user, year, name):
    assert results(api_get(name, secret)) == []
    publish(admin_user, year)
    rows = results(api_get(name, secret, year=2019))
    assert rows and {row["run_id"] for row in rows} == {decided_run.pk}
    competition_services.results_publish(actor=admin_user, year=year, published=False)
    assert results(api_get(name, secret)) == []


def test_rankings_data(api_get, secret, decided_run, admin_user, year, unit_a, unit_b):
    publish(admin_user, year)
    entries = results(api_get("api:entry_rankings", secret))
    assert [(row["rank"], row["unit_name"]) for row in entries] == [
        (1, unit_a.name),
        (2, unit_b.name),
    ]
    assert entries[0]["project_name"] == "产业脱贫工程"
    assert entries[0]["means"]["work"] == 22.0
    individuals = results(api_get("api:nomination_rankings", secret, category="individual"))
    assert [row["recipient"] for row in individuals] == ["李先锋"]
    assert "eligibility_note" not in individuals[0]
    units = results(api_get("api:unit_rankings", secret))
    assert {row["unit_name"] for row in units} >= {unit_a.name, unit_b.name}


def test_rankings_only_the_latest_done_run(api_get, secret, decided_run, admin_user, year):
    from awards import services as awards_services

    newer = awards_services.evaluation_run_build(
        run=awards_services.evaluation_run_create(actor=admin_user, year=year)
    )
    publish(admin_user, year)
    rows = results(api_get("api:unit_rankings", secret))
    assert {row["run_id"] for row in rows} == {newer.pk}


def test_rankings_out_of_token_years(api_get, make_token, decided_run, admin_user, year):
    publish(admin_user, year)
    other = factories.competition_year(2020)
    _t, secret = make_token(years=[other])
    assert results(api_get("api:entry_rankings", secret)) == []
    assert api_get("api:entry_rankings", secret, year=2019).status_code == 403


def test_rankings_query_count_constant(
    api_get, secret, admin_user, year, reviewers, django_assert_num_queries
):
    from awards import services as awards_services
    from tests.competition import factories as scoring

    def build():
        return awards_services.evaluation_run_build(
            run=awards_services.evaluation_run_create(actor=admin_user, year=year)
        )

    scoring.sheet(
        scoring.entry(factories.UnitFactory(name="一号"), year), reviewers[0], 20, 20, 20, 20
    )
    build()
    publish(admin_user, year)
    api_get("api:entry_rankings", secret)
    with django_assert_num_queries(8):
        assert len(results(api_get("api:entry_rankings", secret))) == 1
    for n in range(12):
        unit = factories.UnitFactory(name=f"单位{n}")
        scoring.sheet(scoring.entry(unit, year), reviewers[0], 10, 10, 10, n)
    competition_services.results_publish(actor=admin_user, year=year, published=False)
    build()
    publish(admin_user, year)
    with django_assert_num_queries(8):
        assert len(results(api_get("api:entry_rankings", secret))) == 13


# --- published decisions ---------------------------------------------------------------------


def test_awards_absent_until_published(api_get, secret, decided_run, admin_user, year):
    assert results(api_get("api:award_list", secret)) == []
    assert results(api_get("api:recommendation_list", secret)) == []
    publish(admin_user, year)  # the rankings, but not yet the 表彰决定
    assert results(api_get("api:award_list", secret)) == []
    af.published(decided_run, admin=admin_user)
    awards = results(api_get("api:award_list", secret, year=2019))
    assert {(row["category"], row["award_name"]) for row in awards} == {
        ("collective", "淮北市五一劳动奖状"),
        ("individual", "淮北市五一劳动奖章"),
    }


def test_undecided_items_absent(api_get, secret, decided_run, admin_user, year):
    """An item on the shortlist with no decision is never listed, even once published."""
    from awards.models import ShortlistItem

    item = decided_run.shortlist.get(category="individual")
    ShortlistItem.objects.filter(pk=item.pk).update(decided_at=None)
    publish(admin_user, year)
    af.published(decided_run, admin=admin_user)
    awards = results(api_get("api:award_list", secret))
    assert {row["category"] for row in awards} == {"collective"}


def test_recommendation_list(api_get, secret, decided_run, admin_user, year, unit_a):
    publish(admin_user, year)
    af.published(decided_run, admin=admin_user)
    rows = results(api_get("api:recommendation_list", secret, year=2019))
    by_category = {row["category"]: row for row in rows}
    assert set(by_category) == {"collective", "unit"}
    collective = by_category["collective"]
    assert collective["unit_name"] == unit_a.name
    assert collective["kind_name"] == "县区总工会"
    assert collective["project_name"] == "产业脱贫工程"
    assert collective["score"] == pytest.approx(88.0)
    assert collective["means"]["work"] == 22.0
    assert collective["evidence_titles"] == ["帮扶台账.pdf"]
    assert collective["award_name"] == "淮北市五一劳动奖状"
    assert collective["entry_title"]
    unit = by_category["unit"]
    assert (unit["project_name"], unit["entry_title"], unit["evidence_titles"]) == (None, None, [])
    assert unit["award"] == ""


def test_recommendation_scope(api_get, make_token, decided_run, admin_user, year):
    publish(admin_user, year)
    af.published(decided_run, admin=admin_user)
    _t, secret = make_token(scopes=["awards"])
    assert api_get("api:recommendation_list", secret).status_code == 403
    assert api_get("api:award_list", secret).status_code == 200


def test_recommendations_query_count_constant(
    api_get, secret, decided_run, admin_user, year, django_assert_num_queries
):
    from django.core.files.base import ContentFile

    from awards.models import NominationAttachment

    publish(admin_user, year)
    af.published(decided_run, admin=admin_user)
    api_get("api:recommendation_list", secret)
    with django_assert_num_queries(9):
        assert len(results(api_get("api:recommendation_list", secret))) == 2
    individual = decided_run.shortlist.get(category="individual")
    decided_run.shortlist.filter(pk=individual.pk).update(recommend_province=True)
    nomination = individual.nomination_ranking.nomination
    for name in ("a.pdf", "b.pdf"):
        attachment = NominationAttachment(nomination=nomination, original_name=name)
        attachment.file.save(name, ContentFile(b"%PDF-1.4\n"), save=True)
    with django_assert_num_queries(9):
        rows = results(api_get("api:recommendation_list", secret))
    assert len(rows) == 3
    assert {tuple(row["evidence_titles"]) for row in rows} >= {("a.pdf", "b.pdf")}


# --- the schema and its page -----------------------------------------------------------------


def test_schema_served_open_with_chinese_descriptions(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "淮北市脱贫攻坚劳动竞赛数据接口"
    operation = schema["paths"]["/api/v1/recommendations/"]["get"]
    assert operation["summary"] == "推荐参加省级评选名单"
    assert operation["security"] == [{"apiToken": []}]
    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"
    assert {"year", "page", "page_size"} <= {p["name"] for p in operation["parameters"]}
    assert all(method == "get" for path in schema["paths"].values() for method in path)


def test_docs_page_uses_our_static_files(client):
    response = client.get("/api/docs/")
    text = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in text
    assert "<style>" not in text and "cdn" not in text.lower()
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_missing_unit_and_bad_page_are_json_404(api_get, secret, unit_a):
    missing = api_get("api:unit_detail", secret, kwargs={"pk": unit_a.pk + 1000})
    assert missing.status_code == 404
    assert missing.json() == {"detail": "未找到该数据。", "code": "not_found"}
    page = api_get("api:unit_list", secret, page=99)
    assert page.status_code == 404
    assert page.json() == {"detail": "页码无效。", "code": "not_found"}


def test_recommendations_mark_registered_model_workers(
    api_get, secret, decided_run, admin_user, year
):
    """Model workers go first among equals for higher honours (issue 15.3): the province sees
    the registry's honour of each recommended individual."""
    individual = decided_run.shortlist.get(category="individual")
    decided_run.shortlist.filter(pk=individual.pk).update(recommend_province=True)
    ranking = individual.nomination_ranking
    ranking.model_worker_level = "city"
    ranking.save(update_fields=["model_worker_level"])
    publish(admin_user, year)
    af.published(decided_run, admin=admin_user)
    rows = {row["category"]: row for row in results(api_get("api:recommendation_list", secret))}
    assert rows["individual"]["model_worker_level"] == "city"
    assert rows["collective"]["model_worker_level"] == ""
    assert rows["unit"]["model_worker_level"] is None
