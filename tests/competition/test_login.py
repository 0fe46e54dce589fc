import datetime

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

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


# Guesses spread over many addresses (issue 17, finding 10) -------------------------------


def _login_from(client, address, username, password):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_guesses_spread_over_addresses_lock_the_username(client, staff_a, settings):
    """80 guesses over 20 addresses (4 each, under the per-address limit) went unthrottled."""
    limit = settings.LOGIN_USERNAME_FAILURE_LIMIT
    assert settings.AXES_FAILURE_LIMIT < limit <= 20
    statuses = [
        _login_from(client, f"10.0.{n % 20}.1", "staff_a", "nope").status_code for n in range(80)
    ]
    assert statuses[: limit - 1] == [200] * (limit - 1)  # wrong password, form shown again
    assert set(statuses[limit - 1 :]) == {429}
    response = _login_from(client, "192.0.2.7", "staff_a", PASSWORD)
    assert response.status_code == 429
    body = response.content.decode()
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    assert f"该账号近期从各处登录共 {limit} 次密码错误" in body
    assert f"请 {minutes} 分钟后再试" in body
    assert "_auth_user_id" not in client.session


def test_fewer_guesses_than_the_username_limit_do_not_lock(client, staff_a, staff_b, settings):
    for n in range(settings.LOGIN_USERNAME_FAILURE_LIMIT - 1):
        _login_from(client, f"10.1.{n}.1", "staff_a", "nope")
    # Other users are not touched by staff_a's failures.
    assert _login_from(client, "10.1.200.1", "staff_b", "nope").status_code == 200
    assert _login_from(client, "192.0.2.8", "staff_a", PASSWORD).status_code == 302


def test_the_username_lock_cools_off(client, staff_a, settings):
    for n in range(settings.LOGIN_USERNAME_FAILURE_LIMIT):
        _login_from(client, f"10.2.{n}.1", "staff_a", "nope")
    assert _login_from(client, "192.0.2.9", "staff_a", PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    )
    assert _login_from(client, "192.0.2.9", "staff_a", PASSWORD).status_code == 302


def test_one_address_is_still_locked_at_the_lower_limit(client, staff_a, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login_from(client, "10.3.0.1", "staff_a", "nope")
    locked = _login_from(client, "10.3.0.1", "staff_a", PASSWORD)
    assert locked.status_code == 429
    assert f"连续 {settings.AXES_FAILURE_LIMIT} 次密码错误" in locked.content.decode()
    # Another address of the same user is not locked by this one's failures.
    assert _login_from(client, "10.3.0.2", "staff_a", PASSWORD).status_code == 302
