"""The Content-Security-Policy in a real browser (issue 17, finding 11): no page of the
portal or of the Django admin trips it, and what used inline script still works."""

import pytest

from tests import factories
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIOLATIONS = """() => {
  window.__cspViolations = window.__cspViolations || [];
  document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || event.sample));
  });
}"""


@pytest.fixture
def watched(page):
    """The page, with every policy violation and console error collected."""
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.add_init_script(f"({VIOLATIONS})()")
    page.csp_errors = errors
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []") + [
        text for text in page.csp_errors if "Content Security Policy" in text
    ]


def test_portal_and_admin_pages_trip_no_policy(watched, login):
    year = factories.competition_year(2019)
    factories.user_with_role("admin", username="boss", is_staff=True, is_superuser=True)
    page = login("boss", PASSWORD)
    pages = [
        "/",
        f"/reports/dashboard/?period={year.periods.first().pk}",
        "/volunteers/quota/?year=2019",
        "/admin/",
        "/admin/volunteers/modelworker/",
        "/admin/volunteers/modelworker/export/",
        "/admin/django_celery_beat/periodictask/add/",
    ]
    for path in pages:
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        assert violations(page) == [], path
    # The charts were drawn (Chart.js from a static file, its data from json_script).
    page.goto("/volunteers/quota/?year=2019")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.querySelector('#quota-chart').width") > 0


def test_the_language_switch_works_without_inline_script(watched, login):
    factories.user_with_role("office", username="office1")
    page = login("office1", PASSWORD)
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert violations(page) == []


def test_the_admin_export_select_all_toggle_works(watched, login):
    factories.user_with_role("admin", username="boss", is_staff=True, is_superuser=True)
    page = login("boss", PASSWORD)
    page.goto("/admin/volunteers/modelworker/export/")
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]')
    assert fields.count() > 1
    page.locator("input.select-toggle").uncheck()
    assert all(not box.is_checked() for box in fields.all())
    page.locator("input.select-toggle").check()
    assert all(box.is_checked() for box in fields.all())
    assert violations(page) == []
