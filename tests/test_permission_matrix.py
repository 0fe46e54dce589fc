"""Walks every URL of the project for every role (see tests/matrix.py)."""

from importlib import import_module

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from competition import services
from tests import factories
from tests.matrix import CONFLICTED, PARENT, ROLES, World

APPS = ("competition", "reports", "volunteers", "awards", "common", "api")
# URLs that are not ours to police here: Django admin (has its own login), auth and i18n views.
UNCHECKED = {"login", "logout", "set_language"}
UNCHECKED_NAMESPACES = {"admin"}


def _named_urls(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns in UNCHECKED_NAMESPACES:
                continue
            yield from _named_urls(entry, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}{entry.name}"
            if name not in UNCHECKED:
                yield name


def _cases(world):
    cases = []
    for app in APPS:
        name = f"tests.{app}.matrix"
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if not name.startswith(exc.name or "-"):
                raise
            continue
        cases.extend(module.cases(world))
    return cases


@pytest.fixture
def world(db, unit_a, unit_b, staff_a, staff_b, office_user, admin_user, year):
    office_own = factories.user_with_role("office", unit=unit_a, username="office_own")
    office_declared = factories.user_with_role("office", username="office_declared")
    services.conflict_declare(actor=office_declared, unit=unit_a, reason="亲属任职")
    parent = factories.UnitFactory(name="上级总工会", kind_code="county")
    unit_a.parent = parent
    unit_a.save(update_fields=["parent"])
    staff_parent = factories.user_with_role("unit_staff", unit=parent, username="staff_parent")
    return World(
        unit_a,
        unit_b,
        staff_a,
        staff_b,
        office_user,
        admin_user,
        year,
        office_own=office_own,
        office_declared=office_declared,
        staff_parent=staff_parent,
    )


def test_every_url_has_a_matrix_case(world):
    covered = {case.url_name for case in _cases(world)}
    missing = sorted(set(_named_urls()) - covered)
    assert not missing, f"URLs without a permission-matrix case in tests/<app>/matrix.py: {missing}"


def _request(client, case, world):
    kwargs = case.kwargs(world)
    url = reverse(case.url_name, kwargs=kwargs)
    if case.method == "post":
        data = case.data(world, kwargs) if case.data else {}
        return url, client.post(url, data)
    return url, client.get(url)


@pytest.mark.parametrize("role", ROLES + CONFLICTED + PARENT)
def test_matrix_role(role, world, client_for):
    client = client_for(getattr(world, role))
    failures = []
    for case in _cases(world):
        url, response = _request(client, case, world)
        if response.status_code not in case.expected(role):
            failures.append(
                f"{case.method.upper()} {url} ({case.url_name} {case.label}) as {role}: "
                f"{response.status_code}, expected {sorted(case.expected(role))}"
            )
    assert not failures, "\n".join(failures)


def test_matrix_anonymous_goes_to_login(world, client_for):
    client = client_for(None)
    failures = []
    for case in _cases(world):
        url, response = _request(client, case, world)
        if case.anonymous is not None:
            if response.status_code != case.anonymous:
                failures.append(f"{case.method.upper()} {url} as anonymous: {response.status_code}")
            continue
        if response.status_code != 302 or not response["Location"].startswith(reverse("login")):
            failures.append(f"{case.method.upper()} {url} as anonymous: {response.status_code}")
    assert not failures, "\n".join(failures)
