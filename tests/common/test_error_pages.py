"""The error pages answer in Chinese inside the site's layout (tests run with DEBUG=False)."""

import pytest
from django.test import Client
from django.urls import path, reverse

from config.urls import urlpatterns as project_urlpatterns

pytestmark = pytest.mark.django_db

LAYOUT = "脱贫攻坚劳动竞赛"  # the navbar's brand


def broken(request):
    raise RuntimeError("boom")


urlpatterns = [path("broken/", broken), *project_urlpatterns]
handler500 = "common.errors.server_error"


def test_debug_is_off_in_tests(settings):
    assert settings.DEBUG is False


def test_404_is_chinese_in_the_layout(client_for, staff_a):
    response = client_for(staff_a).get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body and LAYOUT in body and "返回首页" in body
    assert "Not Found" not in body


def test_missing_record_is_the_same_404(client_for, office_user):
    response = client_for(office_user).get(reverse("reports:report_detail", args=[999999]))
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_403_says_why_and_offers_the_way_back(client_for, staff_a):
    back = "http://testserver" + reverse("home")
    response = client_for(staff_a).get(reverse("reports:review_queue"), HTTP_REFERER=back)
    body = response.content.decode()
    assert response.status_code == 403
    assert "没有权限" in body and LAYOUT in body
    assert f'href="{back}"' in body
    assert "403 Forbidden" not in body


def test_403_ignores_a_foreign_referer(client_for, staff_a):
    response = client_for(staff_a).get(
        reverse("reports:review_queue"), HTTP_REFERER="https://evil.example/"
    )
    assert "evil.example" not in response.content.decode()


def test_400_for_a_foreign_host(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


def test_csrf_failure_is_explained(staff_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_a, backend="common.auth.PortalModelBackend")
    response = client.post(reverse("logout"))
    body = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期" in body and LAYOUT in body


def test_500_is_chinese_without_the_request(settings, staff_a):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    client.force_login(staff_a, backend="common.auth.PortalModelBackend")
    response = client.get("/broken/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "系统出错" in body and LAYOUT in body and "Server Error" not in body


def test_who_chose_english_reads_english(client_for, staff_a, settings):
    client = client_for(staff_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/no-such-page/")
    assert "Page not found" in response.content.decode()


def database_down(request):
    from django.db import OperationalError

    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')


urlpatterns.insert(0, path("database-down/", database_down))


def _assert_retry_later(response):
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "15"
    assert "稍后重试" in body and "数据库暂时无法连接" in body and LAYOUT in body
    assert "Server Error" not in body and "系统出错" not in body


def test_database_down_in_a_view_is_503_retry_later(settings, staff_a):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    client.force_login(staff_a, backend="common.auth.PortalModelBackend")
    _assert_retry_later(client.get("/database-down/"))


def test_database_down_before_the_view_is_503_too(settings, staff_a, monkeypatch):
    """The session is read by the login middleware, before any view: the database's
    InterfaceError there (a connection closed under it) answers the same page."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import InterfaceError

    client = Client(raise_request_exception=False)
    client.force_login(staff_a, backend="common.auth.PortalModelBackend")

    def closed(self, *args, **kwargs):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr(SessionStore, "load", closed)
    _assert_retry_later(client.get(reverse("home")))


def test_other_server_errors_stay_500(settings, staff_a):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    client.force_login(staff_a, backend="common.auth.PortalModelBackend")
    response = client.get("/broken/")
    assert response.status_code == 500 and "Retry-After" not in response
