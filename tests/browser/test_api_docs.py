"""The API's documentation page (Swagger UI) in a real browser: drawn from the portal's own
static files (no CDN: the site is on an intranet), under the portal's policy."""

import pytest

from tests.browser.test_csp import violations, watched  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_page_draws_from_our_files_only(watched, live_server):  # noqa: F811
    requested = []
    watched.on("request", lambda request: requested.append(request.url))
    response = watched.goto("/api/docs/")
    assert response.status == 200
    watched.wait_for_load_state("networkidle")
    watched.get_by_text("推荐参加省级评选名单").first.wait_for()
    assert watched.get_by_text("淮北市脱贫攻坚劳动竞赛数据接口").first.is_visible()
    outside = [url for url in requested if not url.startswith(live_server.url)]
    assert outside == [], outside
    assert any("/static/drf_spectacular_sidecar/" in url for url in requested)
    assert violations(watched) == [], violations(watched)


def test_admin_creates_a_token_and_the_province_reads_with_it(watched, login):  # noqa: F811
    from tests import factories
    from tests.factories import PASSWORD

    factories.competition_year(2019)
    factories.user_with_role("admin", username="boss")
    page = login("boss", PASSWORD)
    page.get_by_role("link", name="接口令牌").click()
    page.get_by_role("link", name="创建令牌").click()
    page.fill("input[name=name]", "安徽省总工会评选系统")
    page.get_by_label("推荐参加省级评选名单").check()
    page.get_by_label("2019").check()
    page.get_by_role("button", name="创建令牌").click()
    page.get_by_text("这是该令牌唯一一次显示").wait_for()
    secret = page.input_value("#secret")
    assert secret.startswith("hbapi_")
    answer = page.request.get(
        "/api/v1/recommendations/?year=2019", headers={"Authorization": f"Bearer {secret}"}
    )
    assert answer.status == 200
    assert answer.json()["results"] == []
    refused = page.request.get("/api/v1/units/", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status == 403
    assert refused.json()["detail"] == "该令牌无权访问此接口。"
    page.get_by_role("link", name="查看令牌").click()
    page.get_by_text("/api/v1/units/").wait_for()  # the record of use: the last request
    assert secret not in page.content()
    assert violations(page) == []
