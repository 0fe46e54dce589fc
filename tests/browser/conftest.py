"""Browser tests: Playwright driving Debian's chromium (never a downloaded browser).

The live server runs in a thread of this process; Playwright's sync API keeps an event loop
in the main thread, so Django's async-safety check is relaxed for these tests only.
Each failing test leaves a screenshot under test-artifacts/.
"""

import os
from pathlib import Path

import pytest

from tests.conftest import need

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
# Waits for a page, a click or a locator: generous, since `make test` runs another test
# process beside the browser's on a machine of two cores.
TIMEOUT_MS = 30_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    need(os.path.exists(CHROMIUM), "needs Debian's chromium: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request, live_server, reference_data):
    # reference_data: an earlier transactional test's flush removed unit kinds, projects...
    context = browser.new_context(locale="zh-CN", accept_downloads=True, base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def login(page):
    """`login(username, password)`: log in through the real form."""

    def do(username, password):
        page.goto("/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    return do


def open_navbar(page) -> None:
    """On a phone, open the collapsed navigation bar and wait until it has opened: Bootstrap
    slides it down (class `collapsing`), and a link clicked while it moves may be missed."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        page.locator(".navbar-collapse.show").wait_for()


def menu(page, heading: str, item: str) -> None:
    """Open a navigation-bar dropdown and follow one of its links, as a person would (on a
    phone, the collapsed navigation bar's toggler first)."""
    open_navbar(page)
    page.get_by_role("navigation").get_by_role("button", name=heading).click()
    with page.expect_navigation():
        page.locator(".dropdown-menu.show").get_by_role("link", name=item, exact=True).click()
