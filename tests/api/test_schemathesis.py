"""schemathesis against the generated schema, in process (WSGI, no network): for every
operation a bounded number of generated requests with a valid token, each answer no 5xx and
conforming to the schema (status, content type, body).

The schema is the one /api/schema/ serves, generated here at collection (drf-spectacular's
generator, no request, no database); each request goes to the WSGI application."""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import publish
from tests.awards import factories as af

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
APP = get_wsgi_application()


def generated_schema() -> dict:
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


schema = schemathesis.openapi.from_dict(generated_schema())


@pytest.fixture
def _connection_kept():
    """The WSGI application closes the database connection after each request when its state
    differs from the settings' (a test's transaction); Django's test client stops that the
    same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_secret(db, decided_run, admin_user, year, make_token, settings, _connection_kept):
    """Every endpoint has rows to answer with: 2019's results and 表彰决定 are published,
    with decisions and recommendations; the token reads everything, unthrottled for the run."""
    publish(admin_user, year)
    af.published(decided_run, admin=admin_user)
    settings.API_THROTTLE_RATE = "100000/min"
    cache.clear()
    _token, secret = make_token(all_years=True)
    return secret


def test_schema_covers_every_endpoint():
    paths = set(generated_schema()["paths"])
    assert len(paths) == 13
    assert "/api/v1/recommendations/" in paths


@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, api_secret):
    case.call_and_validate(
        app=APP, headers={"Authorization": f"Bearer {api_secret}"}, checks=CHECKS
    )
