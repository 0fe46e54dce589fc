"""Views: exact outcomes for the allowed user, 403, 404, anonymous; query counts of lists."""

import datetime
from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from awards import selectors, services
from awards.models import EvaluationRun, Nomination, ShortlistItem
from common.xlsx import XLSX_CONTENT_TYPE
from tests.awards import factories as af
from tests.competition import factories as scoring

pytestmark = pytest.mark.django_db


def test_staff_creates_a_nomination(client_for, staff_a, unit_a, year):
    entry = scoring.entry(unit_a, year, title="合作社")
    data = {
        "entry": entry.pk,
        "category": "individual",
        "person_name": "王先锋",
        "gender": "f",
        "work_started_on": "2018-04-16",
        "statement": "事迹",
        **af.INDIVIDUAL_EVIDENCE,
    }
    response = client_for(staff_a).post(reverse("awards:nomination_create") + "?year=2019", data)
    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("awards:nomination_detail", args=[nomination.pk])
    assert (nomination.unit, nomination.year, nomination.created_by) == (unit_a, year, staff_a)
    page = client_for(staff_a).get(response["Location"]).content.decode()
    assert "从事扶贫工作不满2年（2018-04-16起，评比日为2020-04-15）" in page
    assert "不符合条件" in page


def test_individual_without_start_date_is_refused_by_the_form(client_for, staff_a, unit_a, year):
    entry = scoring.entry(unit_a, year)
    data = {"entry": entry.pk, "category": "individual", "person_name": "王", "statement": "x"}
    response = client_for(staff_a).post(reverse("awards:nomination_create") + "?year=2019", data)
    assert response.status_code == 200
    assert "先锋个人须填写此项。" in response.content.decode()
    assert not Nomination.objects.exists()


def test_other_units_entry_is_not_offered(client_for, staff_a, unit_b, year):
    entry = scoring.entry(unit_b, year)
    data = {
        "entry": entry.pk,
        "category": "collective",
        "collective_kind": "unit",
        "statement": "x",
    }
    response = client_for(staff_a).post(reverse("awards:nomination_create") + "?year=2019", data)
    assert response.status_code == 200 and not Nomination.objects.exists()


def test_nomination_detail_scope(client_for, staff_a, staff_b, unit_a, year):
    nomination = af.nomination(unit_a, year)
    url = reverse("awards:nomination_detail", args=[nomination.pk])
    assert client_for(staff_b).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302
    assert "符合条件" in client_for(staff_a).get(url).content.decode()


def test_office_overrides_with_reason(client_for, office_user, staff_a, unit_a, year):
    nomination = af.nomination(unit_a, year, evidence_practice="")
    url = reverse("awards:nomination_override", args=[nomination.pk])
    client_for(office_user).post(url, {"override": "on", "reason": ""})
    nomination.refresh_from_db()
    assert not nomination.override
    client_for(office_user).post(url, {"override": "on", "reason": "已补交材料"})
    nomination.refresh_from_db()
    assert (nomination.override, nomination.override_reason) == (True, "已补交材料")
    assert nomination.override_by == office_user
    assert client_for(staff_a).post(url, {"override": ""}).status_code == 403


def test_nomination_list_queries_do_not_grow(
    client_for, office_user, unit_a, unit_b, year, django_assert_max_num_queries
):
    client = client_for(office_user)
    url = reverse("awards:nomination_list") + "?year=2019"
    for size in (2, 30):
        while Nomination.objects.count() < size:
            af.nomination(unit_a if Nomination.objects.count() % 2 else unit_b, year)
        with django_assert_max_num_queries(9):
            response = client.get(url)
        assert len(response.context["rows"]) == size


def test_admin_starts_a_run_and_sees_it_finish(
    client_for, admin_user, unit_a, year, reviewers, django_capture_on_commit_callbacks
):
    entry = scoring.entry(unit_a, year, title="甲")
    scoring.sheet(entry, reviewers[0], 20, 21, 22, 23)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin_user).post(reverse("awards:run_start") + "?year=2019")
    run = EvaluationRun.objects.get()
    assert response["Location"] == reverse("awards:run_detail", args=[run.pk])
    page = client_for(admin_user).get(response["Location"]).content.decode()
    assert "已完成" in page and "甲" in page and 'http-equiv="refresh"' not in page


def test_queued_run_page_refreshes(client_for, admin_user, year):
    run = services.evaluation_run_create(actor=admin_user, year=year)
    page = client_for(admin_user).get(reverse("awards:run_detail", args=[run.pk])).content.decode()
    assert 'http-equiv="refresh"' in page and "排队中" in page


@pytest.fixture
def finished_run(admin_user, unit_a, year, reviewers):
    for i in range(3):
        nomination = af.nomination(unit_a, year)
        scoring.sheet(nomination.entry, reviewers[0], 20 + i, 20, 20, 20)
    return services.evaluation_run_build(
        run=services.evaluation_run_create(actor=admin_user, year=year)
    )


@pytest.mark.parametrize("tab", ["entries", "units", "collective", "individual"])
def test_run_tabs_query_count(
    client_for, office_user, finished_run, tab, django_assert_max_num_queries
):
    url = reverse("awards:run_detail", args=[finished_run.pk]) + f"?tab={tab}"
    client = client_for(office_user)
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200


def test_export_for_admin_only(client_for, admin_user, office_user, staff_a, finished_run):
    url = reverse("awards:export", args=[finished_run.pk])
    response = client_for(admin_user).get(url)
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    book = openpyxl.load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["先锋集体", "先锋个人", "参赛单位", "参赛项目"]
    assert len(list(book["先锋集体"].iter_rows(min_row=2))) == 3
    assert client_for(office_user).get(url).status_code == 403
    assert client_for(staff_a).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


def test_shortlist_build_decide_and_certificate(
    client_for, admin_user, staff_a, staff_b, finished_run
):
    client = client_for(admin_user)
    client.post(
        reverse("awards:shortlist_build", args=[finished_run.pk]),
        {"category": "collective", "top_n": 2},
    )
    items = list(ShortlistItem.objects.order_by("rank"))
    assert [item.rank for item in items] == [1, 2]
    client.post(
        reverse("awards:shortlist_decide", args=[items[0].pk]),
        {"award": "certificate", "recommend_province": "on"},
    )
    items[0].refresh_from_db()
    assert (items[0].award, items[0].recommend_province, items[0].decided_by) == (
        "certificate",
        True,
        admin_user,
    )
    url = reverse("awards:certificate", args=[items[0].pk])
    # A unit sees its award only once it is public, and its certificate once published.
    assert client_for(staff_a).get(url).status_code == 404
    af.published(finished_run)
    response = client_for(staff_a).get(url)
    page = "".join(
        "".join(p.extract_text().split())
        for p in PdfReader(BytesIO(b"".join(response.streaming_content))).pages
    )
    for text in (
        "淮北市五一劳动奖状",
        "相山区总工会",
        "2019",
        "〔2019〕第1号",
        "淮北市总工会脱贫攻坚竞赛办公室",
    ):
        assert text in page
    assert client_for(staff_b).get(url).status_code == 404
    # Not awarded: no certificate, and the reason.
    response = client_for(admin_user).get(reverse("awards:certificate", args=[items[1].pk]))
    assert response.status_code == 409
    assert "表彰决定尚未发布" in response.content.decode()


def test_settings_saved_by_admin(client_for, admin_user, year):
    client_for(admin_user).post(
        reverse("awards:settings_save") + "?year=2019",
        {
            "weight_entries": "0.5",
            "weight_timeliness": "0.3",
            "weight_quota": "0.2",
            "late_report_factor": "0.25",
            "min_service_years": "3",
            "rule_1": "income",
            "rule_2": "effect",
            "award_collective": "工人先锋号",
            "award_individual": "淮北市五一劳动奖章",
            "award_unit": "淮北市五一劳动奖状",
        },
    )
    snapshot = services.settings_snapshot(year)
    assert snapshot["tie_break"] == ["income", "effect"]
    assert snapshot["weights"]["timeliness"] == "0.30"
    assert (snapshot["late_factor"], snapshot["min_service_years"]) == ("0.25", 3)
    assert selectors.year_awards(year)["collective"].name == "工人先锋号"


def test_home_panel_for_office(client_for, office_user, year):
    page = client_for(office_user).get(reverse("home")).content.decode()
    assert "2019年度评比表彰" in page


def test_home_panel_counts_the_years_nominations_the_user_may_see(
    client_for, office_user, staff_a, unit_a, unit_b, year
):
    from tests.factories import competition_year

    earlier_year = competition_year(2018)
    af.nomination(unit_a, year)
    af.nomination(unit_b, year)
    af.nomination(unit_b, year, category="individual")
    af.nomination(unit_a, earlier_year)
    for user, expected in ((office_user, 3), (staff_a, 1)):
        assert selectors.nomination_count_for_user(user, year) == expected
        assert expected == selectors.nominations_for_user(user).filter(year=year).count()
    panel = next(
        p
        for p in client_for(office_user).get(reverse("home")).context["panels"]
        if p.template == "awards/_panel_evaluation.html"
    )
    assert panel.context["nominations"] == 3
    assert panel.context["run"] is None


def test_home_panel_links_the_years_newest_run(client_for, office_user, staff_a, year, build_run):
    from tests.factories import competition_year

    build_run(year)
    newest = build_run(year)
    build_run(competition_year(2018))
    page = client_for(office_user).get(reverse("home"))
    panel = next(p for p in page.context["panels"] if p.template == "awards/_panel_evaluation.html")
    assert panel.context["run"] == newest
    assert reverse("awards:run_detail", args=[newest.pk]) in page.content.decode()
    assert selectors.latest_run_for_user(office_user, year) == newest
    assert selectors.latest_run_for_user(staff_a, year) is None


def test_shortlist_build_twice_says_nothing_was_added(client_for, admin_user, finished_run):
    """What the loser of two builds at once sees (the race itself: test_shortlist_race_pg)."""
    client = client_for(admin_user)
    url = reverse("awards:shortlist_build", args=[finished_run.pk])
    first = client.post(url, {"category": "collective", "top_n": 2})
    count = ShortlistItem.objects.count()
    assert [str(m) for m in client.get(first["Location"]).context["messages"]] == [
        f"已新增{count}名入围对象。"
    ]
    second = client.post(url, {"category": "collective", "top_n": 2})
    assert second["Location"] == reverse("awards:shortlist", args=[finished_run.pk])
    assert [str(m) for m in second.wsgi_request._messages] == [
        "没有新增入围对象：符合条件的都已在入围名单上，或没有符合条件的。"
    ]
    assert ShortlistItem.objects.count() == count == 2


def test_unit_page_lists_awards(client_for, admin_user, staff_a, unit_a, finished_run):
    item = services.shortlist_build(
        actor=admin_user, run=finished_run, category="collective", top_n=1
    )[0]
    services.shortlist_decide(actor=admin_user, item=item, award="certificate")
    url = reverse("competition:unit_detail", args=[unit_a.pk])
    # Not before the decision is published.
    assert "淮北市五一劳动奖状" not in client_for(staff_a).get(url).content.decode()
    af.published(finished_run)
    assert "淮北市五一劳动奖状" in client_for(staff_a).get(url).content.decode()


def test_year_date_shown(client_for, office_user, year):
    page = client_for(office_user).get(reverse("awards:evaluation") + "?year=2019")
    assert datetime.date(2020, 4, 15).isoformat() in page.content.decode()
