"""Search and filters on the lists people search (issue 16.6): units, activities, reports,
the review queue, nominations and spot checks; the queue's filter says what it lists, headings what the
page holds; query counts do not grow with the filtered rows."""

import datetime
import re

import pytest
from django.urls import reverse

from reports.enums import ReportStatus
from tests import factories
from tests.awards import factories as af
from tests.reports.factories import make_report, period
from tests.volunteers.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def names(response, attr="name"):
    return sorted(getattr(row, attr) for row in response.context["page"])


def selected(body: str, name: str) -> str:
    """The label of the option shown by the select `name`."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body, re.S).group(1)
    return re.search(r"<option[^>]*selected[^>]*>([^<]*)</option>", select).group(1)


# Units -------------------------------------------------------------------------------------


def test_units_by_name_and_kind(client_for, office_user, unit_a, unit_b, year):
    factories.UnitFactory(name="市教育工会", kind_code="system")
    client = client_for(office_user)
    url = reverse("competition:unit_list")
    assert names(client.get(url, {"q": "相山"})) == ["相山区总工会"]
    system = client.get(url, {"kind": factories.UnitKind.objects.get(code="system").pk})
    assert names(system) == ["市教育工会"]
    assert "没有符合条件的单位。" in client.get(url, {"q": "无此单位"}).content.decode()
    assert len(names(client.get(url, {"kind": "not-a-number"}))) == 3  # ignored, not a 500


# Activities --------------------------------------------------------------------------------


def test_activities_by_type_project_unit_and_dates(client_for, office_user, unit_a, unit_b, year):
    ActivityFactory(unit=unit_a, title="春季培训", activity_type="skills", nine_project=4,
                    date=datetime.date(2019, 3, 10))  # fmt: skip
    ActivityFactory(unit=unit_a, title="夏季义诊", activity_type="health", nine_project=6,
                    date=datetime.date(2019, 7, 1))  # fmt: skip
    ActivityFactory(unit=unit_b, title="濉溪培训", activity_type="skills", nine_project=4,
                    date=datetime.date(2019, 5, 5))  # fmt: skip
    client = client_for(office_user)
    url = reverse("volunteers:activity_list")
    assert names(client.get(url, {"type": "skills"}), "title") == ["春季培训", "濉溪培训"]
    assert names(client.get(url, {"project": "6"}), "title") == ["夏季义诊"]
    assert names(client.get(url, {"unit": unit_b.pk}), "title") == ["濉溪培训"]
    spring = client.get(url, {"date_from": "2019-03-01", "date_to": "2019-05-31"})
    assert names(spring, "title") == ["春季培训", "濉溪培训"]
    assert names(client.get(url, {"q": "义诊", "type": "skills"}), "title") == []


def test_unit_staff_have_no_unit_filter_and_see_their_own_only(client_for, staff_a, unit_a, unit_b):
    ActivityFactory(unit=unit_a, title="本单位")
    ActivityFactory(unit=unit_b, title="别的单位")
    response = client_for(staff_a).get(reverse("volunteers:activity_list"), {"unit": unit_b.pk})
    assert "unit" not in response.context["form"].fields
    assert names(response, "title") == ["本单位"]


def test_the_activity_list_is_cards_on_a_phone_and_a_table_from_md(client_for, office_user):
    ActivityFactory(title="入户走访")
    body = client_for(office_user).get(reverse("volunteers:activity_list")).content.decode()
    assert '<div class="d-md-none">' in body and "portal-activity-card" in body
    assert 'class="table-responsive d-none d-md-block"' in body


# Reports and the review queue --------------------------------------------------------------


def test_reports_by_unit_name_for_the_office(
    client_for, office_user, staff_a, unit_a, unit_b, year
):
    make_report(unit_a, period(year, 1), actor=staff_a)
    make_report(unit_b, period(year, 1))
    client = client_for(office_user)
    url = reverse("reports:report_list")
    found = client.get(url, {"q": "濉溪"})
    assert [r.unit.name for r in found.context["page"]] == ["濉溪县总工会"]
    body = client.get(url).content.decode()
    assert '<h1 class="h3 mb-3">各单位季度报告</h1>' in body
    assert "相山区总工会</small>" not in body  # not headed by one unit's name


def test_unit_staff_reports_are_headed_by_their_unit(client_for, staff_a, unit_a, year):
    make_report(unit_a, period(year, 1), actor=staff_a)
    response = client_for(staff_a).get(reverse("reports:report_list"))
    assert "q" not in response.context["form"].fields
    assert '季度报告 <small class="text-muted fs-6">相山区总工会</small>' in (
        response.content.decode()
    )


def test_the_review_queue_says_it_lists_submitted_reports(
    client_for, office_user, staff_a, unit_a, unit_b, year
):
    make_report(unit_a, period(year, 1), status=ReportStatus.SUBMITTED, actor=staff_a)
    make_report(unit_b, period(year, 1))  # a draft
    client = client_for(office_user)
    url = reverse("reports:review_queue")
    first = client.get(url)
    assert selected(first.content.decode(), "status") == "已提交"
    assert [r["unit__name"] for r in first.context["page"]] == ["相山区总工会"]
    every = client.get(url, {"status": "all"})
    assert selected(every.content.decode(), "status") == "全部状态"
    assert sorted(r["unit__name"] for r in every.context["page"]) == [
        "濉溪县总工会",
        "相山区总工会",
    ]
    by_name = client.get(url, {"status": "all", "q": "濉溪"})
    assert [r["unit__name"] for r in by_name.context["page"]] == ["濉溪县总工会"]
    paged = client.get(url, {"page": "1"})  # other parameters alone: still 已提交
    assert selected(paged.content.decode(), "status") == "已提交"


def test_list_query_counts_do_not_grow(
    client_for, office_user, staff_a, unit_a, year, django_assert_max_num_queries
):
    client = client_for(office_user)
    lists = [
        (reverse("reports:report_list"), {"q": "区", "status": "draft"}),
        (reverse("reports:review_queue"), {"q": "区", "status": "all"}),
        (reverse("competition:unit_list"), {"q": "区"}),
        (reverse("awards:nomination_list"), {"q": "区", "status": "eligible", "year": "2019"}),
    ]
    for number in range(1, 4):
        unit = factories.UnitFactory(name=f"第{number}区总工会")
        make_report(unit, period(year, number))
        af.nomination(unit, year)
    counts = {}
    for url, data in lists:
        with django_assert_max_num_queries(25) as captured:
            client.get(url, data)
        counts[url] = len(captured)
    for number in range(4, 12):
        unit = factories.UnitFactory(name=f"第{number}区总工会")
        make_report(unit, period(year, 1 + number % 4))
        af.nomination(unit, year)
    for url, data in lists:
        with django_assert_max_num_queries(counts[url]):
            client.get(url, data)


# Nominations -------------------------------------------------------------------------------


def test_nominations_by_category_status_and_name(client_for, office_user, unit_a, unit_b, year):
    af.nomination(unit_a, year)
    af.nomination(unit_b, year, category="individual", person_name="李先锋")
    af.nomination(unit_b, year, category="individual", person_name="王先锋",
                  has_disciplinary_record=True)  # fmt: skip
    client = client_for(office_user)
    url = reverse("awards:nomination_list")

    def recipients(data):
        response = client.get(url, {"year": "2019", **data})
        return sorted(n.recipient for n, _verdict in response.context["rows"])

    assert recipients({"category": "individual"}) == ["李先锋", "王先锋"]
    assert recipients({"status": "ineligible"}) == ["王先锋"]
    assert recipients({"status": "eligible", "category": "individual"}) == ["李先锋"]
    assert recipients({"q": "相山"}) == ["相山区总工会"]
    body = client.get(url, {"year": "2019", "status": "incomplete"}).content.decode()
    assert "没有符合条件的申报。" in body
    assert 'type="hidden" name="year" value="2019"' in body  # the year is kept


def test_the_report_list_is_cards_on_a_phone_and_a_table_from_md(client_for, staff_a, unit_a, year):
    report = make_report(unit_a, period(year, 1), actor=staff_a)
    body = client_for(staff_a).get(reverse("reports:report_list")).content.decode()
    card = body[body.index('<div class="d-md-none">') : body.index("d-none d-md-block")]
    assert f'href="{reverse("reports:report_detail", args=[report.pk])}"' in card
    assert "portal-report-card" in card and "草稿" in card


# Spot checks -------------------------------------------------------------------------------


def _spot_checks(office_user, year, unit_a, unit_b):
    from competition import services

    draw = services.spot_check_draw_run(actor=office_user, year=year, count=1, seed=7)
    record = {"actor": office_user, "year": year, "inspectors": "许文华", "findings": "台账齐全。"}
    services.spot_check_record(unit=unit_a, date=datetime.date(2019, 4, 2), rating="good",
                               **record)  # fmt: skip
    services.spot_check_record(unit=unit_a, date=datetime.date(2019, 9, 20), rating="poor",
                               **record)  # fmt: skip
    services.spot_check_record(unit=unit_b, date=datetime.date(2019, 6, 15), rating="good",
                               draw=draw, **record)  # fmt: skip


def dates(response):
    return [c.date.isoformat() for c in response.context["page"]]


def test_spot_checks_by_unit_rating_source_and_dates(client_for, office_user, unit_a, unit_b, year):
    _spot_checks(office_user, year, unit_a, unit_b)
    client = client_for(office_user)
    url = reverse("competition:spot_check_list")
    assert dates(client.get(url, {"year": 2019})) == ["2019-09-20", "2019-06-15", "2019-04-02"]
    assert dates(client.get(url, {"year": 2019, "q": "濉溪"})) == ["2019-06-15"]
    assert dates(client.get(url, {"year": 2019, "rating": "good"})) == ["2019-06-15", "2019-04-02"]
    assert dates(client.get(url, {"year": 2019, "source": "draw"})) == ["2019-06-15"]
    assert dates(client.get(url, {"year": 2019, "source": "direct"})) == [
        "2019-09-20",
        "2019-04-02",
    ]
    spring = client.get(url, {"year": 2019, "date_from": "2019-04-01", "date_to": "2019-06-30"})
    assert dates(spring) == ["2019-06-15", "2019-04-02"]
    body = client.get(url, {"year": 2019, "q": "无此单位"}).content.decode()
    assert "没有符合条件的抽查记录。" in body
    # The year stays with the filters (a hidden field), and a bad value is ignored.
    assert '<input type="hidden" name="year" value="2019"' in body
    assert len(dates(client.get(url, {"year": 2019, "date_from": "not-a-date"}))) == 3
    # Another year's list holds none of them.
    factories.competition_year(2020)
    assert dates(client.get(url, {"year": 2020, "rating": "good"})) == []


def test_a_units_staff_filter_their_own_spot_checks(
    client_for, office_user, staff_a, unit_a, unit_b, year
):
    _spot_checks(office_user, year, unit_a, unit_b)
    url = reverse("competition:spot_check_list")
    response = client_for(staff_a).get(url, {"year": 2019, "rating": "good"})
    assert dates(response) == ["2019-04-02"]


def test_the_spot_check_list_is_paged_at_a_constant_query_count(
    client_for, office_user, unit_a, unit_b, year, django_assert_max_num_queries
):
    from competition import services

    client = client_for(office_user)
    url = reverse("competition:spot_check_list")
    record = {"actor": office_user, "year": year, "inspectors": "许文华", "findings": "台账。"}

    def add(n):
        for day in range(n):
            services.spot_check_record(unit=unit_a, date=datetime.date(2019, 5, 1 + day % 28),
                                       rating="fair", **record)  # fmt: skip

    add(2)
    with django_assert_max_num_queries(14) as few:
        client.get(url, {"year": 2019, "rating": "fair"})
    add(53)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, {"year": 2019, "rating": "fair"})
    page = response.context["page"]
    assert (len(page.object_list), page.paginator.count, page.paginator.num_pages) == (50, 55, 2)
    second = client.get(url, {"year": 2019, "rating": "fair", "page": 2}).context["page"]
    assert len(second.object_list) == 5
