"""Fixtures of the API tests: tokens made through the service, a client that sends them,
and a year with a published run, decisions and a provincial recommendation."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from api import services
from api.enums import Scope
from awards import selectors as awards_selectors
from awards import services as awards_services
from awards.models import NominationAttachment
from competition import services as competition_services
from tests.awards import factories as af
from tests.competition import factories as scoring


@pytest.fixture
def make_token(admin_user, year):
    """`make_token(scopes=..., years=..., all_years=..., days=...)` → (token, secret)."""

    def make(*, scopes=None, years=None, all_years=False, days=30, name="省总工会评选系统"):
        return services.api_token_create(
            actor=admin_user,
            name=name,
            scopes=list(Scope.values) if scopes is None else scopes,
            years=[year] if years is None and not all_years else (years or []),
            all_years=all_years,
            expires_at=timezone.now() + datetime.timedelta(days=days),
        )

    return make


@pytest.fixture
def secret(make_token):
    return make_token()[1]


@pytest.fixture
def api_get(client):
    """`api_get(name, secret, kwargs=None, **params)`: GET an API URL with the token."""

    def get(name, secret=None, kwargs=None, **params):
        headers = {"Authorization": f"Bearer {secret}"} if secret else {}
        return client.get(reverse(name, kwargs=kwargs), params, headers=headers)

    return get


def publish(admin_user, year):
    competition_services.results_publish(actor=admin_user, year=year)
    year.refresh_from_db()


@pytest.fixture
def decided_run(admin_user, unit_a, unit_b, year, reviewers):
    """2019's finished run: unit A's collective (奖状, recommended to the province, with an
    evidence file), unit B's individual (奖章, not recommended), unit A on the unit list
    (recommended, no city award yet decided: 奖状). Results not yet published."""
    collective = af.nomination(unit_a, year, entry=scoring.entry(unit_a, year, number=1))
    individual = af.nomination(
        unit_b,
        year,
        entry=scoring.entry(unit_b, year, number=6),
        category="individual",
        person_name="李先锋",
    )
    attachment = NominationAttachment(nomination=collective, original_name="帮扶台账.pdf")
    attachment.file.save("a.pdf", ContentFile(b"%PDF-1.4\n%\xe2\xe3\n"), save=True)
    for nomination, points in ((collective, 22), (individual, 20)):
        scoring.sheet(nomination.entry, reviewers[0], points, points, points, points)
        af.accepted_application(nomination.unit, year)
    run = awards_services.evaluation_run_build(
        run=awards_services.evaluation_run_create(actor=admin_user, year=year)
    )
    for category in ("collective", "individual", "unit"):
        awards_services.shortlist_build(actor=admin_user, run=run, category=category, top_n=1)
    items = {item.category: item for item in awards_selectors.shortlist(run)}
    awards = awards_selectors.year_awards(year)
    awards_services.shortlist_decide(
        actor=admin_user,
        item=items["collective"],
        award=awards["collective"].code,
        recommend_province=True,
    )
    awards_services.shortlist_decide(
        actor=admin_user, item=items["individual"], award=awards["individual"].code
    )
    awards_services.shortlist_decide(actor=admin_user, item=items["unit"], recommend_province=True)
    return run


@pytest.fixture
def reviewers(db):
    return [scoring.reviewer(f"judge{i}") for i in range(2)]
