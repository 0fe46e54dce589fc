"""Scoring pages: visibility of scores, scoring form, progress matrix, query counts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from competition import permissions, services
from competition.models import ScoreSheet, SpotCheck
from tests.competition import factories as scoring
from tests.factories import UnitFactory, competition_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(entry_a, entry_b):
    r1, r2 = scoring.reviewer("r1"), scoring.reviewer("r2")
    scoring.sheet(entry_a, r1, 20, 20, 20, 20)
    scoring.sheet(entry_a, r2, 22, 22, 22, 22)
    scoring.sheet(entry_b, r1, 11, 12, 13, 14)
    return entry_a, entry_b


def test_staff_cannot_see_other_units_scores_before_publication(client_for, staff_a, year, scored):
    entry_a, entry_b = scored
    client = client_for(staff_a)
    assert client.get(reverse("competition:standings")).status_code == 403
    assert client.get(reverse("competition:entry_detail", args=[entry_b.pk])).status_code == 404
    own = client.get(reverse("competition:entry_detail", args=[entry_a.pk]))
    body = own.content.decode()
    assert own.context["standing"].weighted_total == pytest.approx(84)
    assert "84.00" in body
    assert own.context["sheets"] is None  # who gave what stays with the office
    assert not permissions.may(staff_a, "competition.view_scores", entry_b)


def test_staff_sees_all_scores_after_publication(client_for, staff_a, admin_user, year, scored):
    _entry_a, entry_b = scored
    services.results_publish(actor=admin_user, year=year)
    response = client_for(staff_a).get(reverse("competition:standings"))
    assert response.status_code == 200
    rows = {row["pk"]: row for row in response.context["page"]}
    assert rows[entry_b.pk]["weighted_total"] == pytest.approx(50)
    assert "濉溪县就业帮扶" in response.content.decode()
    assert permissions.may(staff_a, "competition.view_scores", entry_b)


def test_results_publish_view_sets_flag(client_for, admin_user, year):
    response = client_for(admin_user).post(
        reverse("competition:results_publish"), {"published": "1"}
    )
    assert response.status_code == 302
    year.refresh_from_db()
    assert year.results_published and year.results_published_at is not None


def test_office_scores_through_form_then_revises(client_for, office_user, entry_a):
    client = client_for(office_user)
    url = reverse("competition:sheet_edit", args=[entry_a.pk])
    form_page = client.get(url).content.decode()
    assert "因村因户施策精准" in form_page  # the rubric beside the field
    data = {"work": "24.5", "effect": "20", "income": "18", "satisfaction": "25", "comment": "扎实"}
    response = client.post(url, data)
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get()
    assert (scoring.points_of(sheet)["work"], sheet.comment) == (Decimal("24.5"), "扎实")
    client.post(url, {**data, "work": "10"})
    assert scoring.points_of(sheet)["work"] == Decimal(10) and sheet.history.count() == 2
    page = client.get(url).content.decode()
    assert "24.5" in page and "比工作落实" in page  # the score history on the form


def test_score_form_rejects_above_maximum(client_for, office_user, entry_a):
    url = reverse("competition:sheet_edit", args=[entry_a.pk])
    data = {"work": "26", "effect": "20", "income": "18", "satisfaction": "25"}
    response = client_for(office_user).post(url, data)
    assert response.status_code == 200
    assert "work" in response.context["form"].errors
    assert not ScoreSheet.objects.exists()


def test_reviewer_of_the_unit_gets_403_on_score_page(client_for, unit_a, entry_a):
    insider = scoring.reviewer("insider", unit=unit_a)
    response = client_for(insider).get(reverse("competition:sheet_edit", args=[entry_a.pk]))
    assert response.status_code == 403
    detail = client_for(insider).get(reverse("competition:entry_detail", args=[entry_a.pk]))
    assert reverse("competition:sheet_edit", args=[entry_a.pk]) not in detail.content.decode()


@pytest.mark.parametrize("conflict", ["own_unit", "declared"])
def test_entry_page_hides_named_sheets_from_a_conflicted_reviewer(
    client_for, office_user, unit_a, scored, conflict
):
    entry_a, entry_b = scored
    if conflict == "own_unit":
        insider = scoring.reviewer("insider", unit=unit_a)
    else:
        insider = scoring.reviewer("insider")
        services.conflict_declare(actor=insider, unit=unit_a, reason="亲属任职")
    client = client_for(insider)
    own = client.get(reverse("competition:entry_detail", args=[entry_a.pk]))
    assert own.status_code == 200
    assert own.context["sheets"] is None
    assert own.context["standing"].weighted_total == pytest.approx(84)  # the aggregate stays
    names = [sheet.reviewer.get_full_name() for sheet in entry_a.sheets.all()]
    assert names and not [name for name in names if name in own.content.decode()]
    other = client.get(reverse("competition:entry_detail", args=[entry_b.pk]))
    assert [sheet.reviewer.username for sheet in other.context["sheets"]] == ["r1"]
    # A colleague without the conflict still sees who gave what on unit A's entry.
    colleague = client_for(office_user).get(reverse("competition:entry_detail", args=[entry_a.pk]))
    assert sorted(sheet.reviewer.username for sheet in colleague.context["sheets"]) == ["r1", "r2"]


def test_spot_check_of_own_unit_is_refused_on_the_form(client_for, unit_a, unit_b, year):
    insider = scoring.reviewer("insider", unit=unit_a)
    client = client_for(insider)
    data = {
        "date": "2019-06-01",
        "inspectors": "宫蕾",
        "findings": "台账齐全",
        "rating": "good",
    }
    url = reverse("competition:spot_check_create") + "?year=2019"
    own = client.post(url, {**data, "unit": unit_a.pk})
    assert own.status_code == 200
    assert own.context["form"].errors["unit"] == [
        "您与该单位存在利益冲突（本单位或已申报回避），不能记录对它的抽查。"
    ]
    assert not SpotCheck.objects.exists()
    other = client.post(url, {**data, "unit": unit_b.pk})
    assert other.status_code == 302
    assert list(SpotCheck.objects.values_list("unit", "recorded_by")) == [(unit_b.pk, insider.pk)]


def test_entry_page_collects_evidence_panels(client_for, office_user, entry_a, monkeypatch):
    from common import panels

    seen = []

    def fake_collect(hook, *args):
        seen.append((hook, args[1:]))
        return []

    monkeypatch.setattr(panels, "collect", fake_collect)
    client_for(office_user).get(reverse("competition:entry_detail", args=[entry_a.pk]))
    assert seen == [("evidence_panels", (entry_a.unit, entry_a.year))]


def test_staff_creates_entry_for_own_unit(client_for, staff_a, unit_a, year):
    response = client_for(staff_a).post(
        reverse("competition:entry_create"),
        {
            "nine_project": year.projects.get(number=2).pk,
            "title": "就业帮扶",
            "description": "简介",
            "target_villages": "",
            "target_households": 30,
        },
    )
    entry = unit_a.entries.get()
    assert response["Location"] == reverse("competition:entry_detail", args=[entry.pk])
    assert (entry.title, entry.year, entry.target_households) == ("就业帮扶", year, 30)


def test_progress_matrix_marks_states(client_for, office_user, unit_a, year, scored):
    entry_a, entry_b = scored
    insider = scoring.reviewer("insider", unit=unit_a)
    response = client_for(office_user).get(reverse("competition:progress"))
    rows = {
        entry.pk: {c.reviewer.username: c.status for c in cells}
        for entry, cells, _html in response.context["rows"]
    }
    assert rows[entry_a.pk] == {
        "insider": "conflict",
        "office": "pending",
        "r1": "scored",
        "r2": "scored",
    }
    assert rows[entry_b.pk]["insider"] == "pending" and rows[entry_b.pk]["r2"] == "pending"
    assert insider.pk
    body = response.content.decode()
    assert body.count('<span class="badge text-bg-success" title="已评分">✓</span>') == 3
    assert body.count('<span class="badge text-bg-secondary" title="回避">—</span>') == 1
    detail = reverse("competition:entry_detail", args=[entry_a.pk])
    assert f'<a href="{detail}">{entry_a.title}</a></td><td>{unit_a.name}</td>' in body


def _populate(year, n_entries, n_reviewers):
    reviewers = [scoring.reviewer(f"bulk{n_reviewers}_{i}") for i in range(n_reviewers)]
    for i in range(n_entries):
        entry = scoring.entry(UnitFactory(), year, number=i % 9 + 1)
        for reviewer in reviewers[: i % 3]:
            scoring.sheet(entry, reviewer, 10, 10, 10, 10)


@pytest.mark.parametrize(
    "url_name", ["competition:progress", "competition:entry_list", "competition:standings"]
)
def test_scoring_pages_query_count_bounded(
    url_name, client_for, office_user, year, django_assert_max_num_queries
):
    client = client_for(office_user)
    _populate(year, 3, 2)
    with django_assert_max_num_queries(14):
        assert client.get(reverse(url_name)).status_code == 200
    _populate(year, 40, 6)
    with django_assert_max_num_queries(14):
        response = client.get(reverse(url_name))
    assert len(response.context["page"].object_list) == 43


def test_notice_list_shows_published_to_staff_only(client_for, office_user, staff_a, year):
    draft = services.notice_create(actor=office_user, year=year, title="草稿通报", body="x")
    old = services.notice_create(actor=office_user, year=year, title="第一期", body="x")
    new = services.notice_create(actor=office_user, year=year, title="第二期", body="x")
    services.notice_publish(actor=office_user, notice=old)
    services.notice_publish(actor=office_user, notice=new)
    staff_list = list(client_for(staff_a).get(reverse("competition:notice_list")).context["page"])
    assert staff_list == [new, old]
    office_list = list(
        client_for(office_user).get(reverse("competition:notice_list")).context["page"]
    )
    assert draft in office_list


def test_draw_detail_confirms_replay(client_for, office_user, year, unit_a, unit_b):
    response = client_for(office_user).post(
        reverse("competition:draw_create"), {"count": 1, "seed": 9}
    )
    draw_url = response["Location"]
    page = client_for(office_user).get(draw_url)
    assert page.context["replay_matches"] is True
    assert "结果一致" in page.content.decode()


def test_standings_normalised_column_only_when_asked(client_for, office_user, year, scored):
    client = client_for(office_user)
    plain = client.get(reverse("competition:standings"))
    assert plain.context["normalised"] is False
    assert "标准化总分</th>" not in plain.content.decode()
    asked = client.get(reverse("competition:standings"), {"normalised": "on"})
    assert asked.context["normalised"] is True
    assert "标准化总分</th>" in asked.content.decode()
    rows = list(asked.context["page"])
    assert rows and all(row["normalised_total"] is not None for row in rows)


def test_standings_switch_to_another_year(client_for, office_user, year):
    competition_year(2020)
    client = client_for(office_user)
    page = client.get(reverse("competition:standings")).content.decode()
    assert "2020年度参赛项目得分" in page
    assert '<option value="2019">2019</option>' in page
    assert (
        "2019年度参赛项目得分"
        in client.get(reverse("competition:standings"), {"year": 2019}).content.decode()
    )


def test_standings_pages_keep_the_order_of_the_whole_year(
    client_for, office_user, year, django_assert_max_num_queries
):
    # 55 entries, scored 1..55 points by one reviewer: page 1 shows 55..6, page 2 5..1 and
    # the unscored entry last, each row with its own aggregates (computed for the page only).
    judge = scoring.reviewer("judge")
    unit = UnitFactory()
    for points in range(1, 56):
        # Whole points (the database keeps one decimal), 25 at most per criterion.
        work, effect = min(points, 25), min(max(points - 25, 0), 25)
        income = points - work - effect
        entry = scoring.entry(unit, year, title=f"项目{points:02d}")
        scoring.sheet(entry, judge, work, effect, income, 0)
    scoring.entry(unit, year, title="未评分项目")
    client = client_for(office_user)
    # 14: one more for the office's column of the units' self-assessed totals (one grouped
    # query for the page's units, whatever their number), and one for the page's keys
    # (sorted on the totals alone before the page's rows are built).
    with django_assert_max_num_queries(14):
        first = client.get(reverse("competition:standings") + "?normalised=1")
    second = client.get(reverse("competition:standings") + "?page=2")
    totals = [row["weighted_total"] for row in first.context["page"]]
    assert totals == pytest.approx([float(p) for p in range(55, 5, -1)])
    assert all(row["normalised_total"] is not None for row in first.context["page"])
    rows = list(second.context["page"])
    assert [row["title"] for row in rows] == [
        "项目05",
        "项目04",
        "项目03",
        "项目02",
        "项目01",
        "未评分项目",
    ]
    assert rows[0]["sheet_count"] == 1 and rows[-1]["sheet_count"] == 0
    assert rows[0]["unit__name"] == unit.name and rows[0]["nine_project__short_name"]
    assert "55.00" in first.content.decode()


def test_progress_matrix_pages_its_reviewer_columns(client_for, office_user, unit_a, year, scored):
    """A province has about a hundred reviewers: the matrix shows them 20 at a time, each
    batch a link that keeps the entries' page."""
    for n in range(22):
        scoring.reviewer(f"r{n + 10:03d}")
    client = client_for(office_user)
    first = client.get(reverse("competition:progress"))
    names = [r.username for r in first.context["reviewers"]]
    assert len(names) == 20 and names == sorted(names)
    assert all(len(cells) == 20 for _entry, cells, _html in first.context["rows"])
    body = first.content.decode()
    assert "评委 1–20 / 共 25 人" in body and "?reviewers=2" in body
    second = client.get(reverse("competition:progress"), {"reviewers": 2, "page": 1})
    rest = [r.username for r in second.context["reviewers"]]
    assert len(rest) == 5 and not set(rest) & set(names)
    assert "?reviewers=1&amp;page=1" in second.content.decode()
