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
