import pytest

from tests import factories
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_logs_in_and_sees_own_unit_in_chinese(page, login):
    factories.competition_year(2019)
    unit = factories.UnitFactory(name="相山区总工会", kind_code="county")
    factories.user_with_role("unit_staff", unit=unit, username="xiangshan")

    page.goto("/")
    assert "/accounts/login/" in page.url
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    login("xiangshan", PASSWORD)
    assert page.locator("h1").first.inner_text() == "工作台"
    assert "相山区总工会" in page.content()


def test_wrong_password_shows_chinese_error(page, login):
    factories.user_with_role("office", username="office1")
    login("office1", "wrong-password")
    assert "/accounts/login/" in page.url
    assert "请输入一个正确的" in page.content()
