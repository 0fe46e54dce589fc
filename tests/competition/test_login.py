import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_with_right_password_lands_on_dashboard(client, staff_a):
    response = _login(client, "staff_a", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_wrong_password_error_is_chinese(client, staff_a):
    response = _login(client, "staff_a", "nope")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_axes_locks_account_after_repeated_failures(client, staff_a, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "staff_a", "nope")
    response = _login(client, "staff_a", PASSWORD)
    assert response.status_code == 429
    body = response.content.decode()
    assert "登录失败次数过多" in body
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    assert f"连续 {settings.AXES_FAILURE_LIMIT} 次密码错误。请 {minutes} 分钟后再试" in body
    assert "_auth_user_id" not in client.session


def test_axes_lock_is_per_username(client, staff_a, staff_b, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "staff_a", "nope")
    response = _login(client, "staff_b", PASSWORD)
    assert response.status_code == 302


def test_axes_cooloff_is_set():
    from django.conf import settings

    assert settings.AXES_COOLOFF_TIME is not None
