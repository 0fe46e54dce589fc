import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_and_public(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "淮北市脱贫攻坚劳动竞赛管理平台" in body
    assert 'lang="zh-hans"' in body
    assert "0561-3021532" in body


def test_language_switch_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    body = client.get(reverse("login")).content.decode()
    assert 'lang="en"' in body
    assert "Log in" in body


@pytest.mark.parametrize("name", ["home", "competition:unit_list", "admin:index"])
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_anonymous_unit_detail_sent_to_login(client, unit_a):
    response = client.get(reverse("competition:unit_detail", args=[unit_a.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_staff_home_shows_own_unit_quota_and_period(client_for, staff_a, unit_a, year):
    body = client_for(staff_a).get(reverse("home")).content.decode()
    assert "相山区总工会" in body
    assert "至少 3 项" in body
    assert "报送截止日" in body


def test_office_home_lists_all_units(client_for, office_user, unit_a, unit_b, year):
    body = client_for(office_user).get(reverse("home")).content.decode()
    assert "相山区总工会" in body and "濉溪县总工会" in body


def test_staff_sees_only_own_unit_in_list(client_for, staff_a, unit_a, unit_b):
    response = client_for(staff_a).get(reverse("competition:unit_list"))
    units = list(response.context["page"])
    assert units == [unit_a]


def test_staff_foreign_unit_detail_is_404(client_for, staff_a, unit_b):
    response = client_for(staff_a).get(reverse("competition:unit_detail", args=[unit_b.pk]))
    assert response.status_code == 404


def test_staff_own_unit_detail_ok(client_for, staff_a, unit_a):
    response = client_for(staff_a).get(reverse("competition:unit_detail", args=[unit_a.pk]))
    assert response.status_code == 200
    assert response.context["unit"] == unit_a


def test_office_sees_any_unit_detail(client_for, office_user, unit_b):
    response = client_for(office_user).get(reverse("competition:unit_detail", args=[unit_b.pk]))
    assert response.status_code == 200


def test_staff_cannot_open_django_admin(client_for, staff_a):
    response = client_for(staff_a).get(reverse("admin:index"))
    assert response.status_code == 302


def test_admin_opens_django_admin(client_for, admin_user):
    assert client_for(admin_user).get(reverse("admin:index")).status_code == 200


def test_unit_list_query_count_does_not_grow(
    client_for, office_user, django_assert_max_num_queries
):
    from tests.factories import UnitFactory

    client = client_for(office_user)
    UnitFactory.create_batch(5)
    with django_assert_max_num_queries(8):
        client.get(reverse("competition:unit_list"))
    UnitFactory.create_batch(60)
    with django_assert_max_num_queries(8):
        client.get(reverse("competition:unit_list"))


def test_english_browser_still_gets_chinese_until_switched(client):
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in body
    assert "登录" in body


def test_office_home_overview_shows_ten_units_and_links_to_all(client_for, office_user):
    from django.utils import timezone

    from competition.selectors import current_year, units_taking_part, with_quota
    from tests.factories import UnitFactory, competition_year, unit_quota

    year = competition_year(timezone.localdate().year)
    UnitFactory.create_batch(15)
    # One unit of the first ten with a quota of its own, the others their kind's.
    unit_quota(units_taking_part().order_by("kind__order", "name")[3], year, 7)
    total = units_taking_part().count()
    response = client_for(office_user).get(reverse("home"))
    overview = next(p for p in response.context["panels"] if "overview" in p.template)
    assert len(overview.context["units"]) == 10
    assert overview.context["unit_count"] == total
    first = units_taking_part().order_by("kind__order", "name").values_list("pk", flat=True)[:10]
    assert [unit.pk for unit in overview.context["units"]] == list(first)
    # Each row's quota is the year's, as the unit list shows it.
    assert current_year() == year
    quotas = dict(with_quota(units_taking_part(), year).values_list("pk", "effective_quota"))
    assert {u.pk: u.effective_quota for u in overview.context["units"]} == {
        pk: quotas[pk] for pk in first
    }
    assert 7 in quotas.values() and len(set(quotas[pk] for pk in first)) > 1
    body = response.content.decode()
    assert f"查看全部 {total} 个单位" in body
    assert reverse("competition:unit_list") in body
