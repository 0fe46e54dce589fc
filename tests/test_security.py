"""Every state change is POST with CSRF; uploaded files are never served inline or as HTML;
every page carries a Content-Security-Policy that needs no inline script.

Walks the POST cases of the permission matrix (tests/<app>/matrix.py), so a new view that
changes state is checked as soon as it has its matrix case. `check --deploy` is in
tests/test_deploy.py.
"""

import base64
import hashlib
from html.parser import HTMLParser

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from common.uploads import file_response
from reports.models import ReportAttachment
from tests.matrix import ROLES, World
from tests.reports.factories import make_report, period
from tests.snapshot import changes, snapshot
from tests.test_permission_matrix import _cases
from tests.volunteers.factories import ActivityFactory

BACKEND = "common.auth.PortalModelBackend"


@pytest.fixture
def world(db, unit_a, unit_b, staff_a, staff_b, office_user, admin_user, year):
    return World(unit_a, unit_b, staff_a, staff_b, office_user, admin_user, year)


def _post_cases(world):
    return [case for case in _cases(world) if case.method == "post"]


def _allowed_role(case) -> str:
    """A role whose POST succeeds (302), else one that reaches the view (not 404)."""
    for wanted in ({302}, {200, 403}):
        for role in ROLES:
            if case.expected(role) & wanted:
                return role
    return "admin"


def test_there_are_post_cases_to_walk(world):
    names = {case.url_name for case in _post_cases(world)}
    assert {"reports:report_review", "volunteers:photo_upload", "competition:sheet_edit"} <= names


def test_state_changing_urls_refuse_get_or_change_nothing(world, client_for):
    failures = []
    for case in _post_cases(world):
        role = _allowed_role(case)
        client = client_for(getattr(world, role))
        url = reverse(case.url_name, kwargs=case.kwargs(world))
        before = snapshot()
        response = client.get(url)
        changed = changes(before, snapshot())
        if response.status_code != 405 and changed:
            failures.append(f"GET {url} as {role}: {response.status_code}, changed {changed}")
    assert not failures, "\n".join(failures)


def test_state_changing_urls_require_csrf(world):
    failures = []
    for case in _post_cases(world):
        role = _allowed_role(case)
        client = Client(enforce_csrf_checks=True)
        client.force_login(getattr(world, role), backend=BACKEND)
        kwargs = case.kwargs(world)
        url = reverse(case.url_name, kwargs=kwargs)
        data = case.data(world, kwargs) if case.data else {}
        before = snapshot()
        response = client.post(url, data)
        changed = changes(before, snapshot())
        if response.status_code != 403 or changed:
            failures.append(
                f"POST {url} as {role} without CSRF token: {response.status_code}, changed {changed}"
            )
    assert not failures, "\n".join(failures)


def test_a_post_with_the_token_is_accepted(world):
    """The CSRF test above is meaningful: the same request with the token goes through."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.staff_a, backend=BACKEND)
    client.get(reverse("reports:report_list"))  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    url = reverse("reports:report_start", kwargs={"period_pk": period(world.year, 1).pk})
    response = client.post(url, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert world.unit_a.reports.count() == 1


# Downloads -------------------------------------------------------------------------------


def _is_download(response) -> bool:
    content_type = response.get("Content-Type", "")
    return response.status_code == 200 and not content_type.startswith("text/html")


def test_every_download_is_an_attachment_never_sniffed(world, client_for):
    """Every GET of the matrix that answers something other than a page is a download."""
    seen, failures = set(), []
    for case in _cases(world):
        if case.method != "get":
            continue
        for role in ("admin", "office", "staff_a"):
            if 200 not in case.expected(role):
                continue
            client = client_for(getattr(world, role))
            url = reverse(case.url_name, kwargs=case.kwargs(world))
            response = client.get(url)
            if not _is_download(response):
                continue
            seen.add(case.url_name)
            disposition = response.get("Content-Disposition", "")
            if not disposition.startswith("attachment"):
                failures.append(f"{url}: Content-Disposition {disposition!r}")
            if response.get("X-Content-Type-Options") != "nosniff":
                failures.append(f"{url}: no X-Content-Type-Options: nosniff")
            break
    assert not failures, "\n".join(failures)
    # The walk did meet the views that hand out uploaded files.
    assert {
        "reports:attachment_download",
        "volunteers:photo_download",
        "competition:spot_check_photo",
    } <= seen, sorted(seen)


@pytest.mark.parametrize(
    "name",
    ["报告.html", "报告.htm", "图.svg", "页.xhtml", "x.xml", "x.js", "a.png.html", "无扩展名"],
)
def test_a_stored_file_with_a_dangerous_name_is_not_served_as_markup(name, world):
    """Even if a name such as 'a.html' reached the database, the browser gets no markup type."""
    report = make_report(world.unit_a, period(world.year, 1), actor=world.staff_a)
    attachment = ReportAttachment(report=report, original_name=name, size=10)
    attachment.file.save("x.bin", ContentFile(b"<script>alert(1)</script>"), save=True)
    response = file_response(attachment.file, attachment.original_name)
    content_type = response["Content-Type"]
    assert "html" not in content_type and "svg" not in content_type and "xml" not in content_type
    assert "javascript" not in content_type
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_attachment_download_of_a_real_upload(world, client_for):
    report = make_report(world.unit_a, period(world.year, 1), actor=world.staff_a)
    attachment = ReportAttachment(report=report, original_name="台账.pdf", size=9)
    attachment.file.save("x.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    response = client_for(world.office).get(
        reverse("reports:attachment_download", kwargs={"pk": attachment.pk})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "%E5%8F%B0%E8%B4%A6.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n"


# Content-Security-Policy (issue 17, finding 11) -------------------------------------------


class _InlineFinder(HTMLParser):
    """Collects what a policy without 'unsafe-inline' would block: inline scripts (a script
    without src that is not a JSON data block), event-handler and style attributes."""

    def __init__(self):
        super().__init__()
        self.scripts, self.attributes = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and attrs.get("type") != "application/json":
            self.scripts.append(self.getpos())
        for name, value in attrs.items():
            if name.startswith("on") or name == "style":
                self.attributes.append((tag, name, value or ""))


def _inline(response) -> _InlineFinder:
    finder = _InlineFinder()
    finder.feed(response.content.decode())
    return finder


def _directives(response) -> dict:
    header = response.get("Content-Security-Policy", "")
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_every_page_has_a_policy_without_inline_script_and_none_is_needed(world, client_for):
    seen, failures = 0, []
    pages = [(None, reverse("login"))]
    for case in _cases(world):
        if case.method != "get":
            continue
        for role in ("admin", "office", "staff_a"):
            if 200 in case.expected(role):
                pages.append((role, reverse(case.url_name, kwargs=case.kwargs(world))))
                break
    for role, url in pages:
        client = client_for(getattr(world, role)) if role else Client()
        response = client.get(url)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        seen += 1
        directives = _directives(response)
        if directives.get("script-src") != ["'self'"] or directives.get("style-src") != ["'self'"]:
            failures.append(f"{url}: policy {response.get('Content-Security-Policy')!r}")
        found = _inline(response)
        if found.scripts or found.attributes:
            failures.append(f"{url}: inline {found.scripts} {found.attributes}")
    assert seen > 40
    assert not failures, "\n".join(failures)


def test_the_policy_refuses_other_origins_objects_and_framing(client):
    directives = _directives(client.get(reverse("login")))
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert "'unsafe-inline'" not in str(directives) and "'unsafe-eval'" not in str(directives)
    assert "'unsafe-hashes'" not in str(directives)  # the admin's exception stays there


def test_a_download_keeps_its_own_stricter_policy(world, client_for):
    report = make_report(world.unit_a, period(world.year, 1), actor=world.staff_a)
    attachment = ReportAttachment(report=report, original_name="台账.pdf", size=9)
    attachment.file.save("x.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    url = reverse("reports:attachment_download", kwargs={"pk": attachment.pk})
    response = client_for(world.office).get(url)
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def _admin_pages(world):
    from django.contrib import admin

    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        names = ["changelist", "add", "export", "import"]
        yield from ((f"admin:{info[0]}_{info[1]}_{name}", {}) for name in names)
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            for name in ("change", "history"):
                yield f"admin:{info[0]}_{info[1]}_{name}", {"object_id": obj.pk}


def test_the_admin_loads_under_the_policy_with_only_hashed_inline_attributes(
    world, client_for, settings
):
    """The Django admin's pages load; what inline code they carry is allowed by its exact
    hash (CSP_ADMIN_UPDATE), on /admin/ only."""
    from django.urls import NoReverseMatch

    ActivityFactory(unit=world.unit_a)
    client = client_for(world.admin)
    allowed = {
        value.strip("'").removeprefix("sha256-")
        for values in settings.CSP_ADMIN_UPDATE.values()
        for value in values
    }
    loaded, hashed, failures = set(), set(), []
    for name, kwargs in [("admin:index", {}), *_admin_pages(world)]:
        try:
            url = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
        response = client.get(url)
        if response.status_code in (302, 403):  # not this admin's job (read-only, no add)
            continue
        if response.status_code != 200:
            failures.append(f"{url}: {response.status_code}")
            continue
        loaded.add(name.rsplit("_", 1)[-1].removeprefix("admin:"))
        directives = _directives(response)
        assert directives["script-src"][0] == "'self'", url
        found = _inline(response)
        if found.scripts:
            failures.append(f"{url}: inline scripts at {found.scripts}")
        for tag, attribute, value in found.attributes:
            digest = base64.b64encode(hashlib.sha256(value.encode()).digest()).decode()
            if digest not in allowed:
                failures.append(f"{url}: <{tag} {attribute}={value!r}> not allowed by hash")
            hashed.add(value)
    assert not failures, "\n".join(failures)
    assert "onSelectToggleChange(event)" in hashed  # the hashes were met, and match
    assert {"index", "changelist", "add", "change", "history", "export", "import"} <= loaded
