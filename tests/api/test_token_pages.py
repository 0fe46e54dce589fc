"""The admin's token pages: the secret shown once (never stored, never again), the record of
use, revocation; other roles kept out."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from api import services
from api.models import ApiToken
from api.selectors import secret_hash

pytestmark = pytest.mark.django_db


def create(client, year, **changes):
    data = {
        "name": "安徽省总工会评选系统",
        "scopes": ["recommendations", "awards"],
        "years": [year.pk],
        "expires_on": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
        **changes,
    }
    return client.post(reverse("api_tokens:token_create"), data)


def secret_on(response) -> str:
    text = html.unescape(response.content.decode())
    start = text.index("hbapi_")
    return text[start : text.index('"', start)]


def test_admin_creates_token_secret_shown_once(client_for, admin_user, year):
    client = client_for(admin_user)
    response = create(client, year)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    secret = secret_on(response)
    token = ApiToken.objects.get()
    assert token.key_hash == secret_hash(secret)
    assert token.scopes == ["awards", "recommendations"]
    assert list(token.years.all()) == [year]
    assert token.created_by == admin_user
    assert timezone.localtime(token.expires_at).date() == timezone.localdate() + datetime.timedelta(
        days=90
    )
    assert "curl -H" in html.unescape(response.content.decode())
    for page in (
        client.get(reverse("api_tokens:token_list")),
        client.get(reverse("api_tokens:token_detail", args=[token.pk])),
    ):
        assert page.status_code == 200
        assert secret not in page.content.decode()
        assert token.prefix in page.content.decode()


def test_created_token_reads_the_api(client_for, admin_user, year, client):
    secret = secret_on(create(client_for(admin_user), year))
    client.logout()
    response = client.get(
        reverse("api:recommendation_list"), headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_admin_revokes_token(client_for, admin_user, year):
    client = client_for(admin_user)
    secret = secret_on(create(client, year))
    token = ApiToken.objects.get()
    response = client.post(reverse("api_tokens:token_revoke", args=[token.pk]), follow=True)
    assert "已撤销" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_by == admin_user
    client.logout()
    refused = client.get(reverse("api:unit_list"), headers={"Authorization": f"Bearer {secret}"})
    assert refused.status_code == 401


def test_detail_shows_use(client_for, admin_user, year, client):
    secret = secret_on(create(client_for(admin_user), year, scopes=["units"]))
    client.logout()
    for _ in range(3):
        client.get(reverse("api:unit_list"), headers={"Authorization": f"Bearer {secret}"})
    token = ApiToken.objects.get()
    page = client_for(admin_user).get(reverse("api_tokens:token_detail", args=[token.pk]))
    text = page.content.decode()
    assert "/api/v1/units/" in text
    assert token.uses.get().count == 3


def test_nav_link_only_for_admin(client_for, admin_user, office_user):
    link = reverse("api_tokens:token_list")
    assert link in client_for(admin_user).get(reverse("home")).content.decode()
    assert link not in client_for(office_user).get(reverse("home")).content.decode()


def test_token_list_query_count_constant(client_for, admin_user, year, django_assert_num_queries):
    def make(n):
        for i in range(n):
            services.api_token_create(
                actor=admin_user,
                name=f"客户端{i}",
                scopes=["units"],
                years=[year],
                expires_at=timezone.now() + datetime.timedelta(days=3),
            )

    client = client_for(admin_user)
    make(1)
    client.get(reverse("api_tokens:token_list"))
    with django_assert_num_queries(6):
        assert len(client.get(reverse("api_tokens:token_list")).context["page"]) == 1
    make(10)
    with django_assert_num_queries(6):
        assert len(client.get(reverse("api_tokens:token_list")).context["page"]) == 11
